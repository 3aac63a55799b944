"""Moderation: what each mode holds, what a held comment's author and everyone else see, and what a moderator's
actions do to readers' pages and live sockets. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from tests.conftest import make_settings, site_table
from tests.live.helpers import events, live_url, marker
from tests.moderation.akismet_double import KEY as AKISMET_KEY
from tests.moderation.akismet_double import SPAM_MARKER, AkismetDouble
from tests.moderation.helpers import (
    CONSOLE_ORIGIN,
    act,
    behind_proxy,
    console_session,
    page,
    post,
    queue,
    reader_session,
)


def app_with(tmp_path: Path, database_url: str, **site: Any) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path, database_url, sites=site_table(**site))))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("mode", "held"),
    [
        ("none", set()),
        ("all", {"guest", "guest with a link", "signed in", "returning guest"}),
        ("guests", {"guest", "guest with a link", "returning guest"}),
        ("links", {"guest with a link"}),
        ("first-time", {"guest", "guest with a link", "signed in"}),
    ],
)
def test_each_mode_holds_exactly_what_it_says(tmp_path: Path, database_url: str, mode: str, held: set[str]) -> None:
    with app_with(tmp_path, database_url, moderation=mode, max_links=5) as client:
        console_session(client)
        # A guest with an approved comment already (approved by a moderator when the mode held it).
        earlier = post(client, "earlier", author={"name": "Bea", "email": "bea@example.com"}).json()["comment"]
        if earlier["status"] == "pending":
            act(client, earlier["id"], status="approved")
        token = reader_session(client, "blog", "github", "42", "Sam")
        statuses = {
            "guest": post(client, "plain words").json()["comment"]["status"],
            "guest with a link": post(client, "see https://example.org/x").json()["comment"]["status"],
            "signed in": client.post(
                "/api/v1/comments", json={"site": "blog", "thread": "/post", "text": "hi"}, headers=bearer(token)
            ).json()["comment"]["status"],
            "returning guest": post(client, "again", author={"name": "Bea", "email": "BEA@example.com"}).json()[
                "comment"
            ]["status"],
        }
    assert {name for name, status in statuses.items() if status == "pending"} == held
    assert {name for name, status in statuses.items() if status == "approved"} == set(statuses) - held


def test_a_held_comment_is_seen_by_its_author_only_and_goes_live_on_approval(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url, moderation="all") as client:
        console_session(client)
        with client.websocket_connect(live_url()) as ws:
            ws.receive_json()
            posted = post(client, "awaiting a moderator").json()
            held = posted["comment"]
            assert held["status"] == "pending" and held["html"] == "<p>awaiting a moderator</p>"
            # Nobody else sees it: not in the page, not in the count, not on the socket.
            shown = page(client)
            assert shown["comments"] == [] and shown["thread"]["count"] == 0
            # Its author does, with the edit token the widget keeps (after a reload too).
            mine = client.get(f"/api/v1/comments/{held['id']}", headers={"X-Edit-Token": posted["edit_token"]})
            assert mine.status_code == 200 and mine.json()["comment"]["status"] == "pending"
            assert client.get(f"/api/v1/comments/{held['id']}").status_code == 403
            assert act(client, held["id"], status="approved")["status"] == "approved"
            [created] = events(ws, 1)
        assert created["type"] == "comment.created" and created["comment"]["id"] == held["id"]
        assert created["comment"]["status"] == "approved"
        assert [c["id"] for c in page(client)["comments"]] == [held["id"]]


def test_a_signed_in_author_sees_their_held_comments_on_any_device(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url, moderation="all") as client:
        token = reader_session(client, "blog", "github", "42", "Sam")
        other = reader_session(client, "blog", "github", "43", "Kim")
        body = {"site": "blog", "thread": "/post", "text": "mine"}
        held = client.post("/api/v1/comments", json=body, headers=bearer(token)).json()["comment"]
        params = {"site": "blog", "thread": "/post"}
        mine = client.get("/api/v1/comments/mine", params=params, headers=bearer(token)).json()["comments"]
        theirs = client.get("/api/v1/comments/mine", params=params, headers=bearer(other)).json()["comments"]
        assert [c["id"] for c in mine] == [held["id"]] and theirs == []
        assert client.get("/api/v1/comments/mine", params=params).status_code == 401


def test_spam_and_deleted_comments_leave_readers_pages_and_sockets(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url) as client:
        console_session(client)
        spam = post(client, "buy now").json()["comment"]
        gone = post(client, "to be deleted").json()["comment"]
        page(client)  # cached
        with client.websocket_connect(live_url()) as ws:
            ws.receive_json()
            act(client, spam["id"], status="spam")
            act(client, gone["id"], status="deleted")
            first, second = events(ws, 2)
            marker(client, ws)
        assert (first["type"], second["type"]) == ("comment.deleted", "comment.deleted")
        assert first["comment"]["author"] is None and first["comment"]["html"] == ""
        shown = page(client)
        assert [c["html"] for c in shown["comments"]] == ["<p>marker</p>"]
        # Spam stays restorable; a deleted comment's words are gone.
        assert [c["text"] for c in queue(client, status="spam")["comments"]] == ["buy now"]
        restored = act(client, spam["id"], status="approved")
        assert restored["html"] == "<p>buy now</p>"
        conflict = client.patch(f"/api/v1/admin/comments/{gone['id']}", json={"status": "approved"},
                                headers={"Origin": CONSOLE_ORIGIN})
        assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "comment_deleted"


def test_pinned_comments_lead_in_every_sort_and_paging_keeps_every_comment(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url) as client:
        console_session(client)
        ids = [post(client, f"comment {index}").json()["comment"]["id"] for index in range(5)]
        act(client, ids[3], pinned=True)
        for sort in ("oldest", "newest", "top"):
            whole = [c["id"] for c in page(client, sort=sort)["comments"]]
            assert whole[0] == ids[3], sort
            seen: list[str] = []
            cursor = None
            while True:
                params: dict[str, Any] = {"sort": sort, "limit": 2}
                if cursor:
                    params["after"] = cursor
                chunk = page(client, **params)
                seen += [c["id"] for c in chunk["comments"]]
                cursor = chunk["next"]
                if cursor is None:
                    break
            assert seen == whole, sort
        assert page(client)["comments"][0]["pinned"] is True


def test_a_locked_thread_refuses_comments_and_tells_open_widgets(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url) as client:
        headers = console_session(client)
        post(client, "before")
        with client.websocket_connect(live_url()) as ws:
            ws.receive_json()
            locked = client.patch("/api/v1/admin/threads", params={"site": "blog", "thread": "/post"},
                                  json={"locked": True}, headers=headers)
            assert locked.status_code == 200 and locked.json()["thread"]["locked"] is True
            [frame] = events(ws, 1)
            assert frame["type"] == "thread.updated" and frame["thread"]["locked"] is True
            refused = post(client, "after")
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "thread_locked"
            assert page(client)["thread"]["locked"] is True
            client.patch("/api/v1/admin/threads", params={"site": "blog", "thread": "/post"},
                         json={"locked": False}, headers=headers)
            [reopened] = events(ws, 1)
        assert reopened["thread"]["locked"] is False
        assert post(client, "after").status_code == 201


def test_reports_feed_the_queue_and_hide_a_comment_at_the_threshold(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, sites=site_table(flag_threshold=2))
    with behind_proxy(settings) as client:
        console_session(client)
        target = post(client, "rude words").json()["comment"]

        def report(address: str, reason: str = "abuse") -> int:
            return client.post(f"/api/v1/comments/{target['id']}/flag", json={"reason": reason},
                               headers={"X-Forwarded-For": address}).status_code

        assert report("203.0.113.1") == 204
        assert report("203.0.113.1", "spam") == 204  # the same reader again: counted once
        [flagged] = queue(client, status="flagged")["comments"]
        assert flagged["flags"]["count"] == 1 and flagged["status"] == "approved"
        assert [c["id"] for c in page(client)["comments"]] == [target["id"]]
        assert report("2001:db8::1") == 204
        assert page(client)["comments"] == []  # hidden until a moderator decides
        [held] = queue(client, status="flagged")["comments"]
        assert held["flags"] == {"count": 2, "reasons": {"abuse": 2}, "undecided": 2}
        assert act(client, target["id"], status="approved")["flags"]["undecided"] == 0
        assert [c["id"] for c in page(client)["comments"]] == [target["id"]]
        assert queue(client, status="flagged")["comments"] == []
        bad = client.post(f"/api/v1/comments/{target['id']}/flag", json={"reason": "because"})
        assert bad.status_code == 422


def test_a_banned_guest_is_refused_and_purge_hides_their_comments(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url)
    with behind_proxy(settings) as client:
        headers = console_session(client)
        first = post(client, "one", address="203.0.113.7", author={"name": "Troll", "email": "t@example.com"})
        post(client, "two", address="203.0.113.7", author={"name": "Troll"})
        post(client, "someone else", address="198.51.100.2")
        ban = client.post("/api/v1/admin/bans", headers=headers, json={
            "site": "blog", "comment": first.json()["comment"]["id"], "days": 7, "reason": "trolling", "purge": True,
        })
        assert ban.status_code == 201, ban.text
        assert [c["html"] for c in page(client)["comments"]] == ["<p>someone else</p>"]
        again = post(client, "three", address="203.0.113.7")
        assert again.status_code == 403 and again.json()["error"]["code"] == "banned"
        elsewhere = post(client, "new address, same email", address="192.0.2.1",
                         author={"name": "T", "email": "T@example.com"})
        assert elsewhere.status_code == 403
        assert post(client, "fine", address="192.0.2.1").status_code == 201
        [listed] = client.get("/api/v1/admin/bans").json()["bans"]
        assert listed["reason"] == "trolling" and listed["expires"] is not None and listed["name"] == "Troll"
        assert client.delete(f"/api/v1/admin/bans/{listed['id']}", headers=headers).status_code == 204
        assert post(client, "four", address="203.0.113.7").status_code == 201
        actions = [entry["action"] for entry in client.get("/api/v1/admin/log").json()["entries"]]
        assert actions == ["lift_ban", "purge", "ban"]


def test_a_banned_signed_in_reader_is_refused(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url) as client:
        headers = console_session(client)
        token = reader_session(client, "blog", "github", "42", "Sam")
        body = {"site": "blog", "thread": "/post", "text": "hi"}
        comment = client.post("/api/v1/comments", json=body, headers=bearer(token)).json()["comment"]
        ban = client.post("/api/v1/admin/bans", headers=headers, json={"site": "blog", "comment": comment["id"]})
        assert ban.status_code == 201 and ban.json()["ban"]["expires"] is None
        refused = client.post("/api/v1/comments", json=body, headers=bearer(token))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
        assert post(client, "a guest is not that reader").status_code == 201


def test_honeypot_and_blocklist_store_spam(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url, blocklist=["casino"]) as client:
        console_session(client)
        bot = post(client, "hello", homepage="http://bot.example/")
        assert bot.status_code == 201 and bot.json()["comment"]["status"] == "approved"  # nothing to learn from
        blocked = post(client, "best CASINO in town").json()["comment"]
        assert blocked["status"] == "deleted"  # readers learn nothing of why
        assert page(client)["comments"] == []
        assert sorted(c["text"] for c in queue(client, status="spam")["comments"]) == ["best CASINO in town", "hello"]


def test_a_moderators_edit_reaches_readers_and_the_log(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url, moderators=["github:1"]) as client:
        console_session(client, "github:1")
        comment = post(client, "typo here").json()["comment"]
        edited = act(client, comment["id"], text="no typo")
        assert edited["html"] == "<p>no typo</p>" and edited["text"] == "no typo"
        assert page(client)["comments"][0]["html"] == "<p>no typo</p>"
        entries = client.get("/api/v1/admin/log", params={"site": "blog"}).json()["entries"]
        assert [(e["actor"], e["action"], e["comment"], e["thread"]) for e in entries] == [
            ("github:1", "edit", comment["id"], "/post")
        ]


def test_search_and_queues(tmp_path: Path, database_url: str) -> None:
    with app_with(tmp_path, database_url, moderation="guests") as client:
        console_session(client)
        for index in range(3):
            post(client, f"waiting {index}", author={"name": f"Guest {index}"})
        token = reader_session(client, "blog", "github", "42", "Sam")
        client.post("/api/v1/comments", json={"site": "blog", "thread": "/other", "text": "signed words"},
                    headers=bearer(token))
        listing = queue(client, status="pending", limit=2)
        assert [c["text"] for c in listing["comments"]] == ["waiting 2", "waiting 1"]
        assert listing["counts"] == {"pending": 3, "flagged": 0, "spam": 0}
        rest = queue(client, status="pending", limit=2, after=listing["next"])
        assert [c["text"] for c in rest["comments"]] == ["waiting 0"] and rest["next"] is None
        assert [c["text"] for c in queue(client, q="signed")["comments"]] == ["signed words"]
        assert [c["text"] for c in queue(client, q="guest 1")["comments"]] == ["waiting 1"]
        assert [c["thread"]["key"] for c in queue(client, thread="/other")["comments"]] == ["/other"]
        assert queue(client, q="100%")["comments"] == []
        first = queue(client, status="pending")["comments"][0]
        assert first["email"] is None and first["site"] == "blog" and first["thread"]["key"] == "/post"


def test_akismet_checks_new_comments_and_hears_the_moderators_decisions(tmp_path: Path, database_url: str) -> None:
    double = AkismetDouble()
    try:
        settings = make_settings(tmp_path, database_url, akismet_url=double.url,
                                 sites=site_table(akismet_key=AKISMET_KEY))
        with behind_proxy(settings) as client:
            console_session(client)
            agent = {"User-Agent": "Mozilla/5.0 (test)"}
            spam = client.post("/api/v1/comments", headers={"X-Forwarded-For": "203.0.113.50", **agent},
                               json={"site": "blog", "thread": "/post", "text": f"cheap {SPAM_MARKER}",
                                     "author": {"name": "Spammer"}}).json()["comment"]
            missed = client.post("/api/v1/comments", headers={"X-Forwarded-For": "203.0.113.51", **agent},
                                 json={"site": "blog", "thread": "/post", "text": "subtle spam",
                                       "author": {"name": "Quiet"}}).json()["comment"]
            assert spam["status"] == "deleted" and missed["status"] == "approved"
            [first_check, second_check] = [r for r in double.received if r.method == "comment-check"]
            assert first_check.form["user_ip"] == "203.0.113.50" and first_check.form["api_key"] == AKISMET_KEY
            assert second_check.form["user_ip"] == "203.0.113.51"
            assert first_check.form["user_agent"] == "Mozilla/5.0 (test)"

            act(client, missed["id"], status="spam")  # spam Akismet missed
            act(client, spam["id"], status="approved")  # a false positive
            reports = [r for r in double.received if r.method in ("submit-spam", "submit-ham")]
            assert [(r.method, r.form["user_ip"], r.form["comment_content"]) for r in reports] == [
                ("submit-spam", "203.0.113.51", "subtle spam"),
                ("submit-ham", "203.0.113.50", f"cheap {SPAM_MARKER}"),
            ]
            act(client, missed["id"], status="approved")  # decided already: the address is forgotten, nothing sent
            assert len([r for r in double.received if r.method.startswith("submit")]) == 2
    finally:
        double.close()
