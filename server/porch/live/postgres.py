"""The PostgreSQL backend: LISTEN/NOTIFY on the configured database, through its own asyncpg connection.

A notification carries only the sender's newest seq: NOTIFY payloads are limited to 8000 bytes and a long
comment would not fit, so receivers read the events from the log (follower.py). The database itself scopes
the channel, so every Porch process on one database shares it.

When the connection dies (a restart, `pg_terminate_backend`), asyncpg says so at once; the backend
reconnects, LISTENs again, and wakes the follower to read whatever it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from porch.live.follower import LogFollower
from porch.live.signalled import SignalledBackend, backoff

logger = logging.getLogger("porch.live")

CHANNEL = "porch_live"
HEALTH_CHECK_INTERVAL = 10.0  # seconds: a query on a quiet connection to notice one that died silently


class PostgresBackend(SignalledBackend):
    name = "PostgreSQL"

    def __init__(self, database_url: str, follower: LogFollower) -> None:
        super().__init__(follower)
        self._dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._conn: asyncpg.Connection | None = None

    async def _signal(self, seq: int) -> None:
        conn = self._conn
        if conn is None or conn.is_closed():
            raise ConnectionError("not listening on PostgreSQL")
        await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(seq))

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        self._follower.wake()

    async def _receive_forever(self) -> None:
        failures = 0
        while True:
            lost = asyncio.Event()
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._dsn)
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await conn.add_listener(CHANNEL, self._notified)
                self._conn = conn
                self._ready.set()
                failures = 0
                self._follower.wake()  # anything committed while we were not listening
                self._resume_publishing()  # and anything we could not announce
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), HEALTH_CHECK_INTERVAL)
                    if not lost.is_set():
                        await conn.execute("SELECT 1")
                logger.warning("lost the PostgreSQL LISTEN connection; reconnecting")
            except Exception:  # this loop must outlive any failure; it logs and reconnects
                delay = backoff(failures)
                failures += 1
                logger.warning("PostgreSQL LISTEN connection failed; retrying in %.2f s", delay, exc_info=failures == 1)
                await asyncio.sleep(delay)
            finally:
                self._conn = None
                if conn is not None:
                    conn.terminate()
