"""Where the built widget files are: inside the installed package, or static/ in a source checkout."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

_PACKAGED = Path(__file__).parent / "static"
_CHECKOUT = Path(__file__).resolve().parents[2] / "static"


def static_dir() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@dataclass(frozen=True)
class Asset:
    body: bytes
    etag: str
    media_type: str


def load_asset(path: Path, media_type: str) -> Asset | None:
    """A file read once, with a strong ETag, or None when it has not been built."""
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return None
    return Asset(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', media_type)
