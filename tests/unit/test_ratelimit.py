import secrets

import pytest
import redis.asyncio as aioredis

from porch.ratelimit import ClientKeys, MemoryWindow, RateLimiter, RedisWindow, SocketCap, network

REDIS = "redis://127.0.0.1:6379/0"


def test_sliding_window_per_key():
    window = MemoryWindow(window=60)
    assert [window.hit_at("blog:a", 2, now=t) for t in (0, 1)] == [None, None]
    assert window.hit_at("blog:a", 2, now=2) == 58  # the first hit leaves the window at 60
    assert window.hit_at("blog:b", 2, now=2) is None  # another client
    assert window.hit_at("news:a", 2, now=2) is None  # another site
    assert window.hit_at("blog:a", 2, now=60.5) is None  # the first hit has left the window


async def test_zero_turns_the_limit_off():
    limiter = RateLimiter(ClientKeys("k" * 32), MemoryWindow())
    assert [await limiter.allow("blog:post", "192.0.2.1", 0) for _ in range(1000)] == [None] * 1000


def test_idle_clients_are_forgotten():
    window = MemoryWindow(window=60)
    for n in range(100):
        window.hit_at(f"blog:client {n}", 5, now=0)
    window.hit_at("blog:late", 5, now=200)
    assert len(window._hits) == 1


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("fe80::1%eth0", "fe80::/64"),
        ("testclient", "testclient"),
        (None, ""),
    ],
)
def test_network_counts_ipv6_by_64_and_mapped_ipv4_as_ipv4(address, counted):
    assert network(address) == counted


async def test_one_64_shares_a_limit_and_two_do_not():
    limiter = RateLimiter(ClientKeys("k" * 32), MemoryWindow())
    assert await limiter.allow("blog:post", "2001:db8:0:1::1", 2) is None
    assert await limiter.allow("blog:post", "2001:db8:0:1:ffff::2", 2) is None
    assert await limiter.allow("blog:post", "2001:db8:0:1::3", 2) is not None  # same /64
    assert await limiter.allow("blog:post", "2001:db8:0:2::1", 2) is None  # next /64
    assert await limiter.allow("blog:post", "192.0.2.1", 1) is None
    assert await limiter.allow("blog:post", "::ffff:192.0.2.1", 1) is not None  # the same IPv4 client


def test_client_keys_are_keyed_hashes():
    keys = ClientKeys("k" * 32)
    assert keys("192.0.2.1") != ClientKeys("j" * 32)("192.0.2.1")
    assert "192.0.2.1" not in keys("192.0.2.1")
    assert keys("2001:db8::1") == keys("2001:db8::2")


def test_socket_cap_counts_and_releases():
    cap = SocketCap(ClientKeys("k" * 32), 2)
    held = [cap.acquire("2001:db8::1"), cap.acquire("2001:db8::2")]
    assert None not in held
    assert cap.acquire("2001:db8::3") is None  # the same /64
    assert cap.acquire("192.0.2.1") is not None  # another client
    cap.release(held[0])
    assert cap.open_sockets("2001:db8::9") == 1
    assert cap.acquire("2001:db8::3") is not None


async def test_redis_windows_of_two_processes_share_one_count():
    prefix = f"porch:test:{secrets.token_hex(8)}:"
    first, second = RedisWindow(REDIS, prefix), RedisWindow(REDIS, prefix)
    await first.start()
    await second.start()
    client = aioredis.from_url(REDIS)
    try:
        assert await first.hit("blog:post:abc", 3) is None
        assert await second.hit("blog:post:abc", 3) is None
        assert await first.hit("blog:post:abc", 3) is None
        wait = await second.hit("blog:post:abc", 3)
        assert wait is not None and 0 < wait <= 60
        assert await first.hit("blog:post:other", 3) is None  # another key, its own count
        assert 0 < await client.pttl(prefix + "blog:post:abc") <= 60_000  # the window's key expires
        assert await client.zcard(prefix + "blog:post:abc") == 3  # the refused hit was not recorded
    finally:
        await client.delete(prefix + "blog:post:abc", prefix + "blog:post:other")
        await client.aclose()
        await first.stop()
        await second.stop()


async def test_redis_window_counts_in_the_process_while_redis_is_away():
    window = RedisWindow("redis://127.0.0.1:1/0", "porch:test:")  # nothing listens on port 1
    await window.start()
    try:
        assert [await window.hit("blog:post:abc", 2) for _ in range(2)] == [None, None]
        assert await window.hit("blog:post:abc", 2) is not None
    finally:
        await window.stop()
