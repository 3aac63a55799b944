"""Avatars generated here from a hash, so showing a comment never makes a reader's browser ask a third party.

The hash is a keyed digest (HMAC with the secret key) of the commenter's email, or their name if they gave
none: the same person gets the same picture, and the picture's URL reveals nothing about the email.
"""

from __future__ import annotations

import hashlib
import hmac
import re

HASH_PATTERN = re.compile(r"^[0-9a-f]{32}$")
_GRID = 5
_CELL = 8


def avatar_hash(secret_key: str, email: str | None, name: str) -> str:
    seed = (email or "").strip().lower() or "name:" + name.strip()
    return hmac.new(secret_key.encode(), seed.encode(), hashlib.sha256).hexdigest()[:32]


def avatar_svg(digest: str) -> bytes:
    """A symmetric 5 by 5 pattern in a colour taken from `digest` (32 hex digits)."""
    value = int(digest, 16)
    hue = value % 360
    value //= 360
    cells = []
    for row in range(_GRID):
        for column in range((_GRID + 1) // 2):
            on = value & 1
            value >>= 1
            if on:
                for x in {column, _GRID - 1 - column}:
                    cells.append(f'<rect x="{x * _CELL + 4}" y="{row * _CELL + 4}" width="{_CELL}" height="{_CELL}"/>')
    size = _GRID * _CELL + 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}">'
        f'<rect width="{size}" height="{size}" fill="hsl({hue} 30% 92%)"/>'
        f'<g fill="hsl({hue} 55% 45%)">{"".join(cells)}</g></svg>'
    ).encode()
