"""The comments table: insert, edit, delete, and reading a thread one page of top-level comments at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from porch.models import Author, CommentStatus, StoredComment
from porch.storage import sql
from porch.storage.schema import comments, identities

_VISIBLE = (CommentStatus.APPROVED.value, CommentStatus.DELETED.value)

# A comment with its author: the same columns in the same order in Core queries and in plain SQL.
_COLUMN_NAMES = (
    "c.id", "c.thread_id", "c.parent_id", "c.root_id", "c.status", "c.text", "c.html", "c.score", "c.created",
    "c.edited", "c.identity_id", "i.provider", "i.subject", "i.name", "i.email", "i.url", "i.avatar",
)
_columns = tuple((comments if name[0] == "c" else identities).c[name[2:]] for name in _COLUMN_NAMES)
_joined = comments.join(identities, comments.c.identity_id == identities.c.id)
_SELECT = f"SELECT {', '.join(_COLUMN_NAMES)} FROM comments c JOIN identities i ON i.id = c.identity_id"


def _comment(row: Any) -> StoredComment:
    """A comment from a row of `_columns` (a Core record or a plain tuple: read by position)."""
    return StoredComment(
        id=row[0],
        thread_id=row[1],
        parent_id=row[2],
        root_id=row[3],
        status=CommentStatus(row[4]),
        text=row[5],
        html=row[6],
        score=row[7],
        created=row[8],
        edited=row[9],
        author=Author(
            identity_id=row[10],
            provider=row[11],
            subject=row[12],
            name=row[13],
            email=row[14],
            url=row[15],
            avatar=row[16],
        ),
    )


async def get(conn: Connection, comment_id: int) -> StoredComment | None:
    row = await sql.fetch_one(conn, f"{_SELECT} WHERE c.id = :id", {"id": comment_id})
    return _comment(row) if row else None


async def insert(
    conn: Connection,
    *,
    thread_id: int,
    parent: StoredComment | None,
    author: Author,
    text: str,
    html: str,
    status: CommentStatus,
    client_hash: str | None,
    created: float,
) -> StoredComment | None:
    """Store a new comment and return it as stored (without reading it back); None if the thread is locked."""
    parent_id = parent.id if parent else None
    root_id = (parent.root_id or parent.id) if parent else None
    row = await sql.fetch_one(
        conn,
        "INSERT INTO comments (thread_id, parent_id, root_id, identity_id, text, html, status, score,"
        " client_hash, created, edited) SELECT :thread_id, :parent_id, :root_id, :identity_id, :text, :html,"
        " :status, 0, :client_hash, :created, NULL"
        " WHERE EXISTS (SELECT 1 FROM threads WHERE id = :thread_id AND NOT locked) RETURNING id",
        {
            "thread_id": thread_id,
            "parent_id": parent_id,
            "root_id": root_id,
            "identity_id": author.identity_id,
            "text": text,
            "html": html,
            "status": status.value,
            "client_hash": client_hash,
            "created": created,
        },
    )
    if row is None:
        return None
    return StoredComment(
        id=int(row[0]),
        thread_id=thread_id,
        parent_id=parent_id,
        root_id=root_id,
        status=status,
        text=text,
        html=html,
        score=0,
        created=created,
        edited=None,
        author=author,
    )


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
    names = [f"k{index}" for index in range(len(keys))]
    rows = await sql.fetch_all(
        conn,
        "SELECT t.key, COUNT(c.id) FROM threads t JOIN comments c ON c.thread_id = t.id WHERE t.site = :site"
        f" AND t.key IN ({', '.join(':' + name for name in names)}) AND c.status = :approved GROUP BY t.key",
        {"site": site, "approved": CommentStatus.APPROVED.value, **dict(zip(names, keys, strict=True))},
    )
    found = {row[0]: int(row[1]) for row in rows}
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
