"""The End controls are found once per app and shared by TAV005 and TAV105, unless the step budget
ran out while finding them (then the next rule looks again with its own budget)."""

from __future__ import annotations

from pathlib import Path

from helpers import index_for, write
from sop_check.evaluate import Evaluator
from sop_check_rules._controls import end_controls
from sop_check_rules._examples import client_project

AVATAR = """'use client';
export default function Avatar() {
  return <button onClick={() => fetch('/api/tavus/end', { method: 'POST' })}>End Session</button>;
}
"""
LABELS = ["end session", "disconnect"]


def test_found_once_and_shared(tmp_path: Path) -> None:
    write(tmp_path, client_project(AVATAR))
    index = index_for(tmp_path)
    first = end_controls(index, Evaluator(index), LABELS)
    again = end_controls(index, Evaluator(index), LABELS)  # another rule's evaluator, same app
    assert [c.label for c in first] == ["End Session"] and again[0] is first[0]
    assert end_controls(index, Evaluator(index), ["disconnect"]) == []  # other labels: asked anew


def test_not_kept_when_the_budget_ran_out(tmp_path: Path) -> None:
    write(tmp_path, client_project(AVATAR))
    index = index_for(tmp_path)
    starved = Evaluator(index, steps=1)
    starved.spend(2)  # the rule before ran the budget out
    assert starved.exhausted
    hungry = end_controls(index, starved, LABELS)
    again = end_controls(index, Evaluator(index), LABELS)
    assert [c.label for c in again] == ["End Session"] and hungry and again[0] is not hungry[0]
    assert again[0] is end_controls(index, Evaluator(index), LABELS)[0]  # kept once found in full
