from porch.ratelimit import RateLimiter


def test_sliding_window_per_site_and_client():
    limiter = RateLimiter(window=60)
    assert [limiter.allow("blog", "a", 2, now=t) for t in (0, 1)] == [None, None]
    assert limiter.allow("blog", "a", 2, now=2) == 58  # the first hit leaves the window at 60
    assert limiter.allow("blog", "b", 2, now=2) is None  # another client
    assert limiter.allow("news", "a", 2, now=2) is None  # another site
    assert limiter.allow("blog", "a", 2, now=60.5) is None  # the first hit has left the window


def test_zero_turns_the_limit_off():
    limiter = RateLimiter()
    assert all(limiter.allow("blog", "a", 0, now=0) is None for _ in range(1000))


def test_idle_clients_are_forgotten():
    limiter = RateLimiter(window=60)
    for n in range(100):
        limiter.allow("blog", f"client {n}", 5, now=0)
    limiter.allow("blog", "late", 5, now=200)
    assert len(limiter._hits) == 1
