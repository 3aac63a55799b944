"""The `memory` backend: one process, so the events this process commits are all there is."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from porch.live.backend import Deliver
from porch.models import Event


class MemoryBackend:
    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def publish(self, events: Sequence[Event]) -> None:
        assert self._deliver is not None, "start() first"
        # Fan out on the next turn of the event loop: the request that committed the events answers first,
        # and call_soon runs callbacks in the order they were scheduled, which keeps commit order.
        asyncio.get_running_loop().call_soon(self._deliver, list(events))

    async def stop(self) -> None:
        self._deliver = None
