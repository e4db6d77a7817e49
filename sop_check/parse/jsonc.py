"""JSON with comments and trailing commas, as tsconfig.json and jsconfig.json allow."""

from __future__ import annotations

import json
from typing import Any


def _strip(text: str) -> str:
    """Drop // and /* */ comments and trailing commas outside strings, in one pass."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "}]":
                i += 1  # a trailing comma: legal in tsconfig, not in JSON
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def loads(text: str) -> Any:
    """Parse JSONC; raises ValueError with a one-line cause."""
    from sop_check.parse.limits import json_depth, too_deep

    stripped = _strip(text.lstrip("\ufeff"))
    problem = too_deep(json_depth(stripped))
    if problem:
        raise ValueError(problem)
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
