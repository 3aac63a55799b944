"""Limits per client: sliding-window rate limits on writes and sign-ins, and the cap on live sockets.

`create_rate_limiter(settings, keys, storage)` picks where the counts live. With `live` a redis:// URL they
live in that Redis, with `live = "postgres"` in the database, so every process of a deployment shares one
count; with `memory` (one process) they live in the process. Clients are counted by network (IPv6 by /64) under a keyed hash (keys.py).
"""

from __future__ import annotations

import hashlib

from porch.ratelimit.keys import ClientKeys, network
from porch.ratelimit.limiter import RateLimiter, Window
from porch.ratelimit.memory import MemoryWindow
from porch.ratelimit.postgres import DatabaseWindow
from porch.ratelimit.redis import RedisWindow
from porch.ratelimit.sockets import SocketCap
from porch.settings import Settings
from porch.storage import Storage

__all__ = ["ClientKeys", "DatabaseWindow", "MemoryWindow", "RateLimiter", "RedisWindow", "SocketCap", "create_rate_limiter", "network"]


def redis_prefix(database_url: str) -> str:
    """The key prefix of one deployment: every process sharing a database shares it, and two deployments
    on one Redis never count each other's clients. Hashed to keep the database URL out of Redis."""
    return "porch:rate:" + hashlib.sha256(database_url.encode()).hexdigest()[:20] + ":"


def create_rate_limiter(settings: Settings, keys: ClientKeys, storage: Storage) -> RateLimiter:
    window: Window
    if settings.live.startswith(("redis://", "rediss://")):
        window = RedisWindow(settings.live, redis_prefix(settings.database))
    elif settings.live == "postgres":
        window = DatabaseWindow(storage)
    else:
        window = MemoryWindow()
    return RateLimiter(keys, window)
