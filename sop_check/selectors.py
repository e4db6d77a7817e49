"""Rule selectors (`TAV001`, a prefix such as `TAV0`, `ALL`): what they match, and why a typo matches nothing.

Apart from the config because the command line's `--select`/`--ignore` and `explain` ask the same
questions of what the user typed, with no config involved.
"""

from __future__ import annotations

from typing import Iterable


def selects_nothing(selector: str, codes: Iterable[str]) -> str | None:
    """Why `selector` matches no rule ("unknown rule code 'X' (did you mean Y?)"), or None if it matches.

    A code, a prefix of codes (`TAV0`) or `ALL` matches. A typo (`TAV0O1`, `TAV00l`) that
    matched nothing used to run zero rules and pass; it is an error naming the closest code.
    """
    known = list(codes)
    if not selector:
        return "empty rule code (it would select every rule)"
    if selector == "ALL" or any(c.startswith(selector) for c in known):
        return None
    close = closest_code(selector, [*known, "ALL"])
    return f"unknown rule code '{selector}'" + (f" (did you mean {close}?)" if close else "")


def closest_code(typed: str, known: list[str]) -> str | None:
    """The code the user probably meant: letters typed for digits first (O for 0, l or I for 1), then spelling."""
    heads = {c.rstrip("0123456789") for c in known if c[-1:].isdigit()}  # "TAV"
    head = next((h for h in sorted(heads, key=len, reverse=True) if typed.upper().startswith(h)), "")
    fixed = (head + typed[len(head):].translate(_DIGIT_LOOKALIKES)).upper()
    if fixed != typed.upper() and any(c.startswith(fixed) for c in known):
        return fixed  # a code, or a prefix of codes
    import difflib

    close = difflib.get_close_matches(typed.upper(), known, n=1, cutoff=0.6)
    return close[0] if close else None


_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "L": "1", "i": "1"})


def matching_codes(selector: str, codes: list[str]) -> list[str]:
    if selector == "ALL":
        return list(codes)
    return [c for c in codes if c.startswith(selector)]
