"""The unified diff `--diff` prints: what `--fix` would write, file by file, as git shows it.

The diff quotes the scanned files, so it is made inert like every other output (no control
character, no workflow command), and it never shows a secret: text a secret-marked fix
replaces (a hard-coded key) is masked wherever it appears, and so is every value in a
`.env*` file (a template may hold a real value by mistake).
"""

from __future__ import annotations

import difflib
import re

from sop_check.report.inert import neutralise_commands

# Controls other than tab, C1, separators, bidi overrides, BOM: shown as escapes (inert.py's set).
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                     "\ufeff\ufffe\uffff\ud800-\udfff]")
_ENV_VALUE = re.compile(r"^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*)(\S.*)$")
_NO_NEWLINE = "\\ No newline at end of file"


def masked_line(line: str, secrets: list[str], env: bool) -> str:
    for secret in secrets:
        if secret:
            line = line.replace(secret, f"<redacted, {len(secret)} chars>")
    if env:
        line = _ENV_VALUE.sub(lambda m: m.group(1) + "<value hidden>", line)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def unified_diff(path: str, before: bytes | None, after: bytes, secrets: list[str] | None = None) -> str:
    """The diff of one file (`before` None: the file is created), `a/` and `b/` prefixed as git does."""
    env = path.rsplit("/", 1)[-1].startswith(".env")
    old = _lines(before or b"")
    new = _lines(after)
    out = []
    header = [f"--- {'a/' + path if before is not None else '/dev/null'}", f"+++ b/{path}"]
    for line in difflib.unified_diff(old, new, n=3, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(line)
            continue
        mark, text = line[:1], line[1:]
        ends = text.endswith("\n")
        text = text.rstrip("\n").rstrip("\r")
        out.append(mark + masked_line(text, secrets or [], env))
        if not ends:
            out.append(_NO_NEWLINE)
    if not out:
        return ""
    return neutralise_commands("\n".join(header + out) + "\n", "text")


def _lines(data: bytes) -> list[str]:
    """Lines with their ends, split at `\n` only (a U+2028 inside a string is not a line end)."""
    text = data.decode("utf-8", errors="replace")
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])
