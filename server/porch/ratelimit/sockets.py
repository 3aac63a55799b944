"""The cap on live sockets per client network in this process.

Every socket is an open file of the process; without a cap one client can use up the process's file limit
and stop it accepting anything. Counted per process: a process's file limit is its own.
"""

from __future__ import annotations

from porch.ratelimit.keys import ClientKeys


class SocketCap:
    def __init__(self, keys: ClientKeys, limit: int) -> None:
        self._keys = keys
        self.limit = limit
        self._open: dict[str, int] = {}

    def acquire(self, address: str | None) -> str | None:
        """Count one more socket for `address`: the key to release it with, or None if at the cap."""
        key = self._keys(address)
        count = self._open.get(key, 0)
        if count >= self.limit:
            return None
        self._open[key] = count + 1
        return key

    def release(self, key: str) -> None:
        count = self._open.pop(key, 0) - 1
        if count > 0:
            self._open[key] = count

    def open_sockets(self, address: str | None) -> int:
        return self._open.get(self._keys(address), 0)
