"""Every rule's declared examples run through the whole pipeline (Fixit's VALID/INVALID, as projects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.registry import all_rules, pack_data

PACK = pack_data()


def _options_for(code: str) -> dict:
    opts = dict(PACK["options"])
    opts.update(PACK.get("rule-options", {}).get(code, {}))
    return opts


def _cases():
    for code, rule in all_rules().items():
        for i, ex in enumerate(rule.examples):
            yield pytest.param(rule, ex, id=f"{code}-{i}-{ex.status.value}-{ex.note or 'example'}")


def write_project(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("rule, example", list(_cases()))
def test_rule_example(tmp_path: Path, rule, example) -> None:
    write_project(tmp_path, example.files)
    settings = Settings(**example.settings)
    report = run_check(tmp_path, RunOptions(rules=[rule], options_for=_options_for, settings=settings,
                                            environ=dict(example.environ), pack=PACK))
    results = [r for app in report.apps for r in app.results]
    assert len(results) == 1
    result = results[0]
    detail = f"{result.status}: {result.message}; findings={[f.message for f in result.findings]}; " \
             f"unresolved={result.unresolved}"
    assert result.status == example.status, detail


def test_every_rule_has_passing_and_failing_examples() -> None:
    for code, rule in all_rules().items():
        statuses = {ex.status.value for ex in rule.examples}
        tested_in = getattr(rule, "tested_in", None)
        if tested_in:
            # Rules that need an API or a git repository keep their pass/fail cases in a test module.
            text = (Path(__file__).parent / tested_in).read_text()
            assert code in text or rule.__name__ in text or rule.name in text, f"{tested_in} does not test {code}"
            continue
        assert "pass" in statuses and statuses - {"pass", "skip"}, f"{code} needs passing and failing examples"


def test_rule_metadata_is_complete() -> None:
    for code, rule in all_rules().items():
        info = rule.info()
        assert info.name == info.name.lower() and " " not in info.name
        for heading in ("## What it does", "## Why", "## Example", "## How to fix"):
            assert heading in info.docs, f"{code} docs lack {heading!r}"
