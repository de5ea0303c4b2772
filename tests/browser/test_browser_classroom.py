"""Presenter mode, quiz and the static copy in headless Chromium."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLIDE = "#pr-slide"


def open_present(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.StoryMapPresent && document.querySelectorAll('path.district').length")


def open_quiz(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.StoryMapQuiz && document.querySelectorAll('.qz-option').length")


@pytest.fixture(scope="module")
def names(story) -> dict:
    return {p["id"]: p["name"] for p in story["places"]}


@pytest.fixture(scope="module")
def district_of(story) -> dict:
    return {p["id"]: str(p["district"]) for p in story["places"]}


# ---------- presenter ----------


def test_present_steps_with_pagedown_and_left(page, live_server, story, expected_tour, names, district_of):
    open_present(page, live_server + "/present")
    expect(page.locator(f"{SLIDE} h1")).to_have_text(story["title"])
    page.keyboard.press("PageDown")
    expect(page).to_have_url(re.compile(r"/present#slide=2$"))
    expect(page.locator(f"{SLIDE} h2")).to_have_text(names[expected_tour[0]])
    expect(page.locator(f"path.district-{district_of[expected_tour[0]]}")).to_have_class(re.compile(r"\bis-selected\b"))
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"#slide=1$"))
    expect(page.locator(f"{SLIDE} h1")).to_have_text(story["title"])
    for key in ("PageDown", "ArrowRight", "Space"):
        page.keyboard.press(key)
    expect(page).to_have_url(re.compile(r"#slide=4$"))
    page.keyboard.press("Shift+Space")
    page.keyboard.press("PageUp")
    expect(page).to_have_url(re.compile(r"#slide=2$"))
    total = len(expected_tour) + 2
    page.keyboard.press("End")
    expect(page).to_have_url(re.compile(rf"#slide={total}$"))
    for place_id in expected_tour:  # closing slide: every stop
        expect(page.locator(f"{SLIDE} li", has_text=names[place_id])).to_have_count(1)
    page.keyboard.press("PageDown")  # no wrap past the end
    expect(page).to_have_url(re.compile(rf"#slide={total}$"))
    page.keyboard.press("Home")
    expect(page).to_have_url(re.compile(r"#slide=1$"))


def test_slide_number_in_the_hash_opens_that_slide(page, live_server, expected_tour, names):
    open_present(page, live_server + "/present#slide=3")
    expect(page.locator(f"{SLIDE} h2")).to_have_text(names[expected_tour[1]])
    expect(page.locator("#pr-status")).to_have_text(f"3 / {len(expected_tour) + 2}")


def test_blank_screen_and_leave(page, live_server, expected_tour):
    open_present(page, live_server + "/present#slide=2")
    page.keyboard.press("b")
    expect(page.locator("#pr-blank")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#pr-blank")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"/\?lang=zh#place={expected_tour[0]}$"))
    page.wait_for_function("() => window.StoryMap && window.StoryMap.app")


def test_english_slides_are_in_english(page, live_server, story, expected_tour):
    """The title slide once kept 中国城市报 · 人民城市建设巡礼 and the reporters in Chinese."""
    open_present(page, f"{live_server}/present?lang=en")
    expect(page.locator(f"{SLIDE} .pr-kicker")).to_have_text(f"{story['newspaper_en']} · {story['series_en']}")
    expect(page.locator(SLIDE)).to_contain_text(f"Reporters {', '.join(story['reporters_en'])}")
    for number in range(1, len(expected_tour) + 3):
        page.evaluate(f"location.hash = 'slide={number}'")
        expect(page.locator("#pr-status")).to_have_text(f"{number} of {len(expected_tour) + 2}")
        han = re.findall(r"[\u3400-\u9fff]+", page.locator(SLIDE).inner_text())
        assert not han, (number, han)


# Text on every slide: size in px and contrast against its background (WCAG relative luminance).
TEXT_CHECK = """() => {
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      if (rgb(bg).length < 4 || rgb(bg)[3] > 0) return rgb(bg).slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  const walker = document.createTreeWalker(document.getElementById("pr-slide"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement, style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === "hidden") continue;  // not rendered
    const a = lum(rgb(style.color).slice(0, 3)), b = lum(background(el));
    found.push({ text: node.textContent.trim().slice(0, 20), size: parseFloat(style.fontSize),
                 contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
  }
  return found;
}"""


@pytest.mark.parametrize("width, height, minimum", [(1280, 720, 22), (1920, 1080, 28)])
def test_slide_text_is_large_and_contrasted(open_page, live_server, expected_tour, width, height, minimum):
    page, _ = open_page(viewport={"width": width, "height": height}, locale="zh-CN")
    for lang in ("zh", "en"):
        open_present(page, f"{live_server}/present?lang={lang}")
        for number in range(1, len(expected_tour) + 3):
            page.evaluate(f"location.hash = 'slide={number}'")
            expect(page.locator("#pr-status")).to_contain_text(str(number))
            texts = page.evaluate(TEXT_CHECK)
            assert texts, f"slide {number} shows no text"
            for item in texts:
                assert item["size"] >= minimum, (lang, number, item)
                assert item["contrast"] >= 4.5, (lang, number, item)
            overflow = page.evaluate("() => { const s = document.getElementById('pr-slide'); return s.scrollHeight - s.clientHeight; }")
            assert overflow <= 1, f"{lang} slide {number} needs scrolling ({overflow}px more)"


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
@pytest.mark.parametrize("lang, label", [("zh", "课堂"), ("en", "Classroom")])
def test_the_map_shows_a_classroom_entry(open_page, live_server, ui, width, height, lang, label):
    page, _ = open_page(viewport={"width": width, "height": height})
    ui.open(page, f"{live_server}/?lang={lang}")
    link = page.locator(".sm-links a", has_text=label)
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width and box["y"] >= 0
    link.click()
    expect(page).to_have_url(re.compile(rf"/classroom\?lang={lang}$"))
    expect(page.locator("main h2 a")).to_have_count(3)


# ---------- quiz ----------


def answer(page, question: dict, right: bool) -> None:
    """Answer with the keyboard: a number key, or Enter on the district itself for 'which district'."""
    options = [o["id"] for o in question["options"]]
    if right and question["kind"] == "district":
        page.locator(f"path.district-{question['answer']}").focus()
        page.keyboard.press("Enter")
        return
    choice = question["answer"] if right else next(o for o in options if o != question["answer"])
    page.keyboard.press(str(options.index(choice) + 1))


def test_seeded_quiz_scores_right_and_wrong_answers(page, live_server):
    quiz = page.request.get(f"{live_server}/api/quiz?seed=5&n=6").json()
    assert {q["kind"] for q in quiz["questions"]} == {"district", "excerpt", "fact"}
    open_quiz(page, f"{live_server}/quiz?seed=5&n=6")
    plan = [True, False, True, True, False, True]
    for question, right in zip(quiz["questions"], plan):
        expect(page.locator(".qz-subject")).to_have_text(question["subject"])
        answer(page, question, right)
        feedback = page.locator(".qz-feedback")
        expect(feedback).to_have_text("答对了！" if right else f"答错了。正确答案：{question['answer_label']}")
        if question["district_code"]:
            expect(page.locator(f"path.district-{question['district_code']}")).to_have_class(re.compile(r"\bis-selected\b"))
        if question["explanation"]:
            expect(page.locator(".qz-explanation")).to_contain_text(question["explanation"][:30])
        page.keyboard.press("Enter")
    expect(page.locator(".qz-score")).to_have_text(f"得分：{sum(plan)} / {len(plan)}")
    expect(page.locator(".qz-review .is-wrong")).to_have_count(plan.count(False))
    expect(page.locator("#qz-key")).to_be_visible()


@pytest.mark.parametrize("lang, next_label, finish_label", [("zh", "下一题 →", "查看成绩 →"),
                                                            ("en", "Next question →", "See the score →")])
def test_feedback_of_every_question_shows_only_words(page, live_server, lang, next_label, finish_label):
    """/quiz?seed=7&n=8 once printed "null下一题 →" under a question with no explanation."""
    quiz = page.request.get(f"{live_server}/api/quiz?seed=7&n=8&lang={lang}").json()
    assert any(not q["explanation"] for q in quiz["questions"]), "the set should hold a question without explanation"
    open_quiz(page, f"{live_server}/quiz?seed=7&n=8&lang={lang}")
    for number, question in enumerate(quiz["questions"], start=1):
        answer(page, question, right=number % 2 == 0)
        expect(page.locator(".qz-next")).to_have_text(finish_label if number == len(quiz["questions"]) else next_label)
        assert "null" not in page.locator("#qz-question").inner_text()
        page.keyboard.press("Enter")
    expect(page.locator(".qz-score")).to_be_visible()


LABELS_OF = """(codes) => codes.filter((code) => {
  const label = document.querySelector(`.sm-label[data-code="${code}"]`);
  return !label || !label.isConnected || !label.getClientRects().length;
})"""


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_which_district_marks_the_place_and_names_every_option(open_page, live_server, width, height):
    """The quiz map shows no place names: the place asked about is marked, and each option district is named."""
    page, _ = open_page(viewport={"width": width, "height": height}, locale="zh-CN")
    asked = 0
    for seed in (7, 12):
        quiz = page.request.get(f"{live_server}/api/quiz?seed={seed}&n=8").json()
        open_quiz(page, f"{live_server}/quiz?seed={seed}&n=8")
        for question in quiz["questions"]:
            if question["kind"] == "district":
                asked += 1
                page.wait_for_timeout(1200)  # the map flies to the options (0.8 s) and places its labels
                unnamed = page.evaluate(LABELS_OF, [o["id"] for o in question["options"]])
                assert unnamed == [], (seed, question["subject"], unnamed)
                marker = page.locator("path.qz-asked")
                expect(marker).to_have_count(1)
                box, frame = marker.bounding_box(), page.locator(".qz-map").bounding_box()
                assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
                assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
            answer(page, question, right=True)
            expect(page.locator("path.qz-asked")).to_have_count(0)
            page.keyboard.press("Enter")
    assert asked >= 3


def test_quiz_sends_and_stores_nothing(page_log, live_server):
    page, log = page_log
    open_quiz(page, f"{live_server}/quiz?seed=2&n=2")
    before = len(log.requests)
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.locator(".qz-score")).to_be_visible()
    assert log.requests[before:] == []
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("() => document.cookie") == ""


# ---------- the static copy ----------


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("static") / "sub" / "path"
    result = subprocess.run([sys.executable, "-m", "storymap", "export", "--out", str(out), "--no-pdf"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def test_static_copy_from_file_url_with_no_network(file_page, exported, ui, story, expected_tour, names):
    page = file_page
    ui.open(page, (exported / "index.html").as_uri())
    expect(page.locator("path.district")).to_have_count(16)
    ui.click(page, "path.district-310106")
    first = next(e["text"] for e in story["excerpts"] if e["place"] == "tanjiaqiao-road" if "place" in e)
    expect(page.locator("#sm-panel")).to_contain_text(first.split("。")[0])
    # what the app loads on demand is in the copy already: the comparison (its module and styles) and passage search
    page.locator("#sm-panel .cmp-add").click()
    expect(page.locator(".cmp-chip")).to_have_count(1)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.cmp-chips')).display") == "flex"
    page.locator("#sm-search-input").fill(first.split("。")[0][-6:])
    expect(page.locator("#sm-search-results mark").first).to_have_text(first.split("。")[0][-6:])
    page.keyboard.press("Escape")
    page.go_back()
    # English at its own path, and back
    page.locator("#sm-lang-switch").click()
    page.wait_for_function("() => window.StoryMap && window.StoryMap.app")
    assert page.url.endswith("/en/index.html#district=310106")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # the quiz runs; a link asking for another set learns that the copy has one
    open_quiz(page, (exported / "quiz.html").as_uri())
    expect(page.locator(".qz-fixed")).to_have_count(0)
    page.keyboard.press("1")
    expect(page.locator(".qz-feedback")).to_be_visible()
    open_quiz(page, (exported / "quiz.html").as_uri() + "?seed=5")
    expect(page.locator(".qz-fixed")).to_contain_text("题组 1")
    # and the presenter
    open_present(page, (exported / "present.html").as_uri() + "#slide=2")
    expect(page.locator(f"{SLIDE} h2")).to_have_text(names[expected_tour[0]])


def test_static_copy_under_a_sub_path(open_page, exported, ui):
    """Served by a plain static file server at /sub/path/ (no app)."""
    root = exported.parent.parent
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page, log = open_page(viewport={"width": 1280, "height": 800})
        base = f"http://127.0.0.1:{server.server_port}/sub/path/"
        ui.open(page, base)
        expect(page.locator("path.district")).to_have_count(16)
        page.goto(base + "stories.html")
        expect(page.locator("h1")).to_be_visible()
        assert all(url.startswith(base) for url in log.requests), log.requests
    finally:
        server.shutdown()
        server.server_close()


def test_classic_build_runs_like_the_modules(page):
    """The static copy's classic build of a module graph (named, default, namespace, re-export, side effect)."""
    from tests.classroom.test_classic_bundle import modules_bundle

    page.set_content("<!doctype html><title>bundle</title>")
    page.add_script_tag(content=modules_bundle())
    assert page.evaluate("window.__result") == {
        "def": "hello", "double": 6, "name": "b", "value": 42, "thing": "function", "reexported": "b", "side": 11,
    }


# ---------- the map page on paper ----------

PRINT_STATE = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = (selector) => { const el = document.querySelector(selector); return !!el && getComputedStyle(el).display !== "none"; };
  return {
    map: box(document.querySelector(".sm-map")),
    district: box(document.querySelector("path.district.is-selected")),
    zoomButtons: shown(".leaflet-control-zoom"), tour: shown(".sm-tour"), legend: shown(".sm-legend"),
    search: shown(".sm-search"), panel: document.getElementById("sm-panel").innerText,
  };
}"""


def test_map_page_prints_the_selection_with_its_legend(page, live_server, ui):
    ui.open(page, live_server + "/#district=310104")
    page.emulate_media(media="print")
    page.wait_for_function("() => matchMedia('print').matches")
    # The deep link's own fly to the district may still be landing when print starts; wait
    # (bounded) until the print fit holds, then check it.
    page.wait_for_function(f"""() => {{ const s = ({PRINT_STATE})();
        return s.map[0] <= s.district[0] && s.map[1] <= s.district[1] && s.district[2] <= s.map[2] && s.district[3] <= s.map[3]; }}""",
                           timeout=10_000)
    state = page.evaluate(PRINT_STATE)
    assert not state["zoomButtons"] and not state["tour"] and not state["search"]
    assert state["legend"]
    mx0, my0, mx1, my1 = state["map"]
    assert round(mx1 - mx0) == round(186 / 25.4 * 96) + 2  # 186 mm plus its 1 px border
    dx0, dy0, dx1, dy1 = state["district"]
    # fitted: the selected district lies inside the printed map and fills most of one side of it
    assert mx0 <= dx0 and my0 <= dy0 and dx1 <= mx1 and dy1 <= my1, state
    assert max((dx1 - dx0) / (mx1 - mx0), (dy1 - dy0) / (my1 - my0)) > 0.6, state
    assert "徐汇区" in state["panel"]
    page.emulate_media(media="screen")
    page.wait_for_function("() => !matchMedia('print').matches")
    # The media-change event arrives after matches flips: wait (bounded) for the screen size back.
    page.wait_for_function("() => document.querySelector('.sm-map').style.width === ''", timeout=5_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["", "&key=1&seed=3"])
def test_handout_sheets_hold_their_content_in_print(page, live_server, lang, key):
    """Each sheet is one A4 page: nothing may be cut off at its bottom (the answer key's neither)."""
    page.goto(f"{live_server}/handout?lang={lang}&url=https://example.org/map/{key}")
    page.emulate_media(media="print")
    overflow = page.evaluate("""() => [...document.querySelectorAll('.sheet')].map((sheet) => {
        const bottom = sheet.getBoundingClientRect().bottom;
        return Math.max(0, ...[...sheet.querySelectorAll('*')].map((el) => el.getBoundingClientRect().bottom - bottom));
    })""")
    assert overflow == [0, 0, 0][:3 if key else 2], overflow
