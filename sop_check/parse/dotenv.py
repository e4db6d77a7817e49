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
_LINE = re.compile(
    r"""(?:^|^)\s*(?:export\s+)?(?P<key>[\w.-]+)(?:\s*=\s*?|:\s+?)(?P<value>\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)""",
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
    for m in _LINE.finditer(text):
        start = m.start("key")
        line = text.count("\n", 0, start) + 1
        raw = m.group("value") or ""
        line_start = text.rfind("\n", 0, start) + 1
        exported = text[line_start:start].strip().startswith("export")
        entries.append(EnvEntry(m.group("key"), line, Secret(_unquote(raw)), exported))
        for n in range(line, line + raw.count("\n") + 1):
            consumed.add(n)
    for number, content in enumerate(text.split("\n"), start=1):
        s = content.strip()
        if not s or s.startswith("#") or number in consumed:
            continue
        problems.append(f"line {number}: not a KEY=value line; ignored")
    _expand(entries)
    return entries, problems


def _expand(entries: list[EnvEntry]) -> None:
    """dotenv-expand: `${VAR}` and `$VAR` refer to earlier keys of the file (empty if unknown)."""
    known: dict[str, str] = {}
    for e in entries:
        raw = e.value.reveal()
        if "$" in raw:
            raw = _EXPAND.sub(lambda m: known.get(m.group(1), m.group(2) or ""), raw)
            e.value = Secret(raw)
        known[e.key] = raw


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
