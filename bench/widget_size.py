"""Prints the size of the built widget: raw, gzip (level 6, what most servers send, and 9), each language pack and
the sign-in UI.

    python bench/widget_size.py           # exits 1 when porch.js is over its 12 kB gzip budget at either level
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
BUDGET = 12_000  # bytes of porch.js after gzip, everything an English reader needs: 12 kB = 12,000 bytes


def gzipped(data: bytes, level: int) -> int:
    return len(gzip.compress(data, compresslevel=level, mtime=0))


def main() -> int:
    bundle = (STATIC / "porch.js").read_bytes()
    size6, size9 = gzipped(bundle, 6), gzipped(bundle, 9)
    print(
        f"porch.js            {len(bundle):>7,} B raw  {size6:>6,} B gzip -6  {size9:>6,} B gzip -9  (budget {BUDGET:,} B)"
    )
    for pack in sorted((STATIC / "i18n").glob("*.json")):
        data = pack.read_bytes()
        print(
            f"i18n/{pack.name:<14} {len(data):>7,} B raw  {gzipped(data, 6):>6,} B gzip -6  (loaded only for that language)"
        )
    auth = (STATIC / "auth.js").read_bytes()
    print(
        f"auth.js             {len(auth):>7,} B raw  {gzipped(auth, 6):>6,} B gzip -6  (loaded only where sign-in is offered)"
    )
    extras = (STATIC / "extras.js").read_bytes()
    print(
        f"extras.js           {len(extras):>7,} B raw  {gzipped(extras, 6):>6,} B gzip -6"
        "  (loaded on first use: editing, more pages, reports, moderator tools)"
    )
    console = (STATIC / "admin" / "console.js").read_bytes()
    print(f"admin/console.js    {len(console):>7,} B raw  {gzipped(console, 6):>6,} B gzip -6  (the moderation console)")
    if max(size6, size9) > BUDGET:
        print(f"over budget by {max(size6, size9) - BUDGET} B", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
