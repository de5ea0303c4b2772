"""A comparison as a side-by-side table (one column per item), tidy CSV tables and GeoJSON.

:func:`table` turns the result of :func:`storymap.compare.compare` into rows of
cells; every cell carries its raw ``value`` (for CSV), its ``text`` in the
chosen language (for the terminal, the page and the print view) and, for story
content, ``links`` (type place or district, and id) to the map's panels. The labels live here, with the view.
"""

from __future__ import annotations

import csv
import io

LABELS = {
    "zh": {
        "item": "对比项", "kind": "类型", "wgs84": "WGS-84 坐标（经度, 纬度）", "gcj02": "GCJ-02 坐标（高德）",
        "precision": "位置精度", "district": "所在区", "district_area": "区面积（多边形）",
        "places": "故事地点", "excerpts": "报道段落（首句）", "facts": "数据",
        "reference": "距{name}", "nearest": "最近的故事地点", "circle_area": "步行圈面积（半径 {r}）",
        "circle_districts": "步行圈各区占比", "circle_overlaps": "与其他步行圈重叠",
        "distances": "两两距离（WGS-84 椭球测地线）", "pair": "两点", "distance": "距离", "bearing": "方位角",
        "back_bearing": "反方位角",
        "kinds": {"place": "故事地点", "district": "区", "point": "坐标点"},
        "precisions": {
            "point": "精确位置", "street": "街道级位置", "subdistrict": "街道/镇级位置：在所在街道或镇内某处",
            "district": "区级位置：代表整个区", "typed": "按输入的小数位数",
        },
        "outside": "区外（水域或市界外）", "none": "—", "bearing_word": "方位",
        "of_circle": "占本圈",
    },
    "en": {
        "item": "Item", "kind": "Kind", "wgs84": "WGS-84 (lon, lat)", "gcj02": "GCJ-02 (Amap)",
        "precision": "Precision", "district": "District", "district_area": "District area (polygon)",
        "places": "Story places", "excerpts": "Passages (first sentence)", "facts": "Figures",
        "reference": "To {name}", "nearest": "Nearest story place", "circle_area": "Walking circle area (radius {r})",
        "circle_districts": "Walking circle by district", "circle_overlaps": "Overlap with other circles",
        "distances": "Pairwise distances (geodesic, WGS-84 ellipsoid)", "pair": "Pair", "distance": "Distance",
        "bearing": "Bearing", "back_bearing": "Back bearing",
        "kinds": {"place": "Story place", "district": "District", "point": "Point"},
        "precisions": {
            "point": "exact location", "street": "street-level location",
            "subdistrict": "subdistrict-level: somewhere in its subdistrict or town",
            "district": "district-level: stands for the whole district", "typed": "from the decimals typed",
        },
        "outside": "outside the districts (water or beyond)", "none": "—", "bearing_word": "bearing",
        "of_circle": "of this circle",
    },
}


def km(metres: float) -> str:
    return f"{metres / 1000:,.2f} km" if metres >= 1000 else f"{metres:,.0f} m"


def area_text(square_metres: float) -> str:
    return f"{square_metres / 1e6:,.3f} km²"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def name(record: dict, lang: str, zh: str = "name_zh", en: str = "name_en") -> str:
    return (record.get(en) or record[zh]) if lang == "en" else record[zh]


def _cell(value, text=None, links=None) -> dict:
    cell = {"value": value, "text": text if text is not None else ("" if value is None else str(value))}
    if links is not None:
        cell["links"] = links
    return cell


def table(result: dict, lang: str = "zh") -> dict:
    """The side-by-side table: ``columns`` (one per item) and ``rows`` of cells."""
    labels = LABELS[lang]
    items = result["items"]
    rows = []

    def row(key, label, cells):
        rows.append({"key": key, "label": label, "cells": cells})

    row("kind", labels["kind"], [_cell(i["kind"], labels["kinds"][i["kind"]]) for i in items])
    row("wgs84", labels["wgs84"], [_cell(f"{i['lon']:.6f}, {i['lat']:.6f}") for i in items])
    row("gcj02", labels["gcj02"], [_cell(f"{i['gcj02']['lon']:.6f}, {i['gcj02']['lat']:.6f}") for i in items])
    row("precision_m", labels["precision"], [
        _cell(i["precision_m"], f"±{km(i['precision_m'])} ({labels['precisions'].get(i['precision'], i['precision'])})")
        for i in items
    ])
    row("district", labels["district"], [
        _cell(i["district"]["code"], f"{name(i['district'], lang)} ({i['district']['code']})",
              [{"text": name(i["district"], lang), "type": "district", "id": i["district"]["code"]}])
        for i in items
    ])
    row("district_area_km2", labels["district_area"], [
        _cell(i["district"]["area_km2"], f"{i['district']['area_km2']:,.1f} km²") for i in items
    ])
    for column in result["indicator_columns"]:
        label = f"{column['label_' + lang]} ({column['unit_' + lang]}, {column['year']})"
        row(column["key"], label, [_cell(i["district"]["indicators"].get(column["key"]),
                                         _number(i["district"]["indicators"].get(column["key"]), labels)) for i in items])
    row("places", labels["places"], [
        _cell(len(i["places"]), "; ".join(name(p, lang, "name") for p in i["places"]) or labels["none"],
              [{"text": name(p, lang, "name"), "type": "place", "id": p["id"]} for p in i["places"]])
        for i in items
    ])
    row("excerpts", labels["excerpts"], [
        _cell(len(i["excerpts"]), " / ".join(_excerpt(e, lang) for e in i["excerpts"]) or labels["none"],
              [{"text": _excerpt(e, lang), "type": "place" if e["place"] else None, "id": e["place"]}
               for e in i["excerpts"]])
        for i in items
    ])
    row("facts", labels["facts"], [
        _cell(len(i["facts"]), "; ".join(_fact(f, lang) for f in i["facts"]) or labels["none"]) for i in items
    ])
    reference = result["reference_point"]
    if reference is not None:
        row("reference_m", labels["reference"].format(name=name(reference, lang)), [
            _cell(i["reference"]["distance_m"],
                  f"{km(i['reference']['distance_m'])}, {labels['bearing_word']} {i['reference']['bearing_deg']:.0f}°")
            for i in items
        ])
    row("nearest_place", labels["nearest"], [
        _cell(i["nearest_place"]["distance_m"] if i["nearest_place"] else None,
              f"{name(i['nearest_place'], lang, 'name')} · {km(i['nearest_place']['distance_m'])}"
              if i["nearest_place"] else labels["none"],
              [{"text": name(i["nearest_place"], lang, "name"), "type": "place", "id": i["nearest_place"]["id"]}]
              if i["nearest_place"] else [])
        for i in items
    ])
    row("circle_area_m2", labels["circle_area"].format(r=km(result["radius_m"])), [
        _cell(i["circle"]["area_m2"], area_text(i["circle"]["area_m2"])) for i in items
    ])
    row("circle_districts", labels["circle_districts"], [_cell(
        "; ".join(f"{d['code']} {d['share']:.4f}" for d in i["circle"]["districts"]),
        "; ".join([f"{name(d, lang)} {percent(d['share'])}" for d in i["circle"]["districts"]]
                  + ([f"{labels['outside']} {percent(i['circle']['outside_share'])}"]
                     if i["circle"]["outside_share"] >= 0.0005 else [])),
    ) for i in items])
    row("circle_overlaps", labels["circle_overlaps"], [_cell(
        "; ".join(f"{o['letter']} {o['area_m2']:.0f}" for o in i["circle"]["overlaps"]),
        "; ".join(f"{o['letter']}: {area_text(o['area_m2'])} ({percent(o['share'])} {labels['of_circle']})"
                  for o in i["circle"]["overlaps"]) or labels["none"],
    ) for i in items])
    columns = [{"id": i["id"], "letter": i["letter"], "name": name(i, lang)} for i in items]
    pairs = [{
        "letters": p["letters"], "a": p["a"], "b": p["b"], "distance_m": p["distance_m"],
        "distance_text": km(p["distance_m"]), "bearing_deg": p["bearing_deg"], "back_bearing_deg": p["back_bearing_deg"],
    } for p in result["pairs"]]
    matrix_text = [[km(d) if i != j else "" for j, d in enumerate(row)] for i, row in enumerate(result["matrix"])]
    return {"columns": columns, "rows": rows, "pairs": pairs, "matrix": result["matrix"], "matrix_text": matrix_text,
            "bearing_matrix": result["bearing_matrix"], "labels": {
        k: labels[k] for k in ("item", "distances", "pair", "distance", "bearing", "back_bearing")}}


def _number(value, labels) -> str:
    if value is None:
        return labels["none"]
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _excerpt(excerpt: dict, lang: str) -> str:
    return (excerpt.get("text_en") or excerpt["text"]) if lang == "en" else excerpt["text"]


def _fact(fact: dict, lang: str) -> str:
    """A fact's label and its figure as the model prints it (storymap.figures is the one formatter)."""
    if lang == "en":
        return f"{fact.get('label_en') or fact['label']} {fact['figure_en']}"
    return f"{fact['label']} {fact['figure']}"


CSV_TABLES = ("items", "pairs", "shares")


def to_csv(result: dict, lang: str = "zh", table_name: str = "items") -> str:
    """One tidy table: ``items`` (one row per item), ``pairs`` (one per pair) or ``shares`` (one per item and district).

    Columns are stable keys; raw values (metres, degrees, shares 0-1); names in ``lang``.
    """
    if table_name not in CSV_TABLES:
        raise ValueError(f"CSV table {table_name!r}; expected one of {', '.join(CSV_TABLES)}")
    header, rows = {"items": _item_rows, "pairs": _pair_rows, "shares": _share_rows}[table_name](result, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def _item_rows(result: dict, lang: str) -> tuple[list, list]:
    keys = [c["key"] for c in result["indicator_columns"]]
    reference = result["reference_point"]
    header = ["letter", "item", "kind", "name", "lon", "lat", "gcj02_lon", "gcj02_lat", "precision", "precision_m",
              "district_code", "district_name", "district_area_km2", *keys, "places", "place_names", "excerpts",
              "facts", "reference_name", "reference_distance_m", "reference_bearing_deg", "nearest_place",
              "nearest_place_name", "nearest_place_distance_m", "nearest_place_bearing_deg", "circle_radius_m",
              "circle_area_m2", "circle_outside_share"]
    rows = []
    for i in result["items"]:
        near, circle = i["nearest_place"], i["circle"]
        rows.append([
            i["letter"], i["id"], i["kind"], name(i, lang), i["lon"], i["lat"], i["gcj02"]["lon"], i["gcj02"]["lat"],
            i["precision"], i["precision_m"], i["district"]["code"], name(i["district"], lang),
            i["district"]["area_km2"], *(i["district"]["indicators"].get(k) for k in keys),
            "; ".join(p["id"] for p in i["places"]), "; ".join(name(p, lang, "name") for p in i["places"]),
            len(i["excerpts"]), len(i["facts"]),
            name(reference, lang) if reference else None,
            i["reference"]["distance_m"] if i["reference"] else None,
            i["reference"]["bearing_deg"] if i["reference"] else None,
            near["id"] if near else None, name(near, lang, "name") if near else None,
            near["distance_m"] if near else None, near["bearing_deg"] if near else None,
            circle["radius_m"], circle["area_m2"], circle["outside_share"],
        ])
    return header, rows


def _pair_rows(result: dict, lang: str) -> tuple[list, list]:
    header = ["pair", "a", "b", "a_name", "b_name", "distance_m", "bearing_deg", "back_bearing_deg",
              "circle_overlap_m2", "circle_overlap_share_a", "circle_overlap_share_b"]
    by_id = {i["id"]: i for i in result["items"]}
    rows = []
    for p in result["pairs"]:
        a, b = by_id[p["a"]], by_id[p["b"]]
        overlap = next((o for o in a["circle"]["overlaps"] if o["item"] == b["id"]), None)
        back = next((o for o in b["circle"]["overlaps"] if o["item"] == a["id"]), None)
        rows.append([p["letters"], p["a"], p["b"], name(a, lang), name(b, lang), p["distance_m"], p["bearing_deg"],
                     p["back_bearing_deg"], overlap["area_m2"] if overlap else 0,
                     overlap["share"] if overlap else 0, back["share"] if back else 0])
    return header, rows


def _share_rows(result: dict, lang: str) -> tuple[list, list]:
    header = ["letter", "item", "name", "district_code", "district_name", "area_m2", "share"]
    rows = []
    for i in result["items"]:
        circle = i["circle"]
        for d in circle["districts"]:
            rows.append([i["letter"], i["id"], name(i, lang), d["code"], name(d, lang), d["area_m2"], d["share"]])
        if circle["outside_share"] > 0:
            rows.append([i["letter"], i["id"], name(i, lang), None, LABELS[lang]["outside"],
                         round(circle["outside_share"] * circle["area_m2"], 1), circle["outside_share"]])
    return header, rows


def to_geojson(result: dict) -> dict:
    """Items (points), their walking circles and uncertainty, and the distance lines, with properties."""
    features = []
    for item in result["items"]:
        base = {"item": item["id"], "letter": item["letter"], "name_zh": item["name_zh"], "name_en": item["name_en"]}
        features.append(_feature({"type": "Point", "coordinates": [item["lon"], item["lat"]]}, {
            **base, "role": "item", "kind": item["kind"], "gcj02_lon": item["gcj02"]["lon"],
            "gcj02_lat": item["gcj02"]["lat"], "precision": item["precision"], "precision_m": item["precision_m"],
            "district_code": item["district"]["code"], "district_name_zh": item["district"]["name_zh"],
            "district_name_en": item["district"]["name_en"], "district_area_km2": item["district"]["area_km2"],
            **{f"indicator_{k}": v for k, v in item["district"]["indicators"].items()},
            "reference_distance_m": item["reference"]["distance_m"] if item["reference"] else None,
            "nearest_place": item["nearest_place"]["id"] if item["nearest_place"] else None,
            "nearest_place_distance_m": item["nearest_place"]["distance_m"] if item["nearest_place"] else None,
            "places": [p["id"] for p in item["places"]],
        }))
        circle = item["circle"]
        features.append(_feature(circle["geometry"], {
            **base, "role": "circle", "radius_m": circle["radius_m"], "area_m2": circle["area_m2"],
            "districts": [{k: d[k] for k in ("code", "name_zh", "area_m2", "share")} for d in circle["districts"]],
            "outside_share": circle["outside_share"],
            "overlaps": [{k: o[k] for k in ("item", "area_m2", "share")} for o in circle["overlaps"]],
        }))
        features.append(_feature(item["uncertainty"], {
            **base, "role": "uncertainty", "precision": item["precision"], "radius_m": item["precision_m"],
        }))
    for pair in result["pairs"]:
        features.append(_feature(pair["line"], {
            "role": "distance", "a": pair["a"], "b": pair["b"], "letters": pair["letters"],
            "distance_m": pair["distance_m"], "bearing_deg": pair["bearing_deg"],
            "back_bearing_deg": pair["back_bearing_deg"],
        }))
    return {
        "type": "FeatureCollection",
        "properties": {"radius_m": result["radius_m"], "input_crs": result["crs"], "crs": "EPSG:4326",
                       "region": result["region"], "reference_point": result["reference_point"]},
        "features": features,
    }


def _feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}
