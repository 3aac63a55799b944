"""Every endpoint of the moderation API refuses whoever is not a moderator of the site in question: no session,
a reader's session, another site's moderator, a request from a foreign page. A pending comment's words reach
no one else. (The console's own sign-in is tested in test_console_auth.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse

from porch.app import create_app
from tests.conftest import make_settings, site_table
from tests.moderation.helpers import CONSOLE_ORIGIN, console_session, post, reader_session

ENDPOINTS = [
    ("GET", "/api/v1/admin/comments", None),
    ("PATCH", "/api/v1/admin/comments/{id}", {"status": "approved"}),
    ("PATCH", "/api/v1/admin/threads?site=blog&thread=/post", {"locked": True}),
    ("POST", "/api/v1/admin/bans", {"site": "blog", "comment": "{id}"}),
    ("GET", "/api/v1/admin/bans", None),
    ("DELETE", "/api/v1/admin/bans/1", None),
    ("GET", "/api/v1/admin/log", None),
]


def call(client: TestClient, method: str, path: str, body: Any, comment_id: str, **headers: str) -> Any:
    path = path.replace("{id}", comment_id)
    if isinstance(body, dict):
        body = {key: (value.replace("{id}", comment_id) if isinstance(value, str) else value)
                for key, value in body.items()}
    return client.request(method, path, json=body, headers=headers)


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Any:
    sites = site_table(moderation="all", moderators=["github:7"])
    sites["other"]["moderators"] = ["github:8"]
    with TestClient(create_app(make_settings(tmp_path, database_url, sites=sites))) as test_client:
        yield test_client


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_without_a_session_every_endpoint_is_401(client: TestClient, method: str, path: str, body: Any) -> None:
    held = post(client, "secret pending words").json()["comment"]
    response = call(client, method, path, body, held["id"], Origin=CONSOLE_ORIGIN)
    assert response.status_code == 401 and response.json()["error"]["code"] == "admin_sign_in_required"
    assert "secret pending words" not in response.text


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_readers_widget_session_moderates_nothing(client: TestClient, method: str, path: str, body: Any) -> None:
    held = post(client, "secret pending words").json()["comment"]
    token = reader_session(client, "blog", "github", "999", "Reader")
    response = call(client, method, path, body, held["id"], Authorization=f"Bearer {token}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_moderator"
    assert "secret pending words" not in response.text


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] != "GET" and "bans/1" not in e[1]])
def test_another_sites_moderator_is_refused(client: TestClient, method: str, path: str, body: Any) -> None:
    held = post(client, "secret pending words").json()["comment"]
    console_session(client, "github:8")  # moderates "other" only
    response = call(client, method, path, body, held["id"], Origin=CONSOLE_ORIGIN)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_moderator"
    assert "secret pending words" not in response.text


def test_another_sites_moderator_lists_nothing_of_this_site(client: TestClient) -> None:
    post(client, "secret pending words")
    console_session(client, "github:8")
    listing = client.get("/api/v1/admin/comments", params={"status": "pending"})
    assert listing.status_code == 200 and listing.json()["comments"] == []
    assert listing.json()["counts"] == {"pending": 0, "flagged": 0, "spam": 0}  # not even how many
    asked = client.get("/api/v1/admin/comments", params={"site": "blog"})
    assert asked.status_code == 403 and asked.json()["error"]["code"] == "not_a_moderator"


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] != "GET"])
def test_unsafe_console_requests_need_the_servers_own_origin(client: TestClient, method: str, path: str, body: Any) -> None:
    held = post(client, "secret pending words").json()["comment"]
    console_session(client)
    for origin in ("https://evil.example", None):
        headers = {"Origin": origin} if origin else {}
        response = call(client, method, path, body, held["id"], **headers)
        assert response.status_code == 403 and response.json()["error"]["code"] == "origin_not_allowed", origin


def test_the_sites_moderator_acts_from_the_console_and_from_the_widget(client: TestClient) -> None:
    """The control: the same requests succeed for a moderator of the site."""
    held = post(client, "pending words").json()["comment"]
    console_session(client, "github:7")
    listing = client.get("/api/v1/admin/comments", params={"status": "pending"}).json()["comments"]
    assert [c["text"] for c in listing] == ["pending words"]
    client.cookies.clear()
    token = reader_session(client, "blog", "github", "7", "Mod")
    approved = client.patch(f"/api/v1/admin/comments/{held['id']}", json={"status": "approved"},
                            headers={"Authorization": f"Bearer {token}", "Origin": "https://blog.example.com"})
    assert approved.status_code == 200 and approved.json()["comment"]["status"] == "approved"
    foreign = client.get("/api/v1/admin/comments",
                         headers={"Authorization": f"Bearer {token}", "Origin": "https://evil.example"})
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "origin_not_allowed"


def test_the_console_socket_hears_pending_comments_of_its_sites_only(client: TestClient) -> None:
    console_session(client, "github:7")
    with client.websocket_connect("/api/v1/admin/live", headers={"Origin": CONSOLE_ORIGIN}) as ws:
        assert ws.receive_json()["type"] == "hello"
        post(client, "not mine", site="other")
        held = post(client, "pending words").json()["comment"]
        frame = ws.receive_json()
        while frame["type"] == "ping":
            frame = ws.receive_json()
    assert frame["type"] == "comment.created" and frame["site"] == "blog"
    assert frame["comment"]["id"] == held["id"] and frame["comment"]["status"] == "pending"


def test_the_console_socket_refuses_without_a_session_or_from_a_foreign_page(client: TestClient) -> None:
    with pytest.raises(WebSocketDenialResponse) as refused, client.websocket_connect(
        "/api/v1/admin/live", headers={"Origin": CONSOLE_ORIGIN}
    ):
        pass
    assert refused.value.status_code == 401
    console_session(client, "github:7")
    with pytest.raises(WebSocketDenialResponse) as foreign, client.websocket_connect(
        "/api/v1/admin/live", headers={"Origin": "https://evil.example"}
    ):
        pass
    assert foreign.value.status_code == 403
