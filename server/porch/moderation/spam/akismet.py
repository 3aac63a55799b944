"""Akismet (akismet.com), for sites that set `akismet_key`: it checks each comment before it is stored, and
learns from a moderator's decisions afterwards.

The protocol, as Akismet documents it: a form-encoded POST to `https://rest.akismet.com/1.1/<method>` carrying
`api_key`, `blog` (the site's front page) and what is known of the comment and its request. `comment-check`
answers `true` (spam) or `false`; spam so blatant that it may be dropped unseen also carries the header
`X-akismet-pro-tip: discard` (Porch stores it as spam all the same: a moderator can still look). Any other
answer, `invalid` for one, is an error, explained in `X-akismet-debug-help`. `submit-spam` (missed spam) and
`submit-ham` (a false positive) answer `Thanks for making the web a better place.` and want the same fields
as the original check, so that Akismet can match them.

The host is the site owner's choice, not a reader's, so the client is not the guarded one; its answers are
still read within limits, like every answer Porch reads from another server.
"""

from __future__ import annotations

from typing import Final

import httpx2

from porch import __version__
from porch.auth.net import Answer, Limits, ResponseRefused, fetch
from porch.moderation.spam.base import Candidate, Decision, Verdict
from porch.moderation.spam.honeypot import FIELD as HONEYPOT_FIELD
from porch.settings import SiteSettings

AKISMET_URL: Final = "https://rest.akismet.com/1.1"
DEADLINE: Final = 3.0  # seconds for a whole exchange; the filter running the check holds the comment after that
USER_AGENT: Final = f"Porch/{__version__} | porch-akismet/{__version__}"  # the form Akismet asks clients to use
THANKS: Final = "Thanks for making the web a better place."
_ANSWER_LIMIT: Final = 64 * 1024  # bytes; a real answer is a word or a sentence, an error page a few kB


class AkismetError(Exception):
    """Akismet could not be reached, or did not answer as documented."""


def client(deadline: float = DEADLINE) -> httpx2.AsyncClient:
    """The HTTP client Akismet checks share: one per process, closed with the spam filter."""
    return httpx2.AsyncClient(
        timeout=httpx2.Timeout(deadline), headers={"User-Agent": USER_AGENT}, follow_redirects=False
    )


def blog(site: SiteSettings, public_url: str) -> str:
    """The site's front page, as Akismet knows the site: its first exact origin, else the Porch server."""
    for origin in site.origins:
        if not origin.endswith(":*"):
            return origin + "/"
    return public_url.rstrip("/") + "/"


class Akismet:
    name = "akismet"

    def __init__(
        self, http: httpx2.AsyncClient, *, public_url: str, base_url: str = AKISMET_URL, deadline: float = DEADLINE
    ) -> None:
        self._http = http
        self._public_url = public_url
        self._base_url = base_url.rstrip("/")
        self._limits = Limits(body=_ANSWER_LIMIT, headers=16 * 1024, deadline=deadline)

    def form(self, candidate: Candidate, key: str) -> dict[str, str]:
        """The fields Akismet is sent for `candidate`: what is known, nothing made up."""
        fields = {
            "api_key": key,
            "blog": blog(candidate.site, self._public_url),
            "user_ip": candidate.client_address,
            "user_agent": candidate.user_agent,
            "referrer": candidate.referrer,
            "permalink": candidate.page_url,
            "comment_type": "comment",
            "comment_author": candidate.author_name,
            "comment_author_email": candidate.author_email,
            "comment_author_url": candidate.author_url,
            "comment_content": candidate.text,
            "blog_charset": "UTF-8",
            # Akismet takes the honeypot into account when told its name and value.
            "honeypot_field_name": HONEYPOT_FIELD,
            HONEYPOT_FIELD: candidate.honeypot or "",
        }
        return {name: value for name, value in fields.items() if value is not None}

    async def check(self, candidate: Candidate) -> Decision | None:
        key = candidate.site.akismet_key
        if key is None:
            return None
        answer, text = await self._call("comment-check", candidate, key)
        if answer.status == 200 and text == "true":
            # With or without the "discard" pro-tip: stored as spam, never dropped.
            return Decision(Verdict.SPAM, self.name)
        if answer.status == 200 and text == "false":
            return Decision(Verdict.APPROVE, self.name)
        raise _error("comment-check", answer.status, text, answer.headers)

    async def report(self, candidate: Candidate, *, spam: bool) -> None:
        key = candidate.site.akismet_key
        if key is None:
            return
        method = "submit-spam" if spam else "submit-ham"
        answer, text = await self._call(method, candidate, key)
        if answer.status != 200 or text != THANKS:
            raise _error(method, answer.status, text, answer.headers)

    async def _call(self, method: str, candidate: Candidate, key: str) -> tuple[Answer, str]:
        try:
            answer = await fetch(
                self._http, "POST", f"{self._base_url}/{method}", limits=self._limits, data=self.form(candidate, key)
            )
        except ResponseRefused as exc:
            raise AkismetError(f"Akismet {method}: {exc}") from None
        return answer, answer.body.decode("utf-8", "replace").strip()


def _error(method: str, status: int, text: str, headers: httpx2.Headers) -> AkismetError:
    help_text = headers.get("x-akismet-debug-help") or headers.get("x-akismet-alert-msg") or ""
    detail = f" ({help_text})" if help_text else ""
    return AkismetError(f"Akismet {method} answered {status} {text[:200]!r}{detail}")
