#!/usr/bin/env python3
"""The static copy's comparison, computed in the page (compare-local.js), against the server's.

The static copy has no server: its map page computes a comparison itself
(``static/js/compare-local.js`` with geographiclib-geodesic and polygon-clipping,
from the data ``/api/compare/offline.json`` gives). This script runs that module in
Node on ``--requests`` random requests (2-6 items: story places, districts, points
anywhere in the region; radius 200-5000 m) and on the same requests through the
server's ``storymap.compare.compare`` (the baseline column), then compares every
number of the two results: distances, bearings, coordinates, areas, shares.

Reports the median and 90th percentile time of each side and the largest
difference per kind of number, and checks: every difference within the
tolerance the static copy promises (1 m, 0.1 degree, 0.001 of a share; areas to
1e-4 relative), and the page's median under ``--budget-ms`` (default 100) ms.
Exits 1 on FAIL. Needs ``node`` (any current release).

    python benchmarks/compare_local_bench.py [--requests 60] [--seed 3] [--budget-ms 100]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
HARNESS = Path(__file__).with_name("compare_local_harness.mjs")


def random_requests(model, rng: random.Random, count: int) -> list[dict]:
    from storymap.errors import OutsideDistrictsError

    west, south, east, north = model.geodata.full.total_bounds
    requests = []
    while len(requests) < count:
        items: list[str] = []
        for _ in range(rng.randint(2, 6)):
            kind = rng.random()
            if kind < 0.3:
                items.append(f"place:{rng.choice(model.places)['id']}")
            elif kind < 0.45:
                items.append(f"district:{rng.choice(model.districts)['code']}")
            else:
                lon, lat = round(rng.uniform(west, east), 4), round(rng.uniform(south, north), 4)
                try:
                    model.geodata.locate(lon, lat)
                except OutsideDistrictsError:
                    continue
                items.append(f"pt:{lon}:{lat}")
        items = list(dict.fromkeys(items))
        if len(items) >= 2:
            requests.append({"items": items, "r": rng.choice([200, 500, 1000, 2500, 5000]), "crs": "wgs84"})
    return requests


def tolerance(path: str, expected: float) -> float:
    """How far the page may be from the server for the number at ``path``."""
    key = path.rsplit(".", 1)[-1]
    if key.endswith("_m") or key in ("matrix",):
        return 1.0
    if key.endswith("_deg") or key == "bearing_matrix":
        return 0.1
    if key.endswith("_m2"):
        return max(1e-4 * abs(expected), 0.1)
    if "share" in key:
        return 0.001
    return 1e-6  # coordinates (degrees), counts, radii


def differences(path: str, mine, theirs, out: dict[str, float], problems: list[str]) -> None:
    if isinstance(theirs, bool) or theirs is None or isinstance(theirs, str):
        if mine != theirs:
            problems.append(f"{path}: {mine!r} != {theirs!r}")
    elif isinstance(theirs, (int, float)):
        if not isinstance(mine, (int, float)):
            problems.append(f"{path}: {mine!r} != {theirs!r}")
            return
        key = ".".join(p for p in path.split(".") if not p.isdigit())
        out[key] = max(out.get(key, 0.0), abs(mine - theirs))
        if abs(mine - theirs) > tolerance(key, theirs):
            problems.append(f"{path}: {mine!r} differs from {theirs!r}")
    elif isinstance(theirs, list):
        if not isinstance(mine, list) or len(mine) != len(theirs):
            problems.append(f"{path}: {len(mine or [])} entries, expected {len(theirs)}")
            return
        for index, (a, b) in enumerate(zip(mine, theirs)):
            differences(f"{path}.{index}", a, b, out, problems)
    else:
        if not isinstance(mine, dict) or set(mine) != set(theirs):
            problems.append(f"{path}: keys {sorted(mine or {})} != {sorted(theirs)}")
            return
        for key in theirs:
            differences(f"{path}.{key}", mine[key], theirs[key], out, problems)


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"{statistics.median(ordered):7.1f} ms (p90 {ordered[int(0.9 * (len(ordered) - 1))]:6.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget-ms", type=float, default=100.0)
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        print("node is not installed; expected Node.js (apt-get install nodejs) to run compare-local.js")
        return 1

    from storymap.compare import compare, parse_request
    from storymap.compare.offline import offline_data
    from storymap.pipeline import build_model

    model = build_model(ROOT / "stories", ROOT / "geodata" / "shanghai")
    requests = random_requests(model, random.Random(args.seed), args.requests)
    server, server_ms = [], []
    for request in requests:
        start = time.perf_counter()
        server.append(compare(model, parse_request(model, request["items"], request["r"], request["crs"])))
        server_ms.append((time.perf_counter() - start) * 1000)
    with tempfile.TemporaryDirectory() as folder:
        data_file, requests_file = Path(folder) / "data.json", Path(folder) / "requests.json"
        data_file.write_text(json.dumps(offline_data(model)), "utf-8")
        requests_file.write_text(json.dumps(requests), "utf-8")
        run = subprocess.run([node, str(HARNESS), str(data_file), str(requests_file), str(args.warmup)],
                             capture_output=True, text=True, check=True)
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    worst: dict[str, float] = {}
    problems: list[str] = []
    for answer, expected in zip(answers, server, strict=True):
        differences("", answer["result"], json.loads(json.dumps(expected)), worst, problems)
    print(f"compare, {len(requests)} random requests (2-6 items, r 200-5000 m): page (Node) vs server")
    print(f"{'page: compare-local.js':<32}{summary([a['ms'] for a in answers]):>28}")
    print(f"{'server: storymap.compare':<32}{summary(server_ms):>28}")
    print("largest difference, page - server:")
    for key in sorted(worst):
        if worst[key] > 0:
            print(f"  {key.lstrip('.'):<40}{worst[key]:.3g}")
    print(f"  (every other number identical: {sum(1 for v in worst.values() if v == 0)} kinds)")
    for problem in problems[:10]:
        print(f"  beyond tolerance: {problem}")
    median = statistics.median(a["ms"] for a in answers)
    passed = not problems and median < args.budget_ms
    print(f"agreement: {len(problems)} numbers beyond tolerance; budget: page median {median:.1f} ms "
          f"< {args.budget_ms:g} ms: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
