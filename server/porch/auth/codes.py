"""The one-time code that finishes a login: short enough for a reader to type, never guessable in one try.

Ten symbols of an alphabet without look-alikes (no I, L, O or U): nine random ones (45 bits) and a check
symbol (Luhn mod 32), shown as `ABCDE-FGHJK`. The check symbol catches every single mistyped symbol and most
swapped neighbours before the code reaches the login, so the server can afford to end a login at its first
wrong code (signin.py) without punishing a reader for a typo. Case, spaces and hyphens do not matter, and the
look-alikes O, I and L are read as 0, 1 and 1.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10  # the last symbol is the check symbol
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", " ": None, "-": None, "\t": None})


def _luhn_sum(values: list[int]) -> int:
    """Luhn's sum over base-32 values, doubling every second one counted from the right."""
    total = 0
    for position, value in enumerate(reversed(values)):
        if position % 2 == 1:
            value *= 2
            value = value // len(ALPHABET) + value % len(ALPHABET)
        total += value
    return total % len(ALPHABET)


def new_code() -> str:
    payload = [secrets.randbelow(len(ALPHABET)) for _ in range(LENGTH - 1)]
    # The check value c makes the sum over payload + [c] a multiple of 32; c itself is not doubled.
    check = -_luhn_sum([*payload, 0]) % len(ALPHABET)
    return "".join(ALPHABET[value] for value in [*payload, check])


def canonical(typed: str) -> str | None:
    """The code as stored, or None when `typed` cannot be a code (wrong length, symbol or check symbol)."""
    code = typed.upper().translate(_LOOK_ALIKES)
    if len(code) != LENGTH or any(symbol not in _VALUE for symbol in code):
        return None
    if _luhn_sum([_VALUE[symbol] for symbol in code]) != 0:
        return None
    return code


def display(code: str) -> str:
    """The code as the reader sees it: two groups of five."""
    return f"{code[:5]}-{code[5:]}"
