"""Live replies: the hub that fans committed events out to WebSocket subscribers, and its backends.

`create_hub(settings, storage, cache)` picks the backend named by the `live` setting:
- `memory`: one process; events go straight from the commit to the subscribers.
- `redis://...`: Redis pub/sub tells every process that the event log has grown.
- `postgres`: PostgreSQL LISTEN/NOTIFY does the same on the configured database.

With several processes the event log is the single ordered source: a notification only says "the log
has grown to seq N", and every process reads the new rows itself (see follower.py). That keeps events of a
thread in order across processes, makes a lost notification harmless, and lets a process that lost its
backend connection fill the hole from the log alone.
"""

from __future__ import annotations

import hashlib

from porch.cache import PageCache
from porch.live.follower import LogFollower
from porch.live.hub import Hub
from porch.live.memory import MemoryBackend
from porch.live.postgres import PostgresBackend
from porch.live.redis import RedisBackend
from porch.settings import Settings
from porch.storage import Storage

__all__ = ["Hub", "create_hub", "redis_channel"]


def redis_channel(database_url: str) -> str:
    """The Redis channel of one deployment: every process sharing a database shares it.

    Redis pub/sub ignores the `/db` number of the URL, so two deployments on one Redis would hear each other
    if the name were fixed. Hashing keeps the database URL (and any password in it) out of Redis.
    """
    return "porch:live:" + hashlib.sha256(database_url.encode()).hexdigest()[:20]


def create_hub(settings: Settings, storage: Storage, cache: PageCache) -> Hub:
    if settings.live == "memory":
        return Hub(storage, MemoryBackend())
    follower = LogFollower(storage, cache)
    if settings.live == "postgres":
        return Hub(storage, PostgresBackend(settings.database, follower))
    return Hub(storage, RedisBackend(settings.live, redis_channel(settings.database), follower))
