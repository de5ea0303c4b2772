"""A repeat view asks the server for the HTML only, and gets 304 Not Modified.

Static assets have content-hashed, immutable URLs (ES modules' relative
imports too, through the import map), so Chromium takes them from its cache.
The server records every request it answers; nothing else is intercepted.
Chromium asks for the favicon on its own schedule, sometimes after the first
view has drawn, so the check is that no asset is ever fetched twice, not
that each request falls on one side of the second navigation.
"""

from __future__ import annotations

import pytest

import storymap

pytestmark = pytest.mark.browser


class Recorder:
    """WSGI middleware noting (path, query, status) of every request the app answers."""

    def __init__(self, app):
        self.app = app
        self.seen: list[tuple[str, str, str]] = []

    def __call__(self, environ, start_response):
        def record(status, headers, *args):
            self.seen.append((environ["PATH_INFO"], environ.get("QUERY_STRING", ""), status.split()[0]))
            return start_response(status, headers, *args)

        return self.app(environ, record)


def test_repeat_view_fetches_only_the_html(start_server, browser):
    app = storymap.create_app()
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder
    url = start_server(app)
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_function("document.querySelectorAll('path.district').length >= 16")
    first_view = len(recorder.seen)
    assert any(path.endswith(".js") for path, _, _ in recorder.seen)

    page.goto(url + "/")
    page.wait_for_function("document.querySelectorAll('path.district').length >= 16")
    assets = [path for path, _, _ in recorder.seen if path.startswith("/static/")]
    assert all(query.startswith("v=") for path, query, _ in recorder.seen if path.startswith("/static/")), recorder.seen
    assert len(assets) == len(set(assets)), recorder.seen
    pages = [request for request in recorder.seen[first_view:] if not request[0].startswith("/static/")]
    assert pages == [("/", "", "304")], recorder.seen
    context.close()
