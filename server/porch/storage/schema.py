"""The current schema as SQLAlchemy Core tables, for building queries. Migrations create it (migrations.py)."""

import sqlalchemy as sa

metadata = sa.MetaData()

threads = sa.Table(
    "threads",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("locked", sa.Boolean, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
)

identities = sa.Table(
    "identities",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("avatar", sa.Text),
    sa.Column("created", sa.Double, nullable=False),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("thread_id", sa.BigInteger, nullable=False),
    sa.Column("parent_id", sa.BigInteger),
    sa.Column("root_id", sa.BigInteger),
    sa.Column("identity_id", sa.BigInteger, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("client_hash", sa.Text),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("edited", sa.Double),
    sa.Column("depth", sa.Integer, nullable=False),  # migration 3
    sa.Column("pinned", sa.Boolean, nullable=False),  # migration 4
    sa.Column("flag_count", sa.Integer, nullable=False),  # migration 4: reports not yet decided on
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("thread_id", sa.BigInteger, nullable=False),
    sa.Column("comment_id", sa.BigInteger),  # None for an event of a whole thread (migration 4)
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
)

# Sign-in (migration 2): see sign_in.py.

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("key_hash", sa.Text, nullable=False),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("identity_id", sa.BigInteger, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("expires", sa.Double, nullable=False),
    sa.Column("revoked", sa.Double),
)

logins = sa.Table(
    "logins",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("instance", sa.Text),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("nonce", sa.Text, nullable=False),
    sa.Column("code_verifier", sa.Text, nullable=False),
    sa.Column("flow", sa.Text, nullable=False),
    sa.Column("browser_hash", sa.Text),
    sa.Column("callback_done", sa.Boolean, nullable=False),
    sa.Column("identity_id", sa.BigInteger),
    sa.Column("code_hash", sa.Text),
    sa.Column("confirmed", sa.Boolean, nullable=False),
    sa.Column("redeemed", sa.Boolean, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("expires", sa.Double, nullable=False),
)

instance_apps = sa.Table(
    "instance_apps",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("instance", sa.Text, nullable=False),
    sa.Column("client_id", sa.Text, nullable=False),
    sa.Column("client_secret", sa.Text),
    sa.Column("redirect_uri", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
)

# Moderation (migration 4): see moderation.py and admin.py.

flags = sa.Table(
    "flags",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("comment_id", sa.BigInteger, nullable=False),
    sa.Column("reporter", sa.Text, nullable=False),  # a signed-in identity, or a keyed hash of the client's network
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
)

bans = sa.Table(
    "bans",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("identity_id", sa.BigInteger),
    sa.Column("client_hash", sa.Text),
    sa.Column("email_hash", sa.Text),
    sa.Column("name", sa.Text, nullable=False),  # the author's name when banned, for the moderators' list
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("expires", sa.Double),
    sa.Column("lifted", sa.Double),
)

moderation_log = sa.Table(
    "moderation_log",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("comment_id", sa.BigInteger),
    sa.Column("thread_id", sa.BigInteger),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
)

admin_sessions = sa.Table(
    "admin_sessions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("key_hash", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),  # PROVIDER_ID:SUBJECT, or "admin-link" for every site
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("expires", sa.Double, nullable=False),
    sa.Column("revoked", sa.Double),
)

admin_links = sa.Table(
    "admin_links",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("expires", sa.Double, nullable=False),
    sa.Column("used", sa.Boolean, nullable=False),
)
