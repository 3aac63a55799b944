"""The honeypot: a form field that people never meet and bots fill in.

The widget's form carries a field under this name that is hidden from sight and from screen readers and
skipped by the keyboard, so only a program filling every input it finds gives it a value. Its name is one
such programs like to fill (a website address) and unlike `author.url`, which people do fill.
"""

from __future__ import annotations

from porch.moderation.spam.base import Candidate, Decision, Verdict

FIELD = "homepage"  # the name in the JSON body of POST /api/v1/comments, and of the widget's hidden input


class Honeypot:
    name = "honeypot"

    async def check(self, candidate: Candidate) -> Decision | None:
        if candidate.honeypot:
            return Decision(Verdict.SPAM, self.name)
        return None
