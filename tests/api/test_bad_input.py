"""Every kind of bad input gets its own 4xx code in the stable error shape, and stores nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from tests.conftest import TEST_ORIGIN, make_settings, post_comment, site_table

GOOD = {"site": "blog", "thread": "/post", "text": "hello", "author": {"name": "Ann"}}


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def thread_is_empty(client: TestClient, thread: str = "/post") -> bool:
    page = client.get("/api/v1/comments", params={"site": "blog", "thread": thread}).json()
    return page["comments"] == [] and page["thread"]["seq"] == 0


def with_fields(**changes):
    body = {**GOOD, **changes}
    return {key: value for key, value in body.items() if value is not ...}


CASES = [
    # (description, request body as JSON value, status, code)
    ("missing text", with_fields(text=...), 422, "missing_field"),
    ("missing site", with_fields(site=...), 422, "missing_field"),
    ("missing thread", with_fields(thread=...), 422, "missing_field"),
    ("text not a string", with_fields(text=42), 422, "invalid_field"),
    ("text null", with_fields(text=None), 422, "invalid_field"),
    ("empty text", with_fields(text=""), 422, "invalid_field"),
    ("whitespace-only text", with_fields(text="  \n\t "), 422, "text_empty"),
    ("text over the site's max_length", with_fields(text="x" * 2001), 422, "text_too_long"),
    ("thread not a string", with_fields(thread=["/x"]), 422, "invalid_field"),
    ("thread too long", with_fields(thread="/" + "x" * 600), 422, "invalid_field"),
    ("author not an object", with_fields(author="Ann"), 422, "invalid_field"),
    ("guest without author", with_fields(author=...), 422, "name_required"),
    ("guest with empty name", with_fields(author={"name": ""}), 422, "invalid_field"),
    ("guest with blank name", with_fields(author={"name": "   "}), 422, "name_required"),
    ("bad email", with_fields(author={"name": "Ann", "email": "not-an-email"}), 422, "invalid_email"),
    ("javascript: website", with_fields(author={"name": "Ann", "url": "javascript:alert(1)"}), 422, "invalid_url"),
    ("bad page url", with_fields(url="ftp://example.com/x"), 422, "invalid_url"),
    ("unknown field", with_fields(admin=True), 422, "unknown_field"),
    ("unknown author field", with_fields(author={"name": "Ann", "role": "admin"}), 422, "unknown_field"),
    ("parent not an id", with_fields(parent="abc"), 422, "invalid_field"),
    ("unknown parent", with_fields(parent="999999"), 422, "parent_not_found"),
    ("unknown site", with_fields(site="nope"), 404, "site_not_found"),
    ("array body", [GOOD], 422, "invalid_field"),
    ("string body", "hello", 422, "invalid_field"),
]


@pytest.mark.parametrize(("body", "status", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_comment_bodies(client, body, status, code):
    assert_error(client.post("/api/v1/comments", json=body), status, code)
    assert thread_is_empty(client)


def test_invalid_json(client):
    response = client.post("/api/v1/comments", content=b'{"site": "blog",', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")
    response = client.post("/api/v1/comments", content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")
    deep = b"[" * 100_00 + b"]" * 100_00
    assert_error(
        client.post("/api/v1/comments", content=deep, headers={"Content-Type": "application/json"}), 400, "invalid_json"
    )
    assert thread_is_empty(client)


def test_form_posts_are_refused(client):
    response = client.post("/api/v1/comments", data={"site": "blog", "thread": "/post", "text": "x"})
    assert_error(response, 415, "unsupported_media_type")
    assert thread_is_empty(client)


def test_body_over_64_kb(client):
    body = {**GOOD, "text": "x" * (65 * 1024)}
    assert_error(client.post("/api/v1/comments", json=body), 413, "body_too_large")
    # Without a Content-Length header, as a chunked upload.
    def chunks():
        yield b'{"site": "blog", "thread": "/post", "text": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/api/v1/comments", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(response, 413, "body_too_large")
    assert thread_is_empty(client)


def test_parent_in_other_thread(client):
    elsewhere = post_comment(client, "elsewhere", thread="/other")["comment"]
    response = client.post("/api/v1/comments", json=with_fields(parent=elsewhere["id"]))
    assert_error(response, 422, "parent_in_other_thread")
    assert thread_is_empty(client)


def test_reply_to_deleted_comment(client):
    gone = post_comment(client, "gone", thread="/t")
    client.delete(f"/api/v1/comments/{gone['comment']['id']}", headers={"X-Edit-Token": gone["edit_token"]})
    response = client.post("/api/v1/comments", json=with_fields(thread="/t", parent=gone["comment"]["id"]))
    assert_error(response, 422, "parent_not_found")


def test_foreign_origin_cannot_write(client):
    response = client.post("/api/v1/comments", json=GOOD, headers={"Origin": "https://evil.example"})
    assert_error(response, 403, "origin_not_allowed")
    # An origin of another configured site is foreign to this one.
    response = client.post("/api/v1/comments", json=GOOD, headers={"Origin": "https://other.example.org"})
    assert_error(response, 403, "origin_not_allowed")
    assert thread_is_empty(client)
    created = post_comment(client, "mine")
    for method in ("PATCH", "DELETE"):
        response = client.request(
            method,
            f"/api/v1/comments/{created['comment']['id']}",
            json={"text": "x"} if method == "PATCH" else None,
            headers={"Origin": "https://evil.example", "X-Edit-Token": created["edit_token"]},
        )
        assert_error(response, 403, "origin_not_allowed")
    assert client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()["comments"][0][
        "html"
    ] == "<p>mine</p>"


def test_own_origin_and_api_clients_can_write(client):
    response = client.post("/api/v1/comments", json=GOOD, headers={"Origin": TEST_ORIGIN})
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == TEST_ORIGIN
    assert client.post("/api/v1/comments", json=GOOD).status_code == 201


def test_edit_bad_input(client):
    created = post_comment(client, "original")
    url = f"/api/v1/comments/{created['comment']['id']}"
    token = {"X-Edit-Token": created["edit_token"]}
    assert_error(client.patch(url, json={"text": "   "}, headers=token), 422, "text_empty")
    assert_error(client.patch(url, json={"text": "x" * 2001}, headers=token), 422, "text_too_long")
    assert_error(client.patch(url, json={}, headers=token), 422, "missing_field")
    assert_error(client.patch(url, json={"text": "x", "site": "other"}, headers=token), 422, "unknown_field")
    assert_error(client.patch("/api/v1/comments/999999", json={"text": "x"}, headers=token), 404, "comment_not_found")
    assert_error(client.patch("/api/v1/comments/abc", json={"text": "x"}, headers=token), 404, "comment_not_found")
    assert_error(client.delete("/api/v1/comments/99999999999999999999999", headers=token), 404, "comment_not_found")
    page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()
    assert page["comments"][0]["html"] == "<p>original</p>"
    assert page["comments"][0]["edited"] is None


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"thread": "/x"}, 422, "missing_field"),
        ({"site": "blog"}, 422, "missing_field"),
        ({"site": "blog", "thread": "/x", "sort": "random"}, 422, "invalid_sort"),
        ({"site": "blog", "thread": "/x", "limit": "ten"}, 422, "invalid_limit"),
        ({"site": "blog", "thread": "/x", "limit": "-1"}, 422, "invalid_limit"),
        ({"site": "blog", "thread": "/x", "after": "!!!"}, 400, "invalid_cursor"),
        ({"site": "blog", "thread": "/x", "after": "b2xkZXN0OjA"}, 400, "invalid_cursor"),
    ],
)
def test_bad_read_parameters(client, params, status, code):
    assert_error(client.get("/api/v1/comments", params=params), status, code)


def test_cursor_of_another_sort_is_refused(client):
    for i in range(3):
        post_comment(client, f"c{i}")
    cursor = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post", "limit": 1}).json()["next"]
    assert cursor
    response = client.get(
        "/api/v1/comments", params={"site": "blog", "thread": "/post", "sort": "newest", "after": cursor}
    )
    assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"site": "blog"}, 422, "missing_field"),
        ({"site": "blog", "threads": []}, 422, "invalid_field"),
        ({"site": "blog", "threads": ["/x"] * 101}, 422, "invalid_field"),
        ({"site": "blog", "threads": [1, 2]}, 422, "invalid_field"),
        ({"site": "nope", "threads": ["/x"]}, 404, "site_not_found"),
    ],
)
def test_bad_counts(client, body, status, code):
    assert_error(client.post("/api/v1/counts", json=body), status, code)


def test_unknown_route_and_method(client):
    assert_error(client.get("/api/v1/nothing"), 404, "not_found")
    assert_error(client.put("/api/v1/comments", json=GOOD), 405, "method_not_allowed")


def test_rate_limit(tmp_path, database_url):
    settings = make_settings(tmp_path, database_url, sites=site_table(rate_limit=3))
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            post_comment(client, "ok")
        response = client.post("/api/v1/comments", json=GOOD)
        assert_error(response, 429, "rate_limited")
        assert 1 <= int(response.headers["retry-after"]) <= 60
        page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()
        assert page["thread"]["count"] == 3
        # Another site has its own budget.
        other = client.post("/api/v1/comments", json={**GOOD, "site": "other"})
        assert other.status_code == 201


def test_client_address_is_not_stored_in_clear(tmp_path):
    import sqlite3

    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}")
    with TestClient(create_app(settings)) as client:
        post_comment(client, "hello")
    rows = sqlite3.connect(tmp_path / "p.db").execute("SELECT client_hash FROM comments").fetchall()
    assert rows and rows[0][0] and "testclient" not in rows[0][0]
    dump = "\n".join(sqlite3.connect(tmp_path / "p.db").iterdump())
    assert "testclient" not in dump


def lock_thread(client: TestClient, key: str) -> None:
    """Lock a thread the way a moderator will: directly in the database, behind the app's back."""
    storage = client.app.state.porch.storage

    async def lock(conn):
        await conn.execute(f"UPDATE threads SET locked = TRUE WHERE site = 'blog' AND key = '{key}'")

    client.portal.call(storage.write, lock)


def test_locked_thread_refuses_new_comments(tmp_path, database_url):
    settings = make_settings(tmp_path, database_url)
    with TestClient(create_app(settings)) as client:
        post_comment(client, "before", thread="/locked")  # the app now knows this thread's id
        lock_thread(client, "/locked")
        response = client.post("/api/v1/comments", json=with_fields(thread="/locked"))
        assert_error(response, 403, "thread_locked")
    with TestClient(create_app(settings)) as client:  # a fresh process that must look the thread up
        response = client.post("/api/v1/comments", json=with_fields(thread="/locked"))
        assert_error(response, 403, "thread_locked")
        page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/locked"}).json()
        assert [c["html"] for c in page["comments"]] == ["<p>before</p>"]
        assert page["thread"]["locked"] is True
