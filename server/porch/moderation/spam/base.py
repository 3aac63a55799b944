"""The one small interface every spam check implements, and the values that cross it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from porch.settings import SiteSettings


class Verdict(enum.StrEnum):
    APPROVE = "approve"  # publish
    HOLD = "hold"  # store as pending, for a moderator to decide
    SPAM = "spam"  # store as spam: hidden, restorable by a moderator


@dataclass(frozen=True)
class Candidate:
    """A comment about to be stored, with what is known of its author and of the request that brought it."""

    site: SiteSettings
    text: str  # the Markdown source
    author_name: str
    author_email: str | None
    author_url: str | None
    is_guest: bool
    client_address: str | None  # the address the request came from, as the server saw it
    user_agent: str | None
    referrer: str | None
    page_url: str | None  # the page the comment was posted on
    honeypot: str | None  # the honeypot field's value as posted (None or "" when left empty)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str  # "honeypot", "blocklist", "links", "akismet", "<check>_unavailable", "clean"


class SpamCheck(Protocol):
    """Looks at one candidate and answers APPROVE, HOLD or SPAM, or None when it has no opinion.

    A check may be slow or fail (it may ask another server): the filter running it bounds its time and
    turns a failure into HOLD, so a check need not guard itself against either.
    """

    name: str

    async def check(self, candidate: Candidate) -> Decision | None: ...


@runtime_checkable
class LearningCheck(SpamCheck, Protocol):
    """A check that learns from a moderator's decisions: told when a comment was spam after all, or was not."""

    async def report(self, candidate: Candidate, *, spam: bool) -> None: ...
