"""What the evaluator's parts may ask of the evaluator, as a Protocol.

The expression forms, class and library models, JSX props, exports, requests, callers and
reachability each take the app's evaluator as their first argument and call back into it (the
value of a sub-expression, a name's declaration, the step budget). Typing that argument with
the concrete `interpreter.Evaluator` made every part import the interpreter that imports them:
one import cycle through the whole package. They depend on this contract instead, and the
interpreter, which implements it, sits above them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.scopes import Binding
    from sop_check.evaluate.state import Memo
    from sop_check.evaluate.syntax import CallIndex
    from sop_check.evaluate.values import Func, Scope, Thunk, Unknown, Value
    from sop_check.index import AppIndex
    from sop_check.jsmodule import Module


class EvaluatorProtocol(Protocol):
    """The evaluator of one app, as its parts see it (implemented by `interpreter.Evaluator`)."""

    index: AppIndex
    memo: Memo[Value]  # memoised values, with the cycle and depth cuts (see `state`)
    cache: dict[Hashable, Any]  # other per-app results (summaries, JSX usages), by tagged key
    calls: CallIndex

    @property
    def exhausted(self) -> bool: ...

    def spend(self, steps: int) -> bool: ...

    def eval(self, node: Node, mod: Module, scope: Scope | None = None) -> Value: ...

    def memoised(self, key: Hashable, compute: Callable[[], Value], cut: Callable[[bool], Unknown]) -> Value: ...

    def force(self, thunk: Thunk) -> Value: ...

    def find_decl(self, name: str, at: Node, mod: Module) -> Binding | None: ...

    def lookup(self, name: str, at: Node, mod: Module, scope: Scope | None) -> Value: ...

    def decl_value(self, decl: Node, name: str, mod: Module, scope: Scope | None) -> Value: ...

    def reassignments(self, decl: Node, name: str, mod: Module) -> list[Node]: ...

    def relevant(self, scope: Scope | None, node: Node, mod: Module) -> Scope | None: ...

    def thunk(self, node: Node, mod: Module, scope: Scope | None, *, kept: bool = False) -> Thunk: ...

    def function(self, node: Node, mod: Module, scope: Scope | None) -> Func: ...

    def get_prop(self, obj: Value, prop: str) -> Value: ...

    def call_value(self, node: Node, mod: Module, scope: Scope | None) -> Value: ...

    def bind(self, func: Func, args: list[Thunk]) -> Scope: ...

    def return_value(self, func: Func, args: list[Thunk], site: tuple[Node, Module] | None = None) -> Value: ...
