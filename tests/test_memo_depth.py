"""`state.Memo` keeps a result that met the depth limit per (key, depth): a lookup that misses the
plain key must still find it at that depth (and only there), also after the miss fast path."""

from __future__ import annotations

from sop_check.evaluate.state import Memo


def test_a_result_kept_per_depth_is_found_at_its_depth_only() -> None:
    memo: Memo[str] = Memo()
    assert memo.get("k") is None  # nothing kept per depth yet: the plain miss
    outer = memo.enter("outer")
    level = memo.enter("k")
    memo.cut_deep()  # the result of "k" met the depth limit
    memo.leave("k", level, "deep value")
    assert memo.get("k") == "deep value"  # same depth (1) as it was computed at
    memo.leave("outer", outer, "outer value")
    assert memo.get("k") is None  # another depth: computed again
    assert memo.get("outer") == "outer value"


def test_a_plain_result_is_found_at_any_depth() -> None:
    memo: Memo[str] = Memo()
    level = memo.enter("k")
    memo.leave("k", level, "value")
    memo.enter("other")
    assert memo.get("k") == "value"
