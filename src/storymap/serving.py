"""Running the app under a production WSGI server: waitress, or gunicorn worker processes.

One process with waitress threads serves a newsroom or a classroom. Past one
core, ``--workers N`` starts N gunicorn worker processes (each with its own
model, rebuilt from the same files), which is how the map grows: stateless
workers behind a reverse proxy, with the static export on a CDN for readers.
Where gunicorn is missing (it is the optional ``serve`` extra, and it does not
run on Windows), the same request falls back to one waitress process with as
many threads in total. Whatever serves, a first start builds its model in a
second process while the web layer loads (:func:`models_built_alongside`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import StorymapError

# A child still building after this long (it never should) is stopped, and the server builds itself.
PREBUILD_WAIT_SECONDS = 120.0
# waitress's logger of requests waiting for a thread (see waitress_server).
QUEUE_LOGGER = "waitress.queue"


@dataclass(frozen=True)
class ServerPlan:
    """What will serve: ``kind`` is 'waitress' or 'gunicorn'."""

    kind: str
    workers: int
    threads: int
    note: str = ""


def plan(workers: int, threads: int) -> ServerPlan:
    """gunicorn for more than one worker when it can run here, waitress otherwise."""
    if workers <= 1:
        return ServerPlan("waitress", 1, threads)
    if gunicorn_available():
        return ServerPlan("gunicorn", workers, threads)
    return ServerPlan(
        "waitress", 1, workers * threads,
        note=f"gunicorn is not installed (pip install 'storymap[serve]'; not on Windows): serving {workers} x "
             f"{threads} = {workers * threads} waitress threads in one process instead of {workers} processes",
    )


def gunicorn_available() -> bool:
    if os.name != "posix":
        return False
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


def check_port_free(host: str, port: int) -> None:
    """Fail now, with a clear message, rather than after the workers have started."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as both servers do
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise StorymapError(f"cannot listen on {host}:{port}: {exc.strerror}; try another --port") from exc


def waitress_server(app, host: str, port: int, threads: int):
    """A waitress server already listening on host:port; ``.run()`` serves until interrupted.

    waitress warns "Task queue depth is N" whenever a request waits for a free
    thread, which one browser opening a page (six connections at once, a
    dozen files) does in passing; nothing in it asks for a person, so that
    logger reports errors only. Everything else waitress logs is kept.
    """
    from waitress import create_server

    logging.getLogger(QUEUE_LOGGER).setLevel(logging.ERROR)
    try:
        return create_server(app, host=host, port=port, threads=threads)
    except OSError as exc:
        raise StorymapError(f"cannot listen on {host}:{port}: {exc.strerror}; try another --port") from exc


def run_gunicorn(app, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` from ``workers`` gunicorn processes of ``threads`` threads each.

    The app, model included, is built once before the fork (``preload_app``):
    start-up costs one build, not one per worker, and the workers share its
    memory until they write to it. The app starts no thread and opens no file
    until a request comes, so each worker's rebuild checks are its own.
    """
    from gunicorn.app.base import BaseApplication

    class StorymapGunicorn(BaseApplication):
        def load_config(self):
            bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            for key, value in {
                "bind": [bind], "workers": workers, "worker_class": "gthread", "threads": threads,
                "preload_app": True, "proc_name": "storymap", "accesslog": None, "errorlog": "-",
                "loglevel": "warning",
                # A slow rebuild must not get a worker killed; gthread workers heartbeat on their own.
                "timeout": 120, "graceful_timeout": 20,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    StorymapGunicorn().run()


@contextlib.contextmanager
def models_built_alongside(folders: list[tuple[Path, Path]]):
    """While the block runs, a forked process builds and stores the models of ``folders`` not stored yet.

    On a first start the server spends as long importing Flask and folium as
    building its model, on one core; the child builds on the other, and the
    app's own start-up then reads the stored model. The child says nothing:
    if it fails in any way, the model is simply not stored, and the server
    builds it as it always did, reporting any error itself (once). Without a
    usable model cache (tests, Windows, a folder others can write), or with
    every model stored already, nothing is forked. The block must start no
    thread before it ends.
    """
    from .modelcache import ModelCache, default_cache_dir, input_signature, stored_or_built
    from .pipeline import build_model

    directory = default_cache_dir()  # None: nothing is kept here (not POSIX, no home directory)
    caches = [(stories_dir, geodata_dir, ModelCache(directory, geodata_dir, logging.getLogger(__name__)))
              for stories_dir, geodata_dir in folders] if directory else []
    pending = [(stories_dir, geodata_dir, cache) for stories_dir, geodata_dir, cache in caches
               if cache.usable() and not cache.is_stored(input_signature(stories_dir, geodata_dir))]
    if not pending:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: build, store, leave without running the parent's exit handlers
        status = 1
        try:
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            for stories_dir, geodata_dir, cache in pending:
                stored_or_built(stories_dir, geodata_dir, build_model, cache)
            status = 0
        finally:
            os._exit(status)
    try:
        yield
    except BaseException:  # Ctrl+C or an error while starting: no orphan left building
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        deadline = time.monotonic() + PREBUILD_WAIT_SECONDS
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.005)

