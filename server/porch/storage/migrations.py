"""Versioned schema migrations, the same for SQLite and PostgreSQL.

Each migration is a list of SQL statements, written once with two placeholders that differ between the two
databases: `{pk}` (an auto-incrementing 64-bit primary key whose values are never reused) and `{bigint}`.
Where the two need different statements (SQLite cannot change a column's constraints in place), a step is
a mapping from dialect to statement, and an empty statement means "nothing to do here".
Migrations only ever append: a released migration is never edited, so any database, however old, upgrades
by running the ones it has not run yet, in order, each in its own transaction.

Several processes may start at once on an empty database, so `migrate` holds a lock while it works: a
PostgreSQL advisory lock, or SQLite's write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from databases.core import Connection

MIGRATION_LOCK_ID = 74_657_201  # any constant shared by every Porch process on one PostgreSQL database


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str | Mapping[str, str], ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "threads, identities, comments and the event log",
        (
            """CREATE TABLE threads (
                id {pk},
                site TEXT NOT NULL,
                key TEXT NOT NULL,
                title TEXT NOT NULL,
                url TEXT NOT NULL,
                locked BOOLEAN NOT NULL DEFAULT FALSE,
                created DOUBLE PRECISION NOT NULL,
                UNIQUE (site, key)
            )""",
            """CREATE TABLE identities (
                id {pk},
                provider TEXT NOT NULL,
                subject TEXT NOT NULL,
                name TEXT NOT NULL,
                email TEXT,
                url TEXT,
                avatar TEXT,
                created DOUBLE PRECISION NOT NULL,
                UNIQUE (provider, subject)
            )""",
            """CREATE TABLE comments (
                id {pk},
                thread_id {bigint} NOT NULL REFERENCES threads (id),
                parent_id {bigint} REFERENCES comments (id),
                root_id {bigint} REFERENCES comments (id),
                identity_id {bigint} NOT NULL REFERENCES identities (id),
                text TEXT NOT NULL,
                html TEXT NOT NULL,
                status TEXT NOT NULL,
                score INTEGER NOT NULL DEFAULT 0,
                client_hash TEXT,
                created DOUBLE PRECISION NOT NULL,
                edited DOUBLE PRECISION
            )""",
            "CREATE INDEX comments_by_thread ON comments (thread_id, parent_id, id)",
            "CREATE INDEX comments_by_root ON comments (root_id)",
            """CREATE TABLE events (
                id {pk},
                thread_id {bigint} NOT NULL REFERENCES threads (id),
                comment_id {bigint} NOT NULL REFERENCES comments (id),
                kind TEXT NOT NULL,
                public BOOLEAN NOT NULL,
                payload TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX events_by_thread ON events (thread_id, id)",
        ),
    ),
    Migration(
        2,
        "sign-in: sessions, pending logins and per-instance app registrations",
        (
            """CREATE TABLE sessions (
                id {pk},
                key_hash TEXT NOT NULL UNIQUE,
                site TEXT NOT NULL,
                identity_id {bigint} NOT NULL REFERENCES identities (id),
                created DOUBLE PRECISION NOT NULL,
                expires DOUBLE PRECISION NOT NULL,
                revoked DOUBLE PRECISION
            )""",
            """CREATE TABLE logins (
                id TEXT PRIMARY KEY,
                secret_hash TEXT NOT NULL,
                site TEXT NOT NULL,
                origin TEXT NOT NULL,
                provider TEXT NOT NULL,
                instance TEXT,
                state TEXT NOT NULL UNIQUE,
                nonce TEXT NOT NULL,
                code_verifier TEXT NOT NULL,
                flow TEXT NOT NULL,
                browser_hash TEXT,
                callback_done BOOLEAN NOT NULL DEFAULT FALSE,
                identity_id {bigint} REFERENCES identities (id),
                code_hash TEXT,
                confirmed BOOLEAN NOT NULL DEFAULT FALSE,
                redeemed BOOLEAN NOT NULL DEFAULT FALSE,
                created DOUBLE PRECISION NOT NULL,
                expires DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX logins_by_expiry ON logins (expires)",
            """CREATE TABLE instance_apps (
                id {pk},
                provider TEXT NOT NULL,
                instance TEXT NOT NULL,
                client_id TEXT NOT NULL,
                client_secret TEXT,
                redirect_uri TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL,
                UNIQUE (provider, instance)
            )""",
        ),
    ),
    Migration(
        3,
        "comment depth (nesting is capped where it is stored); indexes for erasing a comment's events and for"
        " paging through the replies of one top-level comment",
        (
            "ALTER TABLE comments ADD COLUMN depth INTEGER NOT NULL DEFAULT 0",
            # Both databases run a recursive query once here and join on it (UPDATE ... FROM: SQLite 3.33+).
            """WITH RECURSIVE tree (id, depth) AS (
                SELECT id, 0 FROM comments WHERE parent_id IS NULL
                UNION ALL
                SELECT c.id, tree.depth + 1 FROM comments c JOIN tree ON c.parent_id = tree.id
            )
            UPDATE comments SET depth = tree.depth FROM tree WHERE tree.id = comments.id AND tree.depth > 0""",
            "CREATE INDEX events_by_comment ON events (comment_id)",
            "DROP INDEX comments_by_root",
            "CREATE INDEX comments_by_root ON comments (root_id, id)",
        ),
    ),
    Migration(
        4,
        "moderation: pinned comments, reports, bans, the moderation log, console sessions and one-time links;"
        " events that concern a whole thread (no comment); rate-limit hits shared through the database; what Akismet"
        " needs to hear of a moderator's decision",
        (
            "ALTER TABLE comments ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE comments ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0",
            {
                "sqlite": """CREATE TABLE events_new (
                    id {pk},
                    thread_id {bigint} NOT NULL REFERENCES threads (id),
                    comment_id {bigint} REFERENCES comments (id),
                    kind TEXT NOT NULL,
                    public BOOLEAN NOT NULL,
                    payload TEXT NOT NULL,
                    created DOUBLE PRECISION NOT NULL
                )""",
                "postgresql": "ALTER TABLE events ALTER COLUMN comment_id DROP NOT NULL",
            },
            {
                "sqlite": "INSERT INTO events_new SELECT id, thread_id, comment_id, kind, public, payload, created"
                " FROM events",
                "postgresql": "",
            },
            # Seqs are never reused: the new table continues from the old one's highest id ever handed out.
            {
                "sqlite": "INSERT INTO sqlite_sequence (name, seq) SELECT 'events_new', seq FROM sqlite_sequence"
                " WHERE name = 'events' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events_new')",
                "postgresql": "",
            },
            {
                "sqlite": "UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'events')"
                " WHERE name = 'events_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')",
                "postgresql": "",
            },
            {"sqlite": "DROP TABLE events", "postgresql": ""},
            {"sqlite": "ALTER TABLE events_new RENAME TO events", "postgresql": ""},
            {"sqlite": "CREATE INDEX events_by_thread ON events (thread_id, id)", "postgresql": ""},
            {"sqlite": "CREATE INDEX events_by_comment ON events (comment_id)", "postgresql": ""},
            """CREATE TABLE flags (
                id {pk},
                comment_id {bigint} NOT NULL REFERENCES comments (id),
                reporter TEXT NOT NULL,
                reason TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL,
                UNIQUE (comment_id, reporter)
            )""",
            """CREATE TABLE bans (
                id {pk},
                site TEXT NOT NULL,
                identity_id {bigint} REFERENCES identities (id),
                client_hash TEXT,
                email_hash TEXT,
                name TEXT NOT NULL,
                reason TEXT NOT NULL,
                actor TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL,
                expires DOUBLE PRECISION,
                lifted DOUBLE PRECISION
            )""",
            "CREATE INDEX bans_by_site ON bans (site)",
            """CREATE TABLE moderation_log (
                id {pk},
                site TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                comment_id {bigint},
                thread_id {bigint},
                detail TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX moderation_log_by_site ON moderation_log (site, id)",
            """CREATE TABLE admin_sessions (
                id {pk},
                key_hash TEXT NOT NULL UNIQUE,
                actor TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL,
                expires DOUBLE PRECISION NOT NULL,
                revoked DOUBLE PRECISION
            )""",
            """CREATE TABLE admin_links (
                id TEXT PRIMARY KEY,
                secret_hash TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL,
                expires DOUBLE PRECISION NOT NULL,
                used BOOLEAN NOT NULL DEFAULT FALSE
            )""",
            "CREATE INDEX comments_by_status ON comments (status, id)",
            # Rate-limit hits shared by every process when `live = "postgres"`: worth nothing after a crash,
            # so PostgreSQL need not log them.
            {
                "sqlite": "CREATE TABLE rate_hits (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
                "postgresql": "CREATE UNLOGGED TABLE rate_hits (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
            },
            "CREATE INDEX rate_hits_by_key ON rate_hits (key, at)",
            # What Akismet needs to hear of a moderator's decision (sites with an akismet_key only), kept
            # until that decision or for 30 days.
            """CREATE TABLE spam_facts (
                comment_id {bigint} PRIMARY KEY REFERENCES comments (id),
                client_address TEXT,
                user_agent TEXT,
                referrer TEXT,
                created DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX spam_facts_by_age ON spam_facts (created)",
        ),
    ),
)

HEAD = MIGRATIONS[-1].version

_DIALECT_WORDS = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY AUTOINCREMENT", "bigint": "INTEGER"},
    "postgresql": {"pk": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "bigint": "BIGINT"},
}


def render(statement: str | Mapping[str, str], dialect: str) -> str:
    if not isinstance(statement, str):
        statement = statement[dialect]
    return statement.format(**_DIALECT_WORDS[dialect])


async def current_version(conn: Connection, dialect: str) -> int:
    """The schema version of the database: 0 when Porch has never run on it."""
    exists = await conn.fetch_val(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        if dialect == "sqlite"
        else "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        " AND table_schema = current_schema()"
    )
    if not exists:
        return 0
    return int(await conn.fetch_val("SELECT MAX(version) FROM schema_version") or 0)


async def migrate(conn: Connection, dialect: str, target: int = HEAD) -> list[int]:
    """Bring the schema up to `target`, returning the versions applied. Safe to run from many processes at once."""
    if dialect == "postgresql":
        await conn.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK_ID})")
    try:
        applied = []
        for migration in MIGRATIONS:
            if migration.version > target:
                break
            if await _apply_if_needed(conn, migration, dialect):
                applied.append(migration.version)
        return applied
    finally:
        if dialect == "postgresql":
            await conn.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})")


async def _apply_if_needed(conn: Connection, migration: Migration, dialect: str) -> bool:
    if dialect == "sqlite":
        # BEGIN IMMEDIATE takes the write lock before we read the version, so two processes cannot both
        # decide to apply the same migration.
        await conn.execute("BEGIN IMMEDIATE")
        try:
            applied = await _apply_in_transaction(conn, migration, dialect)
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        return applied
    async with conn.transaction():
        return await _apply_in_transaction(conn, migration, dialect)


async def _apply_in_transaction(conn: Connection, migration: Migration, dialect: str) -> bool:
    await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    if await current_version(conn, dialect) >= migration.version:
        return False
    for statement in migration.statements:
        sql = render(statement, dialect)
        if sql:
            await conn.execute(sql)
    await conn.execute(f"INSERT INTO schema_version (version) VALUES ({migration.version})")
    return True

