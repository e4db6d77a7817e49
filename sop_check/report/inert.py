"""Output is inert: every string that came from the scanned tree is neutralised for its sink.

Paths, labels, identifiers and messages built from them can hold anything a file name or a
file can: ESC and OSC sequences (a terminal obeys them), CR/LF (a forged line), `::error`
or `::add-mask::` at a line start and `##[...]` anywhere in a line (GitHub Actions runs
those from stdout *and* stderr), characters XML forbids (the JUnit file would not parse),
undecodable bytes of a file name (writing the report would raise). Reporters get a copy of
the report whose strings are cleaned (`sanitized`); whatever they print then passes through
`neutralise_commands`, which makes a workflow command impossible in any format.

Escapes are visible and, for paths, reversible: a control character becomes `\\u001b`, an
undecodable byte of a name `\\xe9`, and in paths a backslash `\\\\`; SARIF turns a path back
into its bytes and percent-encodes them (`path_bytes`).
"""

from __future__ import annotations

import copy
import enum
import re
from typing import Any

# C0 and C1 controls, DEL; line and paragraph separators; bidirectional overrides and isolates
# (Trojan Source); the BOM and noncharacters; lone surrogates (undecodable bytes of a name).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                     "\ufeff\ufffe\uffff\ud800-\udfff]")
_UNSAFE_OR_BACKSLASH = re.compile(_UNSAFE.pattern[:-1] + "\\\\]")
# Field names whose value is a path: escaped reversibly, so SARIF can recover the bytes.
PATH_FIELDS = frozenset({"path", "root", "repo_root", "scanned_path", "config_path"})
_SKIP_FIELDS = frozenset({"rules"})  # rule metadata is ours (the pack), and its docs are Markdown
# An edit's text must stay exactly what a fix writes (a tab is a tab): JSON and SARIF escape it as
# data (`json_inert`), and the text formats never print it unescaped (sop_check.report.fixnote).
_VERBATIM_FIELDS = frozenset({"content"})


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch == "\\":
        return "\\\\"
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the undecodable byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def clean(text: str) -> str:
    """A message safe for any sink: no control, bidi or separator character, no lone surrogate."""
    return _UNSAFE.sub(_escape, text)


def clean_path(text: str) -> str:
    """A path safe for any sink, escaped reversibly (`path_bytes` undoes it)."""
    return _UNSAFE_OR_BACKSLASH.sub(_escape, text)


_PATH_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def path_bytes(clean: str) -> bytes:
    """The bytes of the name `clean_path` escaped (undecodable bytes as they were on disk)."""
    out = bytearray()
    pos = 0
    for m in _PATH_ESCAPE.finditer(clean):
        out += clean[pos:m.start()].encode("utf-8", "surrogatepass")
        token = m.group(1)
        if token == "\\":
            out += b"\\"
        elif token[0] == "x":
            out.append(int(token[1:], 16))
        else:
            out += chr(int(token[1:], 16)).encode("utf-8", "surrogatepass")
        pos = m.end()
    out += clean[pos:].encode("utf-8", "surrogatepass")
    return bytes(out)


def sanitized(report: Any, *, markdown: bool = False) -> Any:
    """A copy of the report with every string cleaned (paths reversibly). New fields are covered
    without being named here: the copy walks whatever the records hold.

    `markdown`: for the job summary, where a backtick, `|`, `<` or `](` would be markup; they
    become look-alikes (the summary is read by people, never parsed back).
    """
    return _walk(report, "", markdown)


def _walk(value: Any, name: str, md: bool) -> Any:
    if isinstance(value, enum.Enum) or value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        text = clean_path(value) if name in PATH_FIELDS else clean(value)
        return _markdown_safe(text) if md else text
    if isinstance(value, list):
        return [_walk(v, name, md) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v, name, md) for v in value)
    if isinstance(value, dict):
        return {(_walk(k, "", md) if isinstance(k, str) else k): _walk(v, "", md) for k, v in value.items()}
    if hasattr(value, "__dict__"):
        out = copy.copy(value)
        for field, inner in vars(value).items():
            if field not in _SKIP_FIELDS and field not in _VERBATIM_FIELDS:
                object.__setattr__(out, field, _walk(inner, field, md))
        return out
    return value


_MARKDOWN_LOOKALIKES = str.maketrans({"`": "'", "|": "\u00a6", "<": "\u2039", ">": "\u203a"})


def _markdown_safe(text: str) -> str:
    return text.translate(_MARKDOWN_LOOKALIKES).replace("](", "] (")


def json_inert(text: str) -> str:
    """JSON text in which no character a terminal or a bidi-aware viewer acts on remains raw.

    `json.dumps(..., ensure_ascii=False)` escapes only C0 controls; C1 controls, DEL, line
    separators and bidi overrides can appear only inside strings (the verbatim text of an edit),
    where a `\\uXXXX` escape is the same value.
    """
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# What `_UNSAFE` holds beyond C0 (which JSON escapes itself, and whose newlines lay the text out).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                          "\ufeff\ufffe\uffff\ud800-\udfff]")


# -- workflow commands ------------------------------------------------------------------------
# GitHub's runner trims leading whitespace and runs `::name ...::data`; its older parser finds
# `##[name ...]` anywhere in a line. Both are broken up, each in a way its format reads back:
# JSON keeps the value (`\u005b` is `[`), XML too (`&#91;`), text shows a visible escape.
_LEGACY = "##["
_BREAKS = {
    "text": (":\\:", "##\\["),
    "json": ("", "##\\u005b"),  # a JSON line never starts with `::` outside a string: nothing to break
    "xml": ("&#58;:", "##&#91;"),
    # Every line is one of our annotations (data escaped by the reporter); `##[` is broken anyway.
    "github": ("", "##\\["),
}


def neutralise_commands(text: str, style: str = "text") -> str:
    """`text` (one or many lines) in which no line is a workflow command and no `##[` remains."""
    start_break, legacy_break = _BREAKS[style]
    if _LEGACY in text:
        text = text.replace(_LEGACY, legacy_break)
    if not start_break or "::" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        body = line.lstrip()
        if body.startswith("::"):
            lines[i] = line[:len(line) - len(body)] + start_break + body[2:]
    return "\n".join(lines)
