"""The moderation API (/api/v1/admin/...) as OpenAPI paths, merged into /api/openapi.json by routes/openapi.py.

Every endpoint needs a moderator: the console's cookie session (unsafe requests with an Origin equal to the
server's own), or a moderator's widget session as a Bearer token from one of that site's origins.
"""

from __future__ import annotations

from typing import Any

from porch.moderation.schemas import CHANGE_COMMENT, CHANGE_THREAD, NEW_BAN
from porch.moderation.service import MAX_LIST, QUEUES
from porch.schemas import COMMENT_ID, SITE_ID, THREAD_KEY

_ERROR = {"$ref": "#/components/schemas/Error"}
_OBJECT = {"type": "object"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"description": "error", **_json(_ERROR)} for status in statuses}


def _query(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


_LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIST, "default": 50})
_AFTER = _query("after", {"type": "string", "description": "the `next` of the previous answer"})
_SITE = _query("site", SITE_ID)
_SECURITY: list[dict[str, list[str]]] = [{"session": []}]

ADMIN_COMMENT = {
    "type": "object",
    "description": "a comment as the public API shows it (its words too, while pending or spam), plus what a"
    " moderator needs: site, thread, Markdown text, the guest's e-mail, reports and the client's hashed network",
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["approved", "pending", "spam", "deleted"]},
        "pinned": {"type": "boolean"},
        "site": {"type": "string"},
        "thread": {"type": "object"},
        "text": {"type": "string"},
        "email": {"type": ["string", "null"]},
        "flags": {"type": "object"},
        "client_hash": {"type": ["string", "null"]},
    },
}

MODERATION_PATHS: dict[str, Any] = {
    "/api/v1/admin/comments": {
        "get": {
            "summary": "The moderation queue and search, newest first",
            "security": _SECURITY,
            "parameters": [
                _query("status", {"type": "string", "enum": list(QUEUES)}),
                _SITE,
                _query("thread", THREAD_KEY),
                _query("q", {"type": "string", "maxLength": 200, "description": "words of the text or the author's name"}),
                _LIMIT,
                _AFTER,
            ],
            "responses": {
                "200": {
                    "description": "comments, the next cursor and the queues' sizes",
                    **_json({
                        "type": "object",
                        "properties": {
                            "comments": {"type": "array", "items": ADMIN_COMMENT},
                            "next": {"type": ["string", "null"]},
                            "counts": {"type": "object"},
                        },
                    }),
                },
                **_errors(400, 401, 403, 404, 422),
            },
        }
    },
    "/api/v1/admin/comments/{id}": {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": COMMENT_ID}],
        "patch": {
            "summary": "Approve, mark as spam, delete, pin or edit a comment",
            "security": _SECURITY,
            "requestBody": {"required": True, **_json(CHANGE_COMMENT)},
            "responses": {
                "200": {"description": "changed", **_json({"type": "object", "properties": {"comment": ADMIN_COMMENT}})},
                **_errors(400, 401, 403, 404, 409, 413, 415, 422),
            },
        },
    },
    "/api/v1/admin/threads": {
        "patch": {
            "summary": "Lock or unlock a thread; open widgets hear thread.updated",
            "security": _SECURITY,
            "parameters": [_query("site", SITE_ID, True), _query("thread", THREAD_KEY, True)],
            "requestBody": {"required": True, **_json(CHANGE_THREAD)},
            "responses": {
                "200": {"description": "the thread", **_json({"type": "object", "properties": {"thread": _OBJECT}})},
                **_errors(400, 401, 403, 404, 413, 415, 422),
            },
        }
    },
    "/api/v1/admin/bans": {
        "get": {
            "summary": "Bans in force",
            "security": _SECURITY,
            "parameters": [_SITE],
            "responses": {
                "200": {"description": "bans", **_json({"type": "object", "properties": {"bans": {"type": "array"}}})},
                **_errors(401, 403, 404),
            },
        },
        "post": {
            "summary": "Ban the author of a comment (their identity; a guest's network and e-mail)",
            "security": _SECURITY,
            "requestBody": {"required": True, **_json(NEW_BAN)},
            "responses": {
                "201": {"description": "banned", **_json({"type": "object", "properties": {"ban": _OBJECT}})},
                **_errors(400, 401, 403, 404, 413, 415, 422),
            },
        },
    },
    "/api/v1/admin/bans/{id}": {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": COMMENT_ID}],
        "delete": {
            "summary": "Lift a ban",
            "security": _SECURITY,
            "responses": {"204": {"description": "lifted"}, **_errors(401, 403, 404)},
        },
    },
    "/api/v1/admin/log": {
        "get": {
            "summary": "Every moderation action, newest first",
            "security": _SECURITY,
            "parameters": [_SITE, _LIMIT, _AFTER],
            "responses": {
                "200": {
                    "description": "entries",
                    **_json({"type": "object", "properties": {"entries": {"type": "array"}, "next": {"type": ["string", "null"]}}}),
                },
                **_errors(400, 401, 403, 404, 422),
            },
        }
    },
}
