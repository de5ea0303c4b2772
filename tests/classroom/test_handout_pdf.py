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
    for name, lang, extra in (("zh", "zh", []), ("en", "en", ["--url", "https://example.org/storymap/"]),
                              ("zh-key", "zh", ["--seed", "7", "--key"]), ("en-key", "en", ["--seed", "7", "--key"])):
        path = out / f"handout-{name}.pdf"
        result = storymap("handout", "--out", path, "--lang", lang, *extra)
        assert result.returncode == 0, result.stderr
        made[name] = path
    return made


def blank_share(pdf, tmp_path) -> list[float]:
    """For each page: the share of its height in blank bands at least 5 mm tall (margins included).

    Pages are rendered by poppler at 30 dpi in grey; a row is blank when no pixel is darker
    than light grey. Gaps between lines of text are thinner than a band and do not count.
    """
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    shares = []
    for image in sorted(tmp_path.glob("page-*.pgm")):
        data = image.read_bytes()
        header = data.split(maxsplit=4)  # P5 width height maxval pixels
        width, height = int(header[1]), int(header[2])
        pixels = data[len(data) - width * height:]
        blank = [min(pixels[row * width:(row + 1) * width]) > 235 for row in range(height)]
        band_rows, run = 0, 0
        for is_blank in blank + [False]:
            if is_blank:
                run += 1
                continue
            band_rows += run if run >= 30 / 25.4 * 5 else 0
            run = 0
        shares.append(band_rows / height)
        image.unlink()
    return shares


@pytest.mark.parametrize("name", ["zh", "en", "zh-key", "en-key"])
def test_no_page_is_more_than_a_third_blank(handout_pdfs, name, tmp_path):
    shares = blank_share(handout_pdfs[name], tmp_path)
    assert len(shares) == (3 if name.endswith("key") else 2)
    assert all(share <= 1 / 3 for share in shares), [round(share, 2) for share in shares]


def test_the_seed_is_printed_and_the_key_page_answers_the_worksheet(handout_pdfs, bundled_model):
    from storymap.classroom.handout import handout_content

    pages = poppler("pdftotext", "-layout", handout_pdfs["zh-key"], "-").split("\f")
    assert "题组 7" in pages[1] and "题组 7" in pages[2] and "教师用答案" in pages[2]
    assert "教师用答案" not in poppler("pdftotext", handout_pdfs["zh"], "-")
    key = " ".join(pages[2].split())
    for question in handout_content(bundled_model, "zh", 7)["questions"]:
        assert f"答案: {question['answer_number']}. {question['answer_label']}" in key
        # the worksheet numbers the options 1-4 as the key does
        assert f"{question['answer_number']}. {question['answer_label']}" in " ".join(pages[1].split())
    other = " ".join(poppler("pdftotext", handout_pdfs["zh"], "-").split("\f")[1].split())
    assert "题组 1" in other


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


def test_english_handout_is_in_english(handout_pdfs, story):
    """Masthead, series and reporters (in pinyin) in English; no Chinese on any page, the key's too."""
    for name in ("en", "en-key"):
        text = " ".join(poppler("pdftotext", handout_pdfs[name], "-").split())
        assert f"{story['newspaper_en']} · {story['series_en']}" in text
        assert f"Reporters {', '.join(story['reporters_en'])}" in text
        han = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
        assert not han, "".join(han)[:80]


def test_english_handout_names_places_in_english_and_prints_the_url(handout_pdfs, story, expected_tour):
    text = " ".join(poppler("pdftotext", handout_pdfs["en"], "-").split())
    names = {p["id"]: p["name_en"] for p in story["places"]}
    for place_id in expected_tour:
        assert names[place_id].split(",")[0] in text
    assert "https://example.org/storymap/" in text and "Scan to open the live map" in text


def test_every_font_is_embedded(handout_pdfs):
    for path in (handout_pdfs["zh"], handout_pdfs["en"]):
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
