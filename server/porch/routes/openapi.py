"""/api/openapi.json: the HTTP API described with the very schemas the server validates requests against."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from porch import __version__
from porch.auth.openapi import AUTH_PATHS, SECURITY_SCHEMES
from porch.comments import DEFAULT_PAGE, DEFAULT_REPLIES, MAX_PAGE, SORTS
from porch.moderation.openapi import MODERATION_PATHS
from porch.moderation.schemas import FLAG
from porch.routes.admin_session import OPENAPI_PATHS as ADMIN_SESSION_PATHS
from porch.schemas import COMMENT_ID, COUNTS, EDIT_COMMENT, NEW_COMMENT, SITE_ID, THREAD_KEY

_TIME = {"type": "string", "format": "date-time", "example": "2026-11-29T10:00:00.000Z"}
_NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}

COMMENT = {
    "type": "object",
    "required": ["id", "parent", "author", "html", "created", "edited", "status", "score", "pinned"],
    "properties": {
        "id": {"type": "string"},
        "parent": {"type": ["string", "null"]},
        "author": {
            "type": ["object", "null"],
            "description": "null once the comment is deleted",
            "properties": {
                "name": {"type": "string"},
                "url": _NULLABLE_URL,
                "avatar": _NULLABLE_URL,
                "provider": {"type": ["string", "null"], "description": "sign-in provider id; null for guests"},
            },
        },
        "html": {"type": "string", "description": "sanitised HTML rendered from the Markdown source"},
        "created": _TIME,
        "edited": {**_TIME, "type": ["string", "null"]},
        "status": {"type": "string", "enum": ["approved", "pending", "deleted"]},
        "score": {"type": "integer"},
        "pinned": {"type": "boolean", "description": "pinned comments lead their thread in every sort"},
    },
}

THREAD = {
    "type": "object",
    "required": ["site", "key", "title", "url", "count", "locked", "seq"],
    "properties": {
        "site": {"type": "string"},
        "key": {"type": "string"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "count": {"type": "integer", "description": "approved, not deleted comments"},
        "locked": {"type": "boolean"},
        "seq": {"type": "integer", "description": "newest event-log id of the thread at the time of the read"},
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "text_too_long"},
                "message": {"type": "string"},
            },
        }
    },
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"description": "error", **_json({"$ref": "#/components/schemas/Error"})} for status in statuses}


def _query(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


EDIT_TOKEN = {"name": "X-Edit-Token", "in": "header", "required": False, "schema": {"type": "string"}}


def build_spec() -> dict[str, Any]:
    comment_ref = {"$ref": "#/components/schemas/Comment"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Porch", "version": __version__, "description": "Threaded comments with live replies."},
        "paths": {
            "/api/v1/comments": {
                "get": {
                    "summary": "Read one page of a thread",
                    "parameters": [
                        _query("site", SITE_ID, True),
                        _query("thread", THREAD_KEY, True),
                        _query("sort", {"type": "string", "enum": list(SORTS), "default": "oldest"}),
                        _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE}),
                        _query("after", {"type": "string", "description": "the `next` cursor of the previous page"}),
                        _query(
                            "root",
                            {
                                "type": "string",
                                "description": "read the next replies of this top-level comment instead of a page:"
                                " `after` is then the `after` of its `more_replies` entry, or the `next` of the"
                                " previous call",
                            },
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "top-level comments of this page, then their replies (at most"
                            f" {DEFAULT_REPLIES} of each; `more_replies` says where the rest resume)",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "thread": THREAD,
                                        "comments": {"type": "array", "items": comment_ref},
                                        "next": {"type": ["string", "null"]},
                                        "more_replies": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "root": {"type": "string"},
                                                    "after": {"type": "string"},
                                                    "count": {"type": "integer", "minimum": 1},
                                                },
                                                "required": ["root", "after", "count"],
                                            },
                                        },
                                    },
                                }
                            ),
                        },
                        **_errors(400, 404, 422),
                    },
                },
                "post": {
                    "summary": "Post a comment",
                    "requestBody": {"required": True, **_json(NEW_COMMENT)},
                    "responses": {
                        "201": {
                            "description": "stored",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {"comment": comment_ref, "edit_token": {"type": "string"}},
                                }
                            ),
                        },
                        **_errors(400, 401, 403, 404, 413, 415, 422, 429),
                    },
                },
            },
            "/api/v1/comments/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": COMMENT_ID}],
                "patch": {
                    "summary": "Edit your comment within the site's edit window",
                    "parameters": [EDIT_TOKEN],
                    "requestBody": {"required": True, **_json(EDIT_COMMENT)},
                    "responses": {
                        "200": {"description": "edited", **_json({"type": "object", "properties": {"comment": comment_ref}})},
                        **_errors(400, 401, 403, 404, 413, 415, 422),
                    },
                },
                "delete": {
                    "summary": "Delete your comment within the site's edit window",
                    "parameters": [EDIT_TOKEN],
                    "responses": {"204": {"description": "deleted"}, **_errors(401, 403, 404, 429)},
                },
                "get": {
                    "summary": "Your own comment, whatever its status (one awaiting moderation, say)",
                    "description": "Proven by the comment's edit token, or by its author's session.",
                    "parameters": [EDIT_TOKEN],
                    "responses": {
                        "200": {"description": "the comment", **_json({"type": "object", "properties": {"comment": comment_ref}})},
                        **_errors(401, 403, 404),
                    },
                },
            },
            "/api/v1/comments/{id}/flag": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": COMMENT_ID}],
                "post": {
                    "summary": "Report a comment to the moderators (once per reader)",
                    "requestBody": {"required": True, **_json(FLAG)},
                    "responses": {"204": {"description": "reported"}, **_errors(400, 401, 403, 404, 413, 415, 422, 429)},
                },
            },
            "/api/v1/comments/mine": {
                "get": {
                    "summary": "Your comments of a thread that await moderation (signed in)",
                    "parameters": [_query("site", SITE_ID, True), _query("thread", THREAD_KEY, True)],
                    "security": [{"session": []}],
                    "responses": {
                        "200": {
                            "description": "pending comments, oldest first",
                            **_json({"type": "object", "properties": {"comments": {"type": "array", "items": comment_ref}}}),
                        },
                        **_errors(401, 404, 422),
                    },
                },
            },
            "/api/v1/counts": {
                "post": {
                    "summary": "Comment counts of several threads",
                    "requestBody": {"required": True, **_json(COUNTS)},
                    "responses": {
                        "200": {
                            "description": "approved comments per thread",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}}
                                    },
                                }
                            ),
                        },
                        **_errors(400, 404, 413, 415, 422),
                    },
                }
            },
            "/api/v1/sites/{site}": {
                "get": {
                    "summary": "What a widget needs to know about a site",
                    "parameters": [{"name": "site", "in": "path", "required": True, "schema": SITE_ID}],
                    "responses": {"200": {"description": "the site", **_json({"type": "object"})}, **_errors(404)},
                }
            },
            "/healthz": {"get": {"summary": "Liveness and database check", "responses": {"200": {"description": "ok"}}}},
            **AUTH_PATHS,
            **ADMIN_SESSION_PATHS,
            **MODERATION_PATHS,
        },
        "components": {
            "schemas": {"Comment": COMMENT, "Thread": THREAD, "Error": ERROR},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


async def openapi(request: Request) -> Response:
    return JSONResponse(build_spec())


routes = [Route("/api/openapi.json", openapi, methods=["GET"])]
