"""Gitignore-style globs compiled to matchers that run in linear time, whatever the pattern.

Patterns come from files in the scanned tree (`exclude`, `non-evidence` and waivers in its
config, `.gitignore` outside git), so they are hostile. A glob translated to one regular
expression backtracks: `*a*a*a*a*a*b` against a 255-character name of `a`s takes hours
in Python's `re` (and in pathspec, which does exactly that). Here each path segment is
matched chunk by chunk: the text between two `*` has a fixed length, so the leftmost place
it fits is the right one (a later place could only leave less room for what follows), and
one regex search per chunk, without any quantifier, finds it. `**` is the same idea one
level up: the fixed run of segments between two `**` goes at its leftmost fit.

Semantics follow git's documentation of gitignore: `#` comments, `!` negation (the last
matching pattern decides), a leading or middle `/` anchors to the base, a trailing `/`
matches folders only, `?`, `[...]` (with `!`/`^` negation) and `*` never match `/`;
`**/` leads anywhere, `/**/` is zero or more folders, a trailing `/**` everything inside;
a file inside an ignored folder cannot be re-included. The tests compare this with
`git check-ignore` on generated patterns and paths.
"""

from __future__ import annotations

import re
from typing import Iterable

MAX_PATTERN_LENGTH = 1024
MAX_PATTERNS = 5000

_ANY_SEGMENT = "**"


class _Segment:
    """One path segment's glob: fixed-length chunks between `*`s, each one compiled regex."""

    __slots__ = ("literal", "chunks", "lengths", "starts_with_star", "ends_with_star")

    def __init__(self, glob: str) -> None:
        tokens = _tokens(glob)
        self.literal: str | None = None
        if all(kind == "lit" for kind, _ in tokens):
            self.literal = "".join(text for _, text in tokens)
        chunks: list[list[str]] = [[]]
        for kind, text in tokens:
            if kind == "star":
                if chunks[-1] or len(chunks) == 1:
                    chunks.append([])
            else:
                chunks[-1].append(re.escape(text) if kind == "lit" else text)
        self.starts_with_star = bool(tokens) and tokens[0][0] == "star"
        self.ends_with_star = bool(tokens) and tokens[-1][0] == "star"
        if self.starts_with_star and chunks and not chunks[0]:
            chunks.pop(0)
        if chunks and not chunks[-1] and self.ends_with_star:
            chunks.pop()
        self.lengths = [len(c) for c in chunks]
        self.chunks = [re.compile("".join(c), re.S) for c in chunks]

    def match(self, text: str) -> bool:
        if self.literal is not None:
            return text == self.literal
        chunks, lengths = self.chunks, self.lengths
        if not chunks:
            return True  # only stars
        pos, end = 0, len(text)
        first, last = 0, len(chunks)
        if not self.starts_with_star:
            if not chunks[0].match(text, 0):
                return False
            pos, first = lengths[0], 1
        if not self.ends_with_star:
            if last <= first and self.starts_with_star is False:
                return pos == end  # a single chunk, no star at all
            start = end - lengths[-1]
            if start < pos or not chunks[-1].match(text, start):
                return False
            end, last = start, last - 1
        for i in range(first, last):
            m = chunks[i].search(text, pos, end)
            if m is None:
                return False
            pos = m.start() + lengths[i]
        return pos <= end


def _tokens(glob: str) -> list[tuple[str, str]]:
    """(kind, text): ("lit", char), ("any", regex), ("class", regex), ("star", "*")."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(glob)
    while i < n:
        ch = glob[i]
        if ch == "\\" and i + 1 < n:
            out.append(("lit", glob[i + 1]))
            i += 2
        elif ch == "*":
            if not out or out[-1][0] != "star":
                out.append(("star", "*"))
            i += 1
        elif ch == "?":
            out.append(("any", "[^/]"))
            i += 1
        elif ch == "[":
            cls, i = _char_class(glob, i)
            out.append(("class", cls) if cls else ("lit", "["))
            if not cls:
                i += 1
        else:
            out.append(("lit", ch))
            i += 1
    return out


def _char_class(glob: str, start: int) -> tuple[str, int]:
    """A `[...]` at `start` as a regex class and the index after it; ("", start) when unterminated."""
    i = start + 1
    negate = i < len(glob) and glob[i] in "!^"
    if negate:
        i += 1
    body: list[str] = []
    first = True
    while i < len(glob):
        ch = glob[i]
        if ch == "]" and not first:
            inner = "".join(body)
            cls = f"[^/{inner}]" if negate else f"(?!/)[{inner}]"
            try:
                re.compile(cls)
            except re.error:
                cls = "(?!)"  # a reversed range (`[z-a]`) matches nothing, as in git
            return cls, i + 1
        if ch == "\\" and i + 1 < len(glob):
            body.append(re.escape(glob[i + 1]))
            i += 2
        elif ch == "-" and body and i + 1 < len(glob) and glob[i + 1] != "]":
            body.append("-")
            i += 1
        else:
            body.append(re.escape(ch) if ch not in "-" else "\\-")
            i += 1
        first = False
    return "", start


class Glob:
    """One gitignore-style pattern."""

    __slots__ = ("source", "negate", "dir_only", "groups", "descendants", "_name_only")

    def __init__(self, pattern: str, *, descendants: bool = False) -> None:
        self.source = pattern
        self.negate = pattern.startswith("!")
        body = pattern[1:] if self.negate else pattern
        if body.startswith(("\\!", "\\#")):
            body = body[1:]
        self.dir_only = body.endswith("/")
        body = body.rstrip("/")
        anchored = "/" in body
        body = body.lstrip("/")
        parts = [p for p in body.split("/") if p]
        if parts and parts[-1] == _ANY_SEGMENT:
            parts.append("*")  # a trailing `/**` is everything inside: at least one more segment
        if not anchored:
            parts.insert(0, _ANY_SEGMENT)
        # Runs of fixed segments between `**`: (group, group, ...), with `**` between each.
        groups: list[list[_Segment]] = [[]]
        for p in parts:
            if p == _ANY_SEGMENT:
                if groups[-1] or len(groups) == 1:
                    groups.append([])
            else:
                groups[-1].append(_Segment(p))
        self.groups = groups
        self.descendants = descendants  # also match everything under a match (evidence patterns)
        # `*.pem`, `**/__tests__`: a pattern on the last segment alone (most are), matched directly.
        self._name_only = groups[1][0] if len(groups) == 2 and not groups[0] and len(groups[1]) == 1 else None

    def match(self, segments: list[str], is_dir: bool = False) -> bool:
        if self.descendants:
            return any(self._match(segments[:i], True) for i in range(1, len(segments))) or \
                self._match(segments, is_dir)
        return self._match(segments, is_dir)

    def _match(self, segs: list[str], is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self._name_only is not None:
            return self._name_only.match(segs[-1])
        groups = self.groups
        if len(groups) == 1:
            g = groups[0]
            return len(g) == len(segs) and all(m.match(s) for m, s in zip(g, segs))
        head, tail = groups[0], groups[-1]
        if len(head) + len(tail) > len(segs):
            return False
        if not all(m.match(s) for m, s in zip(head, segs)):
            return False
        end = len(segs) - len(tail)
        if not all(m.match(s) for m, s in zip(tail, segs[end:])):
            return False
        pos = len(head)
        for g in groups[1:-1]:
            found = _leftmost(g, segs, pos, end)
            if found < 0:
                return False
            pos = found + len(g)
        return pos <= end


def _leftmost(group: list[_Segment], segs: list[str], start: int, end: int) -> int:
    for i in range(start, end - len(group) + 1):
        if all(m.match(s) for m, s in zip(group, segs[i:i + len(group)])):
            return i
    return -1


class GitIgnore:
    """A list of gitignore lines; `decide` is git's rule for one path, `ignored` adds the parents."""

    def __init__(self, lines: Iterable[str], *, limit_problem: list[str] | None = None) -> None:
        self.globs: list[Glob] = []
        for raw in lines:
            line = _strip_line(raw)
            if not line or line.startswith("#") or line in ("!", "/"):
                continue
            if len(line) > MAX_PATTERN_LENGTH or len(self.globs) >= MAX_PATTERNS:
                if limit_problem is not None and not limit_problem:
                    limit_problem.append(f"patterns beyond {MAX_PATTERNS} or longer than {MAX_PATTERN_LENGTH} "
                                         "characters are ignored")
                continue
            self.globs.append(Glob(line))
        self._dirs: dict[str, bool | None] = {}

    def decide(self, path: str, is_dir: bool = False) -> bool | None:
        """True (ignored), False (re-included by a `!` pattern) or None (no pattern matches)."""
        segs = path.strip("/").split("/")
        last = segs[-1]
        for g in reversed(self.globs):  # the last matching pattern decides
            name = g._name_only
            if name is not None and not name.match(last):
                continue  # what `g.match` would answer, without its calls (most lines, most paths)
            if g.match(segs, is_dir):
                return not g.negate
        return None

    def ignored(self, path: str) -> bool:
        """Is the file at `path` ignored, itself or through an ignored folder above it?"""
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder not in self._dirs:
                self._dirs[folder] = self.decide(folder, True)
            if self._dirs[folder]:
                return True
        return bool(self.decide(path))


def _strip_line(raw: str) -> str:
    """Trailing blanks go unless escaped with a backslash; a line end never counts."""
    line = raw.rstrip("\r\n")
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped + " "
    return stripped


def evidence_matcher(patterns: list[str]) -> "EvidenceMatcher":
    """For the pack's `non-evidence` patterns: a path matches when it or a folder above it does."""
    return EvidenceMatcher([Glob(p.strip(), descendants=True) for p in patterns if p.strip()])


class EvidenceMatcher:
    def __init__(self, globs: list[Glob]) -> None:
        self.globs = globs
        # Whether some pattern matches a folder (then every path below it matches): files share
        # folders, so each folder is matched once, not once per file below it.
        self._folders: dict[str, bool] = {}

    def __call__(self, path: str) -> bool:
        segs = path.split("/")
        for i in range(1, len(segs)):
            folder = "/".join(segs[:i])
            hit = self._folders.get(folder)
            if hit is None:
                hit = self._folders[folder] = any(g._match(segs[:i], True) for g in self.globs if g.descendants)
            if hit:
                return True
        return any(g._match(segs, False) for g in self.globs)
