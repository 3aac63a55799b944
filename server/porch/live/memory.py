"""The `memory` backend: one process, so the events this process commits are all there is."""

from __future__ import annotations

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
        # The hub only queues them here (in commit order); its fan-out task writes them once the request
        # that committed them has answered.
        self._deliver(events)

    async def stop(self) -> None:
        self._deliver = None
