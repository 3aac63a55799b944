"""The moderation console (PUBLIC_URL/admin/) in Chromium, against a real `porch serve`: signing in with
`porch admin link` and through a sign-in provider (node oidc-provider), the queue following new comments
live, approving while a reader's page (the widget, on another site, in its own browser context) shows the
comment arrive, keyboard-only moderation, every other action, axe-core, and a 375 px wide screen.

Site "blog" holds every comment for review (moderation = "all") and has one moderator, company:alice;
site "shop" shows comments at once and is moderated by administrators only.
"""

from __future__ import annotations

import os
import re
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
from tests.e2e.helpers import article_of, open_widget
from tests.processes import SERVER_SOURCE, free_port, write_config

pytestmark = pytest.mark.e2e

LINK_INVALID = "This sign-in link is not valid any more"


@dataclass
class Console:
    server: PorchServer
    oidc: OIDCServer
    config: Path
    data_dir: Path

    @property
    def url(self) -> str:
        return self.server.base + "admin/"

    def admin_link(self) -> str:
        """What `porch admin link` prints as its last line, run as an owner would, on the server's config."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
        env["PYTHONPATH"] = str(SERVER_SOURCE)
        done = subprocess.run(
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
        return done.stdout.strip().splitlines()[-1]

    def post(self, site: str, thread: str, text: str, name: str = "Gus", **extra: Any) -> dict[str, Any]:
        body = {
            "site": site,
            "thread": thread,
            "text": text,
            "title": f"Post {thread}",
            "url": f"https://{site}.example{thread}",
            "author": {"name": name, "email": f"{name.lower()}@example.com"},
            **extra,
        }
        status, data = self.server.api("POST", "/api/v1/comments", body)
        assert status == 201, data
        return dict(data["comment"])

    def public(self, site: str, thread: str) -> dict[str, Any]:
        status, data = self.server.api(
            "GET", "/api/v1/comments?" + urllib.parse.urlencode({"site": site, "thread": thread})
        )
        assert status == 200, data
        return dict(data)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[Console]:
    tmp = tmp_path_factory.mktemp("console")
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
                "fediverse": {"type": "mastodon"},
            },
            sites={
                "blog": {
                    "title": "The blog",
                    "origins": [host.origin],
                    "rate_limit": 0,
                    "moderation": "all",
                    "moderators": ["company:alice"],
                },
                "shop": {"title": "The shop", "origins": [host.origin], "rate_limit": 0},
            },
        )
        server = PorchServer(config, tmp, port)
        server.start()
        try:
            yield Console(server, oidc, config, tmp)
        finally:
            server.stop()
    finally:
        stop(oidc.process)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Pages in browser contexts of their own (each its own cookie jar), checked for uncaught errors."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(width: int = 1000, height: int = 900, scheme: str = "light") -> Any:
        ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def signed_in(new_page: Any, console: Console, width: int = 1000, scheme: str = "light") -> Any:
    page = new_page(width, scheme=scheme)
    page.goto(console.admin_link())
    expect(page.get_by_text("Signed in as admin-link")).to_be_visible()
    expect(page.locator("#view-title")).to_have_text("Pending")
    return page


def row(page: Any, text: str) -> Any:
    return page.locator("li.row").filter(has=page.locator(".body", has_text=text))


def axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    # The console's policy admits no inline script, so axe cannot come in as a <script> element: it is
    # evaluated through the DevTools protocol, which the page's policy does not govern.
    page.evaluate(axe_source + "\n;0")
    result = page.evaluate("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result]


def unique(label: str) -> str:
    return f"{label} {time.monotonic_ns()}"


# ---- the page itself --------------------------------------------------------------------------------------


def test_console_page_is_served_under_a_strict_policy(console: Console) -> None:
    answer = httpx.get(console.url)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    port = console.server.port
    assert answer.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self' ws://127.0.0.1:{port}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert re.search(r'<script src="\.\./static/admin/console\.js\?v=[0-9a-f]{12}" defer></script>', answer.text)
    script = httpx.get(console.server.base + "static/admin/console.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    bare = httpx.get(console.server.base + "admin")
    assert bare.status_code == 308 and bare.headers["location"] == "admin/"


def test_an_admin_link_signs_in_once_and_leaves_no_secret_behind(
    new_page: Any, console: Console, axe_source: str
) -> None:
    link = console.admin_link()
    assert link.startswith(console.url + "#login=")
    page = new_page()
    page.goto(link)
    expect(page.get_by_text("Signed in as admin-link")).to_be_visible()
    assert "login" not in page.url and page.url.startswith(console.url)
    # Nor in the history: the entry the link opened was rewritten in place.
    page.go_back()
    page.go_forward()
    expect(page.get_by_text("Signed in as admin-link")).to_be_visible()
    assert "login" not in page.url
    # Reloading keeps the session (the cookie), not the link.
    page.reload()
    expect(page.get_by_text("Signed in as admin-link")).to_be_visible()
    # The same link a second time, in another browser: refused, with the way to a new one.
    other = new_page()
    other.goto(link)
    expect(other.get_by_role("alert")).to_contain_text(LINK_INVALID)
    expect(other.get_by_role("heading", name="Sign in to moderate")).to_be_visible()
    expect(other.get_by_role("link", name="Sign in with Company login")).to_be_visible()
    expect(other.get_by_text("porch admin link", exact=True)).to_be_visible()
    assert axe(other, axe_source) == []
    # A provider that needs an instance asks for it first, then goes to the console's sign-in with it.
    started: list[str] = []
    other.route("**/admin/sign-in/**", lambda route: (started.append(route.request.url), route.fulfill(body="ok")))
    instance = other.get_by_label("Your instance (e.g. mastodon.social)")
    other.get_by_role("button", name="Sign in with Mastodon").click()
    expect(instance).to_be_focused()
    expect(instance).to_have_attribute("aria-invalid", "true")
    instance.fill(" mastodon.example ")
    instance.press("Enter")
    other.wait_for_url("**/admin/sign-in/**")
    assert started == [console.url + "sign-in/fediverse?instance=mastodon.example"]
    # Signing out ends the session: a reload shows the sign-in screen.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to moderate")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to moderate")).to_be_visible()


# ---- the queue, live, and a reader's page ------------------------------------------------------------------


def test_approving_from_the_queue_reaches_a_readers_page_live(new_page: Any, console: Console, host: HostSite) -> None:
    thread = f"/posts/live-{time.monotonic_ns()}"
    reader = new_page()
    open_widget(reader, host.page(f"/console-reader{thread}", embed_page(console.server.base, thread, site="blog")))
    moderator = signed_in(new_page, console)

    # A new comment is held: the reader's page does not show it, the queue gets it without a reload.
    text = unique("Held until a moderator says yes")
    posted = console.post("blog", thread, text, name="Gus")
    assert posted["status"] == "pending"
    item = row(moderator, text)
    expect(item).to_be_visible(timeout=10000)
    expect(item.get_by_role("heading")).to_have_text("Comment by Gus")
    expect(item.get_by_role("link", name=f"Post {thread} (opens in a new tab)")).to_have_attribute(
        "href", f"https://blog.example{thread}"
    )
    expect(item.get_by_text("gus@example.com")).to_be_visible()
    expect(moderator.get_by_role("link", name=re.compile(r"^Pending \d+$"))).to_be_visible()
    expect(article_of(reader, text)).to_have_count(0)

    item.get_by_role("button", name="Approve").click()
    expect(item).to_have_count(0)
    expect(moderator.locator("[aria-live]").filter(has_text="Approved the comment by Gus.")).to_have_count(1)
    # The reader never reloaded: the comment waits behind the widget's "new comment" control.
    reader.get_by_role("button", name="1 new comment").click(timeout=10000)
    expect(article_of(reader, text)).to_be_visible()
    assert [c["id"] for c in console.public("blog", thread)["comments"]] == [posted["id"]]


def test_reported_comments_reach_the_reported_tab_live(new_page: Any, console: Console) -> None:
    thread = f"/products/{time.monotonic_ns()}"
    text = unique("Buy cheap watches")
    shown = console.post("shop", thread, text, name="Vendor")
    assert shown["status"] == "approved"
    page = signed_in(new_page, console)
    page.get_by_role("link", name=re.compile("^Reported")).click()
    expect(page.locator("#view-title")).to_have_text("Reported")
    expect(page.locator("#view-title")).to_be_focused()
    status, _ = console.server.api("POST", f"/api/v1/comments/{shown['id']}/flag", {"reason": "spam"})
    assert status == 204
    item = row(page, text)
    expect(item).to_be_visible(timeout=10000)
    expect(item.locator(".flags")).to_have_text("1 report: spam 1")
    # Approving keeps it on the page and settles the report: it leaves the Reported list.
    item.get_by_role("button", name="Approve").click()
    expect(item).to_have_count(0)
    assert [c["id"] for c in console.public("shop", thread)["comments"]] == [shown["id"]]


def test_keyboard_only_moderation(new_page: Any, console: Console) -> None:
    thread = f"/posts/keys-{time.monotonic_ns()}"
    first = console.post("blog", thread, unique("Keyboard first"), name="Kim")
    second = console.post("blog", thread, unique("Keyboard second"), name="Lee")
    third = console.post("blog", thread, unique("Keyboard third"), name="Max")
    page = signed_in(new_page, console)
    shortcuts = page.get_by_role("complementary", name="Keyboard shortcuts")
    for key, what in (
        ("j", "Next comment"),
        ("k", "Previous comment"),
        ("a", "Approve"),
        ("s", "Mark as spam"),
        ("d", "Delete"),
    ):
        expect(
            shortcuts.locator("div").filter(has=page.locator("kbd", has_text=re.compile(f"^{re.escape(key)}$")))
        ).to_contain_text(what)

    def focused_row() -> str | None:
        return page.evaluate(
            "() => { const li = document.activeElement.closest('li.row'); return li && li.dataset.id; }"
        )

    # Newest first: j lands on the third comment, j again on the second, k back to the third.
    page.keyboard.press("j")
    assert focused_row() == third["id"]
    page.keyboard.press("j")
    assert focused_row() == second["id"]
    page.keyboard.press("k")
    assert focused_row() == third["id"]
    page.keyboard.press("a")
    expect(page.locator(f'li.row[data-id="{third["id"]}"]')).to_have_count(0)
    assert focused_row() == second["id"], "focus moves on to the next comment"
    assert [c["id"] for c in console.public("blog", thread)["comments"]] == [third["id"]]

    # d asks first; Escape steps back with nothing done, and focus returns to the comment.
    page.keyboard.press("d")
    dialog = page.get_by_role("dialog", name="Delete this comment?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Delete")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert focused_row() == second["id"]
    page.keyboard.press("d")
    expect(dialog.get_by_role("button", name="Delete")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f'li.row[data-id="{second["id"]}"]')).to_have_count(0)

    # Every action is a button Tab reaches: from the row, Tab to Approve and press Enter.
    page.keyboard.press("j")
    assert focused_row() == first["id"]
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.action") == "approve":
            break
    assert focused_row() == first["id"]
    page.keyboard.press("Enter")
    expect(page.locator(f'li.row[data-id="{first["id"]}"]')).to_have_count(0)
    ids = sorted(c["id"] for c in console.public("blog", thread)["comments"])
    assert ids == sorted([first["id"], third["id"]])


def test_every_action_from_the_console(new_page: Any, console: Console, host: HostSite) -> None:
    thread = f"/posts/actions-{time.monotonic_ns()}"
    tag = unique("actions")
    one = console.post("blog", thread, f"{tag} one", name="Ada")
    two = console.post("blog", thread, f"{tag} two", name="Bob")
    spammer = console.post("blog", thread, f"{tag} spammy", name="Sam")
    page = signed_in(new_page, console)

    # Search narrows the list; bulk approval.
    search = page.get_by_label("Search text and names")
    search.fill(tag)
    search.press("Enter")
    expect(page.locator("li.row")).to_have_count(3)
    row(page, f"{tag} one").get_by_role("checkbox").check()
    row(page, f"{tag} two").get_by_role("checkbox").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator("li.row")).to_have_count(1)
    assert {c["id"] for c in console.public("blog", thread)["comments"]} == {one["id"], two["id"]}

    # Spam: into the Spam tab; approving it from there brings it back.
    row(page, f"{tag} spammy").get_by_role("button", name="Spam").click()
    expect(page.locator("li.row")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^Spam")).click()
    expect(row(page, f"{tag} spammy")).to_be_visible()

    # Ban its author for 7 days, with a reason. (Not with "purge": every guest here posts from 127.0.0.1,
    # so that would take the other test comments too.)
    row(page, f"{tag} spammy").get_by_role("button", name="Ban").click()
    dialog = page.get_by_role("dialog", name="Ban Sam?")
    dialog.get_by_label("Days").fill("seven")
    dialog.get_by_role("button", name="Ban").click()
    expect(dialog.get_by_role("alert")).to_contain_text("whole number")
    dialog.get_by_label("Days").fill("7")
    dialog.get_by_label("Reason").fill("Sells watches")
    dialog.get_by_role("button", name="Ban").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("[aria-live]").filter(has_text="Banned Sam.")).to_have_count(1)
    status, refused = console.server.api(
        "POST",
        "/api/v1/comments",
        {"site": "blog", "thread": thread, "text": "again", "author": {"name": "Sam", "email": "sam@example.com"}},
    )
    assert (status, refused["error"]["code"]) == (403, "banned")
    page.get_by_role("link", name=re.compile("^Bans")).click()
    ban = page.locator("li.row").filter(has_text="Sells watches")
    expect(ban).to_be_visible()
    ban.get_by_role("button", name="Lift").click()
    expect(ban).to_have_count(0)
    status, _ = console.server.api(
        "POST",
        "/api/v1/comments",
        {
            "site": "blog",
            "thread": thread,
            "text": f"{tag} back",
            "author": {"name": "Sam", "email": "sam@example.com"},
        },
    )
    assert status == 201

    # Pin in the thread view; lock and reopen the thread.
    page.get_by_role("link", name=re.compile("^All")).click()
    search = page.get_by_label("Search text and names")
    search.fill(f"{tag} one")
    search.press("Enter")
    row(page, f"{tag} one").get_by_role("button", name="Thread").click()
    expect(page.locator("#view-title")).to_have_text(f"Thread: Post {thread}")
    item = row(page, f"{tag} one")
    item.get_by_role("button", name="Pin").click()
    expect(item.get_by_text("Pinned", exact=True)).to_be_visible()
    expect(item.get_by_role("button", name="Unpin")).to_be_visible()
    page.get_by_role("button", name="Lock thread").click()
    expect(page.get_by_text("Locked: readers cannot add comments.")).to_be_visible()
    assert console.public("blog", thread)["thread"]["locked"] is True
    page.get_by_role("button", name="Unlock thread").click()
    expect(page.get_by_text("Open for comments.")).to_be_visible()
    assert console.public("blog", thread)["thread"]["locked"] is False

    # Delete (asks first), then the log has it all.
    row(page, f"{tag} two").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(row(page, f"{tag} two")).to_have_count(0)
    expect(page.locator("li.row").filter(has_text="This comment was deleted")).to_have_count(1)
    page.get_by_role("link", name=re.compile("^Log")).click()
    log = page.locator("ol.log")
    for words in (
        f"approved comment {one['id']}",
        f"spam comment {spammer['id']}",
        f"banned the author of comment {spammer['id']}",
        "lifted a ban",
        f"pinned comment {one['id']}",
        "locked a thread",
        "reopened a thread",
        f"deleted comment {two['id']}",
    ):
        expect(log).to_contain_text(words)


# ---- provider sign-in -------------------------------------------------------------------------------------


def test_provider_sign_in_shows_a_reader_their_identity_and_a_moderator_their_sites(
    new_page: Any, console: Console, axe_source: str
) -> None:
    shop_text = unique("Shop comment no blog moderator may see")
    console.post("shop", "/products/x", shop_text)
    blog_text = unique("Blog comment for alice")
    console.post("blog", "/posts/alice", blog_text)

    console.oidc.set_account("bob")
    page = new_page()
    page.goto(console.url)
    page.get_by_role("link", name="Sign in with Company login").click()
    expect(page.get_by_role("heading", name="You do not moderate any site yet")).to_be_visible(timeout=15000)
    expect(page.get_by_label("Your identity")).to_have_value("company:bob")
    assert axe(page, axe_source) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to moderate")).to_be_visible()

    # Alice, in a browser of her own (the provider remembers Bob in the first).
    console.oidc.set_account("alice")
    page = new_page()
    page.goto(console.url)
    page.get_by_role("link", name="Sign in with Company login").click()
    expect(page.get_by_text("Signed in as company:alice")).to_be_visible(timeout=15000)
    page.get_by_role("link", name=re.compile("^All")).click()
    expect(row(page, blog_text)).to_be_visible()
    expect(row(page, shop_text)).to_have_count(0)
    options = page.get_by_label("Site").locator("option")
    expect(options).to_have_text(["All sites", "blog"])


# ---- accessibility and small screens ----------------------------------------------------------------------


def test_console_passes_axe_and_fits_a_375_px_screen(new_page: Any, console: Console, axe_source: str) -> None:
    thread = f"/posts/axe-{time.monotonic_ns()}"
    long_word = "Supercalifragilistic" * 6
    console.post(
        "blog",
        thread,
        f"A [link](https://example.com/a) and **bold** and `code`\n\n> quoted\n\n{long_word}",
        name="Wren",
    )
    shown = console.post("shop", thread, unique("Reported on the shop"), name="Quinn")
    console.server.api("POST", f"/api/v1/comments/{shown['id']}/flag", {"reason": "abuse"})
    # A ban, so that the Bans view has one to show (lifted at the end: it stops every guest on 127.0.0.1).
    owner = signed_in(new_page, console)
    owner.get_by_role("link", name=re.compile("^Reported")).click()
    row(owner, "Reported on the shop").get_by_role("button", name="Ban").click()
    owner.get_by_role("dialog").get_by_label("Reason").fill("Abusive")
    owner.get_by_role("dialog").get_by_role("button", name="Ban").click()
    expect(owner.locator("[aria-live]").filter(has_text="Banned Quinn.")).to_have_count(1)
    for width, scheme in ((1000, "light"), (375, "light"), (1000, "dark")):
        at = f"at {width} px, {scheme}"
        page = signed_in(new_page, console, width, scheme)
        expect(page.locator("li.row").first).to_be_visible()
        views = ["Pending", "Reported", "Spam", "All", "Bans", "Log"]
        for name in views:
            page.get_by_role("link", name=re.compile(f"^{name}")).click()
            expect(page.locator("#view-title")).to_have_text("Moderation log" if name == "Log" else name)
            expect(page.get_by_role("status").filter(has_text="Loading")).to_have_count(0)
            assert axe(page, axe_source) == [], f"{name} {at}"
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is too wide {at}"
        page.get_by_role("link", name=re.compile("^Pending")).click()
        item = page.locator("li.row").filter(has_text="Wren")
        item.get_by_role("button", name="Thread").click()
        expect(page.get_by_role("button", name="Lock thread")).to_be_visible()
        assert axe(page, axe_source) == [], f"thread view {at}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("li.row").first.get_by_role("button", name="Ban").click()
        expect(page.get_by_role("dialog")).to_be_visible()
        assert axe(page, axe_source) == [], f"ban dialog {at}"
        box = page.get_by_role("dialog").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        page.keyboard.press("Escape")
    owner.get_by_role("link", name=re.compile("^Bans")).click()
    owner.locator("li.row").filter(has_text="Abusive").get_by_role("button", name="Lift").click()
    expect(owner.locator("li.row").filter(has_text="Abusive")).to_have_count(0)
