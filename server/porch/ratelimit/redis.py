"""Sliding windows in Redis, shared by every process of a deployment.

One sorted set per key holds the times of its hits. A Lua script trims the hits that left the window,
counts, and adds the new hit, atomically, on Redis's own clock (so processes on machines whose clocks
disagree still count one window), and lets the set expire with its newest hit. Key names carry only a
keyed hash of the client's network (keys.py).

While Redis cannot be reached the hits are counted in this process instead: a limit per process is better
than none, and a Redis outage must not turn into refused comments.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from porch.ratelimit.memory import MemoryWindow

logger = logging.getLogger("porch.ratelimit")

TIMEOUT = 1.0  # seconds: a Redis that does not answer must not hold up the request for long
RETRY_AFTER = 5.0  # seconds counted in this process after a failure, before Redis is tried again

# KEYS[1]: the window's key. ARGV: limit, window in ms, a token that makes this hit's member unique.
# Returns -1 if the hit was allowed and recorded, else the ms until the oldest hit leaves the window.
_HIT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return -1
"""


class RedisWindow:
    def __init__(self, url: str, prefix: str, window: float = 60.0) -> None:
        self._url = url
        self._prefix = prefix
        self._window_ms = int(window * 1000)
        self._fallback = MemoryWindow(window)
        self._client: Any = None  # redis.asyncio.Redis, untyped; made in start(), inside the event loop
        self._script: Any = None
        self._failing_since: float | None = None

    async def start(self) -> None:
        self._client = aioredis.from_url(self._url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
        self._script = self._client.register_script(_HIT)

    async def stop(self) -> None:
        if self._client is not None:
            # Bounded, like every other wait on Redis here: a shutdown must not hang on it.
            with contextlib.suppress(RedisError, OSError, TimeoutError):
                await asyncio.wait_for(self._client.aclose(), TIMEOUT * 2)

    async def hit(self, key: str, limit: int) -> float | None:
        now = time.monotonic()
        if self._failing_since is not None and now < self._failing_since + RETRY_AFTER:
            return await self._fallback.hit(key, limit)
        try:
            wait_ms = await self._script(keys=[self._prefix + key], args=[limit, self._window_ms, secrets.token_hex(6)])
        except (RedisError, OSError):
            if self._failing_since is None:
                logger.warning("cannot reach Redis for rate limits; counting in this process until it answers")
            self._failing_since = now
            return await self._fallback.hit(key, limit)
        if self._failing_since is not None:
            logger.warning("Redis answers again; rate limits are shared by all processes again")
            self._failing_since = None
        return None if int(wait_ms) < 0 else int(wait_ms) / 1000
