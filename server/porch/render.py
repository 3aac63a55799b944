"""Markdown to sanitised HTML: the single path by which comment text becomes HTML that a browser will render.

Comments are rendered once, when written, and the result is stored, so reads never re-render.
Raw HTML in a comment is not interpreted (CommonMark with `html` off escapes it), images are not rendered
(they would make every reader's browser fetch a stranger's URL), and nh3 then removes anything that is not
on the allow-list below, whatever produced it.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


class Renderer:
    def __init__(self) -> None:
        self._markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
        # Built once: nh3.clean() would build the same allow-list again for every comment.
        self._cleaner = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            strip_comments=True,
        )

    def render(self, text: str) -> str:
        return self._cleaner.clean(self._markdown.render(text)).strip()
