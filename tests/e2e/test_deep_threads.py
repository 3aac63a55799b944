"""A reply chain thousands deep, in Chromium (security review, finding 5). A page brings the first replies of a
top-level comment and "Show N more replies" brings the rest in batches; the widget lays out replies below the
indent limit in their ancestor's list, iteratively, so the DOM stays a few levels deep and the browser neither
hangs nor crashes (a 2,000-deep nest of lists crashed Chromium's renderer)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.harness import HostSite, PorchServer, embed_page
from tests.e2e.helpers import article_of, articles, open_widget, widget
from tests.processes import free_port, write_config

pytestmark = pytest.mark.e2e

DEPTH = 3000  # replies in the chain below its top-level comment, each replying to the one before
BATCH = 100  # replies of a top-level comment per page and per "more replies" request (the server's cap)
DOM_LEVELS = 4  # MAX_INDENT in widget.js: comments inside comments, at most, in the DOM
SITE = "deep"
THREAD = "/e2e/deep-chain"


@pytest.fixture(scope="module")
def deep_server(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[PorchServer]:
    """A server whose site keeps nesting as deep as the chain (sites.X.max_depth; the default caps it)."""
    tmp = tmp_path_factory.mktemp("deep")
    port = free_port()
    config = write_config(
        tmp / "porch.toml",
        public_url=f"http://127.0.0.1:{port}",
        database=f"sqlite:///{tmp / 'porch.db'}",
        sites={SITE: {"title": "Deep", "origins": [host.origin], "rate_limit": 0, "max_depth": DEPTH + 1}},
    )
    server = PorchServer(config, tmp, port)
    server.start()
    yield server
    server.stop()


def _post(client: httpx.Client, text: str, parent: str | None) -> str:
    body: dict[str, Any] = {"site": SITE, "thread": THREAD, "text": text, "author": {"name": "Deep"}}
    if parent:
        body["parent"] = parent
    response = client.post("api/v1/comments", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["comment"]["id"])


@pytest.fixture(scope="module")
def chain(deep_server: PorchServer) -> list[str]:
    """The ids of a top-level comment and its DEPTH-deep chain of replies, in display order (each request is
    bounded by the client's timeout)."""
    ids: list[str] = []
    with httpx.Client(base_url=deep_server.base, timeout=10) as client:
        for level in range(DEPTH + 1):
            ids.append(_post(client, f"Level {level}.", ids[-1] if ids else None))
    return ids


def _shown_ids(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """() => [...document.querySelector('.porch-comments').shadowRoot.querySelectorAll('li.c > article')]
                  .map((a) => a.id.replace('porch-c-', ''))"""
        )
    )


def _dom_levels(page: Any) -> int:
    """How many comment items are nested in one another at most."""
    return int(
        page.evaluate(
            """() => {
                let most = 0;
                for (const li of document.querySelector('.porch-comments').shadowRoot.querySelectorAll('li.c')) {
                    let levels = 0;
                    for (let el = li; el; el = el.parentElement && el.parentElement.closest('li.c')) levels++;
                    most = Math.max(most, levels);
                }
                return most;
            }"""
        )
    )


def _left(page: Any, level: int) -> float:
    return float(article_of(page, f"Level {level}.").evaluate("el => el.getBoundingClientRect().left"))


@pytest.mark.timeout(120, func_only=True)  # building the chain (the fixtures) is not what this bounds
def test_a_3000_deep_chain_renders_flat_and_loads_its_replies_in_batches(
    page: Any, host: HostSite, deep_server: PorchServer, chain: list[str]
) -> None:
    open_widget(page, host.page("/deep", embed_page(deep_server.base, THREAD, site=SITE)))
    expect(widget(page).locator("h2")).to_have_text(f"{DEPTH + 1:,} Comments")
    expect(articles(page)).to_have_count(BATCH + 1)
    assert _shown_ids(page) == chain[: BATCH + 1]
    assert _dom_levels(page) == DOM_LEVELS
    # indentation grows for the first levels, then stays
    lefts = [_left(page, level) for level in (0, 1, 2, 3, 4, BATCH)]
    assert lefts[0] < lefts[1] < lefts[2] < lefts[3], lefts
    assert lefts[3] == lefts[4] == lefts[5], lefts

    # A live reply deep in the chain goes after everything shown below its parent, and stays after the replies
    # loaded later that belong before it (replies are depth first, oldest first).
    expect(widget(page)).to_have_attribute("data-live", "live", timeout=10_000)
    with httpx.Client(base_url=deep_server.base, timeout=10) as client:
        late = _post(client, "A late reply to level 10.", chain[10])
    expect(article_of(page, "A late reply to level 10.")).to_be_visible()
    assert _shown_ids(page) == [*chain[: BATCH + 1], late]

    more = widget(page).get_by_role("button", name=re.compile(r"^Show [\d,]+ more repl"))
    for loaded in range(BATCH, DEPTH, BATCH):
        expect(more).to_have_text(f"Show {DEPTH - loaded:,} more replies")
        more.click()
        expect(articles(page)).to_have_count(loaded + BATCH + 2)
    # The late reply is the one left: it is shown already and is not shown twice.
    expect(more).to_have_text("Show 1 more reply")
    more.click()
    expect(more).to_have_count(0)
    assert _shown_ids(page) == [*chain, late]
    assert _dom_levels(page) == DOM_LEVELS
    last = article_of(page, f"Level {DEPTH}.")
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    assert _left(page, DEPTH) == lefts[3]
