"""``storymap serve`` on a first start: the model is built in a second process while the web layer loads.

Each start runs in a fresh Python process (the fork must happen before any
thread exists, which a test process cannot promise), with its own
``STORYMAP_CACHE_DIR``. A small driver counts forks and the server's own
builds, and stands in for waitress: it asks the app for ``/`` and prints what
it saw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .test_web_cli import console_script, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="models are kept, and built alongside, on POSIX only")

DRIVER = r"""
import json, os, signal, sys

from storymap import pipeline, serving
from storymap.web import state

forks, builds = [], []
real_fork, real_build = os.fork, state.build_model


def counting_fork():
    forks.append(1)
    return real_fork()


def counting_build(*args):
    builds.append(1)
    return real_build(*args)


def dying_build(*args):
    os.kill(os.getpid(), signal.SIGKILL)


class FirstRequest:
    def __init__(self, app):
        self.app = app

    def run(self):
        response = self.app.test_client().get("/", follow_redirects=True)
        try:
            os.waitpid(-1, os.WNOHANG)
            children = "some"
        except ChildProcessError:
            children = "none"
        print(json.dumps({"status": response.status_code, "forks": len(forks), "builds": len(builds),
                          "children": children}))


os.fork = counting_fork
state.build_model = counting_build  # the server's own builds
if os.environ.get("CHILD_DIES"):
    pipeline.build_model = dying_build  # what the second process builds with
serving.waitress_server = lambda app, host, port, threads: FirstRequest(app)
from storymap.cli import main

main(["serve", *sys.argv[1:]], prog_name="storymap")
"""


def start(cache_dir, *args, child_dies=False):
    """One ``storymap serve`` start in a fresh process: what the first request saw."""
    env = {**os.environ, "STORYMAP_CACHE_DIR": str(cache_dir)}
    if child_dies:
        env["CHILD_DIES"] = "1"
    result = subprocess.run([sys.executable, "-c", DRIVER, *map(str, args)], capture_output=True, text=True,
                            env=env, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_first_start_builds_in_a_second_process_and_a_restart_forks_nothing(tmp_path):
    cache_dir = tmp_path / "models"
    first = start(cache_dir)  # every bundled region, as `storymap serve` runs
    assert first == {"status": 200, "forks": 1, "builds": 0, "children": "none"}
    stored = list(cache_dir.glob("*.pickle"))
    assert [p.name.split("-")[0] for p in stored] == ["shanghai"]
    assert start(cache_dir) == {"status": 200, "forks": 0, "builds": 0, "children": "none"}
    assert list(cache_dir.glob("*.pickle")) == stored


def test_a_second_process_that_dies_leaves_the_build_to_the_server(tmp_path, story_copy):
    cache_dir = tmp_path / "models"
    seen = start(cache_dir, *story_copy.args, child_dies=True)
    assert seen == {"status": 200, "forks": 1, "builds": 1, "children": "none"}
    assert len(list(cache_dir.glob("shanghai-*.pickle"))) == 1  # stored by the server itself


def test_nothing_is_forked_where_models_cannot_be_kept(tmp_path, story_copy):
    cache_dir = tmp_path / "models"
    cache_dir.mkdir(mode=0o700)
    cache_dir.chmod(0o777)  # others could plant a pickle: never used, so never worth building for
    seen = start(cache_dir, *story_copy.args)
    assert seen == {"status": 200, "forks": 0, "builds": 1, "children": "none"}


def test_a_broken_story_file_is_the_same_clean_error_once(tmp_path, repo_root, free_port):
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "broken.yaml").write_text("id: [unclosed\n", "utf-8")
    env = {**os.environ, "STORYMAP_CACHE_DIR": str(tmp_path / "models")}
    served = subprocess.run([*console_script("storymap"), "serve", "--port", str(free_port), "--stories", str(stories)],
                            cwd=repo_root, capture_output=True, text=True, env=env, timeout=120, check=False)
    validated = run([*console_script("storymap"), "validate", "--stories", str(stories)], repo_root)
    assert served.returncode == validated.returncode == 1
    assert f"{stories / 'broken.yaml'}:2:" in served.stderr and "invalid YAML" in served.stderr
    assert served.stderr == validated.stderr  # the message the build gives, once: nothing from the second process
    assert served.stdout == "" and "Traceback" not in served.stderr
    assert not list((tmp_path / "models").glob("*.pickle"))
