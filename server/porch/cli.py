"""The `porch` command: serve, migrate, check-config, admin link."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import logging.config
import sys
from collections.abc import Sequence

from porch import __version__
from porch.auth import check_providers
from porch.logs import log_config
from porch.moderation.console import Console
from porch.settings import ConfigError, Settings, load_settings
from porch.storage import Storage
from porch.storage.migrations import HEAD


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="porch", description="A self-hosted comment server.")
    parser.add_argument("--version", action="version", version=f"porch {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_config(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument("--config", help="TOML settings file (default: $PORCH_CONFIG, else built-in defaults)")
        command.add_argument("--data-dir", help="folder for porch.db and the secret key (default: current folder)")
        return command

    serve = with_config(commands.add_parser("serve", help="run the server"))
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    with_config(commands.add_parser("migrate", help="bring the database schema up to date"))
    with_config(commands.add_parser("check-config", help="validate the settings and show where each came from"))
    admin = commands.add_parser("admin", help="the moderation console")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    with_config(
        admin_commands.add_parser(
            "link", help="print a one-time link that signs its holder in to the console for every site (10 minutes)"
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    default_url = f"http://{getattr(args, 'host', '127.0.0.1')}:{getattr(args, 'port', 8000)}"
    try:
        settings = load_settings(args.config, data_dir=args.data_dir, default_public_url=default_url)
        check_providers(settings)  # each provider type checks its own keys
    except ConfigError as exc:
        print(f"porch: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(settings, args.host, args.port, args.log_level)
    if args.command == "migrate":
        applied = asyncio.run(_migrate(settings))
        print(f"schema at version {HEAD}" + (f" (applied {', '.join(map(str, applied))})" if applied else ""))
        return 0
    if args.command == "admin":
        link = asyncio.run(_admin_link(settings))
        print("Open this link within 10 minutes; it works once and signs you in to the console for every site:")
        print(link)  # the last line, where scripts take it from
        return 0
    return _check_config(settings)


def _serve(settings: Settings, host: str, port: int, log_level: str) -> int:
    import uvicorn

    from porch.app import create_app

    logging_config = log_config(log_level)
    logging.config.dictConfig(logging_config)  # for what happens before uvicorn applies it again
    app = create_app(settings)
    # Everything loaded so far lives as long as the process: keep it out of the garbage collector's full
    # passes. Under write load those walked it all and paused every request for up to 50 ms; frozen, a few ms.
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        ws="websockets-sansio",
        ws_per_message_deflate=False,  # deflate more than doubles the memory of every idle socket
        log_config=logging_config,
        log_level=log_level,
        access_log=log_level == "debug",  # request lines, without addresses or query strings (porch.logs)
        lifespan="on",
    )
    return 0


async def _migrate(settings: Settings) -> list[int]:
    storage = Storage(settings.database)
    await storage.connect(migrate=False)
    try:
        return await storage.migrate()
    finally:
        await storage.disconnect()


async def _admin_link(settings: Settings) -> str:
    storage = Storage(settings.database)
    await storage.connect()
    try:
        return await Console(settings, storage).new_link()
    finally:
        await storage.disconnect()


def _check_config(settings: Settings) -> int:
    print("Settings are valid.\n")
    print(f"public_url  {settings.public_url}  ({settings.sources.get('public_url', 'default')})")
    print(f"database    {_hide_password(settings.database)}  ({settings.sources.get('database', 'default')})")
    print(f"live        {settings.live}  ({settings.sources.get('live', 'default')})")
    print(f"secret_key  {'set' if 'secret_key' in settings.sources else 'kept in ' + str(settings.data_dir / 'secret.key')}")
    print(f"admins      {', '.join(settings.admins) or '(none: porch admin link signs you in to the console)'}")
    for site in settings.sites.values():
        print(f"\nsite {site.id}: {site.title!r}")
        print(f"  origins      {', '.join(site.origins) or '(none: no browser page may post)'}")
        print(f"  edit_window  {site.edit_window} s   max_length {site.max_length}   rate_limit {site.rate_limit}/min")
        print(f"  moderators   {', '.join(site.moderators) or '(none besides the admins)'}")
    for provider_id in settings.providers:
        print(f"\nprovider {provider_id}: register this callback URL with the provider:")
        print(f"  {settings.public_url}/auth/{provider_id}/callback")
    return 0


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':')[0]}:***@{host}"
