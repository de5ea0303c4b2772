#!/usr/bin/env python3
"""The comparison for 6 items with walking circles, server side: storymap vs. a naive computation.

(a) storymap: ``storymap.compare.compare`` on the built model, as ``/api/compare``
    calls it (parsing included): geodesic circles in a local azimuthal
    equidistant projection (a PROJ pipeline), an STRtree over the
    full-resolution districts, ellipsoidal areas with ``pyproj.Geod``.
(b) naive: the obvious version (and the first draft of this module): an
    azimuthal equidistant ``Transformer.from_crs`` per circle, every
    full-resolution district reprojected to UTM 51N and overlaid on the circles
    with ``geopandas.overlay`` per request, pairwise overlaps by GeoSeries
    intersection in UTM, distances with ``Geod.inv``.

Two workloads: the same 6 items every run (a planner reloading a comparison),
and 6 new points every run (nothing cached per item). Reports the median and
the 90th percentile of ``--runs`` runs after ``--warmup`` untimed runs, and
checks the budget: the median for 6 new points must be under ``--budget-ms``
(default 50) ms; exits 1 on FAIL.

    python benchmarks/compare_bench.py [--runs 200] [--naive-runs 20] [--budget-ms 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SAME_ITEMS = ["place:modu-space", "place:tanjiaqiao-road", "pt:121.49:31.24", "district:310101",
              "place:changning", "place:shantao-bund"]


def fresh_points(model, rng: random.Random, count: int = 6) -> list[str]:
    """Random points (4 decimals) inside the central districts, new every call."""
    points = []
    while len(points) < count:
        lon, lat = round(rng.uniform(121.38, 121.56), 4), round(rng.uniform(31.15, 31.32), 4)
        try:
            model.geodata.locate(lon, lat)
        except Exception:
            continue
        points.append(f"pt:{lon}:{lat}")
    return points


def storymap_compare(model, items, radius):
    from storymap.compare import compare, parse_request

    return compare(model, parse_request(model, items, radius, "wgs84"))


def naive_compare(model, items, radius):
    """The straightforward computation, for the baseline column."""
    import geopandas as gpd
    import numpy as np
    import shapely
    from pyproj import Geod, Transformer

    from storymap.compare import parse_request

    geod = Geod(ellps="WGS84")
    request = parse_request(model, items, radius, "wgs84")
    districts = model.geodata.full[["code", "geometry"]].to_crs("EPSG:32651")
    circles = []
    for item in request.items:
        local = f"+proj=aeqd +lat_0={item.lat} +lon_0={item.lon} +datum=WGS84 +units=m"
        to_wgs = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
        angles = np.linspace(0, 2 * np.pi, 128, endpoint=False)
        lons, lats = to_wgs.transform(radius * np.sin(angles), radius * np.cos(angles))
        circles.append(shapely.Polygon(zip(lons, lats)))
    frame = gpd.GeoDataFrame({"item": range(len(circles))}, geometry=circles, crs="EPSG:4326").to_crs("EPSG:32651")
    pieces = gpd.overlay(frame, districts, how="intersection")
    shares = pieces.assign(area=pieces.area).groupby(["item", "code"])["area"].sum()
    overlaps = {(i, j): frame.geometry.iloc[i].intersection(frame.geometry.iloc[j]).area
                for i in range(len(circles)) for j in range(i + 1, len(circles))}
    distances = {(i, j): geod.inv(a.lon, a.lat, b.lon, b.lat)[2]
                 for i, a in enumerate(request.items) for j, b in enumerate(request.items) if i < j}
    return shares, overlaps, distances


def measure(function, model, items_for_run, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        function(model, items_for_run(), 1000)
    times = []
    for _ in range(runs):
        items = items_for_run()
        start = time.perf_counter()
        function(model, items, 1000)
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"{statistics.median(ordered):7.1f} ms (p90 {ordered[int(0.9 * (len(ordered) - 1))]:6.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--naive-runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget-ms", type=float, default=50.0)
    args = parser.parse_args()

    from storymap.pipeline import build_model

    model = build_model(ROOT / "stories", ROOT / "geodata" / "shanghai")
    rng = random.Random(7)
    workloads = {
        "same 6 items (4 places/districts, 2 points)": lambda: SAME_ITEMS,
        "6 new points every run": lambda: fresh_points(model, rng),
    }
    print(f"compare, 6 items, r = 1000 m; median of {args.runs} runs (naive: {args.naive_runs})")
    print(f"{'workload':<46}{'storymap':>28}{'naive':>28}")
    verdict_ms = None
    for name, items_for_run in workloads.items():
        ours = measure(storymap_compare, model, items_for_run, args.runs, args.warmup)
        naive = measure(naive_compare, model, items_for_run, args.naive_runs, 1)
        print(f"{name:<46}{summary(ours):>28}{summary(naive):>28}")
        verdict_ms = statistics.median(ours)
    passed = verdict_ms < args.budget_ms
    print(f"budget: median for 6 new points {verdict_ms:.1f} ms < {args.budget_ms:g} ms: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
