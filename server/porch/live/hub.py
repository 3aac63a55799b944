"""The hub: which sockets follow which thread, and the one place events are turned into frames for them.

Events reach `deliver` from the backend in seq order, each once (see backend.py), and one task writes
them out in that order. A new subscriber is registered before its replay is read, so an event committed
while the replay query runs is either in the replay or delivered to it live (held back until the replay is
out); the subscriber's cursor drops the copy that arrives both ways. That gives replay-then-live with no
gap and no duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from porch.live.backend import Backend
from porch.live.frames import Frame, event_frame, hello_message, moderator_frame
from porch.live.subscriber import Subscriber
from porch.models import Event, Thread
from porch.storage import Storage
from porch.storage import events as event_rows
from porch.storage import threads as thread_rows
from porch.storage.database import READ_CONNECTIONS

if TYPE_CHECKING:
    from porch.storage import Connection

logger = logging.getLogger("porch.live")

ThreadId = tuple[str, str]  # (site, thread key): a thread can be followed before its first comment exists
PING_INTERVAL = 25.0  # seconds; well under the 60 s idle timeout of common reverse proxies
REPLAY_PAGE = 500
FAN_OUT_SLICE = 1000  # sockets written to between two chances for other work to run
READ_ATTEMPTS = READ_CONNECTIONS + 1
T = TypeVar("T")


@dataclass
class HubStats:
    events_encoded: int = 0  # frames built from events: one per public event with subscribers
    frames_queued: int = 0  # event frames handed to subscribers
    dropped_slow: int = 0  # subscribers closed with 1013
    fanout_seconds: float = 0.0  # time spent handing frames over (writing them, for sockets that take them)


class Hub:
    def __init__(self, storage: Storage, backend: Backend, *, ping_interval: float = PING_INTERVAL) -> None:
        self._storage = storage
        self._backend = backend
        self.ping_interval = ping_interval
        self._threads: dict[ThreadId, set[Subscriber]] = {}
        self._moderators: dict[Subscriber, frozenset[str] | None] = {}  # console sockets and the sites they see
        self._pinger: asyncio.Task[None] | None = None
        self._outbox: deque[tuple[Frame, tuple[Subscriber, ...]]] = deque()
        self._fan_out_task: asyncio.Task[None] | None = None
        self.stats = HubStats()

    @property
    def backend(self) -> Backend:
        return self._backend

    async def start(self) -> None:
        await self._backend.start(self.deliver)
        self._pinger = asyncio.create_task(self._ping_forever(), name="porch-live-ping")

    async def stop(self) -> None:
        for task in (self._pinger, self._fan_out_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._backend.stop()

    async def publish(self, events: Sequence[Event]) -> None:
        """The comments service's listener: events this process committed, in commit order."""
        await self._backend.publish(events)

    def subscriber_count(self) -> int:
        return sum(len(subscribers) for subscribers in self._threads.values())

    # Delivery

    def deliver(self, events: Sequence[Event]) -> None:
        """Hand events (in seq order, each once) to the subscribers of their threads."""
        for event in events:
            if self._moderators:
                consoles = tuple(s for s, sites in self._moderators.items() if sites is None or event.site in sites)
                if consoles:
                    self._outbox.append((moderator_frame(event), consoles))
            if not event.public:
                continue  # pending comments are for moderators, never for the public stream
            subscribers = self._threads.get((event.site, event.thread_key))
            if not subscribers:
                continue
            frame = event_frame(event)
            self.stats.events_encoded += 1
            self.stats.frames_queued += len(subscribers)
            # Who follows the thread now; whoever subscribes later has this event in its replay.
            self._outbox.append((frame, tuple(subscribers)))
        if self._outbox and self._fan_out_task is None:
            self._fan_out_task = asyncio.create_task(self._fan_out(), name="porch-live-fan-out")

    async def _fan_out(self) -> None:
        # One task writes every frame, in order, so each socket gets its events in seq order. It lets other
        # work run every FAN_OUT_SLICE sockets: a thread with thousands of readers would otherwise hold up
        # every request for as long as writing to all of them takes.
        try:
            while self._outbox:
                frame, subscribers = self._outbox.popleft()
                started = time.perf_counter()
                for index, subscriber in enumerate(subscribers):
                    if index and index % FAN_OUT_SLICE == 0:
                        self.stats.fanout_seconds += time.perf_counter() - started
                        await asyncio.sleep(0)
                        started = time.perf_counter()
                    subscriber.offer(frame)
                self.stats.fanout_seconds += time.perf_counter() - started
        finally:
            self._fan_out_task = None

    # Subscribing

    async def subscribe(self, site: str, key: str, after: int | None, subscriber: Subscriber) -> None:
        """Register `subscriber`, send hello and the replay of events after `after`, then go live."""
        thread_id = (site, key)
        self._threads.setdefault(thread_id, set()).add(subscriber)
        subscriber.on_drop(lambda dropped: self._slow(thread_id, dropped))
        try:
            await self._catch_up(site, key, after, subscriber)
        except BaseException:
            self.unsubscribe(site, key, subscriber)
            raise

    async def follow_as_moderator(self, sites: frozenset[str] | None, subscriber: Subscriber) -> None:
        """Register a moderation console's socket: every event of `sites` (None: all) from now on, with no
        replay (the console reads the queue itself when it connects)."""
        self._moderators[subscriber] = sites

        def forget(dropped: Subscriber) -> None:
            self._moderators.pop(dropped, None)

        subscriber.on_drop(forget)
        async with self._storage.reading() as conn:
            newest = await event_rows.max_seq(conn)
        await subscriber.send_now(hello_message(newest))
        subscriber.go_live(newest)

    def unfollow_as_moderator(self, subscriber: Subscriber) -> None:
        self._moderators.pop(subscriber, None)
        subscriber.discard()

    def unsubscribe(self, site: str, key: str, subscriber: Subscriber) -> None:
        subscribers = self._threads.get((site, key))
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._threads[(site, key)]
        subscriber.discard()

    def _slow(self, thread_id: ThreadId, subscriber: Subscriber) -> None:
        self.stats.dropped_slow += 1
        subscribers = self._threads.get(thread_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._threads[thread_id]

    async def _catch_up(self, site: str, key: str, after: int | None, subscriber: Subscriber) -> None:
        # Everything committed before this read is in the log; everything committed after it reaches the
        # subscriber live, since it is already registered.
        async def start(conn: Connection) -> tuple[Thread | None, int]:
            thread = await thread_rows.find(conn, site, key)
            return thread, await event_rows.latest_seq(conn, thread.id) if thread is not None else 0

        thread, newest = await self._read(start)
        await subscriber.send_now(hello_message(newest))
        position = after if after is not None else newest
        # The replay stops at `newest`: anything later is held for the subscriber already.
        while thread is not None and position < newest:
            page = await self._read(
                functools.partial(event_rows.after, thread_id=thread.id, seq=position, limit=REPLAY_PAGE)
            )
            page = [event for event in page if event.seq <= newest]
            if not page:
                break
            for event in page:
                if event.public:
                    await subscriber.send_now(event_frame(event).message)
            position = page[-1].seq
        subscriber.go_live(max(position, newest))

    async def _read(self, query: Callable[[Connection], Awaitable[T]]) -> T:
        """Run a read, trying again on another connection if it fails: after a database restart every pooled
        connection is broken, and each failure replaces one (storage/database.py)."""
        for attempt in range(READ_ATTEMPTS):
            try:
                async with self._storage.reading() as conn:
                    return await query(conn)
            except Exception:
                if attempt == READ_ATTEMPTS - 1:
                    raise
                logger.warning("a read for a live subscription failed; trying again", exc_info=attempt == 0)
        raise AssertionError("unreachable")

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            for subscribers in [*self._threads.values(), tuple(self._moderators)]:
                for subscriber in tuple(subscribers):
                    subscriber.ping()
