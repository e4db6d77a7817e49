"""One evaluator per app, shared by the rules through the context: sharing (and its memo) never
changes a verdict. Every fixture and the bundled example is checked with all rules in the usual
order, in reverse order, and with each rule alone (its own evaluator): the reports must agree
down to the messages, findings and unresolved values."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_check.context import CheckContext, Settings, app_evaluator
from sop_check.engine import RunOptions, run_check
from sop_check.registry import all_rules

from helpers import PACK, index_for, options_for, write
from test_fixtures import CASES, copy_fixture

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tavus-avatar-app"


def _report(root: Path, rules: list[type]) -> dict[tuple[str, str], tuple[object, ...]]:
    report = run_check(root, RunOptions(rules=rules, options_for=options_for, settings=Settings(), environ={},
                                        pack=PACK))
    return {(app.root, r.rule): (r.status, r.message, [(f.location.path, f.location.line, f.message)
                                                      for f in r.findings], list(r.unresolved))
            for app in report.apps for r in app.results}


@pytest.mark.parametrize("name", CASES + ["<example>"])
def test_sharing_the_evaluator_changes_no_verdict(name: str, tmp_path: Path) -> None:
    root = EXAMPLE if name == "<example>" else copy_fixture(name, tmp_path)
    rules = list(all_rules().values())
    together = _report(root, rules)
    assert _report(root, list(reversed(rules))) == together
    alone: dict[tuple[str, str], tuple[object, ...]] = {}
    for rule in rules:
        if rule.code in ("TAV006", "TAV007"):  # TAV006 reads TAV007's verdict: they run as a pair
            continue
        alone.update(_report(root, [rule]))
    assert alone == {k: v for k, v in together.items() if k[1] in {r.code for r in rules} - {"TAV006", "TAV007"}}


def test_one_evaluator_per_app_shared_through_the_context_and_released_with_the_index(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "m.ts": "export const a = 'x';\n"})
    index = index_for(tmp_path)
    contexts = [CheckContext(index, {}, Settings(), {}, lambda code: None) for _ in range(2)]
    first, second = (c.evaluator for c in contexts)
    assert first is second is app_evaluator(index)
    first.module_export("m.ts", "a")
    assert first.memo.values  # what one rule evaluated, the next one finds
    index.release()
    assert app_evaluator(index) is not first
