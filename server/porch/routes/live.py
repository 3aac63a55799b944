"""GET /api/v1/live?site=S&thread=T[&after=SEQ]: a WebSocket of the thread's new, edited and deleted comments.

The handshake is checked before it is accepted: an unknown site, a browser page from an origin the site
does not list, or a client network that already has `live_sockets_per_address` sockets open in this process
is refused with an HTTP error (or close 1008 on a server without denial responses). Then the hub sends
hello, replays what the client missed, and keeps it live. The protocol is in docs/live.md.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from porch.errors import ApiError
from porch.live.subscriber import Subscriber
from porch.routes._policy import check_origin, client_address, site_of, thread_key

if TYPE_CHECKING:
    from porch.core import Porch

logger = logging.getLogger("porch.live")

CLOSE_POLICY = 1008
CLOSE_INTERNAL_ERROR = 1011


def _parameters(websocket: WebSocket) -> tuple[str, str, int | None]:
    query = websocket.query_params
    site = site_of(websocket, query.get("site"))
    check_origin(websocket, site)
    key = thread_key(query.get("thread"))
    after_text = query.get("after")
    if after_text is None or after_text == "":
        return site.id, key, None
    if not after_text.isdigit() or len(after_text) > 18:
        raise ApiError(422, "invalid_after", "after must be a seq this server handed out (a whole number).")
    return site.id, key, int(after_text)


async def refuse(websocket: WebSocket, refusal: ApiError) -> None:
    """Refuse a handshake with the API's error body (or close 1008 where the server cannot answer it)."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        body = {"error": {"code": refusal.code, "message": refusal.message}}
        await websocket.send_denial_response(JSONResponse(body, status_code=refusal.status))
    else:
        await websocket.close(CLOSE_POLICY, refusal.code)


async def live(websocket: WebSocket) -> None:
    app: Porch = websocket.app.state.porch
    try:
        site, key, after = _parameters(websocket)
    except ApiError as refusal:
        await refuse(websocket, refusal)
        return
    held = app.live_sockets.acquire(client_address(websocket))
    if held is None:
        limit = app.live_sockets.limit
        await refuse(websocket, ApiError(429, "too_many_sockets", f"At most {limit} live connections per address."))
        return
    try:
        await _follow(websocket, app, site, key, after)
    finally:
        app.live_sockets.release(held)


async def _follow(websocket: WebSocket, app: Porch, site: str, key: str, after: int | None) -> None:
    await websocket.accept()
    subscriber = Subscriber(websocket.send)
    try:
        await app.live.subscribe(site, key, after, subscriber)
    except (WebSocketDisconnect, OSError):
        return  # the client left during the replay
    except Exception:
        logger.exception("could not start a live subscription to %s %s", site, key)
        with contextlib.suppress(WebSocketDisconnect, OSError, RuntimeError):  # it may have left meanwhile
            await websocket.close(CLOSE_INTERNAL_ERROR, "try again with after")
        return
    try:
        # Clients have nothing to say; reading is how a closed socket is noticed.
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    finally:
        app.live.unsubscribe(site, key, subscriber)


routes = [WebSocketRoute("/api/v1/live", live)]
