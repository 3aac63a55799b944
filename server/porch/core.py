"""The Porch object: every long-lived part of a running server, built from settings and passed to the routes
through `app.state.porch`. Nothing in Porch is a module-level global."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from starlette.requests import HTTPConnection

from porch.assets import load_asset, static_dir
from porch.cache import PageCache
from porch.comments import Comments
from porch.errors import ApiError
from porch.live import create_hub
from porch.models import Author
from porch.moderation.console import Console
from porch.moderation.service import Moderation
from porch.moderation.spam import SpamFilter
from porch.ratelimit import ClientKeys, SocketCap, create_rate_limiter
from porch.render import Renderer
from porch.render_pool import RenderPool
from porch.settings import Settings, SiteSettings
from porch.storage import Storage
from porch.tokens import EditTokens

logger = logging.getLogger("porch")

STOP_TIMEOUT = 10.0  # seconds for each part to close


class Authenticator(Protocol):
    """Turns a session token into the signed-in reader (the sign-in package implements it)."""

    async def authenticate(self, token: str, site: SiteSettings) -> Author: ...

    def site_extras(self, site: SiteSettings) -> dict[str, Any]: ...


class Porch:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.storage = Storage(settings.database)
        self.cache = PageCache(max_bytes=settings.cache_mb * 1024 * 1024)
        self.client_keys = ClientKeys(settings.secret_key)
        self.rate_limiter = create_rate_limiter(settings, self.client_keys, self.storage)
        self.live_sockets = SocketCap(self.client_keys, settings.live_sockets_per_address)
        self.tokens = EditTokens(settings.secret_key)
        self.renderer = RenderPool(Renderer())
        self.comments = Comments(settings, self.storage, self.renderer, self.tokens, self.cache)
        self.live = create_hub(settings, self.storage, self.cache)
        self.comments.on_events(self.live.publish)
        self.spam = SpamFilter(settings, akismet_url=settings.akismet_url)
        self.moderation = Moderation(settings, self.storage, self.comments, self.renderer, self.spam)
        self.comments.screen = self.moderation.screen
        self.widget_script = load_asset(static_dir() / "porch.js", "text/javascript; charset=utf-8")
        self.authenticator: Authenticator | None = None
        self.console = Console(settings, self.storage)

    async def start(self) -> None:
        await self.storage.connect()
        await self.rate_limiter.start()
        await self.live.start()

    async def stop(self) -> None:
        """Close every part, in order. A part that does not finish within STOP_TIMEOUT (a remote service that
        never answers a close) is left behind with a warning: a shutdown must end."""
        steps = [
            ("live hub", self.live.stop),
            ("rate limits", self.rate_limiter.stop),
            ("database", self.storage.disconnect),
            ("spam checks", self.spam.close),
        ]
        for name, step in steps:
            task = asyncio.create_task(step(), name=f"porch-stop-{name}")
            done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
            if not done:
                logger.warning("stopping the %s took over %s s; going on without it", name, STOP_TIMEOUT)
                task.cancel()
            elif task.exception() is not None:
                logger.warning("stopping the %s failed", name, exc_info=task.exception())
        self.renderer.close()

    async def viewer(self, request: HTTPConnection, site: SiteSettings) -> Author | None:
        """The signed-in reader making this request, None for a guest; 401 for a token that is not valid here."""
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token or self.authenticator is None:
            raise ApiError(401, "invalid_token", "The Authorization header does not carry a valid session token.")
        return await self.authenticator.authenticate(token.strip(), site)

    def site_extras(self, site: SiteSettings) -> dict[str, Any]:
        return self.authenticator.site_extras(site) if self.authenticator else {}
