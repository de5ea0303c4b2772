"""The handout's server-drawn SVG map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from storymap.classroom.svgmap import district_map_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str):
    return ET.fromstring(svg)


def test_every_district_and_numbered_stop_is_drawn(bundled_model, official_districts, expected_tour):
    root = _parse(district_map_svg(bundled_model, "zh", names=True, title="地图"))
    codes = {p.get("data-code") for p in root.iter(f"{SVG}path")}
    assert codes == set(official_districts)
    labels = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "lbl"}
    assert labels == {zh for zh, _ in official_districts.values()}
    points = [g for g in root.iter(f"{SVG}g") if g.get("class") == "pt"]
    assert [g.get("data-place") for g in points] == expected_tour
    assert [g.find(f"{SVG}text").text for g in points] == [str(i) for i in range(1, len(expected_tour) + 1)]


def test_small_central_districts_get_an_inset(bundled_model):
    root = _parse(district_map_svg(bundled_model, "zh", names=True))
    inset = [g for g in root.iter(f"{SVG}g") if g.get("class") == "inset"]
    assert inset and {p.get("data-code") for p in inset[0].iter(f"{SVG}path")} >= {"310101", "310106"}


def test_worksheet_map_has_numbers_but_no_names(bundled_model, official_districts):
    svg = district_map_svg(bundled_model, "en", names=False)
    root = _parse(svg)
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "lbl"]
    for zh, en in official_districts.values():
        assert zh not in svg and en.removesuffix(" District") not in svg


def test_english_names(bundled_model):
    root = _parse(district_map_svg(bundled_model, "en", names=True))
    labels = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "lbl"}
    assert {"Jing'an", "Pudong New Area", "Chongming"} <= labels
