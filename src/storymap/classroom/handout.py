"""What the printable handout shows, and its PDF made by headless Chromium.

The handout is an HTML view of the app (``/handout``): the PDF is that page
printed by a real browser engine, so the print view and the PDF never differ.
Chromium reaches the app through request routing (no port, no network).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import StorymapError
from ..model import StoryModel
from .quiz import build_quiz, pool_size
from .strings import STRINGS

WORKSHEET_QUESTIONS = 4
WORKSHEET_SEED = 1
EXCERPT_BUDGET = {"zh": 520, "en": 900}  # characters of excerpts shared by all stops on page 1
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
APP_ORIGIN = "http://storymap.invalid"  # never resolved: every request is answered by the app itself


def handout_content(model: StoryModel, lang: str, seed: int = WORKSHEET_SEED) -> dict:
    """The numbered stops (with shortened excerpts) and the worksheet's questions for ``seed``.

    "Which district" asks only about the numbered stops (the sheet's map marks no other
    place) and names the stop's number.
    """
    en = lang == "en"
    budget = EXCERPT_BUDGET[lang] // max(1, len(model.tour))
    stops = []
    for number, place_id in enumerate(model.tour, start=1):
        place = model.place(place_id)
        excerpt = next(e for e in model.excerpts if e["place"] == place_id)
        text = excerpt["text_en"] if en and excerpt.get("text_en") else excerpt["text"]
        stops.append({
            "number": number,
            "place": place["name_en"] if en and place.get("name_en") else place["name"],
            "district": place["district_name_en"] if en else place["district_name"],
            "text": shorten(text, budget),
        })
    count = min(WORKSHEET_QUESTIONS, pool_size(model, model.tour))
    questions = build_quiz(model, seed, count, lang, marked=model.tour)["questions"]
    for question in questions:
        if question["kind"] == "district":
            number = model.tour.index(question["place"]) + 1
            question["subject"] += STRINGS[lang]["stop_number"].format(n=number)
        question["answer_number"] = 1 + [o["id"] for o in question["options"]].index(question["answer"])
    return {"stops": stops, "questions": questions, "seed": seed}


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check_public_url(url: str | None) -> str | None:
    """A URL for the QR code: http(s) with a host, else a clear error."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StorymapError(f"the public URL is {url!r}; expected an http:// or https:// address such as https://example.org/map/")
    return url


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG markup."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def check_cjk_font() -> None:
    """Fail with the package to install when no font on the machine covers Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise StorymapError(
            "cannot check for a Chinese font: fc-list was not found; expected fontconfig with a CJK font "
            "(Debian: apt-get install fontconfig fonts-noto-cjk)")
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    if not found.strip():
        raise StorymapError(
            "no font for Chinese text is installed (fc-list :lang=zh lists none), so the PDF would show boxes; "
            "install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)")


def chromium_path() -> str:
    configured = os.environ.get("STORYMAP_CHROMIUM")
    for candidate in ([configured] if configured else []) + list(CHROMIUM_CANDIDATES):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise StorymapError(
        f"no Chromium found at {', '.join(CHROMIUM_CANDIDATES)} (or $STORYMAP_CHROMIUM); "
        "PDF output needs Debian's chromium package (apt-get install chromium)")


def print_pdf(app, path: str, script_root: str = "") -> bytes:
    """Print the app's page at ``path`` (e.g. ``/handout?lang=en``) to A4 PDF bytes.

    ``script_root`` is where the app is mounted (``/shanghai`` on the series site): ``path``
    and the page's links start with it, as the browser of a reader sees them.
    """
    check_cjk_font()
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise StorymapError("PDF output needs Playwright: pip install 'storymap[pdf]'") from exc
    # Playwright's sync API refuses a thread that runs an asyncio loop (or its own session):
    # printing in a thread of its own works from any caller.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_print, sync_playwright, executable, app, path, script_root).result()


def _print(sync_playwright, executable: str, app, path: str, script_root: str) -> bytes:
    client = app.test_client()

    def answer(route):
        url = urlsplit(route.request.url)
        if f"{url.scheme}://{url.netloc}" != APP_ORIGIN:
            return route.abort("blockedbyclient")  # the page may reach nothing but the app
        inside = url.path.removeprefix(script_root) if url.path.startswith(script_root + "/") else url.path
        response = client.get(inside + (f"?{url.query}" if url.query else ""),
                              base_url=APP_ORIGIN + (script_root if inside != url.path else ""))
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.get_data())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", answer)
            response = page.goto(APP_ORIGIN + path, wait_until="load")
            if response is None or response.status != 200:
                raise StorymapError(f"{path} answered {response.status if response else 'nothing'}; expected 200")
            page.evaluate("document.fonts.ready")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()


def write_bytes_atomically(out: Path, data: bytes) -> None:
    """Write ``out`` through a temporary file beside it: never a half-written PDF."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise StorymapError(f"cannot write {out}: {exc.strerror or exc}; expected a writable file path") from exc
