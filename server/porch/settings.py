"""Settings: the only module that reads the configuration file and the environment.

Sources, later ones winning: built-in defaults, the TOML file (`--config` or `PORCH_CONFIG`), then one
environment variable per top-level key (`PORCH_PUBLIC_URL`, `PORCH_SITES`, ...). An environment value is
parsed as a TOML value when it is one (`PORCH_SITES='{blog = {origins = ["https://b.example"]}}'`) and taken
as a plain string otherwise. `Settings.sources` records where every key came from, so `porch check-config`
can show it and nothing is overridden silently.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "PORCH_"
SECRET_FILE = "secret.key"
LIVE_BACKENDS = ("memory", "postgres")  # plus any redis:// or rediss:// URL

# Top-level keys and their defaults. `None` means "computed at load time".
TOP_LEVEL_DEFAULTS: dict[str, Any] = {
    "public_url": None,
    "database": None,
    "live": "memory",
    "secret_key": None,
    "session_lifetime": 30 * 24 * 3600,
    "allow_private_instances": False,
    "sites": None,
    "providers": {},
    "live_sockets_per_address": 20,
    "cache_mb": 64,
    "admins": [],
    "akismet_url": "https://rest.akismet.com/1.1",
}

SITE_DEFAULTS: dict[str, Any] = {
    "title": None,
    "origins": [],
    "edit_window": 900,
    "max_length": 10000,
    "rate_limit": 10,
    "guests": True,
    "providers": None,
    "max_depth": 5,
    "moderators": [],
    "moderation": "none",
    "max_links": 2,
    "blocklist": [],
    "akismet_key": None,
    "flag_threshold": 3,
}

MODERATION_MODES = ("none", "links", "guests", "first-time", "all")
_IDENTITY = re.compile(r"^[a-z0-9][a-z0-9_-]*:\S.*$")  # PROVIDER_ID:SUBJECT

DEMO_SITE = {
    "demo": {
        "title": "Porch demo",
        "origins": ["http://localhost:*", "http://127.0.0.1:*"],
        "rate_limit": 10,
    }
}

_SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class ConfigError(Exception):
    """A setting is missing or invalid. The message names the key and where its value came from."""


@dataclass(frozen=True)
class SiteSettings:
    id: str
    title: str
    origins: tuple[str, ...]
    edit_window: int = 900
    max_length: int = 10000
    rate_limit: int = 10
    guests: bool = True
    providers: tuple[str, ...] | None = None  # None: every configured provider
    max_depth: int = 5  # levels of nesting, top-level comments being level 1
    moderators: tuple[str, ...] = ()  # PROVIDER_ID:SUBJECT of each moderator of this site
    moderation: str = "none"  # which new comments are held for review: one of MODERATION_MODES
    max_links: int = 2  # links a guest comment may carry before it is held
    blocklist: tuple[str, ...] = ()  # words, domains and e-mail addresses that mark a comment as spam
    akismet_key: str | None = None
    flag_threshold: int = 3  # distinct reports that hide a comment until a moderator decides

    def allows_origin(self, origin: str) -> bool:
        """True when a page at `origin` may embed this site and write to it.

        An allowed origin is either exact (`https://blog.example.com`) or ends in `:*` to accept any port
        (`http://localhost:*`).
        """
        origin = origin.lower().rstrip("/")
        for allowed in self.origins:
            if allowed == origin:
                return True
            if allowed.endswith(":*"):
                prefix = allowed[:-2]
                if origin == prefix or (origin.startswith(prefix + ":") and origin[len(prefix) + 1 :].isdigit()):
                    return True
        return False


@dataclass(frozen=True)
class Settings:
    public_url: str
    database: str
    secret_key: str
    data_dir: Path
    sites: Mapping[str, SiteSettings]
    live: str = "memory"
    session_lifetime: int = 30 * 24 * 3600
    allow_private_instances: bool = False
    providers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    live_sockets_per_address: int = 20
    cache_mb: int = 64
    admins: tuple[str, ...] = ()  # PROVIDER_ID:SUBJECT of each administrator: moderators of every site
    akismet_url: str = "https://rest.akismet.com/1.1"  # for sites with an akismet_key
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database.startswith("sqlite")


def load_settings(
    config_path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    default_public_url: str = "http://127.0.0.1:8000",
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read, merge and validate every setting. Raises ConfigError naming the bad key and its source."""
    env = os.environ if environ is None else environ
    if config_path is None and env.get(ENV_PREFIX + "CONFIG"):
        config_path = env[ENV_PREFIX + "CONFIG"]

    raw: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if config_path is not None:
        path = Path(config_path)
        try:
            with path.open("rb") as f:
                raw = tomllib.load(f)
        except FileNotFoundError:
            raise ConfigError(f"configuration file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None
        for key in raw:
            if key not in TOP_LEVEL_DEFAULTS:
                raise ConfigError(f"unknown setting {key!r} in {path}; known: {', '.join(TOP_LEVEL_DEFAULTS)}")
            sources[key] = str(path)

    for key in TOP_LEVEL_DEFAULTS:
        name = ENV_PREFIX + key.upper()
        if name in env:
            raw[key] = _parse_env_value(env[name])
            sources[key] = f"environment variable {name}"
    for key, value in (overrides or {}).items():
        raw[key] = value
        sources[key] = "command line"

    folder = Path(data_dir) if data_dir is not None else Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)

    def where(key: str) -> str:
        return sources.get(key, "defaults")

    public_url = _string(raw, "public_url", where, default_public_url).rstrip("/")
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"public_url must be an http(s) URL such as https://comments.example.com ({where('public_url')})")

    database = _string(raw, "database", where, f"sqlite:///{folder / 'porch.db'}")
    if not database.startswith(("sqlite://", "postgresql://", "postgres://")):
        raise ConfigError(f"database must start with sqlite:// or postgresql:// ({where('database')})")
    if database.startswith("postgres://"):
        database = "postgresql://" + database[len("postgres://") :]

    live = _string(raw, "live", where, "memory")
    if live not in LIVE_BACKENDS and not live.startswith(("redis://", "rediss://")):
        raise ConfigError(f"live must be 'memory', 'postgres' or a redis:// URL ({where('live')})")
    if live == "postgres" and not database.startswith("postgresql://"):
        raise ConfigError(f"live = 'postgres' needs a PostgreSQL database ({where('live')})")

    secret_key = raw.get("secret_key")
    if secret_key is None:
        secret_key = _kept_secret(folder / SECRET_FILE)
    elif not isinstance(secret_key, str) or len(secret_key) < 16:
        raise ConfigError(f"secret_key must be a string of at least 16 characters ({where('secret_key')})")

    session_lifetime = _positive_int(raw.get("session_lifetime", 30 * 24 * 3600), "session_lifetime", where)
    allow_private = raw.get("allow_private_instances", False)
    if not isinstance(allow_private, bool):
        raise ConfigError(f"allow_private_instances must be true or false ({where('allow_private_instances')})")

    live_sockets = _positive_int(raw.get("live_sockets_per_address", 20), "live_sockets_per_address", where)
    cache_mb = _positive_int(raw.get("cache_mb", 64), "cache_mb", where)
    admins = _identities(raw.get("admins", []), "admins", where("admins"))
    akismet_url = _string(raw, "akismet_url", where, "https://rest.akismet.com/1.1").rstrip("/")
    if not akismet_url.startswith(("https://", "http://")):
        raise ConfigError(f"akismet_url must be an http(s) URL ({where('akismet_url')})")

    providers = raw.get("providers", {})
    if not isinstance(providers, dict) or not all(isinstance(v, dict) for v in providers.values()):
        raise ConfigError(f"providers must be a table of tables, one per provider ({where('providers')})")

    sites_raw = raw.get("sites") or DEMO_SITE
    if not isinstance(sites_raw, dict) or not sites_raw:
        raise ConfigError(f"sites must be a table with one table per site ({where('sites')})")
    sites = {site_id: _site(site_id, conf, where("sites")) for site_id, conf in sites_raw.items()}
    for site in sites.values():
        for provider_id in site.providers or ():
            if provider_id not in providers:
                raise ConfigError(
                    f"sites.{site.id}.providers names {provider_id!r}, which is not configured under [providers]"
                    f" ({where('sites')})"
                )

    return Settings(
        public_url=public_url,
        database=database,
        secret_key=secret_key,
        data_dir=folder,
        sites=sites,
        live=live,
        session_lifetime=session_lifetime,
        allow_private_instances=allow_private,
        providers=providers,
        live_sockets_per_address=live_sockets,
        cache_mb=cache_mb,
        admins=admins,
        akismet_url=akismet_url,
        sources=sources,
    )


def _parse_env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def _string(raw: Mapping[str, Any], key: str, where: Any, default: str) -> str:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string ({where(key)})")
    return value


def _positive_int(value: Any, key: str, where: Any, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        minimum = "zero or more" if allow_zero else "a positive whole number"
        raise ConfigError(f"{key} must be {minimum} ({where(key.split('.')[0])})")
    return value


def _site(site_id: str, conf: Any, source: str) -> SiteSettings:
    prefix = f"sites.{site_id}"
    if not _SITE_ID.match(site_id):
        raise ConfigError(f"{prefix}: a site id is lower-case letters, digits, '-' and '_' ({source})")
    if not isinstance(conf, dict):
        raise ConfigError(f"{prefix} must be a table ({source})")
    for key in conf:
        if key not in SITE_DEFAULTS:
            raise ConfigError(f"unknown setting {prefix}.{key} ({source}); known: {', '.join(SITE_DEFAULTS)}")
    merged = {**SITE_DEFAULTS, **conf}

    def where(_: str) -> str:
        return source

    origins = merged["origins"]
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ConfigError(f"{prefix}.origins must be a list of origins such as 'https://blog.example.com' ({source})")
    clean_origins = []
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ConfigError(f"{prefix}.origins: {origin!r} is not an origin like https://blog.example.com ({source})")
        clean_origins.append(origin.lower().rstrip("/"))

    title = merged["title"] if merged["title"] is not None else site_id
    if not isinstance(title, str):
        raise ConfigError(f"{prefix}.title must be a string ({source})")
    guests = merged["guests"]
    if not isinstance(guests, bool):
        raise ConfigError(f"{prefix}.guests must be true or false ({source})")
    providers = merged["providers"]
    if providers is not None and (
        not isinstance(providers, list) or not all(isinstance(p, str) for p in providers)
    ):
        raise ConfigError(f"{prefix}.providers must be a list of provider ids ({source})")

    return SiteSettings(
        id=site_id,
        title=title,
        origins=tuple(clean_origins),
        edit_window=_positive_int(merged["edit_window"], f"{prefix}.edit_window", where, allow_zero=True),
        max_length=_positive_int(merged["max_length"], f"{prefix}.max_length", where),
        rate_limit=_positive_int(merged["rate_limit"], f"{prefix}.rate_limit", where, allow_zero=True),
        guests=guests,
        providers=tuple(providers) if providers is not None else None,
        max_depth=_positive_int(merged["max_depth"], f"{prefix}.max_depth", where),
        moderators=_identities(merged["moderators"], f"{prefix}.moderators", source),
        moderation=_moderation_mode(merged["moderation"], prefix, source),
        max_links=_positive_int(merged["max_links"], f"{prefix}.max_links", where, allow_zero=True),
        blocklist=_blocklist(merged["blocklist"], prefix, source),
        akismet_key=_optional_string(merged["akismet_key"], f"{prefix}.akismet_key", source),
        flag_threshold=_positive_int(merged["flag_threshold"], f"{prefix}.flag_threshold", where),
    )


def _identities(value: Any, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _IDENTITY.match(v) for v in value):
        raise ConfigError(
            f"{key} must be a list of identities written PROVIDER_ID:SUBJECT, such as 'github:583231' ({source})"
        )
    return tuple(value)


def _moderation_mode(value: Any, prefix: str, source: str) -> str:
    if value not in MODERATION_MODES:
        raise ConfigError(f"{prefix}.moderation must be one of {', '.join(MODERATION_MODES)} ({source})")
    return str(value)


def _blocklist(value: Any, prefix: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{prefix}.blocklist must be a list of words, domains or e-mail addresses ({source})")
    return tuple(v.strip().lower() for v in value)


def _optional_string(value: Any, key: str, source: str) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{key} must be a non-empty string ({source})")
    return value


def _kept_secret(path: Path) -> str:
    """The secret key kept in the data directory, created on first start so tokens survive restarts."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    # Write a private temporary file, then link it into place: linking fails if another process won the
    # race, and then both use the winner's key.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(48) + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
