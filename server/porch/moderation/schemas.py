"""Request bodies of the moderation API, as JSON Schema (validated by porch.schemas.validate, published in
/api/openapi.json)."""

from __future__ import annotations

from typing import Any

from porch.schemas import COMMENT_ID, NEW_COMMENT, SITE_ID

FLAG_REASONS = ("spam", "abuse", "off_topic", "other")

CHANGE_COMMENT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "status": {"type": "string", "enum": ["approved", "spam", "deleted"]},
        "pinned": {"type": "boolean"},
        "text": NEW_COMMENT["properties"]["text"],
    },
}

CHANGE_THREAD: dict[str, Any] = {
    "type": "object",
    "required": ["locked"],
    "additionalProperties": False,
    "properties": {"locked": {"type": "boolean"}},
}

NEW_BAN: dict[str, Any] = {
    "type": "object",
    "required": ["site", "comment"],
    "additionalProperties": False,
    "properties": {
        "site": SITE_ID,
        "comment": COMMENT_ID,
        "days": {"type": ["integer", "null"], "minimum": 1, "maximum": 36500, "description": "null: for good"},
        "reason": {"type": "string", "maxLength": 500},
        "purge": {"type": "boolean", "description": "also mark every comment of the author on the site as spam"},
    },
}

FLAG: dict[str, Any] = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {"reason": {"type": "string", "enum": list(FLAG_REASONS)}},
}
