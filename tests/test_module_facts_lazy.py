"""`Module` gathers calls, JSX, comments, assignments and error ranges in one walk, run when one of
them is first read: a module read for its imports only (a name resolved through it, the TAV105
proof over the import graph) is never walked, and what the walk gathers does not change."""

from __future__ import annotations

from sop_check.jsmodule import Module
from sop_check.parse.typescript import parse

SOURCE = b"""import { x } from './x';
// a comment
export function f() { y = x(); return <div onClick={() => g()} />; }
"""


def _module(source: bytes) -> Module:
    return Module("a.tsx", "a.tsx", source, parse(source, "a.tsx"))


def test_reading_imports_does_not_walk() -> None:
    mod = _module(SOURCE)
    assert mod.imports["x"].source == "./x" and "f" in mod.exports
    assert not mod.has_errors  # a clean tree answers without the walk
    assert "calls" not in vars(mod)


def test_the_walk_gathers_every_fact_on_first_read() -> None:
    mod = _module(SOURCE)
    assert [mod.text(c) for c in mod.calls] == ["x()", "g()"]
    assert [mod.text(c).split()[0] for c in mod.jsx] == ["<div"]
    assert [mod.text(c) for c in mod.comments] == ["// a comment"]
    assert [mod.text(a) for a in mod.assignments] == ["y = x()"]
    assert mod.error_ranges == []


def test_a_broken_tree_still_reports_its_errors() -> None:
    mod = _module(b"export const a = (;\nfoo();\n")
    assert mod.has_errors and mod.error_ranges
    assert mod.in_error(mod.root.named_children[0])
