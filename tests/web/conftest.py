"""Fixtures for the web layer, exercised through Flask's test client.

The app is the real one (``storymap.create_app``) on the real bundled data.
Expected values come from sources independent of the code under test: the
official adcodes of Shanghai's districts, the story file itself (read here
with plain PyYAML, not with storymap's reader) and the gazetteer CSV.
"""

from __future__ import annotations

import csv
import socket

import pytest
from flask.testing import FlaskClient






class CheckedClient(FlaskClient):
    """A test client that fails the test if any response body shows a stack trace."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        body = response.get_data()
        assert b"Traceback" not in body, f"{response.request.path}: response body contains a traceback"
        return response


@pytest.fixture(scope="session")
def app():
    """The real app on the bundled data, built once (start-up builds the model)."""
    import storymap

    application = storymap.create_app({"TESTING": True})
    application.test_client_class = CheckedClient
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def make_client():
    """A checked test client for another app (e.g. one made on a copy of the data)."""

    def make(application):
        application.test_client_class = CheckedClient
        return application.test_client()

    return make


@pytest.fixture(scope="session")
def gazetteer_rows(bundled_geodata_dir) -> list[dict]:
    with open(bundled_geodata_dir / "gazetteer.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

