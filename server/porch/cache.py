"""Rendered thread pages kept as ready-to-send bytes, dropped whenever their thread changes.

Reads of a busy thread then cost one dictionary look-up. A page read from the database is stored only if
its thread did not change while it was being read (the thread's generation is unchanged), so a slow read
can never put an outdated page back after a write dropped it.

The cache holds at most `max_bytes` of pages, counted by their length: pages differ in size by a factor of
thousands, so a limit on their number would not bound memory. The least recently read pages go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator

ThreadId = tuple[str, str]  # (site, thread key)

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_ENTRY_OVERHEAD = 200  # bytes of bookkeeping per page (its key, the dictionary slots), so tiny pages count too


class PageCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._pages: OrderedDict[tuple[ThreadId, Hashable], bytes] = OrderedDict()
        self._keys_by_thread: dict[ThreadId, set[Hashable]] = {}
        self._generations: dict[ThreadId, int] = {}

    @property
    def size(self) -> int:
        """Bytes held, bookkeeping included."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)

    def bodies(self) -> Iterator[bytes]:
        """Every page held, for inspection."""
        return iter(list(self._pages.values()))

    def get(self, thread: ThreadId, variant: Hashable) -> bytes | None:
        body = self._pages.get((thread, variant))
        if body is not None:
            self._pages.move_to_end((thread, variant))
        return body

    def generation(self, thread: ThreadId) -> int:
        return self._generations.get(thread, 0)

    def put(self, thread: ThreadId, variant: Hashable, generation: int, body: bytes) -> None:
        if self._generations.get(thread, 0) != generation:
            return
        cost = _cost(body)
        if cost > self._max_bytes:
            return  # larger than the whole cache: serve it, do not keep it
        self._drop((thread, variant))
        self._pages[(thread, variant)] = body
        self._bytes += cost
        self._keys_by_thread.setdefault(thread, set()).add(variant)
        while self._bytes > self._max_bytes:
            self._drop(next(iter(self._pages)))

    def invalidate(self, thread: ThreadId) -> None:
        self._generations[thread] = self._generations.get(thread, 0) + 1
        for variant in list(self._keys_by_thread.get(thread, ())):
            self._drop((thread, variant))

    def clear(self) -> None:
        for thread in list(self._keys_by_thread) + list(self._generations):
            self.invalidate(thread)

    def _drop(self, key: tuple[ThreadId, Hashable]) -> None:
        body = self._pages.pop(key, None)
        if body is None:
            return
        self._bytes -= _cost(body)
        thread, variant = key
        variants = self._keys_by_thread.get(thread)
        if variants is not None:
            variants.discard(variant)
            if not variants:
                del self._keys_by_thread[thread]


def _cost(body: bytes) -> int:
    return len(body) + _ENTRY_OVERHEAD
