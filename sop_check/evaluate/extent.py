"""How far the evaluator can ever read in an app: proofs that some code never runs in any walk.

The evaluator crosses from one module to another in two ways only: a name resolved through
the module's imports, re-exports and `export *` (`modules.import_value`, `module_export`,
namespaces), and the JSX usages that answer a component's props or a context's value
(`jsx.usages`), which are looked for in evidence modules. Rules start their questions in
evidence modules too. So every function any walk enters lies in an evidence module or in a
module their import sources resolve to, transitively: `evaluable_files`. A rule that asks
"can a handler reach a call shaped like X" may take "no such call in those modules" as a
proof of "no" (TAV105 does, for leave-method calls). A new way for the evaluator to reach
another module (a dynamic `import()`, say) must be added here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Iterator

from sop_check.jsmodule import Module
from sop_check.parse.typescript import CODE_EXTENSIONS

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex


ANY_QUOTE = re.compile(rb"['\"]")
# A literal's text: anything but its quote, a backslash or a line end; a backslash escapes one
# character (or a CRLF). Lexed from any start the same way: a run of backslashes never begins
# before the opening quote.
_LITERAL = {ord(q): re.compile(rb"[^%s\\\r\n]*+(?:\\(?:\r\n|[\s\S])[^%s\\\r\n]*+)*+" % (q.encode(), q.encode()))
            for q in "'\""}


def evaluable_files(index: AppIndex) -> Iterator[str]:
    """Every module the evaluator can read for this app (see the module docstring), as paths: the
    evidence files, then what their imports reach. Imports are over-approximated from bytes
    (`specifier_candidates`: every string literal that could name a module), so nothing is parsed
    for the closure; a larger closure only weakens the proof. Files the byte scan cannot answer
    for are peeked at (`AppIndex.peek_module`, no diagnostic) and their parsed imports added."""
    starts = _literal_starts(index.resolver.specifier_prefixes())
    followed: set[str] = set()
    stack = list(reversed(index.evidence_files()))
    while stack:
        path = stack.pop()
        if path in followed:
            continue
        followed.add(path)
        if not path.endswith(CODE_EXTENSIONS):
            continue
        data = index.read_bytes(path, quiet=True)  # a problem is said when a rule reads the file
        if data is None:
            continue
        yield path
        specs = specifier_candidates(data, starts)
        if specs is None:
            mod = index.peek_module(path)
            specs = set(import_sources(mod)) if mod is not None else set()
        for source in sorted(specs, reverse=True):
            target = index.resolve_import(path, source)
            if target is not None and target not in followed:
                stack.append(target)


def specifier_candidates(data: bytes, starts: re.Pattern[bytes] = ANY_QUOTE) -> set[str] | None:
    """A superset of the import and re-export specifiers the parser reads in `data`, or None when
    the bytes cannot say it cheaply (the caller parses). A specifier is a plain string literal whose
    value is its text between the quotes, so every quote in the file (in code, comments or other
    strings alike) is taken as the start of a literal, lexed as the grammar does: up to the next
    unescaped same quote, or the end of the line or file (an unterminated literal ends there).
    `starts` may skip quotes whose literal could not resolve (`_literal_starts`). A literal with
    an escape the grammar rejects (`\\x`, `\\u`: the parser's value may then differ from the text)
    or a scan longer than a few times the file (crafted input) gives None."""
    found: set[str] = set()
    budget = 4 * len(data) + 4096
    for start in starts.finditer(data):
        at = start.start()
        body = _LITERAL[data[at]].match(data, at + 1)
        assert body is not None  # the pattern matches the empty string
        budget -= body.end() - at
        text = body.group()
        if budget < 0 or b"\\x" in text or b"\\u" in text or data[body.end():body.end() + 1] == b"\\":
            return None
        found.add(text.decode("utf-8", "replace"))
    return found


def _literal_starts(prefixes: tuple[str, ...] | None) -> re.Pattern[bytes]:
    """Quotes opening a literal that starts with one of `prefixes` (all quotes for None)."""
    if prefixes is None:
        return ANY_QUOTE
    return re.compile(rb"['\"](?=" + b"|".join(re.escape(p.encode()) for p in prefixes) + rb")")


def import_sources(mod: Module) -> Iterator[str]:
    """The specifiers the evaluator resolves for `mod`: imports, re-exports, `export *`."""
    yield from (binding.source for binding in mod.imports.values())
    yield from (entry.source for entry in mod.exports.values() if entry.source is not None)
    yield from mod.star_exports


def code_may_contain(index: AppIndex, words: Iterable[str]) -> bool:
    """Could any module the index can parse hold one of `words` (exact, case-sensitive)? A cheap
    first proof, from bytes only: every listed code file is read (quietly), and below the
    repository root the answer is True (`../` files can be imported without being listed)."""
    wanted = tuple(sorted(set(words)))
    key = f"code-may-contain:{wanted!r}"
    if key not in index.memo:
        index.memo[key] = index.rel_root != "." or any("\ufffd" in w for w in wanted) or \
            any(_file_holds(index, f, wanted) for f in index.code_files())
    return bool(index.memo[key])


def _file_holds(index: AppIndex, app_path: str, words: tuple[str, ...]) -> bool:
    data = index.read_bytes(app_path, quiet=True)
    return data is not None and any(w.encode() in data for w in words)
