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
from collections.abc import Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from porch.live.backend import Deliver
from porch.live.follower import LogFollower
from porch.models import Event

logger = logging.getLogger("porch.live")

CHANNEL = "porch_live"
RECONNECT_DELAYS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
HEALTH_CHECK_INTERVAL = 10.0  # seconds: a query on a quiet connection to notice one that died silently
STARTUP_WAIT = 5.0


class PostgresBackend:
    def __init__(self, database_url: str, follower: LogFollower) -> None:
        self._dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._follower = follower
        self._conn: asyncpg.Connection | None = None
        self._listening = asyncio.Event()
        self._latest_local = 0
        self._to_publish = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, deliver: Deliver) -> None:
        await self._follower.start(deliver)
        self._tasks = [
            asyncio.create_task(self._stay_connected(), name="porch-live-pg-listen"),
            asyncio.create_task(self._publish_forever(), name="porch-live-pg-publish"),
        ]
        try:
            await asyncio.wait_for(self._listening.wait(), STARTUP_WAIT)
        except TimeoutError:
            logger.warning("could not LISTEN on PostgreSQL yet; live events will flow once it answers")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._follower.stop()

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        self._follower.note_local(events)
        self._latest_local = max(self._latest_local, max(event.seq for event in events))
        self._to_publish.set()

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        self._follower.wake()

    async def _stay_connected(self) -> None:
        failures = 0
        while True:
            lost = asyncio.Event()
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._dsn)
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await conn.add_listener(CHANNEL, self._notified)
                self._conn = conn
                self._listening.set()
                failures = 0
                self._follower.wake()  # anything committed while we were not listening
                if self._latest_local:
                    self._to_publish.set()  # and anything we could not announce
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), HEALTH_CHECK_INTERVAL)
                    if not lost.is_set():
                        await conn.execute("SELECT 1")
                logger.warning("lost the PostgreSQL LISTEN connection; reconnecting")
            except Exception:  # this loop must outlive any failure; it logs and reconnects
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                logger.warning("PostgreSQL LISTEN connection failed; retrying in %.2f s", delay, exc_info=failures == 1)
                await asyncio.sleep(delay)
            finally:
                self._conn = None
                if conn is not None:
                    conn.terminate()

    async def _publish_forever(self) -> None:
        failures = 0
        while True:
            await self._to_publish.wait()
            self._to_publish.clear()
            conn = self._conn
            try:
                if conn is None or conn.is_closed():
                    raise ConnectionError("not connected")
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(self._latest_local))
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                await asyncio.sleep(delay)
                self._to_publish.set()
            else:
                failures = 0
