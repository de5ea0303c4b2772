#!/usr/bin/env python3
"""Pipeline build time and memory at newsroom scale, against the ideal linear line.

For each size (default 1k, 10k, 100k places) the script writes a synthetic
story folder: places at random points inside the real Shanghai districts
(``geodata/shanghai/districts.full.geojson``, a fixed seed), half given in
WGS-84 and half in GCJ-02, each with explicit coordinates, its district and one
excerpt. It then builds the story model (``storymap.pipeline.build_model``:
read and validate the story, geocode, join to the full-resolution polygons,
assemble the model; what ``storymap validate`` runs) in a fresh Python process
and reports

- the build time (best of ``--repeat`` runs) and its breakdown by stage,
- the peak resident memory of that process, and its growth during the build
  (peak minus the resident memory just before it; Linux),
- the ideal linear line: the smallest size's time and memory growth scaled by
  the number of places; ``x linear`` is measured / ideal (1.0 is linear).

With ``--baseline-src DIR`` (a ``src`` folder of another checkout, e.g. the
main branch before this work) every size is measured on both codes in the same
run and printed side by side. A quadratic baseline takes hours at 100k places,
so the baseline is measured only up to ``--baseline-max`` places (default
10,000) and its larger sizes are shown as skipped.

    python benchmarks/pipeline_scale.py
    python benchmarks/pipeline_scale.py --baseline-src /work/main/src
    python benchmarks/pipeline_scale.py --sizes 1000,10000 --repeat 3 --json

Targets (2 cores): 10,000 places in under 2 s, 100,000 in under 20 s, memory
growing linearly. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
GEODATA = REPO / "geodata" / "shanghai"
TARGETS_S = {10_000: 2.0, 100_000: 20.0}
THEMES = ("renewal", "innovation", "livelihood", "ecology")
MB = 1024 * 1024


# ---------------------------------------------------------------- synthetic data

def synthetic_points(count: int, seed: int) -> list[tuple[float, float, str]]:
    """``count`` WGS-84 points inside the districts, each with its adcode.

    Each district is shrunk by about 100 m first, so a GCJ-02 round trip (exact
    to 1e-12 degrees) can never move a point across a border.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    districts = gpd.read_file(GEODATA / "districts.full.geojson")
    rng = np.random.default_rng(seed)
    shapes = [shapely.buffer(g, -0.001) for g in districts.geometry]
    codes = [str(c) for c in districts["code"]]
    # Each point picks a district uniformly, not by area: like real stories,
    # small central districts get as many places as Chongming.
    picks = rng.integers(0, len(shapes), size=count)
    points: list[tuple[float, float, str]] = []
    for index, (shape, code) in enumerate(zip(shapes, codes)):
        wanted = int((picks == index).sum())
        west, south, east, north = shape.bounds
        found: list[tuple[float, float]] = []
        while len(found) < wanted:
            lon = rng.uniform(west, east, size=wanted * 4)
            lat = rng.uniform(south, north, size=wanted * 4)
            inside = shapely.contains_xy(shape, lon, lat)
            found.extend(zip(lon[inside].tolist(), lat[inside].tolist()))
        points.extend((lon, lat, code) for lon, lat in found[:wanted])
    random.Random(seed).shuffle(points)
    return points


def write_story_folder(root: Path, count: int, seed: int) -> Path:
    """A stories folder with one story file of ``count`` places; returns the folder."""
    from storymap import coords  # the conversion under test is the same in every checkout

    folder = root / "stories" / "bench"
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text("synthetic\n", "utf-8")
    out = [
        f"id: bench-{count}", 'city: "310000"', "series: 基准测试", "newspaper: 基准报",
        f"title: 合成故事 {count} 处", 'date: "2025-12"', "reporters:", "  - 记者甲",
        "source:", "  file: source.txt", "sections:",
    ]
    for theme in THEMES:
        out += [f"  - id: s-{theme}", f"    title: 小节 {theme}", f"    theme: {theme}"]
    out.append("places:")
    points = synthetic_points(count, seed)
    for index, (lon, lat, code) in enumerate(points):
        crs = "gcj02" if index % 2 else "wgs84"
        if crs == "gcj02":
            lon, lat = coords.wgs84_to_gcj02(lon, lat)
        out += [
            f"  - id: p{index}", f"    name: 地点{index}号", f"    name_en: Place {index}",
            "    role: " + ("story" if index % 3 else "mentioned"),
            f"    lon: {lon:.9f}", f"    lat: {lat:.9f}", f"    crs: {crs}",
            "    source: synthetic benchmark point", "    precision: street", f"    district: {code}",
        ]
    out.append("excerpts:")
    for index in range(count):
        out += [
            f"  - id: e{index}", f"    section: s-{THEMES[index % len(THEMES)]}", f"    place: p{index}",
            f"    text: 第{index}段。这里是一段合成的报道文字，讲述地点{index}号的变化。",
        ]
    (folder / "story.yaml").write_text("\n".join(out) + "\n", "utf-8")
    return root / "stories"


# ---------------------------------------------------------------- measurement

# Runs in a fresh interpreter with PYTHONPATH set to the code under test, so
# each size starts from the same memory and the two codes never mix.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from storymap import pipeline

stages = {}
def timed(name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            stages[name] = stages.get(name, 0.0) + time.perf_counter() - start
    return wrapper
for name in ("load_geodata", "load_gazetteer", "load_stories", "geocode_places", "join_places", "assemble_model"):
    if hasattr(pipeline, name):
        setattr(pipeline, name, timed(name, getattr(pipeline, name)))

# Resident memory now, not the high-water mark: importing may peak higher than a small build.
before = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() // 1024
start, cpu = time.perf_counter(), time.process_time()
model = pipeline.build_model(Path(sys.argv[1]), Path(sys.argv[2]))
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "places": len(model.places), "stages": stages,
                  "rss_before_kb": before, "rss_peak_kb": peak}))
"""


def measure(src: Path, stories: Path, timeout: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(stories), str(GEODATA)],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"build failed with {src}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def best_of(src: Path, stories: Path, repeat: int, timeout: float) -> dict:
    runs = [measure(src, stories, timeout) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["rss_peak_kb"] = max(r["rss_peak_kb"] for r in runs)
    best["growth_mb"] = (best["rss_peak_kb"] - best["rss_before_kb"]) / 1024
    return best


# ---------------------------------------------------------------- report

def fmt_s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def print_table(label: str, sizes: list[int], results: dict[int, dict | None]) -> None:
    measured = [n for n in sizes if results.get(n)]
    print(f"\n{label}")
    print(f"  {'places':>8}  {'build':>9}  {'CPU':>9}  {'linear':>9}  {'x linear':>8}  {'peak RSS':>9}  "
          f"{'growth':>9}  {'linear':>9}  {'µs/place':>8}")
    if not measured:
        print("  (nothing measured)")
        return
    base_n = measured[0]
    base = results[base_n]
    for n in sizes:
        r = results.get(n)
        if r is None:
            print(f"  {n:>8,}  {'skipped':>9}")
            continue
        ideal_s = base["seconds"] * n / base_n
        ideal_mb = max(base["growth_mb"], 0.1) * n / base_n
        print(f"  {n:>8,}  {fmt_s(r['seconds']):>9}  {fmt_s(r['cpu_seconds']):>9}  {fmt_s(ideal_s):>9}  {r['seconds'] / ideal_s:>8.2f}  "
              f"{r['rss_peak_kb'] / 1024:>6.0f} MB  {r['growth_mb']:>6.0f} MB  {ideal_mb:>6.0f} MB  "
              f"{r['seconds'] / n * 1e6:>8.0f}")
    print("  stages (s): " + "; ".join(
        f"{n:,}: " + ", ".join(f"{k.replace('load_', '').replace('_places', '')} {v:.2f}"
                               for k, v in results[n]["stages"].items())
        for n in measured
    ))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated place counts")
    parser.add_argument("--repeat", type=int, default=1, help="builds per size; the fastest counts")
    parser.add_argument("--src", type=Path, default=SRC, help="src folder of the code to measure [this checkout]")
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="src folder of the baseline code, e.g. /work/main/src (read-only)")
    parser.add_argument("--baseline-max", type=int, default=10_000,
                        help="largest size to build with the baseline [10000]")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per build")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="also print every figure as JSON")
    args = parser.parse_args(argv)
    sizes = sorted(int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(","))
    sys.path.insert(0, str(args.src))

    current: dict[int, dict] = {}
    baseline: dict[int, dict | None] = {}
    with tempfile.TemporaryDirectory(prefix="storymap-scale-") as tmp:
        for n in sizes:
            started = time.perf_counter()
            stories = write_story_folder(Path(tmp) / str(n), n, args.seed)
            size_mb = (stories / "bench" / "story.yaml").stat().st_size / MB
            print(f"{n:,} places: story file {size_mb:.1f} MB written in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            current[n] = best_of(args.src, stories, args.repeat, args.timeout)
            print(f"  current  {current[n]['seconds']:.2f} s", file=sys.stderr)
            if args.baseline_src and n <= args.baseline_max:
                baseline[n] = best_of(args.baseline_src, stories, args.repeat, args.timeout)
                print(f"  baseline {baseline[n]['seconds']:.2f} s", file=sys.stderr)

    print(f"Pipeline build (read + validate + geocode + join + model), best of {args.repeat}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    print_table(f"current: {args.src}", sizes, current)
    if args.baseline_src:
        print_table(f"baseline: {args.baseline_src}", sizes, baseline)
        print("\n  speed-up: " + ", ".join(
            f"{n:,}: {baseline[n]['seconds'] / current[n]['seconds']:.1f}x time, "
            f"{baseline[n]['growth_mb'] / max(current[n]['growth_mb'], 0.1):.1f}x memory growth"
            for n in sizes if baseline.get(n)
        ))

    failed = [n for n, limit in TARGETS_S.items() if n in current and current[n]["seconds"] >= limit]
    for n, limit in TARGETS_S.items():
        if n in current:
            verdict = "PASS" if n not in failed else "FAIL"
            print(f"target {n:,} places < {limit:g} s: {current[n]['seconds']:.2f} s {verdict}")
    if args.json:
        print(json.dumps({"current": current, "baseline": baseline}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
