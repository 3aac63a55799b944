"""Sliding windows counted in this process: the store for one process, and the fallback while Redis is away."""

from __future__ import annotations

import time
from collections import deque


class MemoryWindow:
    def __init__(self, window: float = 60.0) -> None:
        self._window = window
        self._hits: dict[str, deque[float]] = {}
        self._last_sweep = 0.0

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def hit(self, key: str, limit: int) -> float | None:
        return self.hit_at(key, limit, time.monotonic())

    def hit_at(self, key: str, limit: int, now: float) -> float | None:
        """Record a hit at `now`; None if allowed, or the seconds to wait if `limit` hits are in the window."""
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + self._window - now
        hits.append(now)
        return None

    def _sweep(self, now: float) -> None:
        """Forget clients with no hit in the window, at most once per window, so memory stays bounded."""
        if now - self._last_sweep < self._window:
            return
        self._last_sweep = now
        stale = [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self._window]
        for key in stale:
            del self._hits[key]
