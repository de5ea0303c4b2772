"""The map desk's server through the test client: pages, the JSON API, and its safety.

Each test gets its own copy of a draft project (tests/desk/draft_project.py).
Expected districts come from the region's own polygons (a point inside each),
and "validate passes" is the real ``storymap validate`` on the written files.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from storymap.geodata import load_geodata
from tests.desk.draft_project import (FALSE_CANDIDATE, REGION, STORY_ID, TODO_PLACES, gazetteer_path, make_project,
                                      story_path)

API = f"/edit/api/{REGION}/{STORY_ID}"


@pytest.fixture
def project(tmp_path, repo_root):
    return make_project(tmp_path / "project", repo_root)


@pytest.fixture
def desk(project, make_client):
    from storymap.web.desk import create_desk_app

    app = create_desk_app(project, test_config={"TESTING": True})
    client = make_client(app)
    client.token = app.config["DESK_CSRF_TOKEN"]
    return client


@pytest.fixture(scope="module")
def inside(repo_root) -> dict[str, tuple[float, float]]:
    geodata = load_geodata(repo_root / "geodata" / REGION)
    return {d.code: (d.label_lon, d.label_lat) for d in geodata.districts}


def files(project) -> dict:
    return {path: path.read_bytes() for path in (story_path(project), gazetteer_path(project))}


def post(client, url, body, token=True, **headers):
    if token:
        headers["X-CSRF-Token"] = client.token
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", headers=headers)


def point(client, place_id, **body):
    return post(client, f"{API}/places/{place_id}/point", {"crs": "wgs84", "precision": "street",
                                                             "source": "test", **body})


def test_index_lists_the_stories_with_their_counts(desk):
    page = desk.get("/edit/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<meta name="csrf-token" content="[\w-]{40,}">', html)
    assert f'href="/edit/{REGION}/{STORY_ID}"' in html
    twin = desk.get("/edit/api/project").get_json()
    [story] = twin["regions"][0]["stories"]
    assert (story["exact"], story["approximate"], story["todo"], story["problems"]) == (1, 1, 3, 3)


def test_story_page_is_data_and_module_only(desk):
    page = desk.get(f"/edit/{REGION}/{STORY_ID}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'self'" in csp
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in s or "src=" in s for s in scripts), scripts
    data = json.loads(re.search(r'<script type="application/json" id="desk-data">(.*?)</script>', html, re.S).group(1))
    assert {p["id"] for p in data["places"]} == {*TODO_PLACES, FALSE_CANDIDATE, "zhangningqu", "waitan"}
    marked = {place for _, place in data["segments"] if place}
    assert marked == {*TODO_PLACES, FALSE_CANDIDATE, "zhangningqu", "waitan"}  # every place marked in the source


def test_places_json(desk):
    answer = desk.get(f"{API}/places")
    assert answer.status_code == 200
    by_id = {p["id"]: p for p in answer.get_json()["places"]}
    todo = by_id["mo-su-kongjian"]
    assert (todo["name"], todo["role"], todo["status"], todo["lon"]) == ("模速空间", "story", "todo", None)
    assert todo["district"]["code"] == "310104" and todo["district"]["name_zh"] == "徐汇区"
    assert todo["evidence"] == ["来到徐汇区的“模速空间”,大模型企业在这里集聚。", "模速空间已孵化企业超百家。"]
    assert by_id["waitan"]["status"] == "exact" and by_id["waitan"]["lon"] == pytest.approx(121.4868)
    assert by_id["zhangningqu"]["status"] == "approximate"
    assert by_id[FALSE_CANDIDATE]["district"] is None


def test_a_write_without_the_token_is_403_and_changes_nothing(desk, project, inside):
    before = files(project)
    lon, lat = inside["310104"]
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": desk.token[:-1]}):
        for url, body in [(f"{API}/places/mo-su-kongjian/point", {"lon": lon, "lat": lat, "crs": "wgs84",
                                                                   "precision": "point", "source": "s"}),
                          (f"{API}/places/{FALSE_CANDIDATE}/reject", {}),
                          (f"{API}/places/waitan", {"role": "story"})]:
            answer = post(desk, url, body, token=False, **headers)
            assert answer.status_code == 403 and "X-CSRF-Token" in answer.get_json()["error"]["message"]
    assert files(project) == before


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8001", "127.0.0.1.nip.io", "192.168.1.2:8001"])
def test_a_request_for_another_host_is_refused(desk, project, host):
    before = files(project)
    assert desk.get("/edit/", headers={"Host": host}).status_code == 400
    answer = post(desk, f"{API}/places/{FALSE_CANDIDATE}/reject", {}, Host=host)
    assert answer.status_code == 400 and b"not a loopback name" in answer.data
    assert desk.get("/preview/shanghai/", headers={"Host": host}).status_code == 400
    assert files(project) == before


@pytest.mark.parametrize("host", ["127.0.0.1:8001", "localhost:8001", "[::1]:8001", "LOCALHOST"])
def test_loopback_hosts_are_answered(desk, host):
    assert desk.get("/edit/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("body, reason", [
    ('{"lon": NaN, "lat": 31.2, "crs": "wgs84", "precision": "point", "source": "s"}', "lon is nan"),
    ({"lon": "Infinity", "lat": 31.2}, "expected a finite number"),
    ({"lon": 190, "lat": 31.2}, "outside China"),
    ({"lon": 121.4, "lat": -95}, "outside China"),
    ({"lon": 120.15, "lat": 30.28}, "outside every district of Shanghai (310000); expected a point inside 上海市"),
    ({"lon": 121.4, "lat": 31.2, "crs": "mercator"}, "crs is 'mercator'"),
    ({"lat": 31.2}, "lon is None"),
    ("not json", "the request body is application/json that is not JSON; expected a JSON object"),
    ("[121.4, 31.2]", "the request body is a JSON list; expected a JSON object"),
])
def test_bad_coordinates_are_400_with_the_reason_and_change_no_file(desk, project, body, reason):
    before = files(project)
    if isinstance(body, dict):
        body = {"crs": "wgs84", "precision": "point", "source": "s", **body}
    answer = post(desk, f"{API}/places/mo-su-kongjian/point", body)
    assert answer.status_code == 400, answer.get_json()
    assert reason in answer.get_json()["error"]["message"]
    assert files(project) == before


def test_placing_and_rejecting_then_validate_passes(desk, project, inside, cli):
    for place_id, (_, district) in TODO_PLACES.items():
        lon, lat = inside[district]
        answer = point(desk, place_id, lon=lon, lat=lat)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert body["history"].startswith(".storymap-history/")
        placed = {p["id"]: p for p in body["places"]}[place_id]
        assert placed["status"] == "exact" and placed["joined_district"]["code"] == district
    answer = post(desk, f"{API}/places/{FALSE_CANDIDATE}/reject", {})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["checks"]["ok"] and body["checks"]["problems"] == []
    assert FALSE_CANDIDATE not in {p["id"] for p in body["places"]}
    with open(gazetteer_path(project), newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert {pid: rows[pid]["district_code"] for pid in TODO_PLACES} == {k: v[1] for k, v in TODO_PLACES.items()}
    story = story_path(project).read_text("utf-8")
    assert "# 2 mention(s); first in chuangxin-1" in story and FALSE_CANDIDATE not in story
    result = cli("validate", "--stories", project / "stories" / REGION, "--geodata", project / "geodata" / REGION)
    assert result.exit_code == 0, result.output
    # The preview is the reader's map of the saved files: 模速空间 in 徐汇区.
    answer = desk.get(f"/preview/{REGION}/api/places.geojson", headers={"Origin": "https://elsewhere.example"})
    # The reader's API is open to any site once published; the unpublished draft on the desk is not.
    assert not [name for name in answer.headers.keys() if name.lower().startswith("access-control-")]
    places = answer.get_json()
    located = {f["properties"]["id"]: f["properties"]["district_code"] for f in places["features"]}
    assert located["mo-su-kongjian"] == "310104"
    assert desk.get(f"/preview/{REGION}/").status_code == 200
    # A change made by hand shows when the map page is next asked for.
    story_path(project).write_text(story.replace('name: "外滩"', 'name: "外滩源"'), "utf-8")
    assert desk.get(f"/preview/{REGION}/").status_code == 200
    names = {f["properties"]["id"]: f["properties"]["name"]
             for f in desk.get(f"/preview/{REGION}/api/places.geojson").get_json()["features"]}
    assert names["waitan"] == "外滩源"


def test_preview_says_so_until_validate_passes(desk):
    answer = desk.get(f"/preview/{REGION}/")
    assert answer.status_code == 409 and b"storymap validate" in answer.data


def test_locate_shows_the_district_before_saving(desk, inside):
    lon, lat = inside["310104"]
    answer = desk.get(f"/edit/api/{REGION}/locate?lon={lon}&lat={lat}&crs=wgs84")
    assert answer.status_code == 200 and answer.get_json()["district"]["name_zh"] == "徐汇区"
    refused = desk.get(f"/edit/api/{REGION}/locate?lon=120.15&lat=30.28")
    assert refused.status_code == 400 and "outside every district" in refused.get_json()["error"]["message"]


def test_accept(desk, project):
    assert not any(p["accepted"] for p in desk.get(f"{API}/places").get_json()["places"])
    answer = post(desk, f"{API}/places/waitan/accept", {})
    assert answer.status_code == 200
    assert [p["id"] for p in answer.get_json()["places"] if p["accepted"]] == ["waitan"]
    assert "  # checked on the desk; 1 mention(s); first in chuangxin-2 [29:31]" in story_path(project).read_text("utf-8")
    [story] = desk.get("/edit/api/project").get_json()["regions"][0]["stories"]
    assert story["unchecked"] == 4


def test_rename_role_and_merge(desk, project):
    answer = post(desk, f"{API}/places/mo-su-kongjian", {"name_en": "Modu Space", "role": "mentioned"})
    assert answer.status_code == 200
    placed = {p["id"]: p for p in answer.get_json()["places"]}["mo-su-kongjian"]
    assert (placed["name_en"], placed["role"]) == ("Modu Space", "mentioned")
    answer = post(desk, f"{API}/places/{FALSE_CANDIDATE}/merge", {"into": "waitan"})
    assert answer.status_code == 200 and FALSE_CANDIDATE not in story_path(project).read_text("utf-8")
    bad = post(desk, f"{API}/places/waitan", {"role": "hero"})
    assert bad.status_code == 400 and "expected story or mentioned" in bad.get_json()["error"]["message"]
    unknown = post(desk, f"{API}/places/waitan", {"colour": "red"})
    assert unknown.status_code == 400


@pytest.mark.parametrize("url", [f"{API}/places/nowhere/reject", f"/edit/api/{REGION}/nostory/places/waitan/reject",
                                 f"/edit/api/mars/{STORY_ID}/places/waitan/reject",
                                 "/edit/api/%2e%2e/%2e%2e/places/waitan/reject"])
def test_unknown_things_are_404(desk, project, url):
    before = files(project)
    answer = post(desk, url, {})
    assert answer.status_code == 404 and answer.get_json()["error"]["message"]
    assert files(project) == before


def test_edit_refuses_the_bundled_example_and_a_folder_that_is_no_project(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not in a project folder: commands read the bundled example
    monkeypatch.delenv("STORYMAP_ROOT", raising=False)
    refused = cli("edit", "--port", "1")
    assert refused.exit_code == 1 and f"{tmp_path} is not in one" in refused.output
    assert "expected `storymap init DIR`" in refused.output
    empty = cli("edit", "--root", tmp_path, "--port", "1")
    assert empty.exit_code == 1 and "expected a project folder" in empty.output


def test_tiles_are_offered_with_the_gcj02_shift_for_amap(project, make_client):
    from storymap.web.desk import create_desk_app

    client = make_client(create_desk_app(project, ("osm", "amap"), {"TESTING": True}))
    page = client.get(f"/edit/{REGION}/{STORY_ID}")
    csp = page.headers["Content-Security-Policy"]
    assert "https://*.tile.openstreetmap.org" in csp and "https://*.is.autonavi.com" in csp
    html = page.get_data(as_text=True)
    data = json.loads(re.search(r'id="desk-data">(.*?)</script>', html, re.S).group(1))
    assert [t["key"] for t in data["tiles"]] == ["osm", "amap"] and [t["gcj02"] for t in data["tiles"]] == [False, True]
    grid = data["gcj02_grid"]
    assert grid["cols"] * grid["rows"] == len(grid["dlon"]) and 0.003 < max(grid["dlon"]) < 0.006
    with pytest.raises(Exception, match="unknown tile layer"):
        create_desk_app(project, ("google",))


def test_every_string_of_the_desk_is_in_both_languages(repo_root):
    """Chinese first, English complete: the same keys, and every key the page's script and templates use."""
    from storymap.web.desk import STRINGS

    assert set(STRINGS["zh"]) == set(STRINGS["en"])
    script = (repo_root / "src/storymap/static/js/desk.js").read_text("utf-8")
    templates = "".join((repo_root / "templates" / name).read_text("utf-8") for name in ("desk.html", "desk_index.html"))
    used = set(re.findall(r'tr\("(\w+)"', script)) | set(re.findall(r"\bt\.(\w+)", templates))
    assert used <= set(STRINGS["zh"]), sorted(used - set(STRINGS["zh"]))


def test_a_wrong_method_names_the_one_expected(desk):
    answer = desk.get(f"{API}/places/waitan/reject")
    assert answer.status_code == 405
    assert answer.get_json()["error"]["message"] == "method GET is not allowed here; expected OPTIONS, POST"
    page = desk.get("/edit/nowhere/nostory")
    assert page.status_code == 404 and "no region &#39;nowhere&#39;" in page.text and b"<!doctype html>" in page.data


def test_the_index_shows_problems_of_files_it_cannot_list(desk, project):
    """A story file the desk cannot open is not a row, but validate's problems with it are on the index."""
    (project / "stories" / REGION / "broken.yaml").write_text("id: [\n", "utf-8")
    page = desk.get("/edit/").get_data(as_text=True)
    assert f"stories/{REGION}/broken.yaml:" in page
    [region] = desk.get("/edit/api/project").get_json()["regions"]
    assert [p.split(":")[0] for p in region["other_problems"]] == [f"stories/{REGION}/broken.yaml"]
    assert STORY_ID in {s["story_id"] for s in region["stories"]}


def test_a_hand_written_story_has_no_candidates_left_to_check(desk, project, repo_root):
    """Only the draft's places (ingest's note above them) wait to be accepted; the Shanghai story was written by hand."""
    import shutil

    shutil.copy(repo_root / "stories" / "shanghai" / "people-city-shanghai.yaml", project / "stories" / REGION)
    stories = {s["story_id"]: s for s in desk.get("/edit/api/project").get_json()["regions"][0]["stories"]}
    assert stories["people-city-shanghai"]["unchecked"] == 0
    assert stories[STORY_ID]["unchecked"] == 5


def test_add_a_place_the_draft_missed_then_place_it(desk, project, inside):
    answer = post(desk, f"{API}/places", {"name": "徐汇区", "role": "mentioned"})
    assert answer.status_code == 200, answer.get_json()
    added = {p["id"]: p for p in answer.get_json()["places"]}["xu-hui-qu"]
    assert (added["status"], added["role"], added["evidence"]) == ("todo", "mentioned", ["来到徐汇区的“模速空间”,大模型企业在这里集聚。"])
    page = desk.get(f"/edit/{REGION}/{STORY_ID}").get_data(as_text=True)
    assert '["徐汇区", "xu-hui-qu"]' in page  # marked in the source text
    placed = point(desk, "xu-hui-qu", lon=inside["310104"][0], lat=inside["310104"][1], precision="district")
    assert placed.status_code == 200 and placed.get_json()["point"]["district"]["code"] == "310104"
    again = post(desk, f"{API}/places", {"name": "徐汇区", "role": "story"})
    assert again.status_code == 400 and "is a place of the story already" in again.get_json()["error"]["message"]
    before = files(project)
    assert post(desk, f"{API}/places", {"name": "  ", "role": "story"}).status_code == 400
    assert post(desk, f"{API}/places", {"name": "静安区", "role": "hero"}).status_code == 400
    assert post(desk, f"{API}/places", {"name": "静安区", "role": "story"}, token=False).status_code == 403
    assert files(project) == before
