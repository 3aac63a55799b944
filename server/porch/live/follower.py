"""Follows the event log for the multi-process backends.

A notification from another process (or a commit of our own) only wakes the follower; it then reads every
event above the newest one it has handled, in seq order. Event ids become visible in commit order (writes
are serialised on SQLite, and take an advisory lock before inserting events on PostgreSQL), so this read
never skips an event that commits later with a smaller id. The result: events reach the hub in order, each
once, whichever process wrote them and however notifications were lost, duplicated or reordered.

It also drops the page cache of every thread another process changed. A slow periodic read is the safety
net for a notification that never came; it is not how events normally arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from porch.cache import PageCache
from porch.live.backend import Deliver
from porch.models import Event
from porch.storage import Storage
from porch.storage import events as event_rows

logger = logging.getLogger("porch.live")

SAFETY_NET_INTERVAL = 15.0  # seconds between reads of the log when no notification arrives
PAGE = 500
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0)  # after a failed read, e.g. while the database restarts


class LogFollower:
    def __init__(self, storage: Storage, cache: PageCache, *, interval: float = SAFETY_NET_INTERVAL) -> None:
        self._storage = storage
        self._cache = cache
        self._interval = interval
        self._deliver: Deliver | None = None
        self._high = 0  # every event up to this seq has been handled
        self._local: set[int] = set()  # seqs this process committed and has not read back yet
        self._wanted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def high(self) -> int:
        return self._high

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        # Nobody is subscribed and no page is cached yet, so events from before the start need no handling.
        async with self._storage.reading() as conn:
            self._high = await event_rows.max_seq(conn)
        self._task = asyncio.create_task(self._run(), name="porch-live-follower")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def note_local(self, events: Sequence[Event]) -> None:
        """Our own commits: their pages were dropped already, so reading them back need not drop them again."""
        self._local.update(event.seq for event in events if event.seq > self._high)
        self.wake()

    def wake(self) -> None:
        self._wanted.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), self._interval)
            self._wanted.clear()
            try:
                await self._read_new()
            except Exception:
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
                failures += 1
                logger.warning("could not read the event log; retrying in %.2f s", delay, exc_info=failures == 1)
                await asyncio.sleep(delay)
                self._wanted.set()
            else:
                failures = 0

    async def _read_new(self) -> None:
        assert self._deliver is not None
        while True:
            async with self._storage.reading() as conn:
                events = await event_rows.all_after(conn, self._high, limit=PAGE)
            if not events:
                return
            self._high = events[-1].seq
            for event in events:
                if event.seq in self._local:
                    self._local.discard(event.seq)
                else:
                    self._cache.invalidate((event.site, event.thread_key))
            self._deliver(events)
            if len(events) < PAGE:
                return
