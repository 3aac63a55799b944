from porch.cache import PageCache

THREAD = ("blog", "/post")


def test_invalidate_drops_every_variant_of_the_thread_only():
    cache = PageCache()
    cache.put(THREAD, ("oldest", 50, None), 0, b"a")
    cache.put(THREAD, ("newest", 50, None), 0, b"b")
    cache.put(("blog", "/other"), ("oldest", 50, None), 0, b"c")
    cache.invalidate(THREAD)
    assert cache.get(THREAD, ("oldest", 50, None)) is None
    assert cache.get(THREAD, ("newest", 50, None)) is None
    assert cache.get(("blog", "/other"), ("oldest", 50, None)) == b"c"


def test_a_read_that_overlapped_a_write_is_not_stored():
    cache = PageCache()
    generation = cache.generation(THREAD)  # a read starts
    cache.invalidate(THREAD)  # a write commits while the read is in the database
    cache.put(THREAD, "page", generation, b"stale")  # the read finishes
    assert cache.get(THREAD, "page") is None
    cache.put(THREAD, "page", cache.generation(THREAD), b"fresh")
    assert cache.get(THREAD, "page") == b"fresh"


def test_least_recently_used_pages_are_evicted():
    cache = PageCache(max_entries=2)
    cache.put(("s", "1"), "v", 0, b"1")
    cache.put(("s", "2"), "v", 0, b"2")
    assert cache.get(("s", "1"), "v") == b"1"  # 1 is now the most recent
    cache.put(("s", "3"), "v", 0, b"3")
    assert cache.get(("s", "2"), "v") is None
    assert cache.get(("s", "1"), "v") == b"1"
    assert cache.get(("s", "3"), "v") == b"3"
