"""A bounded map, least recently used out first: answers kept per model, compressed bodies."""

from __future__ import annotations

import threading
from collections import OrderedDict


class BoundedCache:
    """A thread-safe map of at most ``size`` entries; the least recently used goes first.

    ``get(key, make)`` calls ``make()`` outside the lock, so a slow computation
    never blocks readers of other keys (two threads may both compute a new key once).
    """

    def __init__(self, size: int):
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key, make):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def replace(self, key, value) -> None:
        """Put a better value under a key still held (one evicted meanwhile stays out)."""
        with self._lock:
            if key in self._items:
                self._items[key] = value

    def __len__(self) -> int:
        return len(self._items)
