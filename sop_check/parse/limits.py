"""Nesting measured before a parser sees the text, so hostile input cannot crash or exhaust one.

libcst's native parser overflows the C stack (the process dies: rc 139, no report) at about
1,200 nested brackets or 6,000 chained operators; `json` and `tomllib` recurse per level
and raise `RecursionError` from deep inside. Each measure here is one linear pass (regular
expressions without backtracking, then C-level accumulation), and errs on the side of "too
deep": a bracket inside a string or comment may be counted, never one missed.
"""

from __future__ import annotations

import re
import threading
from itertools import accumulate
from typing import Any, Callable, TypeVar

T = TypeVar("T")

# Far above anything real (package.json, tsconfig and configs nest a handful of levels), far
# below where the parsers fail.
MAX_DATA_DEPTH = 100
# libcst's parser crashes near 1,200 nested brackets or 6,000 chained operators; the rules'
# visitors over its tree recurse in Python and reach the recursion limit near 400 chained
# operators. One bracket counts as 6 chain links in the estimate below (CPython itself refuses
# more than 200 nested brackets; real code stays far below 200 units).
MAX_PYTHON_DEPTH = 200
_BRACKET_WEIGHT = 6
PARSER_STACK_BYTES = 256 * 1024 * 1024  # libcst parses on a thread with this much stack (virtual)

_ESCAPE = re.compile(r"\\.", re.S)
_JSON_STRING = re.compile(r'"[^"]*"')
_TOML_SKIP = re.compile(r'"""[^"]*(?:"{1,2}[^"]+)*"""|\'\'\'[^\']*(?:\'{1,2}[^\']+)*\'\'\''
                        r'|"[^"\n]*"|\'[^\'\n]*\'|#[^\n]*')
_OPENERS = str.maketrans({"[": "(", "{": "("})
_CLOSERS = str.maketrans({"]": ")", "}": ")"})


def _max_depth(text: str) -> int:
    """Deepest bracket nesting in `text` (brackets of every kind, strings already removed)."""
    opens = text.count("[") + text.count("{") + text.count("(")
    if opens <= MAX_DATA_DEPTH:
        return opens  # cannot be deeper than the number of openers: skip the walk
    kept = re.sub(r"[^\[\]{}()]+", "", text).translate(_OPENERS).translate(_CLOSERS)
    steps = (1 if c == "(" else -1 for c in kept)
    return max(accumulate(steps, initial=0))


def json_depth(text: str) -> int:
    """Bracket depth of JSON or JSONC text, strings removed (a comment's brackets may count)."""
    return _max_depth(_JSON_STRING.sub("", _ESCAPE.sub("", text)))


def toml_depth(text: str) -> int:
    """Bracket depth of TOML text, strings and comments removed."""
    return _max_depth(_TOML_SKIP.sub("", _ESCAPE.sub("", text)))


def too_deep(depth: int, limit: int = MAX_DATA_DEPTH) -> str | None:
    """The one-line problem for a depth over the limit, or None."""
    return f"nests more than {limit} levels deep; not parsed" if depth > limit else None


# -- Python ---------------------------------------------------------------------------------
# Comments and strings without an f prefix go (their brackets are text); an f-string keeps its
# brackets (`{` nests expressions) but not its `#` or quotes, which would confuse the scan.
_PY_LEXEME = re.compile(
    r"""(?P<comment>\#[^\n]*)"""
    r"""|(?<![A-Za-z0-9_])(?P<fprefix>[rRbBuU]?[fFtT][rRbBuU]?|[rRbBuU]{0,2})"""
    r"""(?P<string>'''[^']*(?:'{1,2}[^']+)*'''|\"\"\"[^"]*(?:"{1,2}[^"]+)*\"\"\"|'[^'\n]*'|"[^"\n]*")""")
# Tokens that add a level to the syntax tree when chained: operators, postfix dots, keywords.
_PY_TOKEN = re.compile(
    r"[(\[{]|[)\]}]|[,;]|\n|\*\*|//|<<|>>|[<>=!]=|->|:=|[-+*/%@&|^~<>.']"
    r"|(?<![A-Za-z0-9_])(?:and|or|not|if|else|lambda|await|in|is|yield)(?![A-Za-z0-9_])")


def _strip_python(match: re.Match[str]) -> str:
    """A comment goes; a string becomes one `'` (adjacent strings chain: `'a' 'b' 'c'` nests)."""
    if match.group("comment") is not None:
        return ""
    prefix = match.group("fprefix")
    if prefix and any(c in "fFtT" for c in prefix):
        return "'" + _fstring_brackets(match.group("string"))
    return "'"


_FSTRING_PART = re.compile(r"\{\{|\}\}|[{}()\[\]]")


def _fstring_brackets(body: str) -> str:
    """The brackets of an f-string's replacement fields (`{...}`); literal text's are text."""
    kept: list[str] = []
    depth = 0
    for m in _FSTRING_PART.finditer(body):
        tok = m.group()
        if tok in ("{{", "}}") and depth == 0:
            continue  # an escaped brace in the literal text
        if tok[0] == "{":
            depth += 1
            kept.append("{" * len(tok))
        elif tok[0] == "}":
            depth = max(0, depth - len(tok))
            kept.append("}" * len(tok))
        elif depth > 0:
            kept.append(tok)
    return "".join(kept)


def python_depth(source: str) -> int:
    """An upper estimate of the syntax-tree depth libcst would build for `source`.

    Open brackets count 6 each; operators, keywords and bracketed groups chained without a
    separator (`,`, `;`, or a line end outside brackets) count 1 each, summed over every open
    bracket.
    """
    text = _PY_LEXEME.sub(_strip_python, _ESCAPE.sub("", source))
    stack: list[int] = []  # the chain length of each enclosing bracket's segment
    chain = 0  # the current segment's chain length
    total = 0  # sum(stack) + chain + weight * len(stack), kept up to date
    deepest = 0
    for m in _PY_TOKEN.finditer(text):
        tok = m.group()
        if tok in ("(", "[", "{"):
            # The group is one more link of the enclosing chain (`f()()()` nests like `a.b.c`).
            stack.append(chain + 1)
            chain = 0
            total += 1 + _BRACKET_WEIGHT
        elif tok in (")", "]", "}"):
            if stack:
                total -= chain + _BRACKET_WEIGHT
                chain = stack.pop()  # already counted in `total` while it was on the stack
        elif tok in (",", ";") or (tok == "\n" and not stack):
            total -= chain
            chain = 0
        elif tok != "\n":
            chain += 1
            total += 1
        if total > deepest:
            deepest = total
    return deepest


def call_with_large_stack(fn: Callable[[], T]) -> T:
    """Run `fn` on a thread with a large stack: a native parser's depth limit then does not depend on
    the main thread's `ulimit -s`. Exceptions are re-raised here."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller as it was
            box["error"] = exc

    previous = threading.stack_size()
    try:
        threading.stack_size(PARSER_STACK_BYTES)
        worker = threading.Thread(target=target, name="sop-check-parser")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def loads_json(text: str) -> Any:
    """`json.loads` after the nesting check; too deep is a ValueError with a one-line cause."""
    import json

    problem = too_deep(json_depth(text))
    if problem:
        raise ValueError(problem)
    return json.loads(text)
