"""Rate limits: edits and deletes are limited like posts, clients are counted by network (IPv6 by /64), and with
a Redis live backend every process of a deployment shares one count."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
import redis.asyncio as aioredis
from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from porch.app import create_app
from porch.settings import Settings
from tests.api.test_bad_input import assert_error
from tests.conftest import make_postgres_url, make_settings, post_comment, site_table

REDIS = "redis://127.0.0.1:6379/0"


@contextmanager
def behind_proxy(settings: Settings) -> Iterator[TestClient]:
    """A client whose requests come from the address in X-Forwarded-For, through uvicorn's own proxy-header
    handling (what a deployment behind a reverse proxy runs)."""
    with TestClient(ProxyHeadersMiddleware(create_app(settings), trusted_hosts="*")) as client:
        yield client


def post_from(client: TestClient, address: str, site: str = "blog") -> int:
    body = {"site": site, "thread": "/limits", "text": "hello", "author": {"name": "Ann"}}
    return client.post("/api/v1/comments", json=body, headers={"X-Forwarded-For": address}).status_code


def test_edits_and_deletes_are_rate_limited(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, sites=site_table(rate_limit=3))
    with TestClient(create_app(settings)) as client:
        created = post_comment(client, "first words")
        url = f"/api/v1/comments/{created['comment']['id']}"
        token = {"X-Edit-Token": created["edit_token"]}
        # A refused attempt counts too: guessing tokens is limited like editing.
        guess = client.patch(url, json={"text": "guess"}, headers={"X-Edit-Token": "a.b.c"})
        assert_error(guess, 403, "edit_token_invalid")
        for n in range(2):
            assert client.patch(url, json={"text": f"edit {n}"}, headers=token).status_code == 200
        refused = client.patch(url, json={"text": "one edit too many"}, headers=token)
        assert_error(refused, 429, "rate_limited")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # Deletes share the bucket of edits.
        assert_error(client.delete(url, headers=token), 429, "rate_limited")
        [comment] = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()["comments"]
        assert "edit 1" in comment["html"] and comment["status"] == "approved"
        # Posting has a bucket of its own, and the other site a limit of its own.
        post_comment(client, "a new comment")
        other = post_comment(client, "on the other site", site="other")
        other_url = f"/api/v1/comments/{other['comment']['id']}"
        assert client.delete(other_url, headers={"X-Edit-Token": other["edit_token"]}).status_code == 204


def test_one_ipv6_64_shares_a_limit_and_another_64_has_its_own(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", sites=site_table(rate_limit=2))
    with behind_proxy(settings) as client:
        assert [post_from(client, "2001:db8:0:1::1"), post_from(client, "2001:db8:0:1::2")] == [201, 201]
        assert post_from(client, "2001:db8:0:1:abcd::99") == 429  # a third address in the same /64
        assert post_from(client, "2001:db8:0:2::1") == 201  # the next /64
        assert [post_from(client, "192.0.2.1"), post_from(client, "192.0.2.2")] == [201, 201]  # IPv4: per address
        assert post_from(client, "192.0.2.1") == 201
        assert post_from(client, "::ffff:192.0.2.1") == 429  # the same IPv4 client, through a dual-stack socket


async def redis_keys(pattern: str) -> list[str]:
    client = aioredis.from_url(REDIS, decode_responses=True)
    try:
        return [key async for key in client.scan_iter(match=pattern)]
    finally:
        await client.aclose()


@pytest.mark.parametrize("backend", ["redis", "postgres"])
def test_two_processes_share_one_count(tmp_path: Path, postgres_database_name: str, backend: str) -> None:
    """With live = redis:// the counts live in that Redis; with live = "postgres" in the database that every
    process shares."""
    if backend == "redis":
        # Its own database file gives this test's deployment its own key prefix: runs never share counts.
        settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", live=REDIS, sites=site_table(rate_limit=3))
    else:
        database = make_postgres_url(postgres_database_name)
        settings = make_settings(tmp_path, database, live="postgres", sites=site_table(rate_limit=3))
    with behind_proxy(settings) as first, behind_proxy(settings) as second:
        assert post_from(first, "203.0.113.9") == 201
        assert post_from(second, "203.0.113.9") == 201
        assert post_from(first, "203.0.113.9") == 201
        assert post_from(second, "203.0.113.9") == 429
        assert post_from(first, "203.0.113.9") == 429
        assert post_from(second, "203.0.113.10") == 201
    keys = asyncio.run(redis_keys("porch:*") if backend == "redis" else stored_keys(settings.database))
    assert any(":blog:post:" in key or key.startswith("blog:post:") for key in keys)
    assert not any("203.0.113" in key for key in keys)  # counted under a keyed hash, never the address


async def stored_keys(database: str) -> list[str]:
    conn = await asyncpg.connect(database)
    try:
        return [row[0] for row in await conn.fetch("SELECT key FROM rate_hits")]
    finally:
        await conn.close()
