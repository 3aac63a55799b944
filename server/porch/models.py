"""Plain values shared across modules: comment states, event kinds, and stored rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class CommentStatus(enum.StrEnum):
    APPROVED = "approved"  # shown to everyone
    PENDING = "pending"  # held for a moderator: shown to its author and to moderators only
    SPAM = "spam"  # hidden, kept so that a moderator can restore it
    DELETED = "deleted"  # its words are gone; a placeholder while it has shown replies


class EventKind(enum.StrEnum):
    CREATED = "comment.created"
    UPDATED = "comment.updated"
    DELETED = "comment.deleted"
    THREAD_UPDATED = "thread.updated"  # locked or unlocked; its payload is the thread, not a comment
    FLAGGED = "comment.flagged"  # a reader reported it; for moderators only, never public


GUEST_PROVIDER = "guest"


@dataclass(frozen=True)
class Thread:
    id: int
    site: str
    key: str
    title: str
    url: str
    locked: bool


@dataclass(frozen=True)
class Author:
    identity_id: int
    provider: str
    subject: str
    name: str
    email: str | None
    url: str | None
    avatar: str | None

    @property
    def is_guest(self) -> bool:
        return self.provider == GUEST_PROVIDER


@dataclass(frozen=True)
class Event:
    """One row of the append-only event log. `payload` is the comment as the public API shows it, JSON-encoded."""

    seq: int
    thread_id: int
    site: str
    thread_key: str
    kind: EventKind
    public: bool
    payload: str


@dataclass(frozen=True)
class StoredComment:
    id: int
    thread_id: int
    parent_id: int | None
    root_id: int | None
    status: CommentStatus
    text: str
    html: str
    score: int
    created: float
    edited: float | None
    author: Author
    depth: int = 0  # 0 for a top-level comment, 1 for a reply to it, and so on
    pinned: bool = False  # leads its thread in every sort
    flag_count: int = 0  # reader reports not yet decided on by a moderator
