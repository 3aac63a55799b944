"""The Redis backend: pub/sub through redis-py's asyncio client (not broadcaster, which drops messages).

A message is only the newest seq the sender committed; receivers read the events themselves from the log
(follower.py). Every (re)subscription, including the ones redis-py makes by itself after a dropped
connection, is confirmed by a "subscribe" message, and each one wakes the follower: whatever was published
while the connection was down is read from the log at once, without waiting for the next comment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from porch.live.backend import Deliver
from porch.live.follower import LogFollower
from porch.models import Event

logger = logging.getLogger("porch.live")

RECONNECT_DELAYS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
HEALTH_CHECK_INTERVAL = 5  # seconds: redis-py pings a quiet pub/sub connection to notice a dead one
STARTUP_WAIT = 5.0  # seconds to wait for the first subscription before serving anyway


class RedisBackend:
    def __init__(self, url: str, channel: str, follower: LogFollower) -> None:
        self.channel = channel
        self._url = url
        self._follower = follower
        self._client: Any = None  # redis.asyncio.Redis, untyped
        self._subscribed = asyncio.Event()
        self._latest_local = 0
        self._to_publish = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, deliver: Deliver) -> None:
        self._client = aioredis.from_url(self._url, health_check_interval=HEALTH_CHECK_INTERVAL)
        await self._follower.start(deliver)
        self._tasks = [
            asyncio.create_task(self._listen(), name="porch-live-redis-listen"),
            asyncio.create_task(self._publish_forever(), name="porch-live-redis-publish"),
        ]
        try:
            await asyncio.wait_for(self._subscribed.wait(), STARTUP_WAIT)
        except TimeoutError:
            logger.warning("Redis at %s is not answering; live events will flow once it does", self._url)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._follower.stop()
        if self._client is not None:
            await self._client.aclose()

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        self._follower.note_local(events)
        self._latest_local = max(self._latest_local, max(event.seq for event in events))
        self._to_publish.set()

    async def _publish_forever(self) -> None:
        # One PUBLISH covers every commit made since the last one: it only says how far the log has grown.
        failures = 0
        while True:
            await self._to_publish.wait()
            self._to_publish.clear()
            try:
                await self._client.publish(self.channel, str(self._latest_local))
            except (RedisError, OSError):
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                logger.warning("could not publish to Redis; retrying in %.2f s", delay)
                await asyncio.sleep(delay)
                self._to_publish.set()
            else:
                failures = 0

    async def _listen(self) -> None:
        failures = 0
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        failures = 0
                        self._subscribed.set()
                    # A published seq, or a fresh subscription after which the log may hold unseen events.
                    self._follower.wake()
            except Exception:  # this loop must outlive any failure; it logs and reconnects
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                logger.warning("lost the Redis subscription; reconnecting in %.2f s", delay, exc_info=failures == 1)
                await asyncio.sleep(delay)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
