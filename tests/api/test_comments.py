"""The comments API: reading, posting, replying, editing, deleting, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from tests.conftest import TEST_ORIGIN, make_settings, post_comment, site_table


def read(client, thread="/post", **params):
    response = client.get("/api/v1/comments", params={"site": "blog", "thread": thread, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_unknown_thread_is_an_empty_list(client):
    page = read(client, "/never-commented")
    assert page == {
        "thread": {"site": "blog", "key": "/never-commented", "title": "", "url": "", "count": 0, "locked": False, "seq": 0},
        "comments": [],
        "next": None,
        "more_replies": [],
    }


def test_unknown_site_is_404(client):
    response = client.get("/api/v1/comments", params={"site": "nope", "thread": "/x"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "site_not_found"


def test_post_returns_comment_and_token_and_hides_email(client):
    body = post_comment(
        client,
        "Hello **there**",
        author={"name": "Ann", "email": "ann@example.com", "url": "https://ann.example.com/"},
        title="A post",
        url="https://blog.example.com/post",
    )
    comment = body["comment"]
    assert comment["html"] == "<p>Hello <strong>there</strong></p>"
    assert comment["author"]["name"] == "Ann"
    assert comment["author"]["url"] == "https://ann.example.com/"
    assert comment["author"]["provider"] is None
    assert comment["author"]["avatar"].startswith("http://testserver/avatar/")
    assert comment["status"] == "approved"
    assert comment["parent"] is None
    assert comment["created"].endswith("Z")
    assert body["edit_token"]
    page = read(client)
    assert page["thread"]["title"] == "A post"
    assert page["thread"]["url"] == "https://blog.example.com/post"
    assert "ann@example.com" not in client.get(
        "/api/v1/comments", params={"site": "blog", "thread": "/post"}
    ).text
    assert "ann@example.com" not in str(body)


def test_avatar_is_served_here_and_stable_per_guest(client):
    first = post_comment(client, "one", author={"name": "Ann", "email": "Ann@Example.com"})["comment"]
    second = post_comment(client, "two", author={"name": "Ann ", "email": "ann@example.com"})["comment"]
    assert first["author"]["avatar"] == second["author"]["avatar"]
    path = first["author"]["avatar"].removeprefix("http://testserver")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_an_avatar_neither_confirms_an_email_nor_can_be_copied(client):
    """Posting with someone's email under another name, or on another site, gives another picture."""
    ann = post_comment(client, "one", author={"name": "Ann", "email": "ann@example.com"})["comment"]
    impostor = post_comment(client, "two", author={"name": "Mallory", "email": "ann@example.com"})["comment"]
    elsewhere = post_comment(client, "three", site="other", author={"name": "Ann", "email": "ann@example.com"})
    assert impostor["author"]["avatar"] != ann["author"]["avatar"]
    assert elsewhere["comment"]["author"]["avatar"] != ann["author"]["avatar"]


def test_replies_nest_and_count(client):
    root = post_comment(client, "root")["comment"]
    reply = post_comment(client, "reply", parent=root["id"])["comment"]
    deeper = post_comment(client, "deeper", parent=reply["id"])["comment"]
    page = read(client)
    assert [c["id"] for c in page["comments"]] == [root["id"], reply["id"], deeper["id"]]
    assert page["comments"][2]["parent"] == reply["id"]
    assert page["thread"]["count"] == 3


def test_seq_grows_with_every_change(client):
    assert read(client)["thread"]["seq"] == 0
    created = post_comment(client, "one")
    seq_after_post = read(client)["thread"]["seq"]
    assert seq_after_post > 0
    client.patch(
        f"/api/v1/comments/{created['comment']['id']}",
        json={"text": "edited"},
        headers={"X-Edit-Token": created["edit_token"]},
    )
    assert read(client)["thread"]["seq"] > seq_after_post


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_pages_by_top_level_comments_with_their_replies(client, sort):
    roots = [post_comment(client, f"root {i}")["comment"]["id"] for i in range(5)]
    replies = {root: post_comment(client, f"reply to {root}", parent=root)["comment"]["id"] for root in roots}
    seen_roots: list[str] = []
    after = None
    pages = 0
    while True:
        params = {"sort": sort, "limit": 2}
        if after:
            params["after"] = after
        page = read(client, **params)
        pages += 1
        page_roots = [c["id"] for c in page["comments"] if c["parent"] is None]
        assert len(page_roots) <= 2
        assert sorted(c["id"] for c in page["comments"] if c["parent"]) == sorted(replies[r] for r in page_roots)
        seen_roots += page_roots
        after = page["next"]
        if after is None:
            break
    assert pages == 3
    expected = list(reversed(roots)) if sort == "newest" else roots
    assert seen_roots == expected


def test_limit_is_clamped(client):
    for i in range(3):
        post_comment(client, f"c{i}")
    assert len(read(client, limit=0)["comments"]) == 1
    assert len(read(client, limit=10_000)["comments"]) == 3


def test_edit_with_token_rerenders(client):
    created = post_comment(client, "first")
    response = client.patch(
        f"/api/v1/comments/{created['comment']['id']}",
        json={"text": "*second*"},
        headers={"X-Edit-Token": created["edit_token"], "Origin": TEST_ORIGIN},
    )
    assert response.status_code == 200, response.text
    edited = response.json()["comment"]
    assert edited["html"] == "<p><em>second</em></p>"
    assert edited["edited"] is not None
    assert read(client)["comments"][0]["html"] == "<p><em>second</em></p>"


def test_edit_token_is_bound_to_its_comment(client):
    mine = post_comment(client, "mine")
    theirs = post_comment(client, "theirs")
    response = client.patch(
        f"/api/v1/comments/{theirs['comment']['id']}",
        json={"text": "hijacked"},
        headers={"X-Edit-Token": mine["edit_token"]},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "edit_token_invalid"
    assert read(client)["comments"][1]["html"] == "<p>theirs</p>"


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_changes_need_a_valid_token(client, method):
    created = post_comment(client, "keep me")
    url = f"/api/v1/comments/{created['comment']['id']}"
    for headers, code in [({}, "not_your_comment"), ({"X-Edit-Token": "forged.token.value"}, "edit_token_invalid")]:
        response = client.request(method, url, json={"text": "x"} if method == "PATCH" else None, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == code
    assert read(client)["comments"][0]["html"] == "<p>keep me</p>"


def test_edit_window_closes(tmp_path, database_url):
    settings = make_settings(tmp_path, database_url, sites=site_table(edit_window=1))
    with TestClient(create_app(settings)) as client:
        created = post_comment(client, "quick")
        time.sleep(2.1)
        url = f"/api/v1/comments/{created['comment']['id']}"
        response = client.patch(url, json={"text": "late"}, headers={"X-Edit-Token": created["edit_token"]})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "edit_window_closed"
        response = client.delete(url, headers={"X-Edit-Token": created["edit_token"]})
        assert response.status_code == 403
        assert read(client)["comments"][0]["html"] == "<p>quick</p>"


def test_delete_leaf_removes_it(client):
    created = post_comment(client, "bye")
    response = client.delete(
        f"/api/v1/comments/{created['comment']['id']}", headers={"X-Edit-Token": created["edit_token"]}
    )
    assert response.status_code == 204
    page = read(client)
    assert page["comments"] == []
    assert page["thread"]["count"] == 0
    again = client.delete(
        f"/api/v1/comments/{created['comment']['id']}", headers={"X-Edit-Token": created["edit_token"]}
    )
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "comment_not_found"


def test_delete_with_replies_leaves_a_placeholder(client):
    root = post_comment(client, "root", author={"name": "Ann"})
    reply = post_comment(client, "reply", parent=root["comment"]["id"])
    client.delete(f"/api/v1/comments/{root['comment']['id']}", headers={"X-Edit-Token": root["edit_token"]})
    page = read(client)
    placeholder, kept = page["comments"]
    assert placeholder["id"] == root["comment"]["id"]
    assert placeholder["status"] == "deleted"
    assert placeholder["html"] == ""
    assert placeholder["author"] is None
    assert kept["id"] == reply["comment"]["id"]
    assert page["thread"]["count"] == 1
    # Once the reply goes too, nothing of the branch is listed.
    client.delete(f"/api/v1/comments/{reply['comment']['id']}", headers={"X-Edit-Token": reply["edit_token"]})
    assert read(client)["comments"] == []


def test_deleted_reply_placeholder_only_while_it_has_live_replies(client):
    root = post_comment(client, "root")["comment"]
    middle = post_comment(client, "middle", parent=root["id"])
    leaf = post_comment(client, "leaf", parent=middle["comment"]["id"])
    client.delete(f"/api/v1/comments/{middle['comment']['id']}", headers={"X-Edit-Token": middle["edit_token"]})
    statuses = [(c["id"], c["status"]) for c in read(client)["comments"]]
    assert statuses == [(root["id"], "approved"), (middle["comment"]["id"], "deleted"), (leaf["comment"]["id"], "approved")]
    client.delete(f"/api/v1/comments/{leaf['comment']['id']}", headers={"X-Edit-Token": leaf["edit_token"]})
    assert [c["id"] for c in read(client)["comments"]] == [root["id"]]


def test_counts(client):
    post_comment(client, "a", thread="/one")
    post_comment(client, "b", thread="/one")
    post_comment(client, "c", thread="/two")
    response = client.post("/api/v1/counts", json={"site": "blog", "threads": ["/one", "/two", "/none"]})
    assert response.status_code == 200
    assert response.json() == {"counts": {"/one": 2, "/two": 1, "/none": 0}}
    other = client.post("/api/v1/counts", json={"site": "other", "threads": ["/one"]})
    assert other.json() == {"counts": {"/one": 0}}


def test_site_info(client):
    response = client.get("/api/v1/sites/blog")
    assert response.status_code == 200
    info = response.json()
    assert info["id"] == "blog"
    assert info["title"] == "Blog"
    assert info["max_length"] == 2000
    assert info["edit_window"] == 900
    assert info["guests"] is True
    assert info["guest_fields"] == {"name": "required", "email": "optional", "url": "optional"}
    assert client.get("/api/v1/sites/nope").json()["error"]["code"] == "site_not_found"


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_markdown_is_sanitised(client):
    attacks = [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="https://e.com" onclick="x()">e</a>',
        "![pixel](https://tracker.example/p.gif)",
        '[x](data:text/html;base64,PHNjcmlwdD4=)',
    ]
    for text in attacks:
        html = post_comment(client, text)["comment"]["html"]
        for tag, attrs in elements(html):
            assert tag in {"p", "a"}, html
            for name, value in attrs:
                assert not name.startswith("on"), html
                if name == "href":
                    assert value is not None and value.startswith(("https:", "http:", "mailto:")), html
    link = post_comment(client, "[site](https://example.com)")["comment"]["html"]
    assert link == '<p><a href="https://example.com" rel="nofollow ugc noopener">site</a></p>'
    mail = post_comment(client, "<mailto:a@example.com>")["comment"]["html"]
    assert 'href="mailto:a@example.com"' in mail
    escaped = post_comment(client, "<b>bold?</b>")["comment"]["html"]
    assert escaped == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"
