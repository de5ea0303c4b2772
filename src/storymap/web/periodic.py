"""A check a running server makes off the request path: at most every N seconds, one at a time.

A request calls :meth:`PeriodicCheck.start_if_due`, which returns at once and,
when the interval has passed and no check is running, runs the check in a
background thread. :meth:`PeriodicCheck.run_now` runs it in the caller and
waits (the CLI and tests; never a request). Used by the model holder (a
region's changed files) and the site (regions added to the project).
"""

from __future__ import annotations

import threading
import time


class PeriodicCheck:
    def __init__(self, check, seconds: float | None, thread_name: str):
        self.check = check
        self.seconds = seconds  # None: never in the background
        self.thread_name = thread_name
        self.lock = threading.Lock()  # held while a check runs
        self._last = time.monotonic()

    def start_if_due(self) -> None:
        if self.seconds is not None and time.monotonic() - self._last >= self.seconds:
            if self.lock.acquire(blocking=False):
                self._last = time.monotonic()
                threading.Thread(target=self._run_then_release, name=self.thread_name, daemon=True).start()

    def run_now(self) -> None:
        with self.lock:
            self.check()

    def _run_then_release(self) -> None:
        try:
            self.check()
        finally:
            self._last = time.monotonic()
            self.lock.release()
