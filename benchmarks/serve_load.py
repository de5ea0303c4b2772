#!/usr/bin/env python3
"""Throughput and latency of ``storymap serve`` under a bounded load on loopback, and its start-up time.

For the code under test (and, with ``--baseline-src``, a baseline checkout in
the same run) the script starts ``storymap serve`` on the bundled data and times
how long the server takes from start until it answers its first request to
``/``: ``--runs`` first starts (each on an empty ``STORYMAP_CACHE_DIR``, so the
model is built) and as many restarts (the model the first start stored is read
back), taken in turns with the baseline's so that the machine's drift hits
both. It prints each kind's median and worst: one start is not a figure on a VM
whose speed varies by 15 %.

The servers run as an installed storymap runs: from bytecode. This machine
sets ``PYTHONDONTWRITEBYTECODE``, so a checkout on ``PYTHONPATH`` would compile
every storymap module from source on every start, which a ``pip install``
(compiled at install time) never does. Each ``src`` is therefore compiled with
``python -m compileall`` into a private ``PYTHONPYCACHEPREFIX`` in a temporary
folder first. The prefix holds the bytecode of every module, the standard
library and the installed libraries included, so one untimed start per
``src`` with bytecode writing on fills it for everything a start imports; the
timed starts then run with ``PYTHONDONTWRITEBYTECODE=1`` and compile nothing.

Then (unless ``--startup-only``) it runs wrk (``/usr/bin/wrk``: 2 threads, 64
connections, 15 s, gzip accepted, by default) against each route of a
restarted server in turn:

- ``/``, the cached map page;
- ``/api/districts.geojson`` and ``/api/places.geojson``;
- ``/api/compare?items=...`` (skipped, with a note, where the route answers 404): the
  same comparison each time, as a shared link is opened;
- ``/api/compare`` with three new random points in the central districts on
  every request ("compare, new"): what a planner picking points pays, nothing
  cached. Shown for information, outside the targets: each is a computation;
- the vendored ``leaflet.js``, at the URL the served page links to (static URLs
  may carry a content hash).

For each it prints requests/s, p50 and p99 latency, errors, the bytes of one
response, and the route's ratio to ``/`` measured in the same run. Targets
(issue 10): every route at least 0.8x the cached page with p99 under 200 ms, and
the first answer within 2 s of start (every timed start: the worst counts).

    python benchmarks/serve_load.py
    python benchmarks/serve_load.py --baseline-src /work/main/src
    python benchmarks/serve_load.py --duration 5 --workers 2 --json
    python benchmarks/serve_load.py --startup-only --runs 7 --baseline-src /tmp/old/src

wrk runs on the same machine as the server, as a reader's browser would not:
the figures compare routes and codes with each other, not with a deployment.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
COMPARE = "/api/compare?items=place:modu-space,place:tanjiaqiao-road,district:310101&r=1000&crs=wgs84"
TARGET_RATIO = 0.8
TARGET_P99_MS = 200
TARGET_START_S = 2.0
NEW_COMPARE = "compare, new"  # informational: a computation per request, outside the targets

# wrk's summary as one JSON line, so nothing depends on its text layout.
WRK_REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write, e.timeout, e.status))
end
"""


# wrk's request(): three random points (WGS-84) in the central districts, seeded per wrk thread.
NEW_ITEMS = r"""
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(seed or 1)
end
request = function()
  local items = {}
  for i = 1, 3 do
    items[i] = string.format("pt:%.5f:%.5f", 121.40 + math.random() * 0.15, 31.18 + math.random() * 0.12)
  end
  return wrk.format(nil, PREFIX .. "/api/compare?r=1000&crs=wgs84&items=" .. table.concat(items, ","))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, gzip_ok: bool = True, timeout: float = 10):
    """(status, headers, body as sent, final URL) of one request, redirects followed; 4xx/5xx are answers too."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read(), response.geturl()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read(), exc.geturl()


def bytecode_env(src: Path, prefix: Path, write: bool = False) -> dict[str, str]:
    """The environment of a server run from ``src`` with its bytecode under ``prefix``."""
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": str(prefix)}
    if write:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def compile_to_bytecode(src: Path, prefix: Path, workers: int, threads: int) -> None:
    """Fill ``prefix`` with the bytecode a start from ``src`` needs, as an installed storymap has it.

    ``compileall`` compiles every module of ``src``; an untimed start with
    writing on adds the standard library's and the libraries' modules it
    imports (under a prefix, Python reads no ``__pycache__`` folder).
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j0", str(src)], env=bytecode_env(src, prefix),
                   check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as cache_dir:
        Server(src, workers, threads, Path(cache_dir), bytecode_env(src, prefix, write=True)).stop()


class Server:
    """``storymap serve`` from a given src folder, on a free port."""

    def __init__(self, src: Path, workers: int, threads: int, cache_dir: Path, env: dict[str, str]):
        self.src = src
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "storymap", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--threads", str(threads)]
        if workers > 1:
            args += ["--workers", str(workers)]
        self.log = tempfile.TemporaryFile(mode="w+")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            args, cwd=REPO, env={**env, "STORYMAP_CACHE_DIR": str(cache_dir)}, stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.startup_s = self._first_answer()

    def _first_answer(self, limit_s: float = 120) -> float:
        """Seconds from process start to the first complete answer to ``/``."""
        while time.perf_counter() - self.started < limit_s:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"storymap serve ({self.src}) exited with {self.proc.returncode}:\n{self.log.read()}")
            try:
                status, _, _, _ = get(self.base + "/", timeout=5)
                if status == 200:
                    return time.perf_counter() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"storymap serve ({self.src}) did not answer within {limit_s:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def leaflet_path(page: str) -> str | None:
    """The leaflet.js URL the map page loads (it may carry a content hash)."""
    match = re.search(r"""<script[^>]+src=["']([^"']*leaflet[^"'/]*\.js[^"']*)["']""", page)
    return match.group(1) if match else None


def routes(server: Server) -> tuple[dict[str, str], list[str]]:
    """label -> path of every route to load, and notes on the ones left out.

    Each path is the one that answers: a redirect (``/`` to the only region's
    map, old unprefixed API links to the region's) is followed here, once, so
    wrk loads the page or document itself rather than timing a 3xx.
    """
    def resolved(path: str) -> tuple[int, str, bytes, str]:
        status, headers, body, url = get(server.base + path)
        if headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return status, url[len(server.base):], body, headers.get("Content-Type", "")

    found, notes = {}, []
    status, page_path, page, _ = resolved("/")
    if status != 200:
        raise RuntimeError(f"/ answered {status} on {server.src}")
    found["/"] = page_path
    # The API lives beside the map page: /api/... on a one-region app, /<region>/api/... on the site.
    prefix = page_path.rstrip("/")
    for name, path in (("districts.geojson", "/api/districts.geojson"), ("places.geojson", "/api/places.geojson"),
                       ("compare", COMPARE)):
        status, url, _, _ = resolved(prefix + path)
        if status == 200:
            found[name] = url
            if name == "compare":
                found[NEW_COMPARE] = url
        else:
            notes.append(f"{name}: skipped, {prefix + path} answers {status} on {server.src}")
    leaflet = leaflet_path(page.decode("utf-8"))
    if leaflet is None:
        notes.append("leaflet.js: skipped, no <script src=...leaflet...js> in the page")
    else:
        found["leaflet.js"] = urllib.parse.urljoin(page_path, leaflet)
    return found, notes


def load(url: str, args, script: Path) -> dict:
    command = [WRK, f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
               "-s", str(script), url]
    if not args.no_gzip:
        command[1:1] = ["-H", "Accept-Encoding: gzip"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60, check=False)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary for {url}:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line[len("WRK_JSON "):])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def startup_times(srcs: dict[str, Path], prefix: Path, args) -> dict[str, dict[str, list[float]]]:
    """Seconds to the first answer of ``args.runs`` first starts and restarts per code, taken in turns."""
    times = {label: {"first": [], "restart": []} for label in srcs}
    for round_ in range(args.runs):
        for label, src in srcs.items():
            with tempfile.TemporaryDirectory() as cache_dir:
                # A first start with no stored model (a fresh install), then a restart on the same files.
                for kind in ("first", "restart"):
                    server = Server(src, args.workers, args.server_threads, Path(cache_dir), bytecode_env(src, prefix))
                    server.stop()
                    times[label][kind].append(server.startup_s)
            print(f"  start-up round {round_ + 1}/{args.runs}, {label}: first {times[label]['first'][-1]:.2f} s, "
                  f"restart {times[label]['restart'][-1]:.2f} s", file=sys.stderr)
    return times


def measure(label: str, src: Path, prefix: Path, args, script: Path) -> dict:
    """wrk against every route of a server restarted on a stored model."""
    print(f"{label}: load on storymap serve from {src}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as cache_dir:
        Server(src, args.workers, args.server_threads, Path(cache_dir), bytecode_env(src, prefix)).stop()
        server = Server(src, args.workers, args.server_threads, Path(cache_dir), bytecode_env(src, prefix))
        try:
            return _measure(server, args, script)
        finally:
            server.stop()


def _measure(server: Server, args, script: Path) -> dict:
    """wrk against every route of a running server."""
    found, notes = routes(server)
    results = {}
    for name, path in found.items():
        status, headers, body, url = get(server.base + path, gzip_ok=not args.no_gzip)
        if url != server.base + path:
            raise RuntimeError(f"{server.base + path} redirects to {url}: wrk would time the redirect")
        if name == NEW_COMPARE:
            prefix = urllib.parse.urlsplit(path).path[:-len("/api/compare")]
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
                handle.write(f"PREFIX = {json.dumps(prefix)}\n" + NEW_ITEMS + script.read_text())
            try:
                figures = load(server.base + path, args, Path(handle.name))
            finally:
                os.unlink(handle.name)
        else:
            figures = load(server.base + path, args, script)
        figures.update(path=path, status=status, response_bytes=len(body), encoding=headers.get("Content-Encoding") or "-")
        results[name] = figures
        print(f"  {name}: {figures['rps']:.0f} req/s, p99 {figures['p99_us'] / 1000:.0f} ms", file=sys.stderr)
    return {"src": str(server.src), "routes": results, "notes": notes}


STARTS = {"first": "first start (nothing stored)", "restart": "restart (model stored)"}


def print_startup(label: str, src: Path, times: dict[str, list[float]]) -> list[str]:
    """Print one code's start-up figures; returns the targets it misses (the worst start counts)."""
    misses = []
    print(f"\n{label}: {src}")
    for kind, what in STARTS.items():
        runs = times[kind]
        verdict = "PASS" if max(runs) < TARGET_START_S else "FAIL"
        print(f"  first answer after a {what}: median {statistics.median(runs):.2f} s, worst {max(runs):.2f} s "
              f"of {len(runs)} ({', '.join(f'{t:.2f}' for t in runs)}; target < {TARGET_START_S:g} s: {verdict})")
        if verdict == "FAIL":
            misses.append(f"{what}: worst {max(runs):.2f} s")
    return misses


def print_run(label: str, run: dict) -> list[str]:
    """Print one code's table under load; returns the targets it misses."""
    misses = []
    print(f"\n{label} under load: {run['src']}")
    routes_ = run["routes"]
    page_rps = routes_["/"]["rps"]
    print(f"  {'route':<18} {'req/s':>8} {'x /':>6} {'p50':>9} {'p99':>9} {'errors':>7} {'bytes':>9} {'enc':>5}")
    for name, r in routes_.items():
        ratio = r["rps"] / page_rps
        errors = r["socket_errors"] + r["timeouts"] + r["non_2xx_3xx"]
        ok = name == NEW_COMPARE or (ratio >= TARGET_RATIO and r["p99_us"] / 1000 < TARGET_P99_MS)
        if not ok:
            misses.append(name)
        print(f"  {name:<18} {r['rps']:>8.0f} {ratio:>6.2f} {r['p50_us'] / 1000:>7.1f}ms {r['p99_us'] / 1000:>7.0f}ms "
              f"{errors:>7} {r['response_bytes']:>9,} {r['encoding']:>5}{'' if ok else '  <- target'}")
    for name, r in routes_.items():
        if name == NEW_COMPARE:
            print(f"  {name}: .../api/compare?r=1000&crs=wgs84&items=pt:LON:LAT x 3, new random points in "
                  "121.40-121.55 E, 31.18-31.30 N on every request (outside the targets)")
        else:
            print(f"  {name}: {r['path']}")
    for note in run["notes"]:
        print(f"  note: {note}")
    return misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", type=Path, default=SRC, help="src folder of the code to measure [this checkout]")
    parser.add_argument("--baseline-src", type=Path, default=None, help="src folder of a baseline checkout")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per route [15]")
    parser.add_argument("--connections", type=int, default=64, help="open connections [64]")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads [2]")
    parser.add_argument("--workers", type=int, default=1, help="storymap serve --workers [1]")
    parser.add_argument("--server-threads", type=int, default=4, help="storymap serve --threads [4]")
    parser.add_argument("--no-gzip", action="store_true", help="do not send Accept-Encoding: gzip")
    parser.add_argument("--json", action="store_true", help="also print every figure as JSON")
    parser.add_argument("--runs", type=int, default=5, help="first starts and restarts timed per code [5]")
    parser.add_argument("--startup-only", action="store_true", help="time the starts only, no load (needs no wrk)")
    args = parser.parse_args(argv)
    if not args.startup_only and not Path(WRK).exists():
        print(f"wrk not found at {WRK}; install it (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    srcs = {"current": args.src.resolve()}
    if args.baseline_src:
        srcs["baseline"] = args.baseline_src.resolve()

    runs = {label: {"src": str(src)} for label, src in srcs.items()}
    with tempfile.TemporaryDirectory(prefix="storymap-bytecode-") as prefix:
        for label, src in srcs.items():
            print(f"{label}: compiling {src} and what a start imports into {prefix}", file=sys.stderr)
            compile_to_bytecode(src, Path(prefix), args.workers, args.server_threads)
        for label, times in startup_times(srcs, Path(prefix), args).items():
            runs[label]["startup_s"] = times
        if not args.startup_only:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
                handle.write(WRK_REPORT)
            script = Path(handle.name)
            try:
                for label, src in srcs.items():
                    runs[label].update(measure(label, src, Path(prefix), args, script))
            finally:
                script.unlink()

    print(f"\nstorymap serve --workers {args.workers} --threads {args.server_threads}, run from bytecode; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    misses = []
    for label, src in srcs.items():
        found = print_startup(label, src, runs[label]["startup_s"])
        misses += found if label == "current" else []
    if "baseline" in runs:
        current, baseline = runs["current"]["startup_s"], runs["baseline"]["startup_s"]
        print("\n  current / baseline median start-up: " + ", ".join(
            f"{kind} {statistics.median(current[kind]) / statistics.median(baseline[kind]):.2f}x" for kind in STARTS))
    if not args.startup_only:
        print(f"\nunder wrk: {args.wrk_threads} threads, {args.connections} connections, {args.duration} s per "
              f"route, {'identity' if args.no_gzip else 'gzip accepted'}")
        print(f"targets: each route >= {TARGET_RATIO}x the req/s of / and p99 < {TARGET_P99_MS} ms")
        misses += print_run("current", runs["current"])
        if "baseline" in runs:
            print_run("baseline", runs["baseline"])
            current, baseline = runs["current"]["routes"], runs["baseline"]["routes"]
            print("\n  current / baseline req/s: " + ", ".join(
                f"{name} {current[name]['rps'] / baseline[name]['rps']:.2f}x" for name in current if name in baseline
            ))
    if args.json:
        print(json.dumps(runs, indent=1))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
