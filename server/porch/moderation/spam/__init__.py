"""Spam defences: the checks a new comment passes before it is stored, and what they decide together.

The checks run in order: the honeypot, the site's blocklist, the cap on a guest's links, then Akismet for
sites with an `akismet_key`. Any SPAM wins (and ends the run: no need to ask Akismet about a filled
honeypot), else any HOLD, else the comment is approved. A check that fails or takes longer than the timeout
holds the comment for a moderator: it is never lost, and never published unchecked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Final

import httpx2

from porch.moderation.spam import akismet
from porch.moderation.spam.akismet import AKISMET_URL, Akismet, AkismetError
from porch.moderation.spam.base import Candidate, Decision, LearningCheck, SpamCheck, Verdict
from porch.moderation.spam.honeypot import FIELD as HONEYPOT_FIELD
from porch.moderation.spam.honeypot import Honeypot
from porch.moderation.spam.rules import Blocklist, LinkLimit
from porch.settings import Settings

__all__ = [
    "AKISMET_URL",
    "CHECK_TIMEOUT",
    "HONEYPOT_FIELD",
    "Candidate",
    "Decision",
    "LearningCheck",
    "SpamCheck",
    "SpamFilter",
    "Verdict",
]

CHECK_TIMEOUT: Final = 3.0  # seconds a check may take before the comment is held instead
APPROVED: Final = Decision(Verdict.APPROVE, "clean")

logger = logging.getLogger("porch.spam")


class SpamFilter:
    """Runs every spam check on a candidate comment and combines their answers into one decision."""

    def __init__(
        self,
        settings: Settings,
        *,
        akismet_url: str = AKISMET_URL,
        timeout: float = CHECK_TIMEOUT,
        extra_checks: Sequence[SpamCheck] = (),
    ) -> None:
        self._timeout = timeout
        self._http: httpx2.AsyncClient | None = None
        checks: list[SpamCheck] = [Honeypot(), Blocklist(), LinkLimit()]
        if any(site.akismet_key for site in settings.sites.values()):
            self._http = akismet.client(timeout)
            checks.append(Akismet(self._http, public_url=settings.public_url, base_url=akismet_url, deadline=timeout))
        checks.extend(extra_checks)
        self._checks: tuple[SpamCheck, ...] = tuple(checks)

    async def decide(self, candidate: Candidate) -> Decision:
        """The verdict on `candidate`. Never raises: a check that cannot answer in time holds the comment."""
        held: Decision | None = None
        for check in self._checks:
            decision = await self._run(check, candidate)
            if decision is None:
                continue
            if decision.verdict is Verdict.SPAM:
                return decision
            if decision.verdict is Verdict.HOLD and held is None:
                held = decision
        return held or APPROVED

    async def report(self, candidate: Candidate, *, spam: bool) -> None:
        """Tell the checks that learn that a moderator found `candidate` to be spam, or not. Never raises."""
        for check in self._checks:
            if not isinstance(check, LearningCheck):
                continue
            try:
                async with asyncio.timeout(self._timeout):
                    await check.report(candidate, spam=spam)
            except TimeoutError:
                logger.warning("spam check %s: no answer to a report within %s s", check.name, self._timeout)
            except AkismetError as exc:
                logger.warning("spam check %s: report not taken: %s", check.name, exc)
            except Exception:
                logger.exception("spam check %s: report failed", check.name)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _run(self, check: SpamCheck, candidate: Candidate) -> Decision | None:
        unavailable = Decision(Verdict.HOLD, f"{check.name}_unavailable")
        try:
            async with asyncio.timeout(self._timeout):
                return await check.check(candidate)
        except TimeoutError:
            logger.warning("spam check %s gave no answer within %s s; comment held", check.name, self._timeout)
        except AkismetError as exc:
            logger.warning("spam check %s failed; comment held: %s", check.name, exc)
        except Exception:
            logger.exception("spam check %s failed; comment held", check.name)
        return unavailable
