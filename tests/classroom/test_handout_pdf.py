"""``storymap handout``: a real PDF from headless Chromium, read back with poppler.

The command runs in a subprocess, as a teacher runs it (and apart from the
Playwright instance the browser tests keep open in this process).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

A4_POINTS = (595, 842)


def storymap(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "storymap", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def poppler(tool, *args) -> str:
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def handout_pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    made = {}
    for lang, extra in (("zh", []), ("en", ["--url", "https://example.org/storymap/"])):
        path = out / f"handout-{lang}.pdf"
        result = storymap("handout", "--out", path, "--lang", lang, *extra)
        assert result.returncode == 0, result.stderr
        made[lang] = path
    return made


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_a4_pages(handout_pdfs, lang):
    info = poppler("pdfinfo", handout_pdfs[lang])
    assert "Pages:           2" in info
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    assert (round(float(size[2])), round(float(size[4]))) == A4_POINTS


def test_the_five_story_places_are_in_the_text(handout_pdfs, story, expected_tour):
    text = poppler("pdftotext", "-layout", handout_pdfs["zh"], "-")
    names = {p["id"]: p["name"] for p in story["places"]}
    for place_id in expected_tour:
        assert names[place_id] in text, names[place_id]
    page_two = text.split("\f")[1]
    assert "练习" in page_two and "姓名" in page_two


def test_english_handout_names_places_in_english_and_prints_the_url(handout_pdfs, story, expected_tour):
    text = " ".join(poppler("pdftotext", handout_pdfs["en"], "-").split())
    names = {p["id"]: p["name_en"] for p in story["places"]}
    for place_id in expected_tour:
        assert names[place_id].split(",")[0] in text
    assert "https://example.org/storymap/" in text and "Scan to open the live map" in text


def test_every_font_is_embedded(handout_pdfs):
    for path in handout_pdfs.values():
        rows = poppler("pdffonts", path).splitlines()[2:]
        assert rows, "no fonts in the PDF"
        for row in rows:
            # columns: name type encoding emb sub uni object ID; emb is the 4th field from the end
            assert row.split()[-5] == "yes", row


def test_missing_cjk_font_is_a_clear_error(tmp_path):
    """fc-list finds no Chinese font: the command names the package instead of printing boxes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "fc-list"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "handout.pdf"
    result = storymap("handout", "--out", out, env=env)
    assert result.returncode == 1
    assert "fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".handout.pdf.*"))


def test_bad_public_url_is_a_clear_error(tmp_path):
    result = storymap("handout", "--out", tmp_path / "h.pdf", "--url", "example.org")
    assert result.returncode == 1
    assert "the public URL is 'example.org'; expected an http:// or https:// address" in result.stderr
