"""Avatars generated here from a hash, so showing a comment never makes a reader's browser ask a third party.

The hash is a keyed digest (HMAC with the secret key). A guest's is taken from the site, their email and
their name together: the same guest gets the same picture on one site, but posting with someone else's
email under another name gives another picture, so a picture neither confirms an address nor can be
copied; and the picture's URL reveals nothing about the email. A signed-in reader's comes from their
provider and subject.
"""

from __future__ import annotations

import hashlib
import hmac
import re

HASH_PATTERN = re.compile(r"^[0-9a-f]{32}$")
_GRID = 5
_CELL = 8


def avatar_hash(secret_key: str, seed: str) -> str:
    return hmac.new(secret_key.encode(), seed.encode(), hashlib.sha256).hexdigest()[:32]


def guest_avatar_hash(secret_key: str, site: str, email: str | None, name: str) -> str:
    # NUL cannot occur in a site id or an email, so no two different triples give the same seed.
    return avatar_hash(secret_key, f"guest\0{site}\0{(email or '').strip().lower()}\0{name.strip()}")


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
