"""How far the evaluator can ever read in an app: proofs that some code never runs in any walk.

The evaluator crosses from one module to another in two ways only: a name resolved through
the module's imports, re-exports and `export *` (`modules.import_value`, `module_export`,
namespaces), and the JSX usages that answer a component's props or a context's value
(`jsx.usages`), which are looked for in evidence modules. Rules start their questions in
evidence modules too. So every function any walk enters lies in an evidence module or in a
module their import sources resolve to, transitively: `evaluable_modules`. A rule that asks
"can a handler reach a call shaped like X" may take "no such call in those modules" as a
proof of "no" (TAV105 does, for leave-method calls). A new way for the evaluator to reach
another module (a dynamic `import()`, say) must be added here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from sop_check.jsmodule import Module

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex


def evaluable_modules(index: AppIndex) -> Iterator[Module]:
    """Every module the evaluator can read for this app (see the module docstring): the evidence
    modules first (those already parsed before the others), then what their imports reach.
    Modules no rule parsed are peeked at (`AppIndex.peek_module`): no diagnostic comes of it."""
    evidence = index.evidence_files()
    yielded: set[str] = set()
    for path in evidence:  # those a rule parsed already: a query that stops early parses nothing
        mod = index.parsed_module(path)
        if mod is not None:
            yielded.add(path)
            yield mod
    followed: set[str] = set()
    stack = list(reversed(evidence))
    while stack:
        path = stack.pop()
        if path in followed:
            continue
        followed.add(path)
        mod = index.peek_module(path)
        if mod is None:
            continue
        if path not in yielded:
            yield mod
        for source in import_sources(mod):
            target = index.resolve_import(mod.path, source)
            if target is not None and target not in followed:
                stack.append(target)


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
