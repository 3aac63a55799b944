"""Helpers shared by the route modules: the central object and JSON bodies. What a request may do (its site,
origin, rate and reader) is decided in _policy.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from porch.errors import ApiError
from porch.schemas import validate

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
