"""Constants from independent sources and small helpers for the pipeline tests."""

from __future__ import annotations

import re
from pathlib import Path


# Shenzhen's nine administrative districts (GB/T 2260).
SHENZHEN_DISTRICTS = {
    "440303": ("罗湖区", "Luohu District"),
    "440304": ("福田区", "Futian District"),
    "440305": ("南山区", "Nanshan District"),
    "440306": ("宝安区", "Bao'an District"),
    "440307": ("龙岗区", "Longgang District"),
    "440308": ("盐田区", "Yantian District"),
    "440309": ("龙华区", "Longhua District"),
    "440310": ("坪山区", "Pingshan District"),
    "440311": ("光明区", "Guangming District"),
}

# Known WGS-84 points (Wikipedia coordinates are WGS-84 by convention).
# Fairmont Peace Hotel, 20 East Nanjing Road on the Bund: 31°14′27.9″N 121°29′04.5″E.
PEACE_HOTEL_WGS84 = (121.484583, 31.241083)
# Oriental Pearl Tower, Lujiazui (waymarking.com GPS fix N 31° 14.520 E 121° 29.705).
PEARL_TOWER_WGS84 = (121.0 + 29.705 / 60, 31.0 + 14.520 / 60)
# The Bund at East Nanjing Road as commonly quoted by Chinese web maps: these
# numbers are GCJ-02 (Amap / Google China), ~480 m from the WGS-84 position.
BUND_GCJ02 = (121.4905, 31.2397)

# An equal-area projection for the Shanghai region (Albers, standard parallels
# inside the region), independent of the importer's own choice.
SHANGHAI_EQUAL_AREA = (
    "+proj=aea +lat_0=31.25 +lon_0=121.5 +lat_1=30.8 +lat_2=31.7 +datum=WGS84 +units=m +no_defs"
)

WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """The text with every whitespace character removed (page/column breaks vanish)."""
    return WHITESPACE.sub("", text)


def line_no(text: str, pattern: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` matching the regex ``pattern``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and re.search(pattern, line):
            return number
    raise AssertionError(f"no line matches {pattern!r} after line {start}")


def replace_once(path: Path, old: str, new: str) -> str:
    """Replace the single occurrence of ``old`` in the file; return the new text."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"expected exactly one {old!r} in {path}"
    text = text.replace(old, new)
    path.write_text(text, "utf-8")
    return text


def assert_clean_error(result) -> str:
    """The command failed with exit 1 through click (no crash) and printed no traceback.

    With CliRunner an uncaught exception never prints a traceback; it is kept in
    ``result.exception``. A handled error exits through SystemExit, so that is
    what is checked. Returns the output.
    """
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), f"crashed: {result.exception!r}"
    assert "Traceback" not in result.output
    return result.output


def minimal_story(story_id: str, place_yaml: str) -> str:
    """A small, valid story file with one section, one place and one excerpt.

    ``place_yaml`` is the body of the single place (keys indented by four
    spaces, the first one ``- id:`` at two); its id must be ``the-place``.
    """
    return f"""\
id: {story_id}
city: "310000"
series: 测试
newspaper: 测试报
title: 测试标题
date: "2025-12"
reporters:
  - 记者
source:
  file: source-000_9ef9a491ed0e4555.txt  # beside the bundled story
sections:
  - id: main
    title: 正文
    theme: renewal
places:
{place_yaml}
excerpts:
  - id: only
    section: main
    place: the-place
    text: 一段文字。
"""
