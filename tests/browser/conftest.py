"""End-to-end fixtures: the real app on a local server, one headless Chromium per session.

Every page a test opens records its requests, console errors and uncaught
script errors; the test fails (at teardown) if the page asked any host but
127.0.0.1, threw, or logged an error (a Content-Security-Policy violation is
logged as one). Chromium must be installed: without it these tests fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.reference import STORY_RELPATH

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
HOST = "127.0.0.1"


IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"


class LiveServer:
    """A werkzeug server for one app, in a daemon thread on 127.0.0.1 and a free port."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server(HOST, 0, app, threaded=True)
        self.url = f"http://{HOST}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server():
    """Base URL of the real app on the bundled data."""
    import storymap

    server = LiveServer(storymap.create_app())
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def start_server():
    """Start more servers (e.g. on a copy of the data); all stopped at session end."""
    servers = []

    def start(app) -> str:
        server = LiveServer(app)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    yield p
    p.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)")
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@dataclass
class PageLog:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [f"request to another host: {url}" for url in self.requests
                 if urlsplit(url).scheme not in ("data", "blob", "about")
                 and urlsplit(url).hostname != HOST]
        found += [f"page error: {e}" for e in self.page_errors]
        found += [f"console error: {e}" for e in self.console_errors]
        return found


@pytest.fixture
def open_page(browser):
    """Open a recorded page in a fresh context: ``open_page(viewport=...)`` -> (page, log)."""
    contexts = []
    logs = []

    def open_(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        log = PageLog()
        logs.append(log)
        context.on("request", lambda request: log.requests.append(request.url))
        # Nothing may leave the machine, even if a check above were to miss it.
        context.route(lambda url: urlsplit(url).hostname not in (HOST, None),
                      lambda route: route.abort("blockedbyclient"))
        page = context.new_page()
        page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
        page.set_default_timeout(10_000)
        return page, log

    yield open_
    problems = [p for log in logs for p in log.problems()]
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def file_page(browser):
    """A page for the static copy: it may load file:// (and blob:, its downloads) URLs and nothing else.

    Fails the test on any other request and on any script or console error.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", accept_downloads=True)
    blocked, errors = [], []

    def only_files(route):
        if route.request.url.startswith(("file://", "blob:")):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort("internetdisconnected")

    context.route("**/*", only_files)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not blocked, f"network requests from the static copy: {blocked}"
    assert not errors, errors


@pytest.fixture
def page(open_page):
    page, _ = open_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    return page


@pytest.fixture
def page_log(open_page):
    """A page together with its log, for tests that look at the requests themselves."""
    return open_page(viewport={"width": 1280, "height": 800})


@pytest.fixture(scope="session")
def markup_server(tmp_path_factory, repo_root, start_server) -> str:
    """A server on a copy of the data whose story text and place names contain markup."""
    import storymap

    root = tmp_path_factory.mktemp("markup")
    stories = root / "stories"
    geodata = root / "geodata" / "shanghai"
    shutil.copytree(repo_root / "stories", stories, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(repo_root / "geodata" / "shanghai", geodata)
    story_file = stories.joinpath(*STORY_RELPATH)
    text = story_file.read_text(encoding="utf-8")
    for old, new in [
        ("      初冬的上海,", f"      {IMG}{SCRIPT}初冬的上海,"),
        ('name: "谈家桥路小区"', f"name: '谈家桥路小区{IMG}'"),
        ('name_en: "Tanjiaqiao Road estate, Jing\'an"', f"name_en: 'Tanjiaqiao {SCRIPT} estate'"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    story_file.write_text(text, encoding="utf-8")
    app = storymap.create_app({"STORIES_DIR": str(stories), "GEODATA_DIR": str(geodata)})
    return start_server(app)


@pytest.fixture(scope="session")
def payloads() -> tuple[str, str]:
    """The markup the markup server's story carries: (img with onerror, script element)."""
    return IMG, SCRIPT


class UI:
    """Ways a reader drives the page."""

    @staticmethod
    def open(page, url: str) -> None:
        page.goto(url)
        page.wait_for_function(
            "() => window.StoryMap && window.StoryMap.app && document.querySelectorAll('path.district').length")

    @staticmethod
    def point_on(page, selector: str, max_y: float | None = None):
        """A viewport point where ``selector`` is the topmost element (what a click there hits)."""
        return page.evaluate(
            """([selector, maxY]) => {
                const el = document.querySelector(selector);
                if (!el) return null;
                const r = el.getBoundingClientRect();
                const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
                const points = [];
                for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++)
                    points.push([r.left + r.width * i / 24, r.top + r.height * j / 24]);
                points.push([cx, cy]);
                points.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
                for (const [x, y] of points) {
                    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
                    if (maxY !== null && y > maxY) continue;
                    if (document.elementFromPoint(x, y) === el) return [x, y];
                }
                return null;
            }""",
            [selector, max_y],
        )

    @staticmethod
    def click(page, selector: str, *, tap: bool = False, max_y: float | None = None) -> None:
        """A real pointer click (or tap) on a visible, unobstructed point of the element."""
        point = UI.point_on(page, selector, max_y)
        assert point, f"no visible, unobstructed point on {selector}"
        if tap:
            page.touchscreen.tap(*point)
        else:
            page.mouse.click(*point)

    @staticmethod
    def hover(page, selector: str) -> None:
        point = UI.point_on(page, selector)
        assert point, f"no visible, unobstructed point on {selector}"
        page.mouse.move(*point)


@pytest.fixture(scope="session")
def ui():
    return UI
