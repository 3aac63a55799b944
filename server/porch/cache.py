"""Rendered thread pages kept as ready-to-send bytes, dropped whenever their thread changes.

Reads of a busy thread then cost one dictionary look-up. A page read from the database is stored only if
its thread did not change while it was being read (the thread's generation is unchanged), so a slow read
can never put an outdated page back after a write dropped it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

ThreadId = tuple[str, str]  # (site, thread key)


class PageCache:
    def __init__(self, max_entries: int = 4096) -> None:
        self._max_entries = max_entries
        self._pages: OrderedDict[tuple[ThreadId, Hashable], bytes] = OrderedDict()
        self._keys_by_thread: dict[ThreadId, set[Hashable]] = {}
        self._generations: dict[ThreadId, int] = {}

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
        self._pages[(thread, variant)] = body
        self._keys_by_thread.setdefault(thread, set()).add(variant)
        while len(self._pages) > self._max_entries:
            (old_thread, old_variant), _ = self._pages.popitem(last=False)
            variants = self._keys_by_thread.get(old_thread)
            if variants is not None:
                variants.discard(old_variant)
                if not variants:
                    del self._keys_by_thread[old_thread]

    def invalidate(self, thread: ThreadId) -> None:
        self._generations[thread] = self._generations.get(thread, 0) + 1
        for variant in self._keys_by_thread.pop(thread, set()):
            self._pages.pop((thread, variant), None)

    def clear(self) -> None:
        for thread in list(self._keys_by_thread) + list(self._generations):
            self.invalidate(thread)
