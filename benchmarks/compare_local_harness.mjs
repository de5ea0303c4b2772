// Runs static/js/compare-local.js in Node for compare_local_bench.py: reads the offline data and the
// requests (JSON files named on the command line), prints one JSON line per request: its result and time.
import fs from "fs";
import path from "path";
import { createRequire } from "module";
import { fileURLToPath, pathToFileURL } from "url";

const require = createRequire(import.meta.url);
const statics = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src", "storymap", "static");
// The two vendored libraries are UMD builds: in the page they are globals, here CommonJS modules.
globalThis.geodesic = require(path.join(statics, "vendor/geographiclib-geodesic/geographiclib-geodesic.min.js"));
globalThis.polygonClipping = require(path.join(statics, "vendor/polygon-clipping/polygon-clipping.umd.min.js"));
const { LocalComparison } = await import(pathToFileURL(path.join(statics, "js/compare-local.js")).href);

const [dataFile, requestsFile, warmup] = process.argv.slice(2);
const local = new LocalComparison(JSON.parse(fs.readFileSync(dataFile, "utf8")));
const requests = JSON.parse(fs.readFileSync(requestsFile, "utf8"));
for (let i = 0; i < Number(warmup || 0); i++) local.compare(requests[i % requests.length]);
for (const request of requests) {
  const start = performance.now();
  const result = local.compare(request);
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms, result }) + "\n");
}
