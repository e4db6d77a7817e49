"""`.env*` files, read the way Next.js reads them (npm `dotenv` + `dotenv-expand`).

Values are wrapped in `Secret` the moment they are read: printing, formatting or
repr-ing one shows `<redacted, N chars>`, never the value. Problems are one-line
messages with a line number and the cause, never the value.

Differences from python-dotenv that matter here, and why we parse ourselves:
npm dotenv accepts backtick quotes, treats `#` as a comment only after
whitespace in an unquoted value, and expands `\\n` only in double quotes; keys may
be followed by `:` as well as `=`.
"""

from __future__ import annotations

import re
from dataclasses import field
from sop_check.records import record
from pathlib import Path

MAX_ENV_BYTES = 1_000_000

# dotenv 16's line grammar: optional `export`, a key, `=` or `:`, then a quoted or bare value.
# Unlike dotenv's own `^\s*`, the blanks before a key stop at the line end: `\s*` there made
# every blank line rescan all the blank lines after it (quadratic: 8,000 blank lines took
# 3 s, 8,000 lines of spaces 14 s). A key found after blank lines starts its own line anyway.
_LINE = re.compile(
    r"""^[^\S\n]*(?:export\s+)?(?P<key>[\w.-]+)(?:\s*=\s*?|:\s+?)(?P<value>\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$""",
    re.MULTILINE,
)
_COMMENTED = re.compile(r"^[ \t]*#[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*[=:]", re.MULTILINE)
_EXPAND = re.compile(r"(?<!\\)\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}?")


class Secret:
    """A value that must never be shown."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._value.strip())

    def __repr__(self) -> str:
        return f"<redacted, {len(self._value)} chars>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", len(self._value)))


@record
class EnvEntry:
    key: str
    line: int
    value: Secret
    exported: bool = False
    expansion_unknown: bool = False  # `${VAR}` expansion over budget: the value is not known

    @property
    def empty(self) -> bool:
        return not self.value


@record
class EnvFile:
    path: Path
    name: str
    entries: list[EnvEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Keys defined only in commented-out lines (`# TAVUS_API_KEY=...`): name -> first such line.
    commented: dict[str, int] = field(default_factory=dict)

    def get(self, key: str) -> EnvEntry | None:
        found = None
        for e in self.entries:
            if e.key == key:
                found = e  # later definitions win, as in dotenv
        return found

    def keys(self) -> set[str]:
        return {e.key for e in self.entries}


def _unquote(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        quote = value[0]
        value = value[1:-1]
        if quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
    return value


def parse_env_text(text: str) -> tuple[list[EnvEntry], list[str]]:
    """Entries in file order (duplicates kept; `EnvFile.get` returns the last) and problems."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    entries: list[EnvEntry] = []
    problems: list[str] = []
    consumed: set[int] = set()
    pos, line = 0, 1  # line numbers counted as the matches go: recounting from 0 was quadratic
    for m in _LINE.finditer(text):
        start = m.start("key")
        line += text.count("\n", pos, start)
        pos = start
        raw = m.group("value") or ""
        line_start = text.rfind("\n", 0, start) + 1
        exported = text[line_start:start].strip().startswith("export")
        entries.append(EnvEntry(m.group("key"), line, Secret(_unquote(raw)), exported))
        for n in range(line, line + raw.count("\n") + 1):
            consumed.add(n)
    bad = [number for number, content in enumerate(text.split("\n"), start=1)
           if content.strip() and not content.strip().startswith("#") and number not in consumed]
    problems.extend(f"line {number}: not a KEY=value line; ignored" for number in bad[:MAX_LINE_PROBLEMS])
    if len(bad) > MAX_LINE_PROBLEMS:
        problems.append(f"and {len(bad) - MAX_LINE_PROBLEMS} more lines that are not KEY=value lines; ignored")
    problems.extend(_expand(entries))
    return entries, problems


MAX_LINE_PROBLEMS = 20  # a file of 100,000 bad lines is one problem to fix, not 100,000 diagnostics
# dotenv-expand substitutes earlier values: `B=${A}${A}`, `C=${B}${B}`... doubles at every line, so
# a 1 KB file can ask for gigabytes. Over these budgets a value is left unexpanded and unknown.
MAX_EXPANDED_CHARS = 65_536
MAX_EXPANSION_DEPTH = 64


class _OverBudget(Exception):
    pass


def _expand(entries: list[EnvEntry]) -> list[str]:
    """dotenv-expand: `${VAR}` and `$VAR` refer to earlier keys of the file (empty if unknown).

    Returns the problems: each value over the size or depth budget is named (never shown) and
    keeps its text unexpanded, marked `expansion_unknown`.
    """
    known: dict[str, str] = {}
    depth: dict[str, int] = {}
    problems: list[str] = []
    for e in entries:
        raw = e.value.reveal()
        level = 0
        if "$" in raw:
            try:
                raw, level = _substitute(raw, known, depth)
                e.value = Secret(raw)
            except _OverBudget as over:
                e.expansion_unknown = True
                if len(problems) < MAX_LINE_PROBLEMS:
                    problems.append(f"line {e.line}: {e.key} expands {over}; its value is unknown (not expanded)")
        known[e.key] = raw
        depth[e.key] = level
    return problems


def _substitute(raw: str, known: dict[str, str], depth: dict[str, int]) -> tuple[str, int]:
    size = len(raw)
    level = 0
    parts: list[str] = []
    pos = 0
    for m in _EXPAND.finditer(raw):
        value = known.get(m.group(1), m.group(2) or "")
        level = max(level, depth.get(m.group(1), 0) + 1)
        size += len(value) - (m.end() - m.start())
        if size > MAX_EXPANDED_CHARS:
            raise _OverBudget(f"to more than {MAX_EXPANDED_CHARS} characters")
        if level > MAX_EXPANSION_DEPTH:
            raise _OverBudget(f"through more than {MAX_EXPANSION_DEPTH} levels of references")
        parts += (raw[pos:m.start()], value)
        pos = m.end()
    parts.append(raw[pos:])
    return "".join(parts), level


def parse_env_file(path: Path) -> EnvFile:
    env = EnvFile(path=path, name=path.name)
    try:
        if path.is_dir():
            env.problems.append("is a directory, not an env file")
            return env
        with open(path, "rb") as fh:
            data = fh.read(MAX_ENV_BYTES + 1)
    except OSError as exc:
        cause = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or "cannot read").lower()
        env.problems.append(f"cannot read: {cause}")
        return env
    return parse_env_bytes(path, data)


def parse_env_bytes(path: Path, data: bytes) -> EnvFile:
    """An env file from its bytes (read from disk, or a blob staged in the git index)."""
    env = EnvFile(path=path, name=path.name)
    if len(data) > MAX_ENV_BYTES:
        env.problems.append(f"skipped: larger than {MAX_ENV_BYTES} bytes")
        return env
    if b"\0" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        env.problems.append("skipped: binary file")
        return env
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            env.problems.append(f"not valid UTF-8 (byte {exc.start}); undecodable bytes were replaced")
            text = data.decode("utf-8", errors="replace")
    env.entries, problems = parse_env_text(text)
    env.problems.extend(problems)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for m in _COMMENTED.finditer(text):
        env.commented.setdefault(m.group(1), text.count("\n", 0, m.start()) + 1)
    return env
