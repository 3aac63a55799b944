"""Request policy, in one place for the HTTP and live routes alike: which site a request is for, the origin
rule, the thread key, the rate limit, and who the reader is.

Every route asks these helpers instead of checking for itself, so that one rule holds everywhere: an unknown
site is 404 `site_not_found` over HTTP and WebSocket; a browser page (which sends an Origin) may act on a site
only from one of that site's origins, and API clients (no Origin) are judged by their credentials alone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from porch.comments import Identify
from porch.errors import ApiError
from porch.models import Author
from porch.settings import SiteSettings

if TYPE_CHECKING:
    from porch.core import Porch

MAX_THREAD_KEY = 512


def _porch(connection: HTTPConnection) -> Porch:
    return connection.app.state.porch  # type: ignore[no-any-return]


def site_of(connection: HTTPConnection, site_id: str | None) -> SiteSettings:
    """The configured site a request names; 422 without one, 404 for one this server does not have."""
    if not site_id:
        raise ApiError(422, "missing_field", "The site is required.")
    site = _porch(connection).settings.sites.get(site_id)
    if site is None:
        raise ApiError(404, "site_not_found", f"There is no site {site_id!r} on this server.")
    return site


def check_origin(connection: HTTPConnection, site: SiteSettings, *, required: bool = False) -> str | None:
    """The page origin the request comes from, if it is one of the site's; 403 `origin_not_allowed` for any
    other page. `required`: requests that only a page may make (400 `origin_required` without one)."""
    origin = connection.headers.get("origin")
    if origin is None:
        if required:
            raise ApiError(400, "origin_required", "This request must come from a web page (it needs an Origin).")
        return None
    if not site.allows_origin(origin):
        raise ApiError(403, "origin_not_allowed", f"Pages at {origin} may not act on site {site.id!r}.")
    return origin.lower().rstrip("/")


def thread_key(value: str | None) -> str:
    if not value:
        raise ApiError(422, "missing_field", "The query parameter thread is required.")
    if len(value) > MAX_THREAD_KEY:
        raise ApiError(422, "invalid_field", f"thread must be at most {MAX_THREAD_KEY} characters.")
    return value


def client_address(connection: HTTPConnection) -> str | None:
    return connection.client.host if connection.client else None


async def rate_limit(connection: HTTPConnection, bucket: str, limit: int, message: str) -> None:
    """Count this request in `bucket` for its client; 429 with Retry-After once `limit` a minute are used."""
    wait = await _porch(connection).rate_limiter.allow(bucket, client_address(connection), limit)
    if wait is not None:
        raise ApiError(429, "rate_limited", message, headers={"Retry-After": str(max(1, math.ceil(wait)))})


async def reader(connection: HTTPConnection, site: SiteSettings) -> Author | None:
    """The signed-in reader (a widget session for this site, as a Bearer token); None for a guest; 401 for a
    token that is not valid here."""
    return await _porch(connection).viewer(connection, site)


def acting_on_a_comment(connection: HTTPConnection, bucket: str, message: str) -> Identify:
    """For requests about one comment, whose site is known only once the comment is read: the check to run
    then (origin, rate limit, then the reader), before any credential is checked or Markdown rendered, so
    that refused attempts count too."""

    async def identify(site: SiteSettings) -> Author | None:
        check_origin(connection, site)
        await rate_limit(connection, f"{site.id}:{bucket}", site.rate_limit, message)
        return await reader(connection, site)

    return identify
