"""The comments table: insert, edit, delete, and reading a thread one page of top-level comments at a time.

A page carries at most `REPLIES_PER_ROOT` replies of each of its top-level comments, oldest first; the rest
are read with `replies`, a batch at a time. So a page's size is bounded whatever the shape of the thread."""

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
REPLIES_PER_ROOT = 100

# A comment with its author: the same columns in the same order in Core queries and in plain SQL.
_COLUMN_NAMES = (
    "c.id", "c.thread_id", "c.parent_id", "c.root_id", "c.status", "c.text", "c.html", "c.score", "c.created",
    "c.edited", "c.identity_id", "i.provider", "i.subject", "i.name", "i.email", "i.url", "i.avatar", "c.depth",
    "c.pinned", "c.flag_count",
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
        depth=row[17],
        pinned=bool(row[18]),
        flag_count=row[19],
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
    """Store a new comment and return it as stored (without reading it back); None if the thread is locked.

    `parent` is the comment it is attached to: the caller has already applied the depth cap."""
    parent_id = parent.id if parent else None
    root_id = (parent.root_id or parent.id) if parent else None
    depth = parent.depth + 1 if parent else 0
    row = await sql.fetch_one(
        conn,
        "INSERT INTO comments (thread_id, parent_id, root_id, identity_id, text, html, status, score,"
        " client_hash, created, edited, depth) SELECT :thread_id, :parent_id, :root_id, :identity_id, :text, :html,"
        " :status, 0, :client_hash, :created, NULL, :depth"
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
            "depth": depth,
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
        depth=depth,
    )


async def attachable_parent(conn: Connection, parent: StoredComment, max_depth: int) -> StoredComment:
    """The comment a reply to `parent` is attached to when threads are `max_depth` levels deep at most: `parent`
    itself, or its nearest ancestor on the second-deepest level (as WordPress does with its thread depth)."""
    target = parent
    while target.depth + 1 >= max_depth and target.parent_id is not None:
        above = await get(conn, target.parent_id)
        if above is None:
            break
        target = above
    return target


async def pending_of(conn: Connection, thread_id: int, identity_id: int) -> list[StoredComment]:
    rows = await sql.fetch_all(
        conn,
        f"{_SELECT} WHERE c.thread_id = :thread_id AND c.identity_id = :identity_id AND c.status = :pending ORDER BY c.id",
        {"thread_id": thread_id, "identity_id": identity_id, "pending": CommentStatus.PENDING.value},
    )
    return [_comment(row) for row in rows]


async def update_text(conn: Connection, comment_id: int, text: str, html: str, edited: float) -> None:
    await conn.execute(sa.update(comments).where(comments.c.id == comment_id).values(text=text, html=html, edited=edited))


async def mark_deleted(conn: Connection, comment_id: int, when: float) -> None:
    """Deleted comments keep their row (replies still point at it) but lose their words."""
    await conn.execute(
        sa.update(comments)
        .where(comments.c.id == comment_id)
        .values(status=CommentStatus.DELETED.value, text="", html="", edited=when)
    )


async def identity_in_use(conn: Connection, identity_id: int) -> bool:
    """True while any comment of this identity is not deleted."""
    row = await conn.fetch_one(
        sa.select(comments.c.id)
        .where(comments.c.identity_id == identity_id, comments.c.status != CommentStatus.DELETED.value)
        .limit(1)
    )
    return row is not None


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
    pinned: bool = False


@dataclass(frozen=True)
class RepliesCut:
    """A top-level comment whose replies were not all sent: they resume after reply `after` (`count` more)."""

    root: int
    after: int
    count: int


@dataclass(frozen=True)
class Page:
    comments: list[StoredComment]  # roots in sort order, then replies in order of creation
    last_root: PagePosition | None  # set when there is a further page
    more_replies: list[RepliesCut]


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
    # Pinned comments lead in every sort; within each group the sort's own order applies.
    if sort == "newest":
        order = [comments.c.id.desc()]
        beyond = comments.c.id < after.id if after else None
    elif sort == "top":
        order = [comments.c.score.desc(), comments.c.id.asc()]
        beyond = (
            sa.or_(comments.c.score < after.score, sa.and_(comments.c.score == after.score, comments.c.id > after.id))
            if after
            else None
        )
    else:
        order = [comments.c.id.asc()]
        beyond = comments.c.id > after.id if after else None
    query = query.order_by(comments.c.pinned.desc(), *order)
    if after is not None and beyond is not None:
        same_group = comments.c.pinned == after.pinned
        query = query.where(sa.or_(sa.and_(same_group, beyond), sa.not_(comments.c.pinned)) if after.pinned
                            else sa.and_(same_group, beyond))
    roots = [_comment(row) for row in await conn.fetch_all(query.limit(limit + 1))]
    more = len(roots) > limit
    roots = roots[:limit]
    replies: list[StoredComment] = []
    cut: list[RepliesCut] = []
    if roots:
        replies, cut = await _first_replies(conn, [root.id for root in roots])
    last = PagePosition(roots[-1].score, roots[-1].id, roots[-1].pinned) if more else None
    return Page(comments=roots + replies, last_root=last, more_replies=cut)


async def _first_replies(conn: Connection, root_ids: Sequence[int]) -> tuple[list[StoredComment], list[RepliesCut]]:
    """The first REPLIES_PER_ROOT shown replies of each root, oldest first, and where the cut ones resume."""
    names = [f"r{index}" for index in range(len(root_ids))]
    rows = await sql.fetch_all(
        conn,
        f"SELECT * FROM (SELECT {', '.join(_COLUMN_NAMES)},"
        " ROW_NUMBER() OVER (PARTITION BY c.root_id ORDER BY c.id) AS position,"
        " COUNT(*) OVER (PARTITION BY c.root_id) AS replies"
        " FROM comments c JOIN identities i ON i.id = c.identity_id"
        f" WHERE c.root_id IN ({', '.join(':' + name for name in names)}) AND c.status IN (:approved, :deleted)) r"
        " WHERE position <= :cap ORDER BY id",
        {
            **dict(zip(names, root_ids, strict=True)),
            "approved": CommentStatus.APPROVED.value,
            "deleted": CommentStatus.DELETED.value,
            "cap": REPLIES_PER_ROOT,
        },
    )
    totals = {row[3]: int(row[-1]) for row in rows}  # root id -> its shown replies
    complete = [_comment(row) for row in rows if totals[row[3]] <= REPLIES_PER_ROOT]
    # A root whose replies are all here shows placeholders only where they are needed; in a cut one, a
    # deleted reply's shown replies may be among those not sent yet, so every placeholder stays.
    partial = [_comment(row) for row in rows if totals[row[3]] > REPLIES_PER_ROOT]
    replies = sorted(_without_empty_placeholders(complete) + partial, key=lambda c: c.id)
    cut = []
    for root_id in root_ids:
        if totals.get(root_id, 0) > REPLIES_PER_ROOT:
            last = max(c.id for c in partial if c.root_id == root_id)
            cut.append(RepliesCut(root_id, last, totals[root_id] - REPLIES_PER_ROOT))
    return replies, cut


async def replies(conn: Connection, root_id: int, after_id: int, limit: int) -> tuple[list[StoredComment], RepliesCut | None]:
    """The next `limit` shown replies of `root_id` after the reply `after_id`, oldest first, and where the rest
    resume (None when these are the last)."""
    rows = await sql.fetch_all(
        conn,
        f"{_SELECT} WHERE c.root_id = :root AND c.id > :after AND c.status IN (:approved, :deleted)"
        " ORDER BY c.id LIMIT :limit",
        {
            "root": root_id,
            "after": after_id,
            "approved": CommentStatus.APPROVED.value,
            "deleted": CommentStatus.DELETED.value,
            "limit": limit + 1,
        },
    )
    batch = [_comment(row) for row in rows[:limit]]
    if len(rows) <= limit:
        return batch, None
    remaining = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(comments)
        .where(comments.c.root_id == root_id, comments.c.id > batch[-1].id, comments.c.status.in_(_VISIBLE))
    )
    return batch, RepliesCut(root_id, batch[-1].id, int(remaining or 0))


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
