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
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from porch.live.backend import Deliver
from porch.live.follower import LogFollower
from porch.live.signalled import SignalledBackend, backoff

logger = logging.getLogger("porch.live")

HEALTH_CHECK_INTERVAL = 5  # seconds: redis-py pings a quiet pub/sub connection to notice a dead one


CLOSE_TIMEOUT = 2.0  # seconds


class RedisBackend(SignalledBackend):
    name = "Redis"

    def __init__(self, url: str, channel: str, follower: LogFollower) -> None:
        super().__init__(follower)
        self.channel = channel
        self._url = url
        self._client: Any = None  # redis.asyncio.Redis, untyped; made in start(), inside the event loop

    async def start(self, deliver: Deliver) -> None:
        self._client = aioredis.from_url(self._url, health_check_interval=HEALTH_CHECK_INTERVAL)
        await super().start(deliver)

    async def _signal(self, seq: int) -> None:
        await self._client.publish(self.channel, str(seq))

    async def _close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(RedisError, OSError, TimeoutError):
                await asyncio.wait_for(self._client.aclose(), CLOSE_TIMEOUT)

    async def _receive_forever(self) -> None:
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
                        self._ready.set()
                        self._resume_publishing()
                    # A published seq, or a fresh subscription after which the log may hold unseen events.
                    self._follower.wake()
            except Exception:  # this loop must outlive any failure; it logs and reconnects
                delay = backoff(failures)
                failures += 1
                logger.warning("lost the Redis subscription; reconnecting in %.2f s", delay, exc_info=failures == 1)
                await asyncio.sleep(delay)
            finally:
                # Bounded: closing right after a cancelled read can wait on that read's connection forever.
                with contextlib.suppress(RedisError, OSError, TimeoutError):
                    await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT)
