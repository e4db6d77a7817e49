"""`a && b`: a known falsy left side is the value, not the right side. Reading `false && x` as `x`
let `keepalive: false && true` pass TAV004 (a request sent without keepalive)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, verdicts, write
from sop_check.evaluate import Evaluator, Str, Unknown
from sop_check.evaluate.values import Bool, Null, Num, Value
from sop_check.jsmodule import descendants
from sop_check.model import Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project


@pytest.mark.parametrize("expr, value", [
    ("false && 'x'", Bool(False)),
    ("null && 'x'", Null()),
    ("0 && 'x'", Num(0.0)),
    ("'' && 'x'", Str("")),
    ("true && 'x'", Str("x")),
    ("'a' && 'x'", Str("x")),
    ("1 && 'x'", Str("x")),
    ("p && 'x'", Str("x")),  # unknown left: the value whenever the right side runs
], ids=["false", "null", "zero", "empty-string", "true", "text", "one", "unknown"])
def test_a_known_falsy_left_side_is_the_value(tmp_path: Path, expr: str, value: Value) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}',
                     "app/page.tsx": f"export function f(p) {{\n  const v = {expr};\n  return v;\n}}\n"})
    index = index_for(tmp_path)
    mod = index.module("app/page.tsx")
    assert mod is not None
    decl = next(descendants(mod.root, {"variable_declarator"}))
    got = Evaluator(index).eval(decl.child_by_field_name("value"), mod, None)
    assert not isinstance(got, Unknown) and got == value, got


def test_keepalive_false_and_anything_is_no_keepalive(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("keepalive: true,", "keepalive: false && true,")
    assert avatar != UNLOAD_AVATAR
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV004")["TAV004"]
    assert got.status is Status.FAIL and kinds(got) == ["no-keepalive"], (got.status, kinds(got))
