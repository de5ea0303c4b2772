"""``storymap serve``'s log shows what needs a person, not the waitress queue while readers browse."""

from __future__ import annotations

import logging
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor

from storymap import serving

from .test_web_cli import console_script, http_get, wait_until_serving

# What one reader's browser asks for at once when the map opens, many times over.
BURST_PATHS = ["/", "/api/places.geojson", "/api/districts", "/stories", "/embed", "/api/districts/310101"] * 12


def test_a_burst_of_readers_logs_no_task_queue_warnings(repo_root, free_port):
    # Ctrl+C as a person presses it, also when the suite itself runs as a background job (whose shell ignores
    # SIGINT, and an ignored SIGINT is inherited: the server would never see it)
    proc = subprocess.Popen(
        [*console_script("storymap"), "serve", "--host", "127.0.0.1", "--port", str(free_port)],
        cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    base = f"http://127.0.0.1:{free_port}"
    try:
        wait_until_serving(proc, base + "/")
        with ThreadPoolExecutor(max_workers=36) as pool:  # more connections than threads: requests must queue
            statuses = list(pool.map(lambda path: http_get(base + path, timeout=30)[0], BURST_PATHS))
        assert statuses == [200] * len(BURST_PATHS)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "Task queue depth" not in err, err
    assert "serving http://127.0.0.1" in out  # the log itself is still there


def test_only_the_queue_logger_is_quieted_and_to_errors(free_port):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = serving.waitress_server(app, "127.0.0.1", free_port, threads=2)
    try:
        assert logging.getLogger(serving.QUEUE_LOGGER).getEffectiveLevel() == logging.ERROR
        assert logging.getLogger("waitress").getEffectiveLevel() <= logging.WARNING
    finally:
        server.close()
