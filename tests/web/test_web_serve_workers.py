"""``storymap serve --workers N``: gunicorn worker processes, or waitress threads where gunicorn cannot run."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest

from storymap import serving

from .test_web_cli import console_script, http_get, run, stopped, wait_until_serving


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not serving.gunicorn_available(), reason="gunicorn (the 'serve' extra) is not installed")
def test_workers_are_separate_processes_that_each_serve(repo_root, free_port):
    proc = subprocess.Popen(
        [*console_script("storymap"), "serve", "--host", "127.0.0.1", "--port", str(free_port), "--workers", "2"],
        cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{free_port}"
    try:
        wait_until_serving(proc, base + "/")
        # The first worker can answer before gunicorn has forked the second, on a busy machine.
        deadline = time.monotonic() + 30
        while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children(proc.pid)) == 2
        for path in ("/", "/api/places.geojson", "/api/districts/310101"):
            for _ in range(4):  # spread over both workers
                status, _, body = http_get(base + path)
                assert status == 200 and body
    finally:
        out, err = stopped(proc, timeout=60)
    assert "with 2 worker processes" in out
    assert proc.returncode == 0, err
    assert "Traceback" not in err


@pytest.mark.skipif(not serving.gunicorn_available(), reason="gunicorn (the 'serve' extra) is not installed")
def test_workers_on_a_busy_port_fail_cleanly_before_starting(repo_root):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run([*console_script("storymap"), "serve", "--port", str(port), "--workers", "2"], repo_root)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_workers_with_bad_data_fail_once_and_cleanly(repo_root, tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", "utf-8")
    result = run([*console_script("storymap"), "serve", "--port", "1", "--workers", "2", "--stories", str(tmp_path)],
                 repo_root)
    assert result.returncode == 1
    assert f"{tmp_path / 'broken.yaml'}:" in result.stderr and "invalid YAML" in result.stderr
    assert result.stderr.count("invalid YAML") == 1  # found once, before any worker exists
    assert "Traceback" not in result.stderr + result.stdout


def test_one_worker_is_waitress():
    assert serving.plan(1, 4) == serving.ServerPlan("waitress", 1, 4)


def test_without_gunicorn_workers_become_waitress_threads(monkeypatch):
    monkeypatch.setattr(serving, "gunicorn_available", lambda: False)
    server = serving.plan(3, 4)
    assert (server.kind, server.workers, server.threads) == ("waitress", 1, 12)
    assert "gunicorn is not installed" in server.note and "3 x 4 = 12 waitress threads" in server.note


def test_with_gunicorn_workers_are_processes(monkeypatch):
    monkeypatch.setattr(serving, "gunicorn_available", lambda: True)
    assert serving.plan(3, 4) == serving.ServerPlan("gunicorn", 3, 4)
