"""The app from the command line: ``flask --app storymap routes`` and ``storymap serve``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask.cli import routes_command

BIN = Path(sys.executable).parent
ROUTES = ("/", "/embed", "/stories", "/api/districts.geojson", "/api/places.geojson", "/api/districts",
          "/api/districts/<code>", "/api/stories", "/api/locate")


def console_script(name: str) -> list[str]:
    """The installed entry point next to this interpreter (what a user runs)."""
    script = BIN / name
    assert script.exists(), f"{script} missing: is storymap installed (pip install -e .)?"
    return [str(script)]


def run(args, repo_root, timeout=120):
    return subprocess.run(args, cwd=repo_root, capture_output=True, text=True, timeout=timeout)


def test_flask_routes_lists_every_route(repo_root):
    result = run([*console_script("flask"), "--app", "storymap", "routes"], repo_root)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[-1] for line in result.stdout.splitlines()[2:] if line.strip()}
    assert set(ROUTES) <= listed, listed
    assert "Traceback" not in result.stderr


def test_routes_through_the_app_cli_runner(runner):
    result = runner.invoke(routes_command)
    assert result.exit_code == 0, result.output
    assert "/api/locate" in result.output
    assert "pages.embed" in result.output


def http_get(url: str, timeout: float = 5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.headers, response.read()


def stopped(proc, timeout: float = 20) -> tuple[str, str]:
    """Terminate a server and collect its output; kill it if it does not stop within ``timeout``."""
    proc.terminate()
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def wait_until_serving(proc, url: str, deadline_s: float = 60) -> None:
    """Poll the server until it answers (the deadline only stops a hung test)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"storymap serve exited with {proc.returncode}:\n{out}\n{err}")
        try:
            http_get(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"storymap serve did not answer on {url}")


def test_storymap_serve_answers_and_stops(repo_root, free_port):
    proc = subprocess.Popen(
        [*console_script("storymap"), "serve", "--host", "127.0.0.1", "--port", str(free_port)],
        cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{free_port}"
    try:
        wait_until_serving(proc, base + "/")
        status, headers, body = http_get(base + "/")
        assert status == 200
        assert b'<html lang="zh-CN">' in body
        assert "Content-Security-Policy" in headers
        status, _, body = http_get(base + "/api/locate?lon=121.4868&lat=31.2406")
        assert status == 200 and json.loads(body)["district_code"] == "310101"
        with pytest.raises(urllib.error.HTTPError) as info:
            http_get(base + "/api/districts/999999")
        assert info.value.code == 404
        assert b"Traceback" not in info.value.read()
    finally:
        out, err = stopped(proc)
    assert f"http://127.0.0.1:{free_port}/" in out
    assert "Traceback" not in err


def test_storymap_serve_rejects_an_unknown_tile_layer(repo_root, free_port):
    result = run([*console_script("storymap"), "serve", "--tiles", "foo", "--port", str(free_port)], repo_root)
    assert result.returncode == 1
    assert "foo" in result.stderr
    assert "osm" in result.stderr  # names what would have been accepted
    assert "Traceback" not in result.stderr + result.stdout


def test_storymap_serve_on_a_busy_port_fails_cleanly(repo_root):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run([*console_script("storymap"), "serve", "--port", str(port)], repo_root)
    assert result.returncode == 1
    assert str(port) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
