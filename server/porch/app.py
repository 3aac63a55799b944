"""create_app(settings): the one place where Porch is wired together."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware

from porch.auth import build_sign_in
from porch.core import Porch
from porch.cors import CORSMiddleware
from porch.errors import EXCEPTION_HANDLERS
from porch.headers import SecurityHeaders
from porch.routes import admin, admin_session, comments, live, openapi, pages, sites
from porch.routes import auth as auth_routes
from porch.routes import console as console_routes
from porch.settings import Settings


def create_app(settings: Settings) -> Starlette:
    porch = Porch(settings)
    porch.authenticator = build_sign_in(settings, porch.storage)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await porch.start()
        try:
            yield
        finally:
            await porch.stop()

    app = Starlette(
        routes=[*comments.routes, *admin.routes, *live.routes, *sites.routes, *auth_routes.routes, *admin_session.routes, *openapi.routes, *console_routes.routes, *pages.routes],
        middleware=[Middleware(SecurityHeaders), Middleware(CORSMiddleware, sites=settings.sites.values())],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.porch = porch
    return app
