"""Fuzzing the geodata loader: any manifest or district file gives a Geodata or a clean problem list.

Hypothesis puts arbitrary JSON values (and raw text) where the manifest and the
district files hold theirs, on a small copy of the bundled region. The loader
must either accept the files or raise InvalidInputError whose every problem
names one of the three files; any other exception is a bug. Examples are
bounded so the suite stays fast.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storymap.errors import InvalidInputError
from storymap.geodata import load_geodata

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = ("manifest.json", "districts.full.geojson", "districts.display.geojson")

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["310101", "</script><script>window.__x=13</script>", "Polygon", "MultiPolygon",
                     "FeatureCollection", "EPSG:4326", "", " ", "\x00", "\ud800"]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@given(data=st.data())
@SETTINGS
def test_any_value_anywhere_is_a_clean_problem(small_region, data):
    file = data.draw(st.sampled_from(FILES), label="file")
    document = json.loads((small_region / file).read_text("utf-8"))
    container, key = data.draw(_location(document), label="where")
    if data.draw(st.booleans(), label="delete") and isinstance(container, dict):
        container.pop(key, None)
    else:
        container[key] = data.draw(json_values, label="value")
    with _region_copy(small_region) as region:
        (region / file).write_text(_dumps(document), "utf-8")
        _assert_loads_or_clean_problems(region)


@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
@SETTINGS
def test_any_text_as_a_file_is_a_clean_problem(small_region, text):
    for file in FILES:
        with _region_copy(small_region) as region:
            (region / file).write_text(text, "utf-8", errors="surrogatepass")
            _assert_loads_or_clean_problems(region)


def _assert_loads_or_clean_problems(region: Path) -> None:
    try:
        load_geodata(region)
    except InvalidInputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert Path(problem.file).name in FILES, problem
            assert str(problem).strip()


@st.composite
def _location(draw, document):
    """A (container, key) somewhere inside the document: the document itself or any nested list/dict."""
    container, key = {"root": document}, "root"
    while True:
        value = container[key]
        if not isinstance(value, (dict, list)) or not value or draw(st.integers(0, 3)) == 0:
            return container, key
        keys = list(value) if isinstance(value, dict) else list(range(len(value)))
        container, key = value, draw(st.sampled_from(keys[:8]))


def _dumps(document) -> str:
    if isinstance(document, dict) and "root" in document and len(document) == 1:
        document = document["root"]
    # NaN/Infinity written the way a careless exporter writes them; lone surrogates kept.
    return json.dumps(document, ensure_ascii=True, allow_nan=True)


class _region_copy:
    def __init__(self, source: Path):
        self.source = source

    def __enter__(self) -> Path:
        self.tmp = tempfile.TemporaryDirectory()
        region = Path(self.tmp.name) / "region"
        shutil.copytree(self.source, region)
        return region

    def __exit__(self, *exc):
        self.tmp.cleanup()


@pytest.fixture(scope="module")
def small_region(tmp_path_factory, bundled_geodata_dir) -> Path:
    """Three Shanghai districts (display polygons for both files): quick to load many times."""
    region = tmp_path_factory.mktemp("fuzz-region")
    shutil.copy(bundled_geodata_dir / "manifest.json", region)
    display = json.loads((bundled_geodata_dir / "districts.display.geojson").read_text("utf-8"))
    display["features"] = display["features"][:3]
    for name in ("districts.full.geojson", "districts.display.geojson"):
        (region / name).write_text(json.dumps(display, ensure_ascii=False), "utf-8")
    assert all(math.isfinite(f["properties"]["area_km2"]) for f in display["features"])
    load_geodata(region)  # the starting point is valid
    return region
