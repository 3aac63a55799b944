"""Helpers shared by the live tests: reading frames from Starlette's test sockets, and posting comments."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient, WebSocketTestSession

from tests.conftest import post_comment

LIVE = "/api/v1/live"


def live_url(thread: str = "/post", *, site: str = "blog", after: int | None = None) -> str:
    url = f"{LIVE}?site={site}&thread={thread}"
    return url if after is None else f"{url}&after={after}"


def events(ws: WebSocketTestSession, count: int) -> list[dict[str, Any]]:
    """The next `count` comment events, skipping keep-alive pings."""
    received: list[dict[str, Any]] = []
    while len(received) < count:
        frame = ws.receive_json()
        if frame["type"] != "ping":
            received.append(frame)
    return received


def marker(client: TestClient, ws: WebSocketTestSession, thread: str = "/post") -> None:
    """Post a comment and require it to be the very next event: proves nothing else was sent before it.

    Starlette's test socket cannot wait with a timeout, so "nothing arrives" is shown by what arrives next.
    """
    created = post_comment(client, "marker", thread=thread)
    [frame] = events(ws, 1)
    assert frame["type"] == "comment.created"
    assert frame["comment"]["id"] == created["comment"]["id"], frame
