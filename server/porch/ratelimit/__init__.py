"""Limits per client: sliding-window rate limits on writes and sign-ins, and the cap on live sockets.

`create_rate_limiter(settings)` picks where the counts live. With `live` a redis:// URL they live in that
Redis, so every process of a deployment shares one count; otherwise (`memory`, and `postgres` for now) each
process counts its own. Clients are counted by network (IPv6 by /64) under a keyed hash (keys.py).
"""

from __future__ import annotations

import hashlib

from porch.ratelimit.keys import ClientKeys, network
from porch.ratelimit.limiter import RateLimiter, Window
from porch.ratelimit.memory import MemoryWindow
from porch.ratelimit.redis import RedisWindow
from porch.ratelimit.sockets import SocketCap
from porch.settings import Settings

__all__ = ["ClientKeys", "MemoryWindow", "RateLimiter", "RedisWindow", "SocketCap", "create_rate_limiter", "network"]


def redis_prefix(database_url: str) -> str:
    """The key prefix of one deployment: every process sharing a database shares it, and two deployments
    on one Redis never count each other's clients. Hashed to keep the database URL out of Redis."""
    return "porch:rate:" + hashlib.sha256(database_url.encode()).hexdigest()[:20] + ":"


def create_rate_limiter(settings: Settings, keys: ClientKeys) -> RateLimiter:
    window: Window
    if settings.live.startswith(("redis://", "rediss://")):
        window = RedisWindow(settings.live, redis_prefix(settings.database))
    else:
        window = MemoryWindow()
    return RateLimiter(keys, window)
