"""Which `return` gives a call its value (`syntax.main_return`): the path through the body, not an
early exit. Taking the last return a stack walk found read a guard's value as the function's, so
`function endUrl(id) { if (!id) return null; return '/api/tavus/end' }` made every request sent to
`endUrl(id)` an `unknown` ("the URL is null or undefined")."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import evaluated, index_for, kinds, verdicts, write
from sop_check.evaluate import Evaluator, Str
from sop_check.evaluate.syntax import main_return
from sop_check.jsmodule import Module, descendants
from sop_check.model import Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project


def _module(tmp_path: Path, source: str) -> Module:
    return evaluated(tmp_path, source, "app/page.tsx")[1]


@pytest.mark.parametrize("body, chosen", [
    ("if (!id) return null;\n  return 'main';", "return 'main';"),
    ("if (!id) { return null; }\n  return 'main';", "return 'main';"),
    ("return 'main';\n  return 'dead';", "return 'main';"),
    ("try { return 'main'; } catch (e) { return 'fallback'; }", "return 'main';"),
    ("if (id) { return 'main'; } else { return 'other'; }", "return 'main';"),
    ("const g = () => { return 'inner'; };\n  if (id) { return 'main'; }", "return 'main';"),
    ("const x = 1;", None),
], ids=["guard-then-main", "braced-guard", "dead-code-after", "try-before-catch", "if-else", "nested-function",
        "no-return"])
def test_the_main_return_is_the_first_top_level_one_else_the_first_written(tmp_path: Path, body: str,
                                                                          chosen: str | None) -> None:
    mod = _module(tmp_path, f"export function f(id) {{\n  {body}\n}}\n")
    fn = next(descendants(mod.root, {"function_declaration"}))
    ret = main_return(fn.child_by_field_name("body"))
    assert (mod.text(ret) if ret is not None else None) == chosen


def test_a_call_and_a_getter_take_the_value_past_the_guard(tmp_path: Path) -> None:
    source = ("function endUrl(id) {\n  if (!id) return null;\n  return '/api/tavus/end';\n}\n"
              "class Api {\n  get url() {\n    if (!this) { return undefined; }\n    return '/api/tavus/end';\n  }\n}\n"
              "export const a = endUrl('x');\nexport const b = new Api().url;\n")
    mod = _module(tmp_path, source)
    ev = Evaluator(index_for(tmp_path))
    values = {}
    for decl in descendants(mod.root, {"variable_declarator"}):
        name = mod.text(decl.child_by_field_name("name"))
        values[name] = ev.eval(decl.child_by_field_name("value"), mod, None)
    assert values["a"] == Str("/api/tavus/end") and values["b"] == Str("/api/tavus/end"), values


def test_an_unload_request_to_a_url_helper_with_a_guard_is_judged(tmp_path: Path) -> None:
    helper = ("function endUrl(id: string) {\n  if (!id) {\n    return null;\n  }\n  return '/api/tavus/end';\n}\n")
    avatar = UNLOAD_AVATAR.replace("      fetch('/api/tavus/end', {", "      fetch(endUrl(conversation.conversation_id), {")
    avatar = avatar.replace("export default function Avatar", helper + "export default function Avatar")
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV003,TAV004")
    for code in ("TAV003", "TAV004"):
        assert got[code].status is Status.PASS and kinds(got[code]) == [], (code, got[code].message)
