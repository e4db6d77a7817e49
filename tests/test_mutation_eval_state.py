"""The evaluator's bookkeeping (`sop_check/evaluate/state.py`) pinned piece by piece: how the step
budget is spent and stays exhausted, which results the memo stores after a cycle, a depth or a
budget cut, and which call frames a stored result carries along (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import Evaluator, Str, Unknown, UnknownKind
from sop_check.evaluate.state import DEFAULT_STEPS, MAX_DEPTH, Budget, Memo

from helpers import index_for, write


# -- Budget ------------------------------------------------------------------------------------
def test_a_budget_starts_full_with_the_documented_allowance() -> None:
    budget = Budget()
    assert (budget.allowance, budget.left, budget.exhausted, budget.used_total) == (DEFAULT_STEPS, DEFAULT_STEPS,
                                                                                    False, 0)
    # The figures the module docstring and the README give: per rule, and nesting depth.
    assert (DEFAULT_STEPS, MAX_DEPTH) == (500_000, 40)


def test_a_step_costs_one_and_the_last_step_is_still_granted() -> None:
    budget = Budget(2)
    assert budget.spend() and budget.left == 1 and budget.used_total == 1
    assert budget.spend() and budget.left == 0 and not budget.exhausted  # exactly enough is enough
    assert not budget.spend() and budget.exhausted and budget.left == -1 and budget.used_total == 3


def test_spending_several_steps_at_once_counts_them_all() -> None:
    budget = Budget(10)
    assert budget.spend(4) and (budget.left, budget.used_total) == (6, 4)
    assert not budget.spend(7) and budget.exhausted and (budget.left, budget.used_total) == (-1, 11)


def test_an_exhausted_budget_refuses_everything_and_counts_nothing_more() -> None:
    budget = Budget(1)
    assert not budget.spend(2)
    left, used = budget.left, budget.used_total
    assert not budget.spend(0)  # even a free step: the evaluator is done for this app
    assert (budget.left, budget.used_total) == (left, used)
    budget.start_rule(100)  # a new rule gets a new allowance, but the evaluator stays exhausted
    assert budget.left == 100 and budget.exhausted and not budget.spend()


def test_a_new_rule_gets_the_allowance_it_asks_for_or_the_last_one() -> None:
    budget = Budget(5)
    budget.spend(3)
    budget.start_rule()
    assert (budget.allowance, budget.left) == (5, 5)
    budget.start_rule(7)
    budget.spend(2)
    budget.start_rule()  # no figure: the allowance set last, not the constructor's
    assert (budget.allowance, budget.left, budget.used_total) == (7, 7, 5)


# -- Memo: storing and cuts -------------------------------------------------------------------------
def test_a_result_is_stored_under_its_key_once_left() -> None:
    memo: Memo[str] = Memo()
    assert memo.get("a") is None and memo.depth == 0
    level = memo.enter("a")
    assert level == 0 and memo.depth == 1 and memo.level_of("a") == 0 and memo.level_of("b") is None
    memo.leave("a", level, "A")
    assert memo.get("a") == "A" and memo.depth == 0 and memo.level_of("a") is None
    assert memo.values == {"a": "A"} and memo.touches == {}


def test_a_cycle_cut_keeps_only_the_re_entered_frame_and_those_below() -> None:
    memo: Memo[str] = Memo()
    outer = memo.enter("outer")
    a = memo.enter("a")
    b = memo.enter("b")
    assert (outer, a, b) == (0, 1, 2)
    memo.cut_at(1)  # `b` evaluated `a` again: a cycle back to level 1
    memo.cut_at(2)  # a later, higher cut does not raise the lowest one
    memo.leave("b", b, "B")
    assert memo.get("b") is None  # it depends on the cut
    memo.leave("a", a, "A")
    assert memo.get("a") == "A"  # the frame that was re-entered stores its result
    inner = memo.enter("c")  # and the cut is spent: a new computation stores again
    memo.leave("c", inner, "C")
    memo.leave("outer", outer, "O")
    assert (memo.get("c"), memo.get("outer")) == ("C", "O")


def test_a_cycle_to_the_bottom_frame_is_spent_once_the_stack_empties() -> None:
    memo: Memo[str] = Memo()
    a = memo.enter("a")
    b = memo.enter("b")
    memo.cut_at(0)
    memo.leave("b", b, "B")
    memo.leave("a", a, "A")
    assert (memo.get("a"), memo.get("b")) == ("A", None)
    c = memo.enter("c")
    memo.leave("c", c, "C")
    assert memo.get("c") == "C"


def test_a_budget_cut_stores_nothing_on_the_stack_then_storing_resumes() -> None:
    memo: Memo[str] = Memo()
    a = memo.enter("a")
    b = memo.enter("b")
    memo.cut_all()
    memo.leave("b", b, "B")
    memo.leave("a", a, "A")
    assert memo.get("a") is None and memo.get("b") is None and memo.values == {}
    c = memo.enter("c")
    memo.leave("c", c, "C")
    assert memo.get("c") == "C"


def test_a_depth_cut_stores_the_result_per_depth_only() -> None:
    memo: Memo[str] = Memo()
    outer = memo.enter("outer")
    deep = memo.enter("deep")
    memo.cut_deep()  # `deep` met the depth limit at level 1
    memo.leave("deep", deep, "D")
    assert memo.values == {("deep", "at depth", 1): "D"}
    assert memo.get("deep") == "D"  # asked again from the same depth (one frame on the stack)
    memo.leave("outer", outer, "O")  # the cut reached `outer` too: kept at its own depth
    assert memo.values[("outer", "at depth", 0)] == "O"
    assert memo.get("outer") == "O" and memo.get("deep") is None  # `deep` from depth 0: not stored
    memo.enter("x")
    assert memo.get("deep") == "D" and memo.get("outer") is None


def test_a_depth_cut_marks_the_computation_on_top_of_the_stack() -> None:
    memo: Memo[str] = Memo()
    levels = [memo.enter(k) for k in ("a", "b", "c")]
    memo.cut_deep()
    memo.leave("c", levels[2], "C")
    assert memo.values == {("c", "at depth", 2): "C"}


def test_without_a_depth_cut_nothing_is_looked_up_per_depth() -> None:
    memo: Memo[str] = Memo()
    # A value planted under a per-depth key is never read unless a depth cut stored one.
    memo.values[("k", "at depth", 0)] = "planted"
    assert memo.get("k") is None


def test_a_depth_cut_with_nothing_on_the_stack_is_a_no_op() -> None:
    memo: Memo[str] = Memo()
    memo.cut_deep()
    level = memo.enter("a")
    memo.leave("a", level, "A")
    assert memo.values == {"a": "A"}


# -- Memo: touched frames -----------------------------------------------------------------------
def test_a_stored_result_keeps_the_frames_it_touched_and_a_reuse_replays_them() -> None:
    memo: Memo[str] = Memo()
    memo.touch("ignored")  # nothing on the stack: nothing to record it in
    level = memo.enter("a")
    memo.touch("f1")
    memo.touch("f2")
    memo.leave("a", level, "A")
    assert memo.touches == {"a": frozenset({"f1", "f2"})}
    memo.start_collecting()
    assert memo.get("a") == "A"  # reused: its touches count for the collector
    assert memo.stop_collecting() == {"f1", "f2"}
    memo.start_collecting()
    memo.touch("f3")
    assert memo.get("a") == "A"
    assert memo.stop_collecting() == {"f1", "f2", "f3"}


def test_a_result_that_touched_nothing_records_no_touches() -> None:
    memo: Memo[str] = Memo()
    level = memo.enter("a")
    memo.leave("a", level, "A")
    memo.start_collecting()
    memo.get("a")
    assert memo.touches == {} and memo.stop_collecting() == set()


def test_a_replay_with_nothing_on_the_stack_is_a_no_op() -> None:
    memo: Memo[str] = Memo()
    level = memo.enter("a")
    memo.touch("f")
    memo.leave("a", level, "A")
    assert memo.get("a") == "A"  # no frame to replay into: no error, nothing recorded
    memo.start_collecting()
    assert memo.stop_collecting() == set()


def test_touches_and_depth_cuts_pass_from_an_inner_computation_to_the_outer() -> None:
    memo: Memo[str] = Memo()
    memo.start_collecting()
    outer = memo.enter("outer")
    memo.touch("own")
    inner = memo.enter("inner")
    memo.touch("f")
    memo.leave("inner", inner, "I")
    memo.leave("outer", outer, "O")
    assert memo.touches == {"inner": frozenset({"f"}), "outer": frozenset({"own", "f"})}
    assert memo.stop_collecting() == {"own", "f"}
    first = memo.enter("first")
    memo.enter("second")
    memo.touch("g")  # the outer frame touched nothing itself: it gets the inner's set
    memo.cut_deep()
    memo.leave("second", 1, "S")
    memo.leave("first", first, "F")
    assert memo.touches[("first", "at depth", 0)] == frozenset({"g"})


def test_a_collector_sees_a_reused_result_s_touches_in_a_fresh_set() -> None:
    memo: Memo[str] = Memo()
    level = memo.enter("a")
    memo.touch("f")
    memo.leave("a", level, "A")
    memo.start_collecting()
    memo.get("a")
    collected = memo.stop_collecting()
    collected.add("changed")
    assert memo.touches["a"] == frozenset({"f"})


# -- The evaluator uses them -----------------------------------------------------------------------
def test_a_cycle_through_constants_is_unknown_and_the_export_stays_answerable(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "m.ts": "export const a = b;\nexport const b = a;\nexport const c = 'x';\n"})
    ev = Evaluator(index_for(tmp_path))
    a = ev.module_export("m.ts", "a")
    assert isinstance(a, Unknown) and a.kind is UnknownKind.CYCLE
    assert ev.module_export("m.ts", "c") == Str("x")
    assert ev.memo.depth == 0
