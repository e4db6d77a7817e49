"""The unified diff `--diff` prints: what `--fix` would write, file by file, as git shows it.

The diff quotes the scanned files, so it is made inert like every other output (no control
character, no workflow command), and it never shows a secret: text a secret-marked fix
replaces (a hard-coded key) is masked wherever it appears, and so is every value in a
`.env*` file (a template may hold a real value by mistake). In code, the context lines around
an edit can quote a key the fixes never touch (or that a deselected rule would have named), so
string literals that could be one are masked too: a literal of 16+ characters without spaces or
slashes, with a digit (or 32+ long), on a line that names a key, secret, token or password, a
token after `Bearer`, and any long literal of letters mixed with
digits (a key's shape wherever it sits). Masking a harmless hash costs a reader little; showing a
key cannot be taken back.
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
# A quoted run without quotes, backslashes or blanks (linear: the run cannot contain its own end).
_LITERAL = re.compile(r"""(['"`])([^'"`\\\s]{16,})\1""")
_SECRET_WORD = re.compile(r"key|secret|token|passw|bearer|credential", re.IGNORECASE)
_BEARER = re.compile(r"""(bearer\s+)([^\s'"`$]{16,})""", re.IGNORECASE)
# Shorter than TAV103's placeholder list (rules/_security.py) on purpose: a masked diff errs wide
# (`test_…`, `fake…` and `dummy…` can be real test-mode keys), while a finding must not cry wolf.
_PLACEHOLDER = re.compile(r"your|xxx|example|placeholder|changeme|\.\.\.|\*\*\*", re.IGNORECASE)


def masked_line(line: str, secrets: list[str], env: bool) -> str:
    for secret in secrets:
        if secret:
            line = line.replace(secret, f"<redacted, {len(secret)} chars>")
    if env:
        line = _ENV_VALUE.sub(lambda m: m.group(1) + "<value hidden>", line)
    else:
        line = mask_key_literals(line)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def mask_key_literals(line: str) -> str:
    """A code line with every string literal that could be a key masked (see the module's docstring)."""
    named = _SECRET_WORD.search(line) is not None

    def mask(m: re.Match[str]) -> str:
        value = m.group(2)
        if _PLACEHOLDER.search(value) or value.startswith(("http", "/", "$", "@", "./", "../")):
            return m.group(0)
        shaped = len(value) >= 24 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and \
            all(c.isalnum() or c in "_-" for c in value)
        keyish = "/" not in value and (any(c.isdigit() for c in value) or len(value) >= 32)  # not a MIME type
        return f"{m.group(1)}<redacted, {len(value)} chars>{m.group(1)}" if (named and keyish) or shaped \
            else m.group(0)

    line = _BEARER.sub(lambda m: m.group(0) if _PLACEHOLDER.search(m.group(2)) else
                       f"{m.group(1)}<redacted, {len(m.group(2))} chars>", line)
    return _LITERAL.sub(mask, line)


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
