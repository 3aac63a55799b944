"""Live updates in Chromium: two readers, held new comments, a steady reading position, reconnect, resume."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import HostSite, PorchServer, Proxy, embed_page
from tests.e2e.helpers import article_of, articles, fill_form, item_of, open_widget, widget

pytestmark = pytest.mark.e2e


def wait_live(page: Any) -> None:
    """The socket said hello: the widget is live, and its "Connecting…" status is hidden."""
    expect(widget(page)).to_have_attribute("data-live", "live", timeout=10_000)
    expect(widget(page).locator(".status")).to_be_hidden()


@pytest.fixture
def second(browser: Any) -> Iterator[Any]:
    """Another reader: a separate browser context (own storage, own socket)."""
    ctx = browser.new_context(viewport={"width": 900, "height": 900})
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda error: errors.append(str(error)))
    yield p
    ctx.close()
    assert not errors, errors


def top_of(locator: Any) -> float:
    return float(locator.evaluate("el => el.getBoundingClientRect().top"))


def test_second_reader_sees_comment_and_reply_live(
    page: Any, second: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    porch_server.post(thread_key, "Already here", name="Early")
    url = host.page("/live", embed_page(porch_server.base, thread_key))
    open_widget(page, url)
    open_widget(second, url)
    wait_live(page)
    wait_live(second)
    anchor = article_of(second, "Already here")
    before = top_of(anchor)

    fill_form(page, "Posted by reader one", name="One")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Posted by reader one")).to_be_visible()

    # reader two: the new comment waits behind a control instead of pushing what they read
    new = second.get_by_role("button", name="1 new comment")
    expect(new).to_be_visible()
    expect(widget(second).locator("h2")).to_have_text("2 Comments")
    expect(widget(second).locator("[aria-live=polite]")).to_have_text("New comment from One")
    expect(article_of(second, "Posted by reader one")).to_have_count(0)
    assert top_of(anchor) == before
    new.click()
    expect(article_of(second, "Posted by reader one")).to_be_visible()
    expect(article_of(second, "Posted by reader one")).to_be_focused()
    expect(new).to_be_hidden()

    page.get_by_role("button", name="Reply to One").click()
    fill_form(page, "A reply from reader one", name="One")
    page.get_by_role("button", name="Post Comment").click()
    expect(second.get_by_role("button", name="1 new comment")).to_be_visible()
    expect(widget(second).locator("[aria-live=polite]")).to_have_text("New reply from One")
    second.get_by_role("button", name="1 new comment").click()
    expect(item_of(second, "Posted by reader one").locator(".replies article")).to_contain_text(
        "A reply from reader one"
    )
    expect(widget(second).locator("h2")).to_have_text("3 Comments")
    # and reader one saw each of its own comments once, not again through the socket
    expect(articles(page)).to_have_count(3)
    expect(page.get_by_role("button", name="new comment")).to_be_hidden()


def test_below_the_fold_comments_go_straight_in(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    porch_server.post(thread_key, "First", name="A")
    spacer = '<div style="height: 3000px">A long article.</div>'
    open_widget(page, host.page("/fold", embed_page(porch_server.base, thread_key, before=spacer)))
    wait_live(page)
    porch_server.post(thread_key, "Arrived below the fold", name="B")
    expect(article_of(page, "Arrived below the fold")).to_have_count(1)
    expect(page.get_by_role("button", name="new comment")).to_be_hidden()
    assert page.evaluate("() => scrollY") == 0


def test_edits_and_deletions_never_move_the_text_being_read(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    first = porch_server.post(thread_key, "Comment 0 will grow", name="Author")
    for n in range(1, 25):
        porch_server.post(thread_key, f"Comment {n} of a long thread.", name="Author")
    doomed = porch_server.post(thread_key, "Comment 25 will be deleted", name="Author")
    open_widget(page, host.page("/stable", embed_page(porch_server.base, thread_key)))
    wait_live(page)
    reading = article_of(page, "Comment 12 of a long thread.")
    reading.scroll_into_view_if_needed()
    page.evaluate("top => scrollBy(0, top - 100)", top_of(reading))
    before = top_of(reading)
    assert 50 < before < 150

    long_text = "\n\n".join(f"Paragraph {n} added above the reader." for n in range(12))
    status, _ = porch_server.api(
        "PATCH",
        f"/api/v1/comments/{first['comment']['id']}",
        {"text": long_text},
        {"X-Edit-Token": first["edit_token"]},
    )
    assert status == 200
    expect(article_of(page, "Paragraph 11 added above the reader.")).to_have_count(1)
    assert abs(top_of(reading) - before) <= 1

    # a reply to a comment above the reader is held, not inserted above them
    porch_server.post(thread_key, "A reply far above", name="Replier", parent=first["comment"]["id"])
    expect(page.get_by_role("button", name="1 new comment")).to_be_in_viewport()  # floats where the reader is
    assert abs(top_of(reading) - before) <= 1

    status, _ = porch_server.api(
        "DELETE", f"/api/v1/comments/{doomed['comment']['id']}", None, {"X-Edit-Token": doomed["edit_token"]}
    )
    assert status == 204
    expect(article_of(page, "Comment 25 will be deleted")).to_have_count(0)
    assert abs(top_of(reading) - before) <= 1
    expect(widget(page).locator("h2")).to_have_text("26 Comments")


def test_reconnects_and_shows_what_was_missed(
    page: Any, host: HostSite, porch_server: PorchServer, proxy: Proxy, thread_key: str
) -> None:
    porch_server.post(thread_key, "Before the outage", name="A")
    open_widget(page, host.page("/resume", embed_page(proxy.base, thread_key)))
    wait_live(page)

    proxy.cut()
    expect(widget(page).locator(".status")).to_have_text("Connecting…")
    porch_server.post(thread_key, "Posted while the socket was down", name="B")  # straight to the server
    page.wait_for_timeout(1500)  # a few refused reconnects
    expect(page.get_by_role("button", name="new comment")).to_be_hidden()
    proxy.restore()

    wait_live(page)
    page.get_by_role("button", name="1 new comment").click()
    expect(article_of(page, "Posted while the socket was down")).to_have_count(1)
    porch_server.post(thread_key, "Posted after the reconnect", name="C")
    expect(page.get_by_role("button", name="1 new comment")).to_be_visible()
    page.get_by_role("button", name="1 new comment").click()
    expect(articles(page)).to_have_count(3)
    expect(widget(page).locator("h2")).to_have_text("3 Comments")


def test_live_deletion_by_its_author_reaches_other_readers(
    page: Any, second: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    url = host.page("/live-delete", embed_page(porch_server.base, thread_key))
    open_widget(page, url)
    fill_form(page, "Soon gone", name="Author")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Soon gone")).to_be_visible()
    open_widget(second, url)
    wait_live(second)
    expect(article_of(second, "Soon gone")).to_be_visible()
    article_of(page, "Soon gone").get_by_role("button", name="Delete").click()
    # The confirmation loads on demand (static/extras.js): answer it once it asks, as a reader would.
    expect(article_of(page, "Soon gone")).to_contain_text("Delete this comment?")
    article_of(page, "Soon gone").get_by_role("button", name="Delete").click()
    expect(article_of(second, "Soon gone")).to_have_count(0)
    expect(widget(second).locator("h2")).to_have_text("0 Comments")
