"""The one small interface every live backend implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from porch.models import Event

Deliver = Callable[[Sequence[Event]], None]


class Backend(Protocol):
    """Carries committed events to the hub of every process of a deployment.

    `deliver` must be called with the events of the whole deployment in seq order, each exactly once,
    for as long as the backend runs: a backend that loses its connection reconnects by itself and fills
    the hole, rather than go quiet.
    """

    async def start(self, deliver: Deliver) -> None: ...

    async def publish(self, events: Sequence[Event]) -> None:
        """Events this process has just committed, in commit order. Must not fail the caller's request."""
        ...

    async def stop(self) -> None: ...
