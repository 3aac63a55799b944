"""Small helpers for driving the widget from Playwright. Locators pierce the widget's open shadow root."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

HEADING = re.compile(r"^\d[\d,]* Comments?$")


def widget(page: Any) -> Any:
    return page.locator("div.porch-comments")


def open_widget(page: Any, url: str) -> None:
    page.goto(url)
    expect(widget(page).locator("h2")).to_have_text(HEADING)


def articles(page: Any) -> Any:
    return widget(page).locator("li.c > article")


def article_of(page: Any, text: str) -> Any:
    return articles(page).filter(has=page.locator(".body", has_text=text))


def item_of(page: Any, text: str) -> Any:
    """The <li> of the comment whose body contains `text` (its replies are inside it)."""
    return widget(page).locator("li.c").filter(has=page.locator(":scope > article .body", has_text=text))


def fill_form(page: Any, text: str, name: str = "Guest") -> None:
    page.get_by_label("Comment", exact=True).fill(text)
    page.get_by_label("Name").fill(name)


def active_in_widget(page: Any) -> dict[str, Any] | None:
    """What has focus inside the widget's shadow root: tag, id, label and text."""
    return page.evaluate(
        """() => {
            const el = document.querySelector('.porch-comments').shadowRoot.activeElement;
            return el && { tag: el.tagName.toLowerCase(), id: el.id, label: el.getAttribute('aria-label'),
                           text: el.textContent.trim().slice(0, 80) };
        }"""
    )


def run_axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result]
