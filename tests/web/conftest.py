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
import yaml
from flask.testing import FlaskClient

# 中华人民共和国县级以上行政区划代码: Shanghai (310000), 16 districts since 2016.
OFFICIAL_DISTRICTS = {
    "310101": ("黄浦区", "Huangpu District"),
    "310104": ("徐汇区", "Xuhui District"),
    "310105": ("长宁区", "Changning District"),
    "310106": ("静安区", "Jing'an District"),
    "310107": ("普陀区", "Putuo District"),
    "310109": ("虹口区", "Hongkou District"),
    "310110": ("杨浦区", "Yangpu District"),
    "310112": ("闵行区", "Minhang District"),
    "310113": ("宝山区", "Baoshan District"),
    "310114": ("嘉定区", "Jiading District"),
    "310115": ("浦东新区", "Pudong New Area"),
    "310116": ("金山区", "Jinshan District"),
    "310117": ("松江区", "Songjiang District"),
    "310118": ("青浦区", "Qingpu District"),
    "310120": ("奉贤区", "Fengxian District"),
    "310151": ("崇明区", "Chongming District"),
}

STORY_RELPATH = ("shanghai", "people-city-shanghai.yaml")


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
def official_districts() -> dict[str, tuple[str, str]]:
    """adcode -> (Chinese name, English name) of Shanghai's 16 districts."""
    return dict(OFFICIAL_DISTRICTS)


@pytest.fixture(scope="session")
def story_file(bundled_stories_dir):
    return bundled_stories_dir.joinpath(*STORY_RELPATH)


@pytest.fixture(scope="session")
def story(story_file) -> dict:
    """The bundled story file as plain data (PyYAML; independent of storymap's reader)."""
    return yaml.safe_load(story_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def excerpts_by_id(story) -> dict:
    return {e["id"]: e for e in story["excerpts"]}


@pytest.fixture(scope="session")
def places_by_id(story) -> dict:
    return {p["id"]: p for p in story["places"]}


@pytest.fixture(scope="session")
def expected_tour(story) -> list[str]:
    """Story points in the order their first excerpt appears in the article."""
    first = {}
    for index, excerpt in enumerate(story["excerpts"]):
        first.setdefault(excerpt["place"], index)
    story_points = [p["id"] for p in story["places"] if p["role"] == "story" and p["id"] in first]
    return sorted(story_points, key=first.__getitem__)


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

