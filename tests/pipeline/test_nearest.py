"""Each district's nearest districts with stories, on the real Shanghai polygons."""

import random

import numpy as np
import pytest
import shapely

from storymap.geodata import load_geodata
from storymap.model import NEAREST_COUNT, _add_nearest_with_stories


@pytest.fixture(scope="module")
def geodata(bundled_geodata_dir):
    return load_geodata(bundled_geodata_dir)


def every_distance(geodata, with_stories):
    """The reference: every polygon distance measured, then a stable sort (ties keep the districts' order)."""
    west, south, east, north = geodata.full.total_bounds
    local = f"+proj=aeqd +lat_0={(south + north) / 2} +lon_0={(west + east) / 2} +datum=WGS84 +units=m"
    metric = geodata.full.to_crs(local)
    shapes = dict(zip(metric["code"], np.asarray(metric.geometry.values)))
    answer = {}
    for code in shapes:
        others = [c for c in shapes if c in with_stories and c != code]
        others.sort(key=lambda c: shapely.distance(shapes[code], shapes[c]))
        answer[code] = others[:NEAREST_COUNT]
    return answer


def nearest(geodata, with_stories):
    records = [{"code": d.code, "excerpt_count": int(d.code in with_stories)} for d in geodata.districts]
    _add_nearest_with_stories(records, geodata)
    return {r["code"]: r["nearest_with_stories"] for r in records}


@pytest.mark.parametrize("seed", range(12))
def test_matches_measuring_every_pair(geodata, seed):
    codes = [d.code for d in geodata.districts]
    with_stories = sorted(random.Random(seed).sample(codes, random.Random(seed).randint(1, len(codes))))
    assert nearest(geodata, with_stories) == every_distance(geodata, with_stories)


def test_island_and_neighbours(geodata):
    """Chongming (310151) touches no district with stories here, so its list is measured, not touched."""
    with_stories = ["310101", "310104", "310115", "310113", "310151"]
    got = nearest(geodata, with_stories)
    assert got == every_distance(geodata, with_stories)
    # Across the Yangtze channels (measured in UTM 51N): 浦东 3.8 km from Changxing/Hengsha, 宝山 5.2 km, 黄浦 22 km
    assert got["310151"] == ["310115", "310113", "310101"]
    assert "310151" not in got["310151"]
    assert got["310101"][:2] == ["310104", "310115"]  # 黄浦 borders 徐汇 and 浦东


def test_no_district_with_stories(geodata):
    assert set(map(len, nearest(geodata, []).values())) == {0}
