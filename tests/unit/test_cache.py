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
    page = b"x" * 1000
    cache = PageCache(max_bytes=2 * 1200 + 100)  # room for two pages of 1,000 bytes and their bookkeeping
    cache.put(("s", "1"), "v", 0, page)
    cache.put(("s", "2"), "v", 0, page)
    assert cache.get(("s", "1"), "v") == page  # 1 is now the most recent
    cache.put(("s", "3"), "v", 0, page)
    assert cache.get(("s", "2"), "v") is None
    assert cache.get(("s", "1"), "v") == page
    assert cache.get(("s", "3"), "v") == page


def test_the_cache_is_bounded_by_bytes_not_by_pages():
    budget = 1024 * 1024
    cache = PageCache(max_bytes=budget)
    for index in range(600):  # 600 pages of 100 kB: 60 MB offered to a 1 MB cache
        cache.put(("s", str(index)), "v", 0, bytes(100_000))
    assert 0 < cache.size <= budget
    assert len(cache) == budget // 100_200
    assert cache.get(("s", "599"), "v") is not None  # the newest stays


def test_replacing_a_page_and_invalidating_release_their_bytes():
    cache = PageCache(max_bytes=10_000)
    cache.put(THREAD, "v", 0, b"a" * 3000)
    cache.put(THREAD, "v", 0, b"b" * 1000)
    assert cache.size == 1200
    cache.invalidate(THREAD)
    assert cache.size == 0 and len(cache) == 0


def test_a_page_larger_than_the_cache_is_not_kept():
    cache = PageCache(max_bytes=1000)
    cache.put(THREAD, "small", 0, b"s")
    cache.put(THREAD, "huge", 0, bytes(5000))
    assert cache.get(THREAD, "huge") is None
    assert cache.get(THREAD, "small") == b"s"
