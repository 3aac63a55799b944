"""A per-process sliding-window limit on new comments, per site and client address."""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    def __init__(self, window: float = 60.0) -> None:
        self._window = window
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._last_sweep = 0.0

    def allow(self, site: str, client: str, limit: int, now: float | None = None) -> float | None:
        """Record a hit and return None if allowed, or the seconds to wait if `limit` hits are in the window."""
        if limit <= 0:
            return None
        now = time.monotonic() if now is None else now
        self._sweep(now)
        hits = self._hits.setdefault((site, client), deque())
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
