"""A page's size is bounded whatever the thread's shape, and the page cache by bytes whatever the requests.
(Security review, findings 4 and 5.)"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from porch.app import create_app
from porch.storage.comments import REPLIES_PER_ROOT
from tests.conftest import make_settings, post_comment, site_table


def read(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post", **params})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def spellings(cursor: str) -> list[str]:
    """Other spellings of the same position that a lenient decoder would accept."""
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    sort, pinned, score, comment_id = raw.split(":")
    variants = [f"{sort}:{pinned}:{score}:0{comment_id}", f"{sort}:{pinned}:+{score}:{comment_id}",
                f"{sort}:{pinned}: {score}:{comment_id}", f"{sort}:{pinned}:{score}:{comment_id} ",
                f"{sort}:0{pinned}:{score}:{comment_id}", f"{sort}:{score}:{comment_id}"]
    encoded = [base64.urlsafe_b64encode(v.encode()).decode().rstrip("=") for v in variants]
    return [*encoded, cursor + "=", cursor + "=="]


def test_only_the_canonical_spelling_of_a_cursor_is_accepted(client: TestClient) -> None:
    for index in range(3):
        post_comment(client, f"root {index}")
    first = read(client, limit=1)
    assert first["next"] is not None
    assert read(client, limit=1, after=first["next"])["comments"][0]["html"] == "<p>root 1</p>"
    for other in spellings(first["next"]):
        response = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post", "limit": 1, "after": other})
        assert response.status_code == 400, other
        assert response.json()["error"]["code"] == "invalid_cursor"


def test_distinct_requests_cannot_grow_the_cache_past_its_budget(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, cache_mb=1)
    with TestClient(create_app(settings)) as client:
        for index in range(60):
            post_comment(client, f"comment {index} " + "words " * 300)  # about 2 kB each
        for limit in range(1, 201):  # 200 distinct pages of up to 120 kB: 12 MB if all were kept
            read(client, limit=limit)
        cache = client.app.state.porch.cache  # type: ignore[attr-defined]
        assert 0 < cache.size <= 1024 * 1024


def test_a_page_carries_a_bounded_number_of_replies_and_says_where_the_rest_are(client: TestClient) -> None:
    root = post_comment(client, "root")["comment"]
    replies = [post_comment(client, f"reply {index}", parent=root["id"])["comment"] for index in range(REPLIES_PER_ROOT + 30)]
    other = post_comment(client, "another root")["comment"]

    page = read(client, limit=1)
    assert [c["id"] for c in page["comments"]] == [root["id"]] + [r["id"] for r in replies[:REPLIES_PER_ROOT]]
    [cut] = page["more_replies"]
    assert cut["root"] == root["id"] and cut["count"] == 30

    rest = read(client, root=root["id"], after=cut["after"], limit=20)
    assert [c["id"] for c in rest["comments"]] == [r["id"] for r in replies[REPLIES_PER_ROOT : REPLIES_PER_ROOT + 20]]
    last = read(client, root=root["id"], after=rest["next"])
    assert [c["id"] for c in last["comments"]] == [r["id"] for r in replies[REPLIES_PER_ROOT + 20 :]]
    assert last["next"] is None

    whole = read(client)  # the other root comes with the first page, uncut
    assert other["id"] in [c["id"] for c in whole["comments"]]
    assert [m["root"] for m in whole["more_replies"]] == [root["id"]]


def test_replies_of_a_root_from_another_thread_or_of_a_reply_are_refused(client: TestClient) -> None:
    root = post_comment(client, "root")["comment"]
    reply = post_comment(client, "reply", parent=root["id"])["comment"]
    elsewhere = post_comment(client, "elsewhere", thread="/other")["comment"]
    for bad in (reply["id"], elsewhere["id"], "999999", "12abc", "1" * 30):
        response = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post", "root": bad})
        assert response.status_code == 404, bad
        assert response.json()["error"]["code"] == "comment_not_found"
    response = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post", "root": root["id"], "after": "x"})
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_nesting_is_capped_where_it_is_stored(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, sites=site_table(max_depth=3))
    with TestClient(create_app(settings)) as client:
        level_1 = post_comment(client, "level 1")["comment"]
        level_2 = post_comment(client, "level 2", parent=level_1["id"])["comment"]
        level_3 = post_comment(client, "level 3", parent=level_2["id"])["comment"]
        # Replies to the deepest level join it, as siblings of the comment they answer.
        beyond = [post_comment(client, f"beyond {i}", parent=level_3["id"])["comment"] for i in range(3)]
        chained = post_comment(client, "reply to a capped reply", parent=beyond[-1]["id"])["comment"]
        assert level_3["parent"] == level_2["id"]
        assert [c["parent"] for c in beyond] == [level_2["id"]] * 3
        assert chained["parent"] == level_2["id"]
        page = read(client)
        parents = {c["id"]: c["parent"] for c in page["comments"]}

    def depth(comment_id: str) -> int:
        return 1 + depth(parents[comment_id]) if parents[comment_id] else 1

    assert max(depth(c) for c in parents) == 3


def test_a_deep_chain_costs_one_bounded_page(tmp_path: Path, database_url: str) -> None:
    """The review's attack: a long chain of replies made `limit=1` return all of it."""
    settings = make_settings(tmp_path, database_url, sites=site_table(max_depth=10_000))
    with TestClient(create_app(settings)) as client:
        parent = post_comment(client, "root")["comment"]
        for index in range(REPLIES_PER_ROOT + 50):
            parent = post_comment(client, f"deeper {index}", parent=parent["id"])["comment"]
        page = read(client, limit=1)
    assert len(page["comments"]) == 1 + REPLIES_PER_ROOT
    assert page["more_replies"][0]["count"] == 50
