"""The rate limiter the routes call, and the one small interface its stores implement."""

from __future__ import annotations

from typing import Protocol

from porch.ratelimit.keys import ClientKeys


class Window(Protocol):
    """Sliding windows of hits, one per key."""

    async def start(self) -> None: ...

    async def hit(self, key: str, limit: int) -> float | None:
        """Record a hit and return None if allowed, or the seconds to wait if `limit` hits are in the window.
        A refused hit is not recorded."""
        ...

    async def stop(self) -> None: ...


class RateLimiter:
    def __init__(self, keys: ClientKeys, window: Window) -> None:
        self._keys = keys
        self._window = window

    async def start(self) -> None:
        await self._window.start()

    async def stop(self) -> None:
        await self._window.stop()

    async def allow(self, bucket: str, address: str | None, limit: int) -> float | None:
        """Count one action in `bucket` (a site and an action, "blog:post") by the client at `address`; None
        if allowed, or the seconds to wait. A limit of 0 turns the bucket's limit off."""
        if limit <= 0:
            return None
        return await self._window.hit(f"{bucket}:{self._keys(address)}", limit)
