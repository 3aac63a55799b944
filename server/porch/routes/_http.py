"""Helpers shared by the route modules: the central object, JSON bodies, origins, client addresses and rate
limits."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection, Request

from porch.errors import ApiError
from porch.schemas import validate
from porch.settings import SiteSettings

if TYPE_CHECKING:
    from porch.core import Porch

MAX_BODY = 64 * 1024


def porch(request: Request) -> Porch:
    return request.app.state.porch  # type: ignore[no-any-return]


async def json_body(request: Request, schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON body, checked against `schema`. Only JSON is accepted, which also stops plain HTML
    forms on other sites from posting here."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the request body as application/json.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, "body_too_large", f"The request body is larger than {MAX_BODY // 1024} kB.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ApiError(413, "body_too_large", f"The request body is larger than {MAX_BODY // 1024} kB.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    validated: dict[str, Any] = validate(schema, data)
    return validated


def check_origin(request: Request, site: SiteSettings) -> None:
    """Writes from a browser page must come from one of the site's origins. API clients send no Origin."""
    origin = request.headers.get("origin")
    if origin is not None and not site.allows_origin(origin):
        raise ApiError(403, "origin_not_allowed", f"Pages at {origin} may not post to site {site.id!r}.")


def client_address(connection: HTTPConnection) -> str | None:
    return connection.client.host if connection.client else None


async def rate_limit(request: Request, bucket: str, limit: int, message: str) -> None:
    """Count this request in `bucket` for its client; 429 with Retry-After once `limit` a minute are used."""
    wait = await porch(request).rate_limiter.allow(bucket, client_address(request), limit)
    if wait is not None:
        raise ApiError(429, "rate_limited", message, headers={"Retry-After": str(max(1, math.ceil(wait)))})
