"""The comments table: insert, edit, delete, and reading a thread one page of top-level comments at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from porch.models import Author, CommentStatus, StoredComment
from porch.storage.schema import comments, identities, threads

_VISIBLE = (CommentStatus.APPROVED.value, CommentStatus.DELETED.value)

_columns = (
    comments,
    identities.c.provider,
    identities.c.subject,
    identities.c.name,
    identities.c.email,
    identities.c.url,
    identities.c.avatar,
)
_joined = comments.join(identities, comments.c.identity_id == identities.c.id)


def _comment(row: Any) -> StoredComment:
    return StoredComment(
        id=row["id"],
        thread_id=row["thread_id"],
        parent_id=row["parent_id"],
        root_id=row["root_id"],
        status=CommentStatus(row["status"]),
        text=row["text"],
        html=row["html"],
        score=row["score"],
        created=row["created"],
        edited=row["edited"],
        author=Author(
            identity_id=row["identity_id"],
            provider=row["provider"],
            subject=row["subject"],
            name=row["name"],
            email=row["email"],
            url=row["url"],
            avatar=row["avatar"],
        ),
    )


async def get(conn: Connection, comment_id: int) -> StoredComment | None:
    row = await conn.fetch_one(sa.select(*_columns).select_from(_joined).where(comments.c.id == comment_id))
    return _comment(row) if row else None


async def insert(
    conn: Connection,
    *,
    thread_id: int,
    parent: StoredComment | None,
    identity_id: int,
    text: str,
    html: str,
    status: CommentStatus,
    client_hash: str | None,
    created: float,
) -> int:
    row = await conn.fetch_one(
        sa.insert(comments)
        .values(
            thread_id=thread_id,
            parent_id=parent.id if parent else None,
            root_id=(parent.root_id or parent.id) if parent else None,
            identity_id=identity_id,
            text=text,
            html=html,
            status=status.value,
            score=0,
            client_hash=client_hash,
            created=created,
            edited=None,
        )
        .returning(comments.c.id)
    )
    assert row is not None
    return int(row["id"])


async def update_text(conn: Connection, comment_id: int, text: str, html: str, edited: float) -> None:
    await conn.execute(sa.update(comments).where(comments.c.id == comment_id).values(text=text, html=html, edited=edited))


async def mark_deleted(conn: Connection, comment_id: int, when: float) -> None:
    """Deleted comments keep their row (replies still point at it) but lose their words."""
    await conn.execute(
        sa.update(comments)
        .where(comments.c.id == comment_id)
        .values(status=CommentStatus.DELETED.value, text="", html="", edited=when)
    )


async def has_visible_replies(conn: Connection, comment_id: int) -> bool:
    """True when any reply below this comment, at any depth, is still shown."""
    target = await get(conn, comment_id)
    if target is None:
        return False
    root = target.root_id or target.id
    rows = await conn.fetch_all(
        sa.select(comments.c.id, comments.c.parent_id, comments.c.status).where(
            sa.or_(comments.c.root_id == root, comments.c.id == root)
        )
    )
    children: dict[int, list[tuple[int, str]]] = {}
    for row in rows:
        if row["parent_id"] is not None:
            children.setdefault(row["parent_id"], []).append((row["id"], row["status"]))
    stack = [comment_id]
    while stack:
        for child_id, status in children.get(stack.pop(), []):
            if status == CommentStatus.APPROVED.value:
                return True
            stack.append(child_id)
    return False


async def count(conn: Connection, thread_id: int) -> int:
    value = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(comments)
        .where(comments.c.thread_id == thread_id, comments.c.status == CommentStatus.APPROVED.value)
    )
    return int(value or 0)


async def counts(conn: Connection, site: str, keys: Sequence[str]) -> dict[str, int]:
    rows = await conn.fetch_all(
        sa.select(threads.c.key, sa.func.count(comments.c.id).label("n"))
        .select_from(threads.join(comments, comments.c.thread_id == threads.c.id))
        .where(
            threads.c.site == site,
            threads.c.key.in_(list(keys)),
            comments.c.status == CommentStatus.APPROVED.value,
        )
        .group_by(threads.c.key)
    )
    found = {row["key"]: int(row["n"]) for row in rows}
    return {key: found.get(key, 0) for key in keys}


@dataclass(frozen=True)
class PagePosition:
    """Where a page starts: after the root with this score and id, in the page's sort order."""

    score: int
    id: int


@dataclass(frozen=True)
class Page:
    comments: list[StoredComment]  # roots in sort order, then replies in order of creation
    last_root: PagePosition | None  # set when there is a further page


async def page(
    conn: Connection, thread_id: int, sort: str, limit: int, after: PagePosition | None
) -> Page:
    """One page of `limit` top-level comments with all their replies, in `sort` order (oldest, newest, top)."""
    reply = comments.alias("reply")
    has_visible_reply = (
        sa.exists().where(reply.c.root_id == comments.c.id, reply.c.status == CommentStatus.APPROVED.value)
    )
    query = (
        sa.select(*_columns)
        .select_from(_joined)
        .where(
            comments.c.thread_id == thread_id,
            comments.c.parent_id.is_(None),
            sa.or_(
                comments.c.status == CommentStatus.APPROVED.value,
                sa.and_(comments.c.status == CommentStatus.DELETED.value, has_visible_reply),
            ),
        )
    )
    if sort == "newest":
        query = query.order_by(comments.c.id.desc())
        if after:
            query = query.where(comments.c.id < after.id)
    elif sort == "top":
        query = query.order_by(comments.c.score.desc(), comments.c.id.asc())
        if after:
            query = query.where(
                sa.or_(
                    comments.c.score < after.score,
                    sa.and_(comments.c.score == after.score, comments.c.id > after.id),
                )
            )
    else:
        query = query.order_by(comments.c.id.asc())
        if after:
            query = query.where(comments.c.id > after.id)
    roots = [_comment(row) for row in await conn.fetch_all(query.limit(limit + 1))]
    more = len(roots) > limit
    roots = roots[:limit]
    replies: list[StoredComment] = []
    if roots:
        rows = await conn.fetch_all(
            sa.select(*_columns)
            .select_from(_joined)
            .where(comments.c.root_id.in_([root.id for root in roots]), comments.c.status.in_(_VISIBLE))
            .order_by(comments.c.id.asc())
        )
        replies = _without_empty_placeholders([_comment(row) for row in rows])
    last = PagePosition(roots[-1].score, roots[-1].id) if more else None
    return Page(comments=roots + replies, last_root=last)


def _without_empty_placeholders(replies: Iterable[StoredComment]) -> list[StoredComment]:
    """Drop deleted replies that have no shown reply below them, so the thread keeps only needed placeholders."""
    replies = list(replies)
    children: dict[int, list[StoredComment]] = {}
    for reply in replies:
        if reply.parent_id is not None:
            children.setdefault(reply.parent_id, []).append(reply)
    keep: dict[int, bool] = {}

    def shown(comment: StoredComment) -> bool:
        if comment.id not in keep:
            keep[comment.id] = comment.status == CommentStatus.APPROVED or any(
                shown(child) for child in children.get(comment.id, [])
            )
        return keep[comment.id]

    # Replies come in order of creation, so children come after parents: walk backwards to avoid deep recursion.
    for reply in reversed(replies):
        shown(reply)
    return [reply for reply in replies if keep[reply.id]]
