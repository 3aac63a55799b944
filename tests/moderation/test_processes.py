"""Two real server processes sharing PostgreSQL, with live = redis and live = postgres: a moderator's action on
one reaches the other's readers, over HTTP and WebSocket, at once."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from porch.moderation.console import Console
from porch.settings import load_settings
from porch.storage import Storage
from tests.conftest import make_postgres_url
from tests.live.processes import REDIS_URL, Server, connect, next_frame, start_servers

pytestmark = pytest.mark.slow


@pytest.fixture(params=["redis", "postgres"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Server]]:
    database = make_postgres_url(f"porch_moderation_{os.getpid()}")
    live = REDIS_URL if request.param == "redis" else "postgres"
    started = start_servers(tmp_path, database, live, 2, site={"moderation": "all"})
    yield started
    for server in started:
        server.stop()


async def console_key(server: Server) -> str:
    """A console session opened as `porch admin link` would, straight in the shared database."""
    settings = load_settings(server.log.parent / "porch.toml", environ={}, data_dir=server.log.parent)

    storage = Storage(settings.database)
    await storage.connect(migrate=False)
    try:
        return await Console(settings, storage).open_session("admin-link")
    finally:
        await storage.disconnect()


def as_moderator(server: Server, key: str, method: str, path: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("Origin", server.url)
    request.add_header("Cookie", f"porch_admin={key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


async def test_an_approval_on_one_process_reaches_the_others_readers(servers: list[Server]) -> None:
    a, b = servers
    key = await console_key(a)
    held = await a.post("/moderated", "held for review")
    assert held["status"] == "pending"
    _, page = b.request("GET", "/api/v1/comments?site=blog&thread=/moderated")
    assert page["comments"] == []  # B's cache now holds the page without it
    async with await connect(b.live_url("/moderated", after=page["thread"]["seq"])) as reader:
        assert (await next_frame(reader))["type"] == "hello"
        status, _ = await asyncio.to_thread(
            as_moderator, a, key, "PATCH", f"/api/v1/admin/comments/{held['id']}", {"status": "approved"}
        )
        assert status == 200
        created = await next_frame(reader, timeout=5)
        assert created["type"] == "comment.created" and created["comment"]["id"] == held["id"]
        _, page = b.request("GET", "/api/v1/comments?site=blog&thread=/moderated")
        assert [c["id"] for c in page["comments"]] == [held["id"]]

        status, _ = await asyncio.to_thread(
            as_moderator, a, key, "PATCH", "/api/v1/admin/threads?site=blog&thread=/moderated", {"locked": True}
        )
        assert status == 200
        locked = await next_frame(reader, timeout=5)
        assert locked["type"] == "thread.updated" and locked["thread"]["locked"] is True
        status, refused = b.post_now("/moderated", "too late")
        assert status == 403 and refused["error"]["code"] == "thread_locked"
        _, page = b.request("GET", "/api/v1/comments?site=blog&thread=/moderated")
        assert page["thread"]["locked"] is True
