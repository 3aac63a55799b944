"""The moderation service: screening new comments, moderators' actions, reader reports and bans.

It stands beside `Comments` and changes state the same way: every change is written together with its
event-log row in one transaction, and announced once committed, so page caches, live readers and consoles
on every process hear of it alike. Who may act is decided before a call reaches this service (routes
resolve the moderator); the service checks that the moderator has the site in question.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from porch.comments import Comments, Screening, Submission, rfc3339
from porch.errors import ApiError
from porch.models import CommentStatus, Event, EventKind, Thread
from porch.moderation.access import Moderator
from porch.moderation.spam import Candidate, SpamFilter, Verdict
from porch.render_pool import RenderPool
from porch.settings import Settings, SiteSettings
from porch.storage import Connection, Storage
from porch.storage import comments as comment_rows
from porch.storage import events as event_rows
from porch.storage import moderation as rows
from porch.storage import threads as thread_rows

QUEUES = ("pending", "flagged", "spam", "approved", "deleted")
FLAG_REASONS = ("spam", "abuse", "off_topic", "other")
DEFAULT_LIST = 50
MAX_LIST = 200
_LINK = re.compile(r"https?://|<[a-z][a-z0-9+.-]*:|\]\(|^\s*\[[^\]]+\]:", re.IGNORECASE | re.MULTILINE)
_HIDDEN = (CommentStatus.PENDING, CommentStatus.SPAM)  # statuses readers do not see


@dataclass(frozen=True)
class Change:
    """What a moderator asks of one comment; None leaves that part as it is."""

    status: CommentStatus | None = None
    pinned: bool | None = None
    text: str | None = None


def not_a_moderator(site: str) -> ApiError:
    return ApiError(403, "not_a_moderator", f"You do not moderate site {site!r}.")


class Moderation:
    def __init__(
        self, settings: Settings, storage: Storage, comments: Comments, renderer: RenderPool, spam: SpamFilter
    ) -> None:
        self._settings = settings
        self._storage = storage
        self._comments = comments
        self._renderer = renderer
        self._spam = spam

    # Screening new comments (installed as Comments.screen)

    async def screen(self, submission: Submission) -> Screening:
        site = submission.site
        viewer, guest = submission.viewer, submission.guest
        email = guest.email if guest is not None else None
        async with self._storage.reading() as conn:
            if await rows.is_banned(
                conn, site.id, viewer.identity_id if viewer else None, submission.client_hash,
                self.email_hash(email), time.time(),
            ):
                raise ApiError(403, "banned", "You may not comment on this site.")
            first_time = site.moderation == "first-time" and not await rows.has_approved_comment(
                conn, site.id, viewer.identity_id if viewer else None, email
            )
        decision = await self._spam.decide(self._candidate(submission))
        if decision.verdict == Verdict.SPAM:
            return Screening(CommentStatus.SPAM, disguise=decision.reason == "honeypot")
        held = (
            decision.verdict == Verdict.HOLD
            or site.moderation == "all"
            or (site.moderation == "guests" and viewer is None)
            or (site.moderation == "links" and _LINK.search(submission.text) is not None)
            or first_time
        )
        return Screening(CommentStatus.PENDING if held else CommentStatus.APPROVED)

    def _candidate(self, submission: Submission) -> Candidate:
        viewer, guest = submission.viewer, submission.guest
        return Candidate(
            site=submission.site,
            text=submission.text,
            author_name=viewer.name if viewer else (guest.name if guest else ""),
            author_email=viewer.email if viewer else (guest.email if guest else None),
            author_url=viewer.url if viewer else (guest.url if guest else None),
            is_guest=viewer is None,
            client_address=submission.client_address,
            user_agent=submission.facts.user_agent,
            referrer=submission.facts.referrer,
            page_url=submission.page_url or None,
            honeypot=submission.facts.honeypot,
        )

    def email_hash(self, email: str | None) -> str | None:
        if not email or not email.strip():
            return None
        key = self._settings.secret_key.encode()
        return hmac.new(key, b"email\0" + email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]

    # Reader reports

    async def flag(self, comment_id: str, reason: str, reporter_at: Callable[[SiteSettings], Awaitable[str]]) -> None:
        """A reader reports a comment, once per reader. At the site's threshold it is hidden until decided.
        `reporter_at` names the reader at the comment's site (known once the comment is read)."""
        comment = await self._comment(comment_id)
        if comment.comment.status != CommentStatus.APPROVED:
            raise ApiError(404, "comment_not_found", "There is no such comment.")
        site = self._comments.site(comment.thread.site)
        reporter = await reporter_at(site)

        async def work(conn: Connection) -> list[Event]:
            count = await rows.add_flag(conn, comment.comment.id, reporter, reason)
            if count is None:
                return []
            thread = comment.thread
            events = [await self._record(conn, thread, comment.comment.id, EventKind.FLAGGED, public=False)]
            if count >= site.flag_threshold:
                await rows.hold(conn, comment.comment.id)
                events.append(await self._record(conn, thread, comment.comment.id, EventKind.DELETED))
            return events

        await self._announce(await self._storage.write(work))

    # The queue

    async def queue(
        self,
        moderator: Moderator,
        *,
        queue: str | None,
        site: str | None,
        thread: str | None,
        text: str | None,
        limit: int,
        cursor: str | None,
    ) -> dict[str, Any]:
        if queue is not None and queue not in QUEUES:
            raise ApiError(422, "invalid_status", f"status must be one of {', '.join(QUEUES)}.")
        sites = self._sites(moderator, site)
        before = _decode_before(cursor)
        async with self._storage.reading() as conn:
            found = await rows.search(
                conn, sites=sites, queue=queue, thread_key=thread, text=text, limit=limit + 1, before=before
            )
            more = len(found) > limit
            found = found[:limit]
            reasons = await rows.flag_reasons(conn, [item.comment.id for item in found])
            counts = await rows.queue_counts(conn, sites)
        return {
            "comments": [self._admin_json(item, reasons.get(item.comment.id, {})) for item in found],
            "next": str(found[-1].comment.id) if more else None,
            "counts": counts,
        }

    def _sites(self, moderator: Moderator, site: str | None) -> list[str] | None:
        """The sites a listing covers: the one asked for, or all the moderator has (None: every site)."""
        if site is not None:
            self._comments.site(site)
            if not moderator.may_moderate(site):
                raise not_a_moderator(site)
            return [site]
        if moderator.sites is None:
            return None
        return sorted(moderator.sites)

    def _admin_json(self, item: rows.Listed, reasons: dict[str, int]) -> dict[str, Any]:
        comment = item.comment
        shown = self._comments.public(comment)
        if comment.status in _HIDDEN:  # moderators see what they decide on
            shown = {**self._comments.public(replace(comment, status=CommentStatus.APPROVED)), "status": comment.status.value}
        return {
            **shown,
            "site": item.thread.site,
            "thread": {"key": item.thread.key, "title": item.thread.title, "url": item.thread.url,
                       "locked": item.thread.locked},
            "text": comment.text,
            "email": comment.author.email if comment.author.is_guest else None,
            "flags": {"count": sum(reasons.values()), "reasons": reasons, "undecided": comment.flag_count},
            "client_hash": item.client_hash,
        }

    # Actions on one comment

    async def act(self, moderator: Moderator, comment_id: str, change: Change) -> dict[str, Any]:
        item = await self._comment(comment_id)
        site = self._comments.site(item.thread.site)
        if not moderator.may_moderate(site.id):
            raise not_a_moderator(site.id)
        if item.comment.status == CommentStatus.DELETED:
            raise ApiError(409, "comment_deleted", "This comment was deleted; its words are gone.")
        html = None
        if change.text is not None:
            if not change.text.strip():
                raise ApiError(422, "text_empty", "The comment is empty.")
            html = await self._renderer.render(change.text)
        before = item.comment
        thread = item.thread

        async def work(conn: Connection) -> list[Event]:
            current = await comment_rows.get(conn, before.id)
            if current is None or current.status == CommentStatus.DELETED:
                raise ApiError(409, "comment_deleted", "This comment was deleted; its words are gone.")
            events: list[Event] = []
            if change.status == CommentStatus.DELETED:
                _, event = await self._comments.erase(conn, current)
                await rows.log(conn, site.id, moderator.actor, "delete", comment_id=current.id)
                return [event]
            if change.text is not None and html is not None:
                await comment_rows.update_text(conn, current.id, change.text, html, time.time())
                await rows.log(conn, site.id, moderator.actor, "edit", comment_id=current.id)
            if change.pinned is not None and change.pinned != current.pinned:
                await rows.set_pinned(conn, current.id, change.pinned)
                await rows.log(conn, site.id, moderator.actor, "pin" if change.pinned else "unpin", comment_id=current.id)
            kind = EventKind.UPDATED
            if change.status is not None:
                await rows.set_status(conn, current.id, change.status)
                await rows.log(conn, site.id, moderator.actor, change.status.value, comment_id=current.id)
                was_shown = current.status == CommentStatus.APPROVED
                if change.status == CommentStatus.APPROVED and not was_shown:
                    kind = EventKind.CREATED  # readers meet it for the first time
                elif change.status != CommentStatus.APPROVED and was_shown:
                    kind = EventKind.DELETED  # readers see it go
            event = await self._record(conn, thread, current.id, kind)
            events.append(event)
            if change.text is not None:
                await event_rows.rewrite_comment(conn, current.id, event.payload)
            return events

        await self._announce(await self._storage.write(work))
        after = await self._comment(comment_id)
        # As Akismet asks: spam it missed is reported, and so is a comment rescued from spam (not one that was
        # merely held for review).
        if change.status == CommentStatus.SPAM and before.status != CommentStatus.SPAM:
            await self._teach(site, after, spam=True)
        elif change.status == CommentStatus.APPROVED and before.status == CommentStatus.SPAM:
            await self._teach(site, after, spam=False)
        async with self._storage.reading() as conn:
            reasons = await rows.flag_reasons(conn, [after.comment.id])
        return self._admin_json(after, reasons.get(after.comment.id, {}))

    async def _teach(self, site: SiteSettings, item: rows.Listed, *, spam: bool) -> None:
        """Tell the spam checks of a moderator's decision, with the facts the original check had; then forget
        those facts (a client address among them)."""
        if not site.akismet_key:
            return
        async with self._storage.reading() as conn:
            facts = await rows.facts_of(conn, item.comment.id)
        if facts is None:
            return  # decided on before, or kept past 30 days
        author = item.comment.author
        candidate = Candidate(
            site=site, text=item.comment.text, author_name=author.name, author_email=author.email,
            author_url=author.url, is_guest=author.is_guest, client_address=facts.client_address,
            user_agent=facts.user_agent, referrer=facts.referrer, page_url=item.thread.url or None, honeypot=None,
        )
        await self._spam.report(candidate, spam=spam)
        await self._storage.write(lambda conn: rows.forget_facts(conn, item.comment.id))

    # Threads

    async def lock(self, moderator: Moderator, site_id: str, key: str, locked: bool) -> dict[str, Any]:
        site = self._comments.site(site_id)
        if not moderator.may_moderate(site.id):
            raise not_a_moderator(site.id)

        async def work(conn: Connection) -> tuple[Thread, Event]:
            thread = await thread_rows.find_or_create(conn, site.id, key, "", "")
            await rows.set_locked(conn, thread.id, locked)
            await rows.log(conn, site.id, moderator.actor, "lock" if locked else "unlock", thread_id=thread.id)
            changed = Thread(thread.id, thread.site, thread.key, thread.title, thread.url, locked)
            return changed, await self._record_thread(conn, changed)

        thread, event = await self._storage.write(work)
        await self._announce([event])
        return _thread_json(thread)

    # Bans

    async def ban(
        self, moderator: Moderator, site_id: str, comment_id: str, days: int | None, reason: str, purge: bool
    ) -> dict[str, Any]:
        site = self._comments.site(site_id)
        if not moderator.may_moderate(site.id):
            raise not_a_moderator(site.id)
        item = await self._comment(comment_id)
        if item.thread.site != site.id:
            raise ApiError(422, "comment_in_other_site", "That comment is not on this site.")
        author = item.comment.author
        now = time.time()
        ban = rows.Ban(
            id=0,
            site=site.id,
            identity_id=None if author.is_guest else author.identity_id,
            client_hash=item.client_hash if author.is_guest else None,
            email_hash=self.email_hash(author.email) if author.is_guest else None,
            name=author.name,
            reason=reason,
            actor=moderator.actor,
            created=now,
            expires=now + days * 86400 if days is not None else None,
        )
        if ban.identity_id is None and ban.client_hash is None and ban.email_hash is None:
            raise ApiError(422, "nothing_to_ban", "This comment's author left nothing to recognise them by.")

        async def work(conn: Connection) -> tuple[rows.Ban, list[Event]]:
            stored = await rows.insert_ban(conn, ban)
            await rows.log(conn, site.id, moderator.actor, "ban", comment_id=item.comment.id,
                           detail=f"{days} days" if days is not None else "for good")
            events: list[Event] = []
            if purge:
                email = author.email if author.is_guest else None
                for purged_id in await rows.comments_of(conn, site.id, ban.identity_id, ban.client_hash, email):
                    current = await comment_rows.get(conn, purged_id)
                    if current is None or current.status in (CommentStatus.DELETED, CommentStatus.SPAM):
                        continue
                    thread = await thread_rows.get(conn, current.thread_id)
                    assert thread is not None
                    await rows.set_status(conn, current.id, CommentStatus.SPAM)
                    kind = EventKind.DELETED if current.status == CommentStatus.APPROVED else EventKind.UPDATED
                    events.append(await self._record(conn, thread, current.id, kind))
                await rows.log(conn, site.id, moderator.actor, "purge", comment_id=item.comment.id,
                               detail=f"{len(events)} comments")
            return stored, events

        stored, events = await self._storage.write(work)
        await self._announce(events)
        return _ban_json(stored)

    async def bans(self, moderator: Moderator, site: str | None) -> list[dict[str, Any]]:
        sites = self._sites(moderator, site)
        async with self._storage.reading() as conn:
            return [_ban_json(ban) for ban in await rows.bans_in_force(conn, sites, time.time())]

    async def lift(self, moderator: Moderator, ban_id: str) -> None:
        if not ban_id.isdigit() or len(ban_id) > 18:
            raise ApiError(404, "ban_not_found", "There is no such ban.")
        async with self._storage.reading() as conn:
            ban = await rows.get_ban(conn, int(ban_id))
        if ban is None:
            raise ApiError(404, "ban_not_found", "There is no such ban.")
        if not moderator.may_moderate(ban.site):
            raise not_a_moderator(ban.site)

        async def work(conn: Connection) -> None:
            await rows.lift_ban(conn, ban.id, time.time())
            await rows.log(conn, ban.site, moderator.actor, "lift_ban", detail=f"ban {ban.id}")

        await self._storage.write(work)

    # The log

    async def log(self, moderator: Moderator, site: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
        sites = self._sites(moderator, site)
        async with self._storage.reading() as conn:
            entries = await rows.log_entries(conn, sites, limit + 1, _decode_before(cursor))
        more = len(entries) > limit
        entries = entries[:limit]
        return {
            "entries": [
                {
                    "id": str(entry.id), "site": entry.site, "actor": entry.actor, "action": entry.action,
                    "comment": str(entry.comment_id) if entry.comment_id is not None else None,
                    "thread": entry.thread_key,
                    "detail": entry.detail, "at": rfc3339(entry.created),
                }
                for entry in entries
            ],
            "next": str(entries[-1].id) if more else None,
        }

    # Helpers

    async def _comment(self, comment_id: str) -> rows.Listed:
        if not comment_id.isdigit() or len(comment_id) > 18:
            raise ApiError(404, "comment_not_found", "There is no such comment.")
        async with self._storage.reading() as conn:
            item = await rows.listed(conn, int(comment_id))
        if item is None:
            raise ApiError(404, "comment_not_found", "There is no such comment.")
        return item

    async def _record(
        self, conn: Connection, thread: Thread, comment_id: int, kind: EventKind, *, public: bool | None = None
    ) -> Event:
        _, event = await self._comments.record(conn, thread.id, thread.site, thread.key, comment_id, kind, public=public)
        return event

    async def _record_thread(self, conn: Connection, thread: Thread) -> Event:
        count = await comment_rows.count(conn, thread.id)
        payload = _dumps({**_thread_json(thread), "count": count})
        seq = await event_rows.append(conn, thread.id, None, EventKind.THREAD_UPDATED, True, payload)
        return Event(seq, thread.id, thread.site, thread.key, EventKind.THREAD_UPDATED, True, payload)

    async def _announce(self, events: Sequence[Event]) -> None:
        if events:
            await self._comments.announce(events)


def _thread_json(thread: Thread) -> dict[str, Any]:
    return {"site": thread.site, "key": thread.key, "title": thread.title, "url": thread.url, "locked": thread.locked}


def _ban_json(ban: rows.Ban) -> dict[str, Any]:
    return {
        "id": str(ban.id),
        "site": ban.site,
        "by": "identity" if ban.identity_id is not None else "guest",
        "name": ban.name,
        "reason": ban.reason,
        "actor": ban.actor,
        "created": rfc3339(ban.created),
        "expires": rfc3339(ban.expires),
    }


def _decode_before(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise ApiError(400, "invalid_cursor", "The `after` cursor is not one this server handed out.")
    return int(cursor)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
