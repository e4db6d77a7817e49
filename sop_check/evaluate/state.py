"""The evaluator's bookkeeping: memoised results, the evaluation stack, and the step budget.

Memo. A result is stored per key (node, scope) unless it depended on something that
is not a property of the key alone:
- a cycle cut: evaluating a key that is already on the stack answers `Unknown(CYCLE)`;
  every frame above the one that was re-entered depends on that cut, so only that
  frame (and frames below it) may store what they compute;
- a depth cut depends on how deep we are: such results are stored per (key, depth);
- the budget running out depends on how late we are: nothing on the stack at that
  moment stores its result.
So a stored result is what the key evaluates to wherever it is asked from (at that
depth), and a memo hit can never change a verdict.

Budget. Every new evaluation step costs one unit. Rules run in turn, each with its own
allowance; once any allowance runs out the evaluator answers `Unknown(BUDGET)` for the
rest of the app (a file that costs that much once costs it again for the next rule),
and the engine turns the verdict of every rule that used the evaluator since into
`unknown`, naming the budget.
"""

from __future__ import annotations

from typing import Generic, Hashable, TypeVar

MAX_DEPTH = 40  # nested evaluations (each one a few Python frames): far past real code
DEFAULT_STEPS = 500_000  # per rule: ~10x the 1,800-line many-handlers page (52k), about 2 s of work

T = TypeVar("T")
_NO_CUT = 1 << 62


class Budget:
    """Steps left for the rule now running; exhausted for good once it reaches zero."""

    def __init__(self, steps: int = DEFAULT_STEPS) -> None:
        self.allowance = steps
        self.left = steps
        self.exhausted = False
        self.used_total = 0

    def start_rule(self, steps: int | None = None) -> None:
        """A new rule: a fresh allowance (an exhausted evaluator stays exhausted)."""
        self.allowance = steps if steps is not None else self.allowance
        self.left = self.allowance

    def spend(self, steps: int = 1) -> bool:
        """Take `steps`; False (and exhausted from then on) when there were not enough left."""
        if self.exhausted:
            return False
        self.left -= steps
        self.used_total += steps
        if self.left < 0:
            self.exhausted = True
            return False
        return True


class _Frame:
    """What one computation on the stack depends on, beyond its key."""

    __slots__ = ("touched", "deep")

    def __init__(self) -> None:
        self.touched: set[Hashable] | None = None  # call frames it read or holds
        self.deep = False  # it met the depth limit: its result holds at this depth only


class Memo(Generic[T]):
    """Results per key, with the stack of keys being computed (see the module docstring).

    A result that met the depth limit somewhere below is kept per (key, depth) instead: the
    same key at the same depth computes the same thing, so a hostile nest of constants past
    the limit still costs each (constant, depth) once.

    It also records which call frames (scopes) each result touched: read a parameter of, or
    captured in a closure or thunk. A result is then known to hold for any other frame it did
    not touch, which is what lets `reach` share one reading of a function across call paths.
    """

    def __init__(self) -> None:
        self.values: dict[Hashable, T] = {}
        self.touches: dict[Hashable, frozenset[Hashable]] = {}  # frames each stored result touched
        self._active: dict[Hashable, int] = {}  # key -> its level on the stack
        self._frames: list[_Frame] = []  # per computation on the stack (and per collector)
        self._lowest_cut = _NO_CUT  # lowest level a pending result depends on
        self._deep_stored = False  # whether any result is kept per (key, depth)

    @property
    def depth(self) -> int:
        return len(self._active)

    def get(self, key: Hashable) -> T | None:
        """The stored result for `key` at the current depth, if any (its touches replayed)."""
        found = self.values.get(key)
        if found is None:
            if not self._deep_stored:  # no result was kept per depth: nothing more to look up
                return None
            key = (key, "at depth", len(self._active))
            found = self.values.get(key)
            if found is None:
                return None
        self._replay(key)
        return found

    def level_of(self, key: Hashable) -> int | None:
        """The stack level of `key` if it is being computed (a cycle), else None."""
        return self._active.get(key)

    def enter(self, key: Hashable) -> int:
        level = len(self._active)
        self._active[key] = level
        self._frames.append(_Frame())
        return level

    def cut_at(self, level: int) -> None:
        """A result now depends on the frame at `level` (a cycle back to it)."""
        if level < self._lowest_cut:
            self._lowest_cut = level

    def cut_deep(self) -> None:
        """A result now depends on how deep we are (the depth limit)."""
        if self._frames:
            self._frames[-1].deep = True

    def cut_all(self) -> None:
        """A result now depends on how late we are (the budget): nothing on the stack is stored."""
        self._lowest_cut = -1

    def leave(self, key: Hashable, level: int, value: T) -> None:
        del self._active[key]
        frame = self._pop_frame()
        if self._lowest_cut >= level:
            stored = (key, "at depth", level) if frame.deep else key
            self._deep_stored = self._deep_stored or frame.deep
            self.values[stored] = value
            if frame.touched:
                self.touches[stored] = frozenset(frame.touched)
            self._lowest_cut = _NO_CUT
        if not self._active:
            self._lowest_cut = _NO_CUT

    # -- touched frames ------------------------------------------------------
    def touch(self, frame: Hashable) -> None:
        """The result being computed depends on `frame` (its bindings, or its identity)."""
        if self._frames:
            top = self._frames[-1]
            if top.touched is None:
                top.touched = set()
            top.touched.add(frame)

    def _replay(self, key: Hashable) -> None:
        """A stored result is reused: what it touched, the result using it touches too."""
        found = self.touches.get(key)
        if found and self._frames:
            top = self._frames[-1]
            if top.touched is None:
                top.touched = set(found)
            else:
                top.touched.update(found)

    def start_collecting(self) -> None:
        self._frames.append(_Frame())

    def stop_collecting(self) -> set[Hashable]:
        return self._pop_frame().touched or set()

    def _pop_frame(self) -> _Frame:
        frame = self._frames.pop()
        if self._frames:
            parent = self._frames[-1]
            parent.deep = parent.deep or frame.deep
            if frame.touched:
                if parent.touched is None:
                    parent.touched = set(frame.touched)
                else:
                    parent.touched.update(frame.touched)
        return frame
