"""Sliding windows kept in the database, for deployments of several processes with `live = "postgres"`: every
process counts into the same rows (storage/rate_hits.py), so a client gets one quota however many processes
answer it."""

from __future__ import annotations

import time

from porch.storage import Connection, Storage, rate_hits


class DatabaseWindow:
    def __init__(self, storage: Storage, window: float = 60.0) -> None:
        self._storage = storage
        self._window = window
        self._last_sweep = 0.0

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def hit(self, key: str, limit: int) -> float | None:
        now = time.time()
        sweep = now - self._last_sweep >= self._window
        if sweep:
            self._last_sweep = now

        async def work(conn: Connection) -> float | None:
            if sweep:
                await rate_hits.sweep(conn, now - self._window)
            return await rate_hits.hit(conn, key, limit, now, self._window)

        return await self._storage.write(work)
