"""Deleted and edited words do not stay readable: not through the API, the live replay, the page cache or any
table. (Security review, finding 6.)"""

from __future__ import annotations

import asyncio

from starlette.testclient import TestClient

from porch.settings import Settings
from porch.storage import Storage
from tests.conftest import post_comment
from tests.live.helpers import events, live_url, marker

SECRET_WORDS = "my first draft mentions zanzibar"
GUEST = {"name": "Quentin Quarry", "email": "quentin@example.net", "url": "https://quentin.example.net/"}


def every_stored_value(settings: Settings) -> str:
    """Every row of every table, as one string."""

    async def dump() -> str:
        storage = Storage(settings.database)
        await storage.connect(migrate=False)
        try:
            async with storage.reading() as conn:
                tables = ["threads", "identities", "comments", "events", "sessions", "logins", "instance_apps"]
                rows = [row for table in tables for row in await conn.fetch_all(f"SELECT * FROM {table}")]
        finally:
            await storage.disconnect()
        return "\n".join(repr(tuple(row)) for row in rows)

    return asyncio.run(dump())


def read_all(client: TestClient) -> str:
    pages = [client.get("/api/v1/comments", params={"site": "blog", "thread": "/post", "sort": sort}).text
             for sort in ("oldest", "newest", "top")]
    return "\n".join(pages)


def cached_pages(client: TestClient) -> str:
    cache = client.app.state.porch.cache  # type: ignore[attr-defined]
    return "\n".join(body.decode() for body in cache.bodies())


def replay(client: TestClient, after: int, count: int) -> str:
    with client.websocket_connect(live_url(after=after)) as ws:
        ws.receive_json()
        frames = events(ws, count)
        marker(client, ws)
    return "\n".join(repr(frame) for frame in frames)


def test_after_a_delete_nothing_holds_the_words_or_the_guest(client: TestClient, settings: Settings) -> None:
    seq = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()["thread"]["seq"]
    posted = post_comment(client, SECRET_WORDS, author=GUEST)
    post_comment(client, "a reply keeps the deleted comment as a placeholder", parent=posted["comment"]["id"])
    token = {"X-Edit-Token": posted["edit_token"]}
    assert client.patch(f"/api/v1/comments/{posted['comment']['id']}", json={"text": "then zanzibar again"},
                        headers=token).status_code == 200
    read_all(client)  # fill the cache with the edited version
    assert client.delete(f"/api/v1/comments/{posted['comment']['id']}", headers=token).status_code == 204

    seen = "\n".join([read_all(client), cached_pages(client), replay(client, seq, 2), every_stored_value(settings)])
    assert "placeholder" in seen  # the control: the reply is everywhere
    for secret in ("zanzibar", *GUEST.values()):
        assert secret not in seen


def test_after_an_edit_only_the_current_words_remain(client: TestClient, settings: Settings) -> None:
    seq = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()["thread"]["seq"]
    posted = post_comment(client, SECRET_WORDS, author=GUEST)
    read_all(client)
    token = {"X-Edit-Token": posted["edit_token"]}
    assert client.patch(f"/api/v1/comments/{posted['comment']['id']}", json={"text": "nothing to see"},
                        headers=token).status_code == 200

    seen = "\n".join([read_all(client), cached_pages(client), replay(client, seq, 2), every_stored_value(settings)])
    assert "nothing to see" in seen and GUEST["name"] in seen  # the edit is there, and so is its author
    assert "zanzibar" not in seen


def test_deleting_one_comment_of_a_guest_leaves_their_others_attributed(client: TestClient, settings: Settings) -> None:
    """A guest identity belongs to one comment: erasing it touches no other comment."""
    first = post_comment(client, "one", author=GUEST)
    second = post_comment(client, "two", author=GUEST)
    assert client.delete(f"/api/v1/comments/{first['comment']['id']}",
                         headers={"X-Edit-Token": first["edit_token"]}).status_code == 204
    page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()
    [shown] = page["comments"]
    assert shown["id"] == second["comment"]["id"] and shown["author"]["name"] == GUEST["name"]
