"""The live protocol through Starlette's test client, on SQLite and PostgreSQL, with the memory backend."""

from __future__ import annotations

import time
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse

from porch.app import create_app
from porch.settings import Settings
from tests.conftest import TEST_ORIGIN, post_comment
from tests.live.helpers import events, live_url, marker


def thread_page(client: TestClient, thread: str = "/post") -> dict[str, Any]:
    response = client.get("/api/v1/comments", params={"site": "blog", "thread": thread})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_a_thread_without_comments_says_hello_with_seq_0_then_streams(client: TestClient) -> None:
    with client.websocket_connect(live_url("/empty")) as ws:
        assert ws.receive_json() == {"type": "hello", "seq": 0}
        created = post_comment(client, "First!", thread="/empty")
        [frame] = events(ws, 1)
    assert frame["type"] == "comment.created"
    assert frame["thread"] == "/empty"
    assert frame["comment"] == created["comment"]
    assert frame["seq"] == thread_page(client, "/empty")["thread"]["seq"]


def test_hello_gives_the_newest_seq_of_the_thread(client: TestClient) -> None:
    post_comment(client, "one")
    post_comment(client, "two")
    post_comment(client, "elsewhere", thread="/other")
    with client.websocket_connect(live_url()) as ws:
        hello = ws.receive_json()
    assert hello == {"type": "hello", "seq": thread_page(client)["thread"]["seq"]}


def test_created_updated_and_deleted_carry_the_comment_as_the_api_shows_it(client: TestClient) -> None:
    parent = post_comment(client, "parent")
    with client.websocket_connect(live_url()) as ws:
        ws.receive_json()
        reply = post_comment(client, "a *reply*", parent=parent["comment"]["id"])
        token = {"X-Edit-Token": parent["edit_token"]}
        edited = client.patch(f"/api/v1/comments/{parent['comment']['id']}", json={"text": "edited"}, headers=token)
        assert edited.status_code == 200
        assert client.delete(f"/api/v1/comments/{parent['comment']['id']}", headers=token).status_code == 204
        created, updated, deleted = events(ws, 3)

    assert [created["type"], updated["type"], deleted["type"]] == [
        "comment.created",
        "comment.updated",
        "comment.deleted",
    ]
    assert created["seq"] < updated["seq"] < deleted["seq"]
    assert created["comment"] == reply["comment"]
    assert updated["comment"] == edited.json()["comment"]
    # the deleted parent stays as a placeholder because it has a reply: same as the thread shows it
    listed = {c["id"]: c for c in thread_page(client)["comments"]}
    assert deleted["comment"] == listed[parent["comment"]["id"]]
    assert deleted["comment"]["status"] == "deleted"
    assert deleted["comment"]["author"] is None and deleted["comment"]["html"] == ""


def test_resume_from_thread_seq_loses_nothing_written_after_the_read(client: TestClient) -> None:
    post_comment(client, "before the read")
    seq = thread_page(client)["thread"]["seq"]
    missed = [post_comment(client, f"missed {i}") for i in range(3)]
    with client.websocket_connect(live_url(after=seq)) as ws:
        hello = ws.receive_json()
        replayed = events(ws, 3)
        live = post_comment(client, "live")
        [after_replay] = events(ws, 1)
    assert hello["type"] == "hello" and hello["seq"] == replayed[-1]["seq"]
    assert [f["comment"]["id"] for f in replayed] == [m["comment"]["id"] for m in missed]
    assert [f["seq"] for f in replayed] == sorted(f["seq"] for f in replayed)
    assert replayed[0]["seq"] > seq
    assert after_replay["comment"]["id"] == live["comment"]["id"]


def test_resume_replays_an_edit_with_the_current_words_only(client: TestClient) -> None:
    seq = thread_page(client)["thread"]["seq"]
    first = post_comment(client, "first words")
    token = {"X-Edit-Token": first["edit_token"]}
    client.patch(f"/api/v1/comments/{first['comment']['id']}", json={"text": "changed"}, headers=token)
    with client.websocket_connect(live_url(after=seq)) as ws:
        ws.receive_json()
        created, updated = events(ws, 2)
        marker(client, ws)
    assert (created["type"], updated["type"]) == ("comment.created", "comment.updated")
    assert created["comment"]["html"] == updated["comment"]["html"] == "<p>changed</p>"


def test_resume_after_a_delete_replays_the_deletion_alone(client: TestClient) -> None:
    seq = thread_page(client)["thread"]["seq"]
    first = post_comment(client, "first")
    token = {"X-Edit-Token": first["edit_token"]}
    client.patch(f"/api/v1/comments/{first['comment']['id']}", json={"text": "changed"}, headers=token)
    client.delete(f"/api/v1/comments/{first['comment']['id']}", headers=token)
    with client.websocket_connect(live_url(after=seq)) as ws:
        ws.receive_json()
        [deleted] = events(ws, 1)
        marker(client, ws)
    assert deleted["type"] == "comment.deleted"
    assert deleted["comment"]["author"] is None and deleted["comment"]["html"] == ""


def test_without_after_nothing_old_is_replayed(client: TestClient) -> None:
    post_comment(client, "old")
    with client.websocket_connect(live_url()) as ws:
        ws.receive_json()
        marker(client, ws)


def test_after_the_newest_seq_replays_nothing(client: TestClient) -> None:
    post_comment(client, "old")
    seq = thread_page(client)["thread"]["seq"]
    with client.websocket_connect(live_url(after=seq)) as ws:
        assert ws.receive_json() == {"type": "hello", "seq": seq}
        marker(client, ws)


def test_only_the_subscribed_thread_of_the_subscribed_site_is_sent(client: TestClient) -> None:
    with client.websocket_connect(live_url("/mine")) as ws:
        ws.receive_json()
        post_comment(client, "another thread", thread="/theirs")
        response = client.post(
            "/api/v1/comments",
            json={"site": "other", "thread": "/mine", "text": "same key, other site", "author": {"name": "O"}},
        )
        assert response.status_code == 201
        marker(client, ws, thread="/mine")


def test_many_subscribers_share_one_encoding_of_each_event(client: TestClient) -> None:
    hub = client.app.state.porch.live  # type: ignore[attr-defined]
    with (
        client.websocket_connect(live_url()) as one,
        client.websocket_connect(live_url()) as two,
        client.websocket_connect(live_url()) as three,
    ):
        for ws in (one, two, three):
            ws.receive_json()
        encoded, queued = hub.stats.events_encoded, hub.stats.frames_queued
        post_comment(client, "to all three")
        frames = [events(ws, 1)[0] for ws in (one, two, three)]
    assert frames[0] == frames[1] == frames[2]
    assert hub.stats.events_encoded - encoded == 1
    assert hub.stats.frames_queued - queued == 3


def test_the_server_pings_idle_sockets(settings: Settings) -> None:
    app = create_app(settings)
    app.state.porch.live.ping_interval = 0.05
    with TestClient(app) as client, client.websocket_connect(live_url()) as ws:
        assert ws.receive_json()["type"] == "hello"
        assert ws.receive_json() == {"type": "ping"}
        assert ws.receive_json() == {"type": "ping"}


@pytest.mark.parametrize(
    ("query", "headers", "status", "code"),
    [
        ("site=blog&thread=/post", {"origin": "https://evil.example"}, 403, "origin_not_allowed"),
        ("site=blog&thread=/post", {"origin": "https://other.example.org"}, 403, "origin_not_allowed"),
        ("site=nosuch&thread=/post", {}, 404, "site_not_found"),
        ("site=blog", {}, 422, "missing_field"),
        ("site=blog&thread=" + "x" * 513, {}, 422, "invalid_field"),
        ("site=blog&thread=/post&after=-1", {}, 422, "invalid_after"),
        ("site=blog&thread=/post&after=abc", {}, 422, "invalid_after"),
    ],
)
def test_bad_handshakes_are_refused_before_the_upgrade(
    client: TestClient, query: str, headers: dict[str, str], status: int, code: str
) -> None:
    with (
        pytest.raises(WebSocketDenialResponse) as refused,
        client.websocket_connect(f"/api/v1/live?{query}", headers=headers),
    ):
        pass  # pragma: no cover
    assert refused.value.status_code == status
    assert refused.value.json()["error"]["code"] == code


def test_a_page_of_the_site_and_a_client_without_origin_are_both_let_in(client: TestClient) -> None:
    with client.websocket_connect(live_url(), headers={"origin": TEST_ORIGIN}) as ws:
        assert ws.receive_json()["type"] == "hello"
    with client.websocket_connect(live_url()) as ws:
        assert ws.receive_json()["type"] == "hello"


def test_closing_a_socket_unsubscribes_it(client: TestClient) -> None:
    hub = client.app.state.porch.live  # type: ignore[attr-defined]
    with client.websocket_connect(live_url()) as ws:
        ws.receive_json()
        assert hub.subscriber_count() == 1
    deadline = time.monotonic() + 5
    while hub.subscriber_count() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert hub.subscriber_count() == 0
