"""Request bodies as JSON Schema, and the validator that enforces them.

The same schemas are published in /api/openapi.json, so what the documentation says a request may contain
is exactly what the server accepts. The validator covers the part of JSON Schema these schemas use.
"""

from __future__ import annotations

import re
from typing import Any

from porch.errors import ApiError

SITE_ID = {"type": "string", "minLength": 1, "maxLength": 64, "example": "blog"}
THREAD_KEY = {"type": "string", "minLength": 1, "maxLength": 512, "example": "/2026/11/hello-world/"}
COMMENT_ID = {"type": "string", "pattern": r"^[1-9][0-9]{0,17}$", "example": "42"}
HTTP_URL = {"type": "string", "format": "http-url", "maxLength": 2000, "example": "https://blog.example.com/"}

NEW_COMMENT: dict[str, Any] = {
    "type": "object",
    "required": ["site", "thread", "text"],
    "additionalProperties": False,
    "properties": {
        "site": SITE_ID,
        "thread": THREAD_KEY,
        "parent": {**COMMENT_ID, "type": ["string", "null"]},
        "text": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100_000,
            "description": "Markdown (CommonMark). The site's max_length applies; raw HTML shows as text.",
            "example": "Thanks, *this* helped.",
        },
        "author": {
            "type": "object",
            "additionalProperties": False,
            "description": "Required for guests; ignored when signed in.",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100, "example": "Ada"},
                "email": {
                    "type": ["string", "null"],
                    "format": "email",
                    "maxLength": 254,
                    "description": "Kept private: never shown in any response.",
                    "example": "ada@example.com",
                },
                "url": {**HTTP_URL, "type": ["string", "null"], "example": "https://ada.example.com/"},
            },
        },
        "title": {"type": "string", "maxLength": 300, "example": "Hello world"},
        "url": HTTP_URL,
        "homepage": {
            "type": ["string", "null"],
            "maxLength": 2000,
            "description": "Leave out or empty. A trap for programs that fill every field: the widget hides it from"
            " people, and a comment that fills it is kept as spam.",
        },
    },
}

EDIT_COMMENT: dict[str, Any] = {
    "type": "object",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {"text": NEW_COMMENT["properties"]["text"]},
}

COUNTS: dict[str, Any] = {
    "type": "object",
    "required": ["site", "threads"],
    "additionalProperties": False,
    "properties": {
        "site": SITE_ID,
        "threads": {"type": "array", "items": THREAD_KEY, "minItems": 1, "maxItems": 100},
    },
}

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_HTTP_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def validate(schema: dict[str, Any], value: Any, path: str = "body") -> Any:
    """Return `value` if it matches `schema`; otherwise raise a 422 ApiError whose message names the field."""
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else types
        if not any(_is_type(value, t) for t in allowed):
            raise ApiError(422, "invalid_field", f"{path} must be {' or '.join(allowed)}.")
    if value is None:
        return value
    if "enum" in schema and value not in schema["enum"]:
        raise ApiError(422, "invalid_field", f"{path} must be one of {', '.join(map(str, schema['enum']))}.")
    if isinstance(value, int) and not isinstance(value, bool) and not _in_range(schema, value):
        raise ApiError(422, "invalid_field", f"{path} is out of range.")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            raise ApiError(422, "invalid_field", f"{path} must not be empty.")
        if len(value) > schema.get("maxLength", len(value)):
            raise ApiError(422, "invalid_field", f"{path} must be at most {schema['maxLength']} characters.")
        if "pattern" in schema and not re.match(schema["pattern"], value):
            raise ApiError(422, "invalid_field", f"{path} is not in the expected form.")
        if schema.get("format") == "email" and not _EMAIL.match(value):
            raise ApiError(422, "invalid_email", f"{path} is not an email address.")
        if schema.get("format") == "http-url" and value and not _HTTP_URL.match(value):
            raise ApiError(422, "invalid_url", f"{path} must be an http or https URL.")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        if len(value) < schema.get("minProperties", 0):
            raise ApiError(422, "missing_field", f"{path} must say what to change.")
        for name in schema.get("required", []):
            if name not in value:
                raise ApiError(422, "missing_field", f"{path}.{name} is required.")
        for name, item in value.items():
            if name not in properties:
                if schema.get("additionalProperties", True) is False:
                    raise ApiError(422, "unknown_field", f"{path}.{name} is not a field of this request.")
                continue
            validate(properties[name], item, f"{path}.{name}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            raise ApiError(422, "invalid_field", f"{path} must have at least {schema['minItems']} items.")
        if len(value) > schema.get("maxItems", len(value)):
            raise ApiError(422, "invalid_field", f"{path} must have at most {schema['maxItems']} items.")
        for index, item in enumerate(value):
            validate(schema.get("items", {}), item, f"{path}[{index}]")
    return value


def _in_range(schema: dict[str, Any], value: int) -> bool:
    return bool(schema.get("minimum", value) <= value <= schema.get("maximum", value))


def _is_type(value: Any, name: str) -> bool:
    if name == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _JSON_TYPES[name])
