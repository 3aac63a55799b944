"""The server's demo page and the copy-paste examples use the real widget."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import REPO, HostSite, PorchServer
from tests.e2e.helpers import article_of, articles, fill_form, open_widget, widget

pytestmark = pytest.mark.e2e

EXAMPLE_SERVER = "http://127.0.0.1:8000/"


def example(name: str, porch_server: PorchServer) -> str:
    html = (REPO / "examples" / name).read_text()
    assert EXAMPLE_SERVER in html
    return html.replace(EXAMPLE_SERVER, porch_server.base)


def test_demo_page_embeds_the_widget(page: Any, porch_server: PorchServer) -> None:
    html = (Path(REPO) / "server" / "porch" / "demo.html").read_text()
    assert '<script src="/porch.js" data-site="demo" async></script>' in html
    open_widget(page, porch_server.base)
    expect(page.locator("h1")).to_have_text("Porch is running")
    fill_form(page, "Hello from the demo page", name="Demo")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Hello from the demo page")).to_be_visible()


def test_plain_example(page: Any, host: HostSite, porch_server: PorchServer) -> None:
    open_widget(page, host.page("/plain.html", example("plain.html", porch_server)))
    assert (
        page.evaluate("() => document.querySelector('script[data-site]').nextElementSibling.className")
        == "porch-comments"
    )
    fill_form(page, "Hello from the plain example", name="Plain")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Hello from the plain example")).to_be_visible()
    status, data = porch_server.api("GET", "/api/v1/comments?site=demo&thread=/plain.html")
    assert status == 200 and data["thread"]["count"] == 1
    assert data["thread"]["url"] == "http://localhost:8080/plain.html"  # the canonical link


def test_single_page_app_remounts_per_route(page: Any, host: HostSite, porch_server: PorchServer) -> None:
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    open_widget(page, host.page("/spa.html", example("spa.html", porch_server)))
    expect(page.locator("h1")).to_have_text("First post")
    fill_form(page, "Only on the first post", name="Router")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Only on the first post")).to_be_visible()
    page.get_by_label("Comment", exact=True).fill("draft left on the first post")

    page.get_by_role("link", name="Second post").click()
    expect(page.locator("h1")).to_have_text("Second post")
    expect(widget(page)).to_have_count(1)
    expect(widget(page).locator("h2")).to_have_text("0 Comments")
    expect(articles(page)).to_have_count(0)
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")

    page.get_by_role("link", name="First post").click()
    expect(widget(page)).to_have_count(1)
    expect(article_of(page, "Only on the first post")).to_be_visible()
    expect(page.get_by_label("Comment", exact=True)).to_have_value("draft left on the first post")
    _status, data = porch_server.api("GET", "/api/v1/comments?site=demo&thread=/second-post")
    assert data["thread"]["count"] == 0
    # three mounts, three live connections; the two destroyed widgets closed theirs
    for _ in range(100):
        if len(sockets) == 3 and sockets[0].is_closed() and sockets[1].is_closed():
            break
        page.wait_for_timeout(50)
    assert [ws.is_closed() for ws in sockets] == [True, True, False]


def test_demo_page_works_under_its_strict_content_security_policy(page: Any, porch_server: PorchServer) -> None:
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text) if "Content Security Policy" in message.text else None)
    # Violations inside the widget's shadow root reach the document too: the event is composed.
    page.add_init_script(
        "window.porchViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => window.porchViolations.push(event.effectiveDirective + ' ' + event.blockedURI));"
    )
    response = page.goto(porch_server.base)
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"

    fill_form(page, "Posted under a strict policy", name="Strict")
    page.get_by_role("button", name="Post Comment").click()
    mine = article_of(page, "Posted under a strict policy")
    expect(mine).to_be_visible()
    avatar = mine.locator("img.av")
    expect(avatar).to_have_attribute("src", re.compile("^" + re.escape(porch_server.base + "avatar/")))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=avatar.element_handle())
    # The live socket is open under connect-src: a comment posted elsewhere appears without a reload.
    status, _ = porch_server.api(
        "POST", "/api/v1/comments", {"site": "demo", "thread": "/", "text": "Arrived live", "author": {"name": "Bo"}}
    )
    assert status == 201
    page.get_by_role("button", name="1 new comment").click()
    expect(article_of(page, "Arrived live")).to_be_visible()
    assert page.evaluate("window.porchViolations") == []
    assert reports == []
    # The widget's own stylesheet applied inside its shadow root.
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('.porch-comments').shadowRoot.querySelector('section'))"
        ".getPropertyValue('--p-accent').trim()"
    )
