"""Every rule's declared examples run through the whole pipeline (Fixit's VALID/INVALID, as projects).

A failing example names the kinds of finding that say why it fails: the verdict alone would
be satisfied by any finding, for any reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import PACK, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import Status
from sop_check.registry import all_rules
from sop_check.rule import Example, Rule


def _cases() -> Iterator[Any]:
    for code, rule in all_rules().items():
        for i, ex in enumerate(rule.examples):
            yield pytest.param(rule, ex, id=f"{code}-{i}-{ex.status.value}-{ex.note or 'example'}")


@pytest.mark.parametrize("rule, example", list(_cases()))
def test_rule_example(tmp_path: Path, rule: type[Rule], example: Example) -> None:
    write(tmp_path, example.files)
    settings = Settings(**example.settings)
    report = run_check(tmp_path, RunOptions(rules=[rule], options_for=options_for, settings=settings,
                                            environ=dict(example.environ), pack=PACK))
    results = [r for app in report.apps for r in app.results]
    assert len(results) == 1
    result = results[0]
    detail = f"{result.status}: {result.message}; findings={[(f.kind, f.message) for f in result.findings]}; " \
             f"unresolved={result.unresolved}"
    assert result.status == example.status, detail
    assert sorted({f.kind for f in result.findings}) == sorted(example.kinds), detail


def test_failing_examples_name_their_kinds() -> None:
    for code, rule in all_rules().items():
        for ex in rule.examples:
            if ex.status is Status.FAIL:
                assert ex.kinds, f"{code} example {ex.note!r} fails without naming the kinds of finding it expects"
            assert set(ex.kinds) <= set(rule.messages), f"{code} example {ex.note!r} names undeclared kinds"


def test_every_rule_has_passing_and_failing_examples() -> None:
    for code, rule in all_rules().items():
        statuses = {ex.status.value for ex in rule.examples}
        if rule.tested_in:
            # Rules that need an API or a git repository keep their pass/fail cases in test modules.
            for module in rule.tested_in:
                text = (Path(__file__).parent / module).read_text()
                assert code in text, f"{module} does not test {code}"
            continue
        assert "pass" in statuses and statuses - {"pass", "skip"}, f"{code} needs passing and failing examples"


def test_rule_metadata_is_complete() -> None:
    for code, rule in all_rules().items():
        info = rule.info()
        assert info.name == info.name.lower() and " " not in info.name
        for heading in ("## What it does", "## Why", "## Example", "## How to fix"):
            assert heading in info.docs, f"{code} docs lack {heading!r}"
        assert info.messages, f"{code} declares no finding kinds"
