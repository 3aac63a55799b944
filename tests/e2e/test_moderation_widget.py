"""Moderation as readers meet it in the widget, in Chromium, against a real `porch serve` whose site "mod" holds
every comment for review (moderation = "all") and has one moderator, company:alice (the real OpenID Connect
provider's account "alice"). The host pages come from another site, as in the wild.

A held comment is its author's alone (also after a reload) until a moderator approves it, then every open page
shows it live; the honeypot is out of reach of people; Report asks why first; a lock closes the form live and
an unlock opens it; a moderator signed in through the widget gets Delete, Pin and Lock there; axe finds nothing.
The moderator's side is the moderation API with a console session (`porch admin link`, redeemed as the console
does) or, from the widget, the moderator's own session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import expect

from tests.auth.conftest import OIDCServer, start_oidc_provider, stop
from tests.e2e.harness import HostSite, PorchServer, embed_page
from tests.e2e.helpers import article_of, articles, fill_form, open_widget, run_axe, widget
from tests.processes import SERVER_SOURCE, free_port, write_config

pytestmark = pytest.mark.e2e

SITE = "mod"
PENDING = "Your comment is awaiting moderation."


@dataclass
class ModServer:
    server: PorchServer
    oidc: OIDCServer
    config: Path
    data_dir: Path
    console: httpx.Client | None = None

    @property
    def base(self) -> str:
        return self.server.base

    def admin(self) -> httpx.Client:
        """A console session, opened as the console does: `porch admin link`, its secret redeemed."""
        if self.console is None:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
            env["PYTHONPATH"] = str(SERVER_SOURCE)
            printed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "porch",
                    "admin",
                    "link",
                    "--config",
                    str(self.config),
                    "--data-dir",
                    str(self.data_dir),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=True,
                timeout=30,
            )
            link = printed.stdout.strip().splitlines()[-1]
            client = httpx.Client(base_url=self.base, headers={"Origin": self.server.origin}, timeout=10)
            answer = client.post("api/v1/admin/session", json={"link": link.split("#login=", 1)[1]})
            assert answer.status_code == 204, answer.text
            self.console = client
        return self.console

    def act(self, comment_id: str, **change: Any) -> dict[str, Any]:
        answer = self.admin().patch(f"api/v1/admin/comments/{comment_id}", json=change)
        assert answer.status_code == 200, answer.text
        return dict(answer.json()["comment"])

    def lock(self, thread: str, locked: bool) -> None:
        query = urllib.parse.urlencode({"site": SITE, "thread": thread})
        answer = self.admin().patch(f"api/v1/admin/threads?{query}", json={"locked": locked})
        assert answer.status_code == 200, answer.text

    def queue(self, status: str, thread: str) -> list[dict[str, Any]]:
        answer = self.admin().get("api/v1/admin/comments", params={"status": status, "site": SITE, "thread": thread})
        assert answer.status_code == 200, answer.text
        return list(answer.json()["comments"])

    def post(self, thread: str, text: str, name: str = "Gus") -> dict[str, Any]:
        body = {"site": SITE, "thread": thread, "text": text, "author": {"name": name}}
        status, data = self.server.api("POST", "/api/v1/comments", body)
        assert status == 201, data
        return dict(data["comment"])

    def approved(self, thread: str, text: str, name: str = "Gus") -> str:
        """A comment that a moderator has approved already; its id."""
        comment_id = str(self.post(thread, text, name)["id"])
        self.act(comment_id, status="approved")
        return comment_id


@pytest.fixture(scope="module")
def mod(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[ModServer]:
    tmp = tmp_path_factory.mktemp("moderation-widget")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    oidc = start_oidc_provider([f"{base}/auth/company/callback"])
    try:
        config = write_config(
            tmp / "porch.toml",
            public_url=base,
            database=f"sqlite:///{tmp / 'porch.db'}",
            providers={
                "company": {
                    "type": "oidc",
                    "name": "Company login",
                    "issuer": oidc.issuer,
                    "client_id": "porch",
                    "client_secret": "porch-secret",
                },
            },
            sites={
                SITE: {
                    "title": "A moderated blog",
                    "origins": [host.origin],
                    "rate_limit": 0,
                    "moderation": "all",
                    "moderators": ["company:alice"],
                },
            },
        )
        server = PorchServer(config, tmp, port)
        server.start()
        mod = ModServer(server, oidc, config, tmp)
        try:
            yield mod
        finally:
            if mod.console is not None:
                mod.console.close()
            server.stop()
    finally:
        stop(oidc.process)


@pytest.fixture
def second(browser: Any) -> Iterator[Any]:
    """Another reader: a browser context of their own (own storage, own socket)."""
    ctx = browser.new_context(viewport={"width": 900, "height": 900})
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda error: errors.append(str(error)))
    yield p
    ctx.close()
    assert not errors, errors


def thread_page(host: HostSite, mod: ModServer, label: str) -> tuple[str, str]:
    thread = f"/moderated/{label}/{time.monotonic_ns()}"
    return thread, host.page(thread, embed_page(mod.base, thread, site=SITE))


def wait_live(page: Any) -> None:
    expect(widget(page)).to_have_attribute("data-live", "live", timeout=10_000)


def test_a_held_comment_is_its_authors_alone_until_approved_then_everyones_live(
    page: Any, second: Any, host: HostSite, mod: ModServer, axe_source: str
) -> None:
    thread, url = thread_page(host, mod, "held")
    open_widget(page, url)
    fill_form(page, "Held for a *moderator*", name="Guest")
    page.get_by_role("button", name="Post Comment").click()
    mine = article_of(page, "Held for a moderator")
    expect(mine.locator(".note")).to_have_text(PENDING)
    expect(widget(page).locator("h2")).to_have_text("0 Comments")
    [held] = mod.queue("pending", thread)
    assert held["author"]["name"] == "Guest"
    assert run_axe(page, axe_source) == []

    # After a reload the author still sees it, through the edit token this browser keeps.
    page.reload()
    expect(article_of(page, "Held for a moderator").locator(".note")).to_have_text(PENDING)
    wait_live(page)
    # Another reader does not.
    open_widget(second, url)
    wait_live(second)
    expect(widget(second).locator("h2")).to_have_text("0 Comments")
    expect(articles(second)).to_have_count(0)

    # A moderator approves it: both pages show it, live; the author's copy is the same comment, now public.
    mod.act(held["id"], status="approved")
    expect(article_of(page, "Held for a moderator").locator(".note")).to_have_count(0)
    expect(articles(page)).to_have_count(1)
    expect(widget(page).locator("h2")).to_have_text("1 Comment")
    expect(widget(second).locator("h2")).to_have_text("1 Comment")
    # Its place (the end of an empty list) is in view of the second reader: it waits behind the pill.
    second.get_by_role("button", name="1 new comment").click()
    expect(article_of(second, "Held for a moderator")).to_be_visible()
    # The browser forgets the held comment once it is public: after a reload it is an ordinary comment.
    page.reload()
    expect(articles(page)).to_have_count(1)
    expect(article_of(page, "Held for a moderator").locator(".note")).to_have_count(0)
    key = f"porch:held:{mod.base}|{SITE}|{thread}"
    page.wait_for_function("key => JSON.parse(localStorage.getItem(key) || '[]').length === 0", arg=key)


def test_a_held_comment_that_is_rejected_is_forgotten(page: Any, host: HostSite, mod: ModServer) -> None:
    thread, url = thread_page(host, mod, "rejected")
    open_widget(page, url)
    fill_form(page, "Not for publication", name="Guest")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Not for publication").locator(".note")).to_have_text(PENDING)
    [held] = mod.queue("pending", thread)
    mod.act(held["id"], status="deleted")
    page.reload()
    expect(widget(page).locator("form")).to_be_visible()
    expect(articles(page)).to_have_count(0)
    key = f"porch:held:{mod.base}|{SITE}|{thread}"
    page.wait_for_function("key => JSON.parse(localStorage.getItem(key) || '[]').length === 0", arg=key)


def test_the_honeypot_is_out_of_sight_out_of_the_tab_order_and_catches_bots(
    page: Any, host: HostSite, mod: ModServer
) -> None:
    thread, url = thread_page(host, mod, "honeypot")
    open_widget(page, url)
    trap = widget(page).locator("input[name=homepage]")
    expect(trap).to_have_count(1)
    expect(trap).to_have_attribute("aria-hidden", "true")
    expect(trap).to_have_attribute("tabindex", "-1")
    expect(trap).to_have_attribute("autocomplete", "off")
    # Off-screen, not display:none (which some bots skip), so nobody sees it.
    assert trap.evaluate("el => getComputedStyle(el).display") != "none"
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    # From the website field, Tab goes on to Post Comment: the keyboard never reaches it.
    widget(page).get_by_label("Website").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.querySelector('.porch-comments').shadowRoot.activeElement.textContent")
    assert focused == "Post Comment"
    # A person's comment goes through with the field empty; a bot's, which fills it, is stored as spam while
    # the bot sees an ordinary answer.
    fill_form(page, "Written by a person", name="Person")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Written by a person").locator(".note")).to_have_text(PENDING)
    trap.evaluate("el => { el.value = 'http://spam.example/'; }")
    fill_form(page, "Cheap pills", name="Bot")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Cheap pills")).to_be_visible()
    assert [c["text"] for c in mod.queue("pending", thread)] == ["Written by a person"]
    assert [c["text"] for c in mod.queue("spam", thread)] == ["Cheap pills"]


def test_report_asks_why_first_then_the_moderators_see_it(
    page: Any, host: HostSite, mod: ModServer, axe_source: str
) -> None:
    thread, url = thread_page(host, mod, "report")
    mod.approved(thread, "Something rude", name="Rude")
    open_widget(page, url)
    rude = article_of(page, "Something rude")
    # Cancel reports nothing.
    rude.get_by_role("button", name="Report").click()
    dialog = rude.get_by_role("group", name="Why are you reporting this comment?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("radio", name="Spam")).to_be_focused()
    assert run_axe(page, axe_source) == []
    rude.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert mod.queue("flagged", thread) == []
    # Abuse, confirmed.
    rude.get_by_role("button", name="Report").click()
    dialog.get_by_role("radio", name="Abuse").check()
    rude.get_by_role("button", name="Report").click()
    expect(rude.get_by_role("button", name="Reported")).to_be_disabled()
    [flagged] = mod.queue("flagged", thread)
    assert flagged["flags"]["reasons"] == {"abuse": 1}


def test_a_lock_closes_the_form_live_and_an_unlock_opens_it(
    page: Any, host: HostSite, mod: ModServer, axe_source: str
) -> None:
    thread, url = thread_page(host, mod, "lock")
    mod.approved(thread, "Before the lock", name="Early")
    open_widget(page, url)
    wait_live(page)
    form = widget(page).locator("form")
    expect(form).to_be_visible()
    mod.lock(thread, True)
    expect(widget(page).get_by_text("Comments are closed.")).to_be_visible()
    expect(form).to_have_count(0)
    expect(article_of(page, "Before the lock").get_by_role("button", name="Reply to Early")).to_have_count(0)
    assert run_axe(page, axe_source) == []
    mod.lock(thread, False)
    expect(form).to_be_visible()
    expect(widget(page).get_by_text("Comments are closed.")).to_have_count(0)
    expect(article_of(page, "Before the lock").get_by_role("button", name="Reply to Early")).to_be_visible()
    # A page opened on a locked thread opens the form when it is unlocked, too.
    mod.lock(thread, True)
    page.reload()
    expect(widget(page).get_by_text("Comments are closed.")).to_be_visible()
    wait_live(page)
    mod.lock(thread, False)
    expect(widget(page).get_by_label("Comment", exact=True)).to_be_visible()


def _sign_in(page: Any) -> None:
    with page.expect_popup() as popup_info:
        widget(page).get_by_role("button", name="Sign in with Company login").click()
    popup_info.value.wait_for_event("close", timeout=15000)
    expect(widget(page).get_by_text("You are commenting as")).to_be_visible(timeout=10000)


def test_a_moderator_signed_in_through_the_widget_deletes_pins_and_locks_there(
    page: Any, context: Any, host: HostSite, mod: ModServer, axe_source: str
) -> None:
    thread, url = thread_page(host, mod, "moderator")
    mod.approved(thread, "Pin me", name="Good")
    mod.approved(thread, "Delete me", name="Bad")
    # A reader who moderates nothing sees no tools.
    mod.oidc.set_account("bob")
    open_widget(page, url)
    _sign_in(page)
    expect(article_of(page, "Pin me").get_by_role("button", name="Report")).to_be_visible()
    expect(widget(page).get_by_role("button", name="Pin")).to_have_count(0)
    expect(widget(page).get_by_role("button", name="Lock thread")).to_have_count(0)
    widget(page).get_by_role("button", name="Log Out").click()
    expect(widget(page).get_by_role("button", name="Sign in with Company login")).to_be_visible()

    # Alice moderates this site.
    mod.oidc.set_account("alice")
    context.clear_cookies()
    _sign_in(page)
    wait_live(page)
    pin = article_of(page, "Pin me").get_by_role("button", name="Pin", exact=True)
    expect(pin).to_be_visible()
    expect(article_of(page, "Delete me").get_by_role("button", name="Delete as moderator")).to_be_visible()
    lock = widget(page).get_by_role("button", name="Lock thread")
    expect(lock).to_be_visible()
    assert run_axe(page, axe_source) == []

    pin.click()
    expect(article_of(page, "Pin me").get_by_role("button", name="Unpin")).to_be_visible()
    assert [c["text"] for c in mod.queue("approved", thread) if c["pinned"]] == ["Pin me"]

    bad = article_of(page, "Delete me")
    bad.get_by_role("button", name="Delete as moderator").click()
    expect(bad).to_contain_text("Delete this comment?")
    bad.get_by_role("button", name="Delete", exact=True).click()
    expect(article_of(page, "Delete me")).to_have_count(0)
    expect(widget(page).locator("h2")).to_have_text("1 Comment")

    lock.click()
    expect(widget(page).get_by_text("Comments are closed.")).to_be_visible()
    expect(widget(page).get_by_role("button", name="Unlock thread")).to_be_visible()
    widget(page).get_by_role("button", name="Unlock thread").click()
    expect(widget(page).get_by_label("Comment", exact=True)).to_be_visible()

    # Signing out takes the tools away.
    widget(page).get_by_role("button", name="Log Out").click()
    expect(widget(page).get_by_role("button", name="Lock thread")).to_have_count(0)
    expect(widget(page).get_by_role("button", name="Unpin")).to_have_count(0)
