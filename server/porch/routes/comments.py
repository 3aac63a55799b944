"""/api/v1/comments and /api/v1/counts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from porch.comments import DEFAULT_PAGE, DEFAULT_REPLIES, MAX_PAGE, SORTS, GuestAuthor, RequestFacts
from porch.errors import ApiError
from porch.moderation.schemas import FLAG
from porch.moderation.spam.honeypot import FIELD as HONEYPOT
from porch.routes._http import json_body, porch
from porch.routes._policy import (
    acting_on_a_comment,
    check_origin,
    client_address,
    rate_limit,
    reader,
    site_of,
    thread_key,
)
from porch.schemas import COUNTS, EDIT_COMMENT, NEW_COMMENT
from porch.settings import SiteSettings


async def list_comments(request: Request) -> Response:
    app = porch(request)
    query = request.query_params
    site = site_of(request, query.get("site"))
    key = thread_key(query.get("thread"))
    sort = query.get("sort", "oldest")
    if sort not in SORTS:
        raise ApiError(422, "invalid_sort", f"sort must be one of {', '.join(SORTS)}.")
    root = query.get("root")
    limit_text = query.get("limit", str(DEFAULT_REPLIES if root else DEFAULT_PAGE))
    if not limit_text.isdigit() or len(limit_text) > 9:
        raise ApiError(422, "invalid_limit", f"limit must be a whole number from 1 to {MAX_PAGE}.")
    limit = min(max(int(limit_text), 1), MAX_PAGE)
    if root:  # the next replies of one top-level comment
        body = await app.comments.read_replies(site, key, root, limit, query.get("after") or None)
    else:
        body = await app.comments.read_page(site, key, sort, limit, query.get("after") or None)
    return Response(body, media_type="application/json")


async def post_comment(request: Request) -> Response:
    app = porch(request)
    data = await json_body(request, NEW_COMMENT)
    site = site_of(request, data["site"])
    check_origin(request, site)
    viewer = await reader(request, site)
    await rate_limit(request, f"{site.id}:post", site.rate_limit, "Too many comments from your address; please wait a little.")
    author = data.get("author") or {}
    guest = GuestAuthor(author.get("name", ""), author.get("email"), author.get("url")) if author else None
    comment, edit_token = await app.comments.post(
        site,
        key=data["thread"],
        text=data["text"],
        parent=data.get("parent"),
        guest=guest,
        viewer=viewer,
        title=data.get("title", ""),
        url=data.get("url", ""),
        client_address=client_address(request),
        facts=RequestFacts(
            user_agent=request.headers.get("user-agent"),
            referrer=request.headers.get("referer"),
            honeypot=data.get(HONEYPOT),
        ),
    )
    return JSONResponse({"comment": comment, "edit_token": edit_token}, status_code=201)


async def own_comment(request: Request) -> Response:
    """A comment its author may see whatever its status (one awaiting moderation, say): proven by the
    comment's edit token or by the author's session."""
    app = porch(request)
    comment = await app.comments.own_comment(
        request.path_params["id"],
        edit_token=request.headers.get("x-edit-token"),
        identify=lambda site: reader(request, site),
    )
    return JSONResponse({"comment": comment}, headers={"Cache-Control": "no-store"})


async def own_pending(request: Request) -> Response:
    """The signed-in reader's comments of a thread that await moderation (on any device)."""
    app = porch(request)
    site = site_of(request, request.query_params.get("site"))
    key = thread_key(request.query_params.get("thread"))
    viewer = await reader(request, site)
    if viewer is None:
        raise ApiError(401, "invalid_token", "Send the session token as Authorization: Bearer.")
    comments = await app.comments.own_pending(site, key, viewer)
    return JSONResponse({"comments": comments}, headers={"Cache-Control": "no-store"})


async def flag_comment(request: Request) -> Response:
    """A reader reports a comment to the moderators; once per reader (signed in: their identity; otherwise
    their network's keyed hash)."""
    app = porch(request)
    data = await json_body(request, FLAG)

    identify = acting_on_a_comment(request, "flag", "Too many reports from your address; please wait.")

    async def reporter(site: SiteSettings) -> str:
        viewer = await identify(site)
        return f"identity:{viewer.identity_id}" if viewer else f"network:{app.client_keys(client_address(request))}"

    await app.moderation.flag(request.path_params["id"], data["reason"], reporter)
    return Response(status_code=204)


async def edit_comment(request: Request) -> Response:
    app = porch(request)
    data = await json_body(request, EDIT_COMMENT)
    comment = await app.comments.edit(
        request.path_params["id"],
        data["text"],
        edit_token=request.headers.get("x-edit-token"),
        identify=acting_on_a_comment(request, "edit", _CHANGES_LIMITED),
    )
    return JSONResponse({"comment": comment})


async def delete_comment(request: Request) -> Response:
    app = porch(request)
    await app.comments.delete(
        request.path_params["id"],
        edit_token=request.headers.get("x-edit-token"),
        identify=acting_on_a_comment(request, "edit", _CHANGES_LIMITED),
    )
    return Response(status_code=204)


async def counts(request: Request) -> Response:
    app = porch(request)
    data = await json_body(request, COUNTS)
    site = site_of(request, data["site"])
    return JSONResponse({"counts": await app.comments.counts(site, data["threads"])})


_CHANGES_LIMITED = "Too many changes from your address; please wait a little."

routes = [
    Route("/api/v1/comments", list_comments, methods=["GET"]),
    Route("/api/v1/comments", post_comment, methods=["POST"]),
    Route("/api/v1/comments/{id}", edit_comment, methods=["PATCH"]),
    Route("/api/v1/comments/mine", own_pending, methods=["GET"]),
    Route("/api/v1/comments/{id}", own_comment, methods=["GET"]),
    Route("/api/v1/comments/{id}", delete_comment, methods=["DELETE"]),
    Route("/api/v1/comments/{id}/flag", flag_comment, methods=["POST"]),
    Route("/api/v1/counts", counts, methods=["POST"]),
]
