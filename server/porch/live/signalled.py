"""What the cross-process backends (Redis, PostgreSQL) share: they carry only a signal, "the event log has
grown to seq N", and each process reads the events from the log itself (follower.py).

A subclass opens its connection and listens in `_receive_forever` (calling `_ready.set()` once it listens,
and `self._follower.wake()` on every signal and every fresh subscription), and sends one signal in
`_signal`. This base class runs both loops, coalesces publishing (one signal covers every commit made since
the previous one) and retries a failed signal with backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from porch.live.backend import Deliver
from porch.live.follower import LogFollower
from porch.models import Event

logger = logging.getLogger("porch.live")

RECONNECT_DELAYS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
STARTUP_WAIT = 5.0  # seconds to wait for the first subscription before serving anyway


def backoff(failures: int) -> float:
    return RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]


STOP_TIMEOUT = 5.0  # seconds


class SignalledBackend:
    name = "backend"

    def __init__(self, follower: LogFollower) -> None:
        self._follower = follower
        self._ready = asyncio.Event()
        self._latest_local = 0
        self._to_publish = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, deliver: Deliver) -> None:
        await self._follower.start(deliver)
        self._tasks = [
            asyncio.create_task(self._receive_forever(), name=f"porch-live-{self.name}-receive"),
            asyncio.create_task(self._publish_forever(), name=f"porch-live-{self.name}-publish"),
        ]
        try:
            await asyncio.wait_for(self._ready.wait(), STARTUP_WAIT)
        except TimeoutError:
            logger.warning("%s is not answering yet; live events will flow once it does", self.name)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        # A task stuck in its cleanup (a connection that never answers) must not hold up the shutdown.
        _, stuck = await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT)
        for task in stuck:
            logger.warning("%s: task %s did not stop in time", self.name, task.get_name())
        await self._follower.stop()
        await self._close()

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        self._follower.note_local(events)
        self._latest_local = max(self._latest_local, max(event.seq for event in events))
        self._to_publish.set()

    async def _publish_forever(self) -> None:
        failures = 0
        while True:
            await self._to_publish.wait()
            self._to_publish.clear()
            try:
                await self._signal(self._latest_local)
            except Exception:  # this loop must outlive any failure: the signal is sent again later
                delay = backoff(failures)
                failures += 1
                logger.warning("could not signal through %s; retrying in %.2f s", self.name, delay)
                await asyncio.sleep(delay)
                self._to_publish.set()
            else:
                failures = 0

    def _resume_publishing(self) -> None:
        """After a reconnection: announce again what this process committed, in case a signal was lost."""
        if self._latest_local:
            self._to_publish.set()

    async def _receive_forever(self) -> None:
        raise NotImplementedError

    async def _signal(self, seq: int) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        """Release what the subclass holds beyond its tasks."""
