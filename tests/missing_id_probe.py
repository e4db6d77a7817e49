"""A small end route to ask TAV002's missing-id reader (`rules/_missing_id.py`, `_id_expr.py`,
`_schema_source.py`) one question at a time: is this expression the id, does this test hold when
the id is missing, which 400 answers it. Shared by the tests that mutation testing asked for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers import PACK, index_for, write
from sop_check.context import app_evaluator
from sop_check.evaluate import Evaluator, Func
from sop_check.jsmodule import Module, descendants
from sop_check_rules._id_expr import IdReader
from sop_check_rules._missing_id import IdAnswer, _Check, find_missing_id_400

IDS = list(PACK["options"]["id-fields"])  # conversation_id, conversationId, id
ROUTE = "app/api/tavus/end/route.ts"
PKG = '{"dependencies": {"next": "15.0.0", "zod": "3.23.0"}}'
# What the handler starts with: the body, the id destructured from it, a name for another field.
START = "  const body = await request.json();\n  const { conversation_id, reason } = body;\n"


class Probe:
    """The route's evaluator, the functions its POST handler reaches and the route's module: `head`,
    then the handler (`START`, then `body`), then `tail` (helpers whose `if` is the one asked about)."""

    def __init__(self, tmp_path: Path, body: str, head: str = "", files: dict[str, str] | None = None,
                 path: str = ROUTE, tail: str = "") -> None:
        write(tmp_path, {"package.json": PKG, **(files or {}),
                         path: head + "export async function POST(request: Request) {\n" + START + body +
                         "  return Response.json({});\n}\n" + tail})
        self.ev: Evaluator = app_evaluator(index_for(tmp_path))
        handler = self.ev.module_export(path, "POST")
        assert isinstance(handler, Func), handler
        self.functions: list[Func] = self.ev.reach(handler).functions
        self.mod: Module = handler.module

    def last(self, node_type: str) -> Any:
        """The last node of a type in the route (the one the case is about)."""
        found = list(descendants(self.mod.root, frozenset({node_type})))
        assert found, node_type
        return found[-1]

    def condition(self) -> Any:
        return self.last("if_statement").child_by_field_name("condition")

    def check(self, ids: list[str] | None = None) -> _Check:
        return _Check(self.ev, self.functions, IDS if ids is None else ids)

    def reader(self) -> IdReader:
        return IdReader(self.ev, self.functions, IDS)

    def answer(self, ids: list[str] | None = None) -> IdAnswer:
        return find_missing_id_400(self.ev, self.functions, IDS if ids is None else ids)

    def where(self, ids: list[str] | None = None) -> tuple[str, int] | None:
        """The file and line of the 400 that answers a missing id, or None."""
        found = self.answer(ids).where
        if found is None:
            return None
        mod, num = found
        loc = mod.location(num)
        return loc.path, loc.line


def line_of(text: str, needle: str, head: str = "") -> int:
    """The line of `needle` in a route built from `text` (the handler's body) and `head`."""
    source = head + "export async function POST(request: Request) {\n" + START + text
    before = source[:source.index(needle)]
    return before.count("\n") + 1


def value_of(probe: Probe, name: str) -> Any:
    """The value a `const NAME = …` of the route is declared with."""
    for decl in descendants(probe.mod.root, frozenset({"variable_declarator"})):
        if probe.mod.text(decl.child_by_field_name("name")) == name:
            return decl.child_by_field_name("value")
    raise AssertionError(name)


def case_ids(cases: list[Any]) -> list[str]:
    """Test ids from a table's text, letters and digits only: stable when a case is inserted (mutmut
    maps tests to the functions they reach by id) and plain enough to pass back to pytest."""
    seen: dict[str, int] = {}
    out = []
    for case in cases:
        parts = case if isinstance(case, tuple) else (case,)
        text = " ".join(p for p in parts if isinstance(p, str))
        slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "empty"
        slug = slug if len(slug) <= 100 else f"{slug[:60]}_{slug[-39:]}"  # shared set-ups differ at the end
        seen[slug] = seen.get(slug, 0) + 1
        out.append(slug if seen[slug] == 1 else f"{slug}_{seen[slug]}")
    return out
