"""The one-time code: what a reader may type, and which typos it catches before any comparison."""

from __future__ import annotations

from porch.auth.codes import ALPHABET, LENGTH, canonical, display, new_code


def test_a_new_code_reads_back_however_it_is_typed() -> None:
    code = new_code()
    assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    shown = display(code)
    assert shown == f"{code[:5]}-{code[5:]}"
    for typed in (code, shown, shown.lower(), f"  {code[:5]} {code[5:]}\t"):
        assert canonical(typed) == code


def test_look_alikes_read_as_the_symbols_they_resemble() -> None:
    code = next(c for c in iter(new_code, None) if "0" in c and "1" in c)
    assert canonical(code.replace("0", "o").replace("1", "l")) == code
    assert canonical(code.replace("0", "O").replace("1", "I")) == code


def test_every_single_typo_and_nearly_every_swap_is_caught() -> None:
    swaps = caught = 0
    for _ in range(300):
        code = new_code()
        for i in range(LENGTH):
            for symbol in ALPHABET.replace(code[i], ""):
                assert canonical(code[:i] + symbol + code[i + 1 :]) is None, (code, i, symbol)
            if i + 1 < LENGTH and code[i] != code[i + 1]:
                swaps += 1
                caught += canonical(code[:i] + code[i + 1] + code[i] + code[i + 2 :]) is None
    # Luhn mod 32 misses a swap of two neighbours only for one pair of values (as 0 and 9 in decimal Luhn).
    assert caught / swaps > 0.99


def test_what_cannot_be_a_code() -> None:
    code = new_code()
    for typed in ("", code[:-1], code + "0", code[:4] + "U" + code[5:], code[:4] + "!" + code[5:], "é" * LENGTH):
        assert canonical(typed) is None, typed


def test_codes_are_not_repeated() -> None:
    assert len({new_code() for _ in range(2000)}) == 2000
