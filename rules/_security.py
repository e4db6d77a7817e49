"""Shared queries of the security rules (TAV101-TAV105): client modules, literal keys, all code."""

from __future__ import annotations

import re
from typing import Any, Iterator

from sop_check.index import AppIndex
from sop_check.jsmodule import Module, string_value
from sop_check.parse.typescript import CODE_EXTENSIONS
from sop_check_rules._python_facts import PyFacts, py_facts

# Values that are obviously not a real key.
_PLACEHOLDER = re.compile(r"your|xxx|<|>|example|placeholder|dummy|fake|changeme|replace|\.\.\.|\*\*\*|^test", re.I)


def looks_like_key(value: str) -> bool:
    """A literal that could be a real API key: long enough, no spaces, not a placeholder."""
    v = value.strip()
    return len(v) >= 16 and " " not in v and not _PLACEHOLDER.search(v) and not v.startswith(("http", "/", "$"))


def key_like_name(name: str) -> bool:
    """`TAVUS_API_KEY`, `tavusSecret`, `apiKey`, `x-api-key`... by string search, not a regex: the
    name can be a megabyte-long computed key, and `tavus.*(key|…)` backtracked over it quadratically."""
    low = name.lower()
    tail = low[:-1] if low.endswith("\n") else low  # where a regex `$` would match
    if tail in ("apikey", "api_key", "x-api-key") or tail.endswith(("_apikey", "_api_key")):
        return True
    return any(_tavus_then(line, ("key", "secret", "token")) for line in low.split("\n"))


def _tavus_then(line: str, words: tuple[str, ...]) -> bool:
    """Does `tavus` occur with one of `words` after it? (The first `tavus` leaves the most room.)"""
    start = line.find("tavus")
    return start >= 0 and any(w in line[start + 5:] for w in words)


def all_modules(index: AppIndex, needles: tuple[str, ...]) -> Iterator[Module]:
    """Every code file of the app that holds a needle (leaks matter anywhere, shipping or not)."""
    wanted = tuple(n.lower().encode() for n in needles)
    for f in index.code_files():  # TypeScript and JavaScript: Python files are `python_modules`
        data = index.lowered(f)
        if data is None or (wanted and not any(n in data for n in wanted)):
            continue
        mod = index.module(f)
        if mod is not None:
            yield mod


def python_modules(index: AppIndex, needles: tuple[str, ...]) -> Iterator[tuple[str, PyFacts]]:
    """Every Python file of the app that holds a needle, parsed (Vercel functions, scripts)."""
    wanted = tuple(n.lower().encode() for n in needles)
    for f in index.files:
        if not f.endswith(".py"):
            continue
        data = index.lowered(f)
        if data is None or not any(n in data for n in wanted):
            continue
        facts = py_facts(index, f)
        if facts is not None:
            yield f, facts


def client_modules(index: AppIndex) -> set[str]:
    """Modules that run in the browser: `'use client'` ones and every module a client module imports
    for a value (corpus K1: a module imported by a client page *and* a route handler ships to the
    browser too; a type-only import is erased and ships nothing).

    Route handlers, `pages/api`, `'use server'` modules, middleware and modules that import
    `server-only` are server code whatever imports them. The import graph is read from bytes and
    solved to a fixpoint; only client modules are parsed, to tell type-only imports apart.
    """
    from sop_check_rules._routes import route_url

    files = [f for f in index.code_files() if f.endswith(CODE_EXTENSIONS)]
    importers: dict[str, set[str]] = {}
    for f in files:
        facts = index.facts(f)
        if facts is None:
            continue
        for spec in facts.specifiers:
            target = index.resolve_import(f, spec)
            if target is not None:
                importers.setdefault(target, set()).add(f)
    client: set[str] = set()
    server: set[str] = set()
    for f in files:
        data = index.read_bytes(f) or b""
        head = data[:200]
        if b"use client" in head:
            client.add(f)
        elif b"use server" in head or route_url(f) is not None or "/middleware." in "/" + f or \
                (b"server-only" in data and _SERVER_ONLY.search(data)):  # the word first: fast
            server.add(f)
    changed = True
    while changed:
        changed = False
        for f in files:
            if f in client or f in server:
                continue
            users = importers.get(f)
            if users and any(u in client and _imports_a_value(index, u, f) for u in users):
                client.add(f)
                changed = True
    return client


_SERVER_ONLY = re.compile(rb"""\bimport\s*+['"]server-only['"]""")


def _imports_a_value(index: AppIndex, user: str, target: str) -> bool:
    """Does `user` import something of `target` that survives compilation (not `import type`)?"""
    mod = index.module(user)
    if mod is None:
        return True  # cannot tell: it ships
    for stmt in mod.root.named_children:
        if stmt.type not in ("import_statement", "export_statement"):
            continue
        source = stmt.child_by_field_name("source")
        if source is None or index.resolve_import(user, string_value(mod, source)) != target:
            continue
        if not _type_only(mod, stmt):
            return True
    # Imported otherwise (`import()`, `require`, or inside a block): it ships. A dynamic import
    # beside a type-only one ships it too (the type-only import alone explains the specifier).
    return _imports_dynamically(index, mod, user, target) or \
        not any(_imports_statically(index, mod, user, target, stmt) for stmt in mod.root.named_children)


def _imports_dynamically(index: AppIndex, mod: Module, user: str, target: str) -> bool:
    """`import('…/target')` or `require('…/target')` anywhere in `user` (a chunk loaded later still ships)."""
    for call in mod.calls:
        fn, args = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if fn is None or args is None or not (fn.type == "import" or mod.text(fn) == "require"):
            continue
        first = next(iter(args.named_children), None)
        if first is not None and first.type == "string" and \
                index.resolve_import(user, string_value(mod, first)) == target:
            return True
    return False


def _imports_statically(index: AppIndex, mod: Module, user: str, target: str, stmt: Any) -> bool:
    source = stmt.child_by_field_name("source") if stmt.type in ("import_statement", "export_statement") else None
    return source is not None and index.resolve_import(user, string_value(mod, source)) == target


def _type_only(mod: Module, stmt: Any) -> bool:
    """`import type { A } from …`, `import { type A, type B } from …`, or the same re-exported
    (`export type { A } from …`, `export { type A } from …`): nothing else."""
    if any(c.type == "type" for c in stmt.children):
        return True
    clause = next((c for c in stmt.named_children if c.type in ("import_clause", "export_clause")), None)
    if clause is None:
        return False  # `import './x'` (a side effect), `export * from './x'`: it ships
    if clause.type == "export_clause":
        specs = [s for s in clause.named_children if s.type == "export_specifier"]
    else:
        parts = clause.named_children
        if len(parts) != 1 or parts[0].type != "named_imports":
            return False
        specs = [s for s in parts[0].named_children if s.type == "import_specifier"]
    return bool(specs) and all(mod.text(s).startswith("type ") for s in specs)


def string_literal(mod: Module, node: Any) -> str | None:
    if node is not None and node.type == "string":
        return "".join(mod.text(c) for c in node.named_children)
    if node is not None and node.type == "template_string" and not any(
            c.type == "template_substitution" for c in node.named_children):
        return "".join(mod.text(c) for c in node.named_children)
    return None
