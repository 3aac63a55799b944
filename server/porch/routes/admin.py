"""/api/v1/admin/...: the moderation API, used by the console and by scripts with a moderator's session.

Every handler first resolves the moderator making the request (routes/_moderator.py: the console's cookie
session, or a moderator's widget session); the moderation service then checks the site in question.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from porch.errors import ApiError
from porch.live.subscriber import Subscriber
from porch.models import CommentStatus
from porch.moderation.schemas import CHANGE_COMMENT, CHANGE_THREAD, NEW_BAN
from porch.moderation.service import DEFAULT_LIST, MAX_LIST, Change
from porch.routes._http import json_body, porch
from porch.routes._moderator import moderator, moderator_of_socket
from porch.routes.live import refuse

if TYPE_CHECKING:
    from porch.core import Porch


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", str(DEFAULT_LIST))
    if not text.isdigit() or len(text) > 9:
        raise ApiError(422, "invalid_limit", f"limit must be a whole number from 1 to {MAX_LIST}.")
    return min(max(int(text), 1), MAX_LIST)


def _optional(request: Request, name: str, longest: int = 512) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and len(value) > longest:
        raise ApiError(422, "invalid_field", f"{name} must be at most {longest} characters.")
    return value


async def list_comments(request: Request) -> Response:
    who = await moderator(request)
    listing = await porch(request).moderation.queue(
        who,
        queue=_optional(request, "status"),
        site=_optional(request, "site", 64),
        thread=_optional(request, "thread"),
        text=_optional(request, "q", 200),
        limit=_limit(request),
        cursor=_optional(request, "after", 20),
    )
    return JSONResponse(listing, headers={"Cache-Control": "no-store"})


async def change_comment(request: Request) -> Response:
    who = await moderator(request)
    data = await json_body(request, CHANGE_COMMENT)
    change = Change(
        status=CommentStatus(data["status"]) if "status" in data else None,
        pinned=data.get("pinned"),
        text=data.get("text"),
    )
    comment = await porch(request).moderation.act(who, request.path_params["id"], change)
    return JSONResponse({"comment": comment})


async def change_thread(request: Request) -> Response:
    who = await moderator(request)
    site = _optional(request, "site", 64)
    key = _optional(request, "thread")
    if site is None or key is None:
        raise ApiError(422, "missing_field", "The query parameters site and thread are required.")
    data = await json_body(request, CHANGE_THREAD)
    thread = await porch(request).moderation.lock(who, site, key, data["locked"])
    return JSONResponse({"thread": thread})


async def new_ban(request: Request) -> Response:
    who = await moderator(request)
    data = await json_body(request, NEW_BAN)
    ban = await porch(request).moderation.ban(
        who, data["site"], data["comment"], data.get("days"), data.get("reason", ""), data.get("purge", False)
    )
    return JSONResponse({"ban": ban}, status_code=201)


async def list_bans(request: Request) -> Response:
    who = await moderator(request)
    bans = await porch(request).moderation.bans(who, _optional(request, "site", 64))
    return JSONResponse({"bans": bans}, headers={"Cache-Control": "no-store"})


async def lift_ban(request: Request) -> Response:
    who = await moderator(request)
    await porch(request).moderation.lift(who, request.path_params["id"])
    return Response(status_code=204)


async def moderation_log(request: Request) -> Response:
    who = await moderator(request)
    entries = await porch(request).moderation.log(
        who, _optional(request, "site", 64), _limit(request), _optional(request, "after", 20)
    )
    return JSONResponse(entries, headers={"Cache-Control": "no-store"})


async def live(websocket: WebSocket) -> None:
    """Every event of the moderator's sites as it happens, pending comments and reports included."""
    app: Porch = websocket.app.state.porch
    try:
        who = await moderator_of_socket(websocket)
    except ApiError as refusal:
        await refuse(websocket, refusal)
        return
    await websocket.accept()
    subscriber = Subscriber(websocket.send)
    try:
        await app.live.follow_as_moderator(who.sites, subscriber)
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    except (WebSocketDisconnect, OSError):
        pass
    finally:
        app.live.unfollow_as_moderator(subscriber)
        with contextlib.suppress(Exception):
            await websocket.close()


routes = [
    Route("/api/v1/admin/comments", list_comments, methods=["GET"]),
    Route("/api/v1/admin/comments/{id}", change_comment, methods=["PATCH"]),
    Route("/api/v1/admin/threads", change_thread, methods=["PATCH"]),
    Route("/api/v1/admin/bans", new_ban, methods=["POST"]),
    Route("/api/v1/admin/bans", list_bans, methods=["GET"]),
    Route("/api/v1/admin/bans/{id}", lift_ban, methods=["DELETE"]),
    Route("/api/v1/admin/log", moderation_log, methods=["GET"]),
    WebSocketRoute("/api/v1/admin/live", live),
]
