"""What readers do with comments: read a thread, post, edit and delete. HTTP-free; routes/comments.py calls it.

Every change writes the comment and its event-log row in one transaction. Once that transaction has
committed, the listeners (the page cache, the live hub) are told, in commit order.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from porch.avatars import guest_avatar_hash
from porch.cache import PageCache
from porch.errors import ApiError
from porch.models import Author, CommentStatus, Event, EventKind, StoredComment, Thread
from porch.ratelimit.keys import network
from porch.render_pool import RenderPool
from porch.settings import Settings, SiteSettings
from porch.storage import Connection, Storage
from porch.storage import comments as comment_rows
from porch.storage import events as event_rows
from porch.storage import identities as identity_rows
from porch.storage import moderation as moderation_rows
from porch.storage import threads as thread_rows
from porch.tokens import EditTokens

SORTS = ("oldest", "newest", "top")
DEFAULT_PAGE = 50
MAX_PAGE = 200
DEFAULT_REPLIES = comment_rows.REPLIES_PER_ROOT  # replies of one top-level comment per request
_REPLIES = "replies"  # the cursor's "sort" for batches of replies

EventListener = Callable[[Sequence[Event]], Awaitable[None]]
Identify = Callable[[SiteSettings], Awaitable[Author | None]]  # the signed-in reader at a site, or None


@dataclass(frozen=True)
class GuestAuthor:
    name: str
    email: str | None
    url: str | None


@dataclass(frozen=True)
class RequestFacts:
    """What the request says of its sender, for spam checks."""

    user_agent: str | None = None
    referrer: str | None = None
    honeypot: str | None = None  # the form's trap field, which people never see


@dataclass(frozen=True)
class Submission:
    """A new comment on its way in, for the screen to judge."""

    site: SiteSettings
    text: str
    viewer: Author | None
    guest: GuestAuthor | None
    client_address: str | None
    client_hash: str | None
    facts: RequestFacts
    page_url: str


@dataclass(frozen=True)
class Screening:
    status: CommentStatus  # approved, pending (held for a moderator) or spam
    disguise: bool = False  # answer as if approved: the sender is a bot that must not learn it was caught


Screen = Callable[[Submission], Awaitable[Screening]]


async def approve_everything(submission: Submission) -> Screening:
    return Screening(CommentStatus.APPROVED)


def rfc3339(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class Comments:
    def __init__(
        self, settings: Settings, storage: Storage, renderer: RenderPool, tokens: EditTokens, cache: PageCache
    ) -> None:
        self._settings = settings
        self._storage = storage
        self._renderer = renderer
        self._tokens = tokens
        self._cache = cache
        self._listeners: list[EventListener] = []
        self.screen: Screen = approve_everything  # the moderation service puts its own here
        # Thread ids by (site, key), learnt once a thread's creation has committed. Threads are never deleted
        # and their ids never change, so a known id saves the writer a look-up per comment.
        self._thread_ids: dict[tuple[str, str], int] = {}

    def on_events(self, listener: EventListener) -> None:
        """Call `listener` with the events of every committed change made by this process, in commit order."""
        self._listeners.append(listener)

    def site(self, site_id: str) -> SiteSettings:
        site = self._settings.sites.get(site_id)
        if site is None:
            raise ApiError(404, "site_not_found", f"There is no site {site_id!r} on this server.")
        return site

    # Reading

    async def read_page(self, site: SiteSettings, key: str, sort: str, limit: int, cursor: str | None) -> bytes:
        """One page of a thread as JSON bytes, from the cache when the thread has not changed since."""
        thread_id = (site.id, key)
        variant = (sort, limit, cursor)
        body = self._cache.get(thread_id, variant)
        if body is not None:
            return body
        generation = self._cache.generation(thread_id)
        after = _decode_cursor(cursor, sort) if cursor else None
        async with self._storage.reading() as conn:
            thread = await thread_rows.find(conn, site.id, key)
            if thread is None:
                body = dumps({"thread": _empty_thread(site.id, key), "comments": [], "next": None, "more_replies": []})
            else:
                # Read the seq before the comments: an event committed in between is then replayed to a live
                # client that continues from this seq, never lost.
                seq = await event_rows.latest_seq(conn, thread.id)
                page = await comment_rows.page(conn, thread.id, sort, limit, after)
                count = await comment_rows.count(conn, thread.id)
                body = dumps(
                    {
                        "thread": _thread_json(thread, count, seq),
                        "comments": [self.public(c) for c in page.comments],
                        "next": _encode_cursor(sort, page.last_root) if page.last_root else None,
                        "more_replies": [_more_replies_json(cut) for cut in page.more_replies],
                    }
                )
        self._cache.put(thread_id, variant, generation, body)
        return body

    async def read_replies(self, site: SiteSettings, key: str, root: str, limit: int, cursor: str | None) -> bytes:
        """The next replies of one top-level comment, after those a page (or an earlier call) sent, as JSON bytes."""
        if not root.isdigit() or len(root) > 18:
            raise ApiError(404, "comment_not_found", "There is no such comment.")
        thread_id = (site.id, key)
        variant = (_REPLIES, int(root), limit, cursor)
        body = self._cache.get(thread_id, variant)
        if body is not None:
            return body
        generation = self._cache.generation(thread_id)
        after = _decode_cursor(cursor, _REPLIES).id if cursor else 0
        async with self._storage.reading() as conn:
            thread = await thread_rows.find(conn, site.id, key)
            top = await comment_rows.get(conn, int(root))
            if thread is None or top is None or top.thread_id != thread.id or top.parent_id is not None:
                raise ApiError(404, "comment_not_found", "There is no such top-level comment in this thread.")
            seq = await event_rows.latest_seq(conn, thread.id)
            batch, rest = await comment_rows.replies(conn, top.id, after, limit)
            count = await comment_rows.count(conn, thread.id)
        body = dumps(
            {
                "thread": _thread_json(thread, count, seq),
                "comments": [self.public(c) for c in batch],
                "next": _more_replies_json(rest)["after"] if rest else None,
                "more_replies": [],
            }
        )
        self._cache.put(thread_id, variant, generation, body)
        return body

    async def counts(self, site: SiteSettings, keys: Sequence[str]) -> dict[str, int]:
        async with self._storage.reading() as conn:
            return await comment_rows.counts(conn, site.id, list(dict.fromkeys(keys)))

    def public(self, comment: StoredComment) -> dict[str, Any]:
        """A comment as the API shows it: never an email, and no author or words once deleted. A comment marked
        as spam shows as deleted (readers learn nothing of moderation). A pending one is shown only to its
        author and to moderators."""
        deleted = comment.status in (CommentStatus.DELETED, CommentStatus.SPAM)
        author = comment.author
        return {
            "id": str(comment.id),
            "parent": str(comment.parent_id) if comment.parent_id is not None else None,
            "author": None
            if deleted
            else {
                "name": author.name,
                "url": author.url,
                "avatar": author.avatar,
                "provider": None if author.is_guest else author.provider,
            },
            "html": "" if deleted else comment.html,
            "created": rfc3339(comment.created),
            "edited": rfc3339(comment.edited),
            "status": CommentStatus.DELETED.value if deleted else comment.status.value,
            "score": comment.score,
            "pinned": comment.pinned,
        }

    # Writing

    async def post(
        self,
        site: SiteSettings,
        *,
        key: str,
        text: str,
        parent: str | None,
        guest: GuestAuthor | None,
        viewer: Author | None,
        title: str,
        url: str,
        client_address: str | None,
        facts: RequestFacts | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Store a new comment; return it as the API shows it, and its edit token.

        The comment is screened first (bans, spam checks, the site's moderation mode), which decides whether
        it is shown at once, held for a moderator, or kept as spam."""
        text = self._checked_text(site, text)
        if viewer is None:
            if not site.guests:
                raise ApiError(401, "sign_in_required", "This site asks commenters to sign in first.")
            if guest is None or not guest.name.strip():
                raise ApiError(422, "name_required", "Guests must give a name.")
        html = await self._renderer.render(text)
        parent_id = int(parent) if parent else None
        client_hash = self._client_hash(client_address)
        facts_given = facts or RequestFacts()
        screening = await self.screen(
            Submission(site, text, viewer, guest, client_address, client_hash, facts_given, url)
        )
        now = time.time()

        locked = ApiError(403, "thread_locked", "This thread is closed to new comments.")
        known_thread_id = self._thread_ids.get((site.id, key))

        async def work(conn: Connection) -> tuple[StoredComment, Event]:
            if known_thread_id is None:
                thread = await thread_rows.find_or_create(conn, site.id, key, title, url)
                if thread.locked:
                    raise locked
                thread_id = thread.id
            else:
                thread_id = known_thread_id  # whether it is locked is checked by the insert below
            parent_row = None
            if parent_id is not None:
                parent_row = await comment_rows.get(conn, parent_id)
                if parent_row is None or parent_row.status == CommentStatus.DELETED:
                    raise ApiError(422, "parent_not_found", "The comment you are replying to does not exist.")
                if parent_row.thread_id != thread_id:
                    raise ApiError(422, "parent_in_other_thread", "The comment you are replying to is on another page.")
                parent_row = await comment_rows.attachable_parent(conn, parent_row, site.max_depth)
            if viewer is not None:
                author = viewer
            else:
                assert guest is not None
                name = guest.name.strip()
                digest = guest_avatar_hash(self._settings.secret_key, site.id, guest.email, name)
                avatar = f"{self._settings.public_url}/avatar/{digest}.svg"
                author = await identity_rows.insert_guest_author(conn, name, guest.email or None, guest.url or None, avatar)
            comment = await comment_rows.insert(
                conn,
                thread_id=thread_id,
                parent=parent_row,
                author=author,
                text=text,
                html=html,
                status=screening.status,
                client_hash=client_hash,
                created=now,
            )
            if comment is None:
                raise locked
            if site.akismet_key:  # what Akismet will need to hear of a moderator's decision on it
                spam_facts = moderation_rows.SpamFacts(client_address, facts_given.user_agent, facts_given.referrer)
                await moderation_rows.keep_facts(conn, comment.id, spam_facts, now)
            # A guest's identity was made just now; a signed-in profile may have changed since the session
            # was read, so that comment is read back.
            stored = comment if viewer is None else None
            return await self.record(conn, thread_id, site.id, key, comment.id, EventKind.CREATED, stored=stored)

        comment, event = await self._storage.write(work)
        self._thread_ids[(site.id, key)] = comment.thread_id
        await self.announce([event])
        # A bot that filled the honeypot must not learn that it was caught.
        shown = self.public(replace(comment, status=CommentStatus.APPROVED) if screening.disguise else comment)
        return shown, self._tokens.issue(site.id, comment.id)

    async def edit(
        self, comment_id: str, text: str, *, edit_token: str | None, identify: Identify
    ) -> dict[str, Any]:
        site, _ = await self._authorised(comment_id, edit_token, identify)
        text = self._checked_text(site, text)
        html = await self._renderer.render(text)

        async def work(conn: Connection) -> tuple[StoredComment, Event]:
            current = await self._live_comment(conn, int(comment_id))
            thread = await thread_rows.get(conn, current.thread_id)
            assert thread is not None
            await comment_rows.update_text(conn, current.id, text, html, time.time())
            comment, event = await self.record(conn, thread.id, thread.site, thread.key, current.id, EventKind.UPDATED)
            # The earlier version's words must not stay readable through the log's replay.
            await event_rows.rewrite_comment(conn, current.id, event.payload)
            return comment, event

        comment, event = await self._storage.write(work)
        await self.announce([event])
        return self.public(comment)

    async def delete(
        self, comment_id: str, *, edit_token: str | None, identify: Identify
    ) -> None:
        await self._authorised(comment_id, edit_token, identify)

        async def work(conn: Connection) -> tuple[StoredComment, Event]:
            return await self.erase(conn, await self._live_comment(conn, int(comment_id)))

        _, event = await self._storage.write(work)
        await self.announce([event])

    async def erase(self, conn: Connection, current: StoredComment) -> tuple[StoredComment, Event]:
        """Delete a comment inside a write transaction, forgetting its words everywhere: the log's earlier rows
        of it go, and so does what a guest told about themselves once no comment of theirs is left."""
        thread = await thread_rows.get(conn, current.thread_id)
        assert thread is not None
        await comment_rows.mark_deleted(conn, current.id, time.time())
        comment, event = await self.record(conn, thread.id, thread.site, thread.key, current.id, EventKind.DELETED)
        await event_rows.forget_comment(conn, current.id, event.seq)
        await moderation_rows.forget_facts(conn, current.id)
        author = current.author
        if author.is_guest and not await comment_rows.identity_in_use(conn, author.identity_id):
            await identity_rows.forget_guest(conn, author.identity_id)
        return comment, event

    # An author's own comments, whatever their status

    async def own_comment(self, comment_id: str, *, edit_token: str | None, identify: Identify) -> dict[str, Any]:
        """A comment its author may see, pending ones included: proven by its edit token or the author's session."""
        _, comment = await self._claimed(comment_id, edit_token, identify, to_change=False)
        return self.public(comment)

    async def own_pending(self, site: SiteSettings, key: str, viewer: Author) -> list[dict[str, Any]]:
        """The signed-in reader's comments of a thread that wait for a moderator."""
        async with self._storage.reading() as conn:
            thread = await thread_rows.find(conn, site.id, key)
            if thread is None:
                return []
            pending = await comment_rows.pending_of(conn, thread.id, viewer.identity_id)
        return [self.public(comment) for comment in pending]

    # Helpers

    def _checked_text(self, site: SiteSettings, text: str) -> str:
        if not text.strip():
            raise ApiError(422, "text_empty", "The comment is empty.")
        if len(text) > site.max_length:
            raise ApiError(
                422, "text_too_long", f"The comment is {len(text)} characters long; the most is {site.max_length}."
            )
        return text

    def _client_hash(self, address: str | None) -> str | None:
        """A keyed hash of the client's network (an IPv6 /64 counts as one), kept with the comment for bans."""
        if not address:
            return None
        return hmac.new(self._settings.secret_key.encode(), network(address).encode(), hashlib.sha256).hexdigest()[:32]

    async def _authorised(
        self, comment_id: str, edit_token: str | None, identify: Identify
    ) -> tuple[SiteSettings, StoredComment]:
        """The comment's site and the comment, if the caller may change it now; otherwise an ApiError."""
        return await self._claimed(comment_id, edit_token, identify, to_change=True)

    async def _claimed(
        self, comment_id: str, edit_token: str | None, identify: Identify, *, to_change: bool
    ) -> tuple[SiteSettings, StoredComment]:
        """The comment's site and the comment, if the caller proves to be its author: with the comment's edit
        token, or as the signed-in reader who wrote it. `to_change`: within the site's edit window only.

        `identify` gives the signed-in reader for the comment's site (a session is bound to its site, which is
        only known once the comment has been read), after the request's own checks.
        """
        if not comment_id.isdigit() or len(comment_id) > 18:
            raise ApiError(404, "comment_not_found", "There is no such comment.")
        async with self._storage.reading() as conn:
            comment = await self._live_comment(conn, int(comment_id))
            thread = await thread_rows.get(conn, comment.thread_id)
        assert thread is not None
        site = self._settings.sites.get(thread.site)
        if site is None:
            raise ApiError(404, "site_not_found", "This comment belongs to a site that is no longer configured.")
        viewer = await identify(site)  # the request's own checks (its page's origin, its rate) run here
        if edit_token:
            self._tokens.check(edit_token, site.id, comment.id, site.edit_window if to_change else None)
        elif viewer is None or viewer.identity_id != comment.author.identity_id or comment.author.is_guest:
            raise ApiError(403, "not_your_comment", "Only the author may see or change this comment.")
        if to_change and time.time() > comment.created + site.edit_window:
            raise ApiError(403, "edit_window_closed", "The time to edit or delete this comment is over.")
        return site, comment

    async def _live_comment(self, conn: Connection, comment_id: int) -> StoredComment:
        comment = await comment_rows.get(conn, comment_id)
        if comment is None or comment.status in (CommentStatus.DELETED, CommentStatus.SPAM):
            raise ApiError(404, "comment_not_found", "There is no such comment.")
        return comment

    async def record(
        self,
        conn: Connection,
        thread_id: int,
        site: str,
        key: str,
        comment_id: int,
        kind: EventKind,
        stored: StoredComment | None = None,
        public: bool | None = None,
    ) -> tuple[StoredComment, Event]:
        """Append the event of a change to the log. `stored`: the comment as stored, if the caller has it.

        The event is public (readers hear it) unless the comment is hidden from readers (held or spam); an
        event that makes a comment leave their pages is public all the same: it carries the placeholder.
        `public` decides otherwise (a report, which only moderators hear)."""
        comment = stored or await comment_rows.get(conn, comment_id)
        assert comment is not None
        payload = json.dumps(self.public(comment), ensure_ascii=False, separators=(",", ":"))
        if public is None:
            public = comment.status not in (CommentStatus.PENDING, CommentStatus.SPAM) or kind == EventKind.DELETED
        seq = await event_rows.append(conn, thread_id, comment.id, kind, public, payload)
        return comment, Event(seq, thread_id, site, key, kind, public, payload)

    async def announce(self, events: Sequence[Event]) -> None:
        for event in events:
            self._cache.invalidate((event.site, event.thread_key))
        for listener in self._listeners:
            await listener(events)


def _empty_thread(site: str, key: str) -> dict[str, Any]:
    return {"site": site, "key": key, "title": "", "url": "", "count": 0, "locked": False, "seq": 0}


def _thread_json(thread: Thread, count: int, seq: int) -> dict[str, Any]:
    return {
        "site": thread.site,
        "key": thread.key,
        "title": thread.title,
        "url": thread.url,
        "count": count,
        "locked": thread.locked,
        "seq": seq,
    }


def _more_replies_json(cut: comment_rows.RepliesCut) -> dict[str, Any]:
    return {
        "root": str(cut.root),
        "after": _encode_cursor(_REPLIES, comment_rows.PagePosition(0, cut.after)),
        "count": cut.count,
    }


def _encode_cursor(sort: str, position: comment_rows.PagePosition) -> str:
    raw = f"{sort}:{int(position.pinned)}:{position.score}:{position.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> comment_rows.PagePosition:
    """The position a cursor names. Only the exact spelling this server hands out is accepted: pages are
    cached by cursor, and other spellings of one position would each take room of their own."""
    invalid = ApiError(400, "invalid_cursor", "The `after` cursor is not one this server handed out.")
    if len(cursor) > 100:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        cursor_sort, pinned, score, comment_id = raw.split(":")
        if pinned not in ("0", "1"):
            raise ValueError(pinned)
        position = comment_rows.PagePosition(int(score), int(comment_id), pinned == "1")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    if _encode_cursor(cursor_sort, position) != cursor:
        raise invalid
    if cursor_sort != sort:
        raise ApiError(400, "invalid_cursor", "The `after` cursor belongs to another sort order.")
    return position
