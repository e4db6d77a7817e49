"""What a function can reach: the requests it makes, following calls into functions and modules.

Each (function, call scope) is read once per app into a summary: its calls in source
order, each with the request it makes or the functions it calls and with what. `reach`
then walks summaries depth-first, so many handlers sharing helpers cost one read each.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from sop_check.evaluate.libraries import data_method_call, harmless_call
from sop_check.evaluate.requests import CallHop, Request, as_request
from sop_check.evaluate.syntax import call_args
from sop_check.evaluate.scopes import VarBinding
from sop_check.evaluate.values import Func, Scope, Thunk, Unknown
from sop_check.jsmodule import Module
from sop_check.model import Unresolved
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol

MAX_CALL_DEPTH = 10


@record
class Reach:
    """What a function can reach: requests, plus calls that could not be followed."""

    requests: list[Request] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    calls: list[tuple[Any, Module]] = field(default_factory=list)  # every call seen (for other queries)
    functions: list[Func] = field(default_factory=list)  # every function entered


@record
class CallFacts:
    """One call inside a function, as far as reachability cares."""

    call: Node
    request: Request | None = None
    problem: Unresolved | None = None  # why the callee could not be followed (with its location)
    targets: list[Func] = field(default_factory=list)  # functions it calls
    args: list[Node] = field(default_factory=list)  # what it passes them
    hop: tuple[CallHop, ...] = ()  # the call, for the evidence chain
    handed: list[Func] = field(default_factory=list)  # named functions passed to an unknown callee


def callee_functions(ev: EvaluatorProtocol, call: Node, mod: Module, scope: Scope | None,
                     ) -> tuple[list[Func], Unresolved | None]:
    """Functions a call may run, and what could not be followed (None if nothing)."""
    fn_node = call.child_by_field_name("function") if call.type == "call_expression" else None
    if fn_node is None or data_method_call(call, mod):
        return [], None
    callee = ev.eval(fn_node, mod, scope)
    if isinstance(callee, Func):
        return [callee], None
    if isinstance(callee, Unknown) and callee.kind.reportable and not harmless_call(ev, call, mod, scope):
        return [], Unresolved(f"{mod.text(fn_node)[:60]}() ({callee.reason})", kind=callee.kind.value,
                              location=mod.location(call))
    return [], None


def reach(ev: EvaluatorProtocol, func: Func, args: list[Thunk], max_depth: int = MAX_CALL_DEPTH) -> Reach:
    """Every request `func` can make, following calls into other functions and modules."""
    out = Reach()
    _walk(ev, func, args, out, set(), (), max_depth)
    if ev.exhausted:
        out.unresolved.append(Unresolved(f"{func.module.repo_path}:{func.module.location(func.node).line}: "
                                         "analysis budget exceeded", kind="budget",
                                         location=func.module.location(func.node)))
    return out


def _walk(ev: EvaluatorProtocol, func: Func, args: list[Thunk], out: Reach, seen: set[tuple[str, int]],
          via: tuple[CallHop, ...], depth_left: int) -> None:
    if func.key in seen or depth_left <= 0:
        return
    seen.add(func.key)
    out.functions.append(func)
    mod = func.module
    scope = ev.bind(func, args)
    for facts in summary(ev, func, scope):
        out.calls.append((facts.call, mod))
        if facts.request is not None:
            out.requests.append(facts.request.reached(via, scope))
            continue
        if facts.problem:
            out.unresolved.append(facts.problem)
        if facts.targets:
            passed = [ev.thunk(a, mod, scope) for a in facts.args]
            for target in facts.targets:
                _walk(ev, target, passed, out, seen, via + facts.hop, depth_left - 1)
        for handed in facts.handed:
            _walk(ev, handed, [], out, seen, via, depth_left - 1)


def summary(ev: EvaluatorProtocol, func: Func, scope: Scope) -> list[CallFacts]:
    """The calls `func` makes when run in `scope`, read once per app.

    A reading that touched nothing of this call's frame (no argument read, no closure or object
    holding it) holds for every call of the function from the same enclosing frame: it is
    stored for all of them, so the many paths to a shared helper cost one reading.
    """
    shared = ("summary", func.key, scope.parent)
    own = ("summary", func.key, scope)
    found: list[CallFacts] | None = ev.cache.get(shared) or ev.cache.get(own)
    if found is not None:
        return found
    mod = func.module
    calls = ev.calls.calls_within(func.node, mod)
    ev.spend(1 + len(calls))
    ev.memo.start_collecting()
    try:
        found = [_facts(ev, call, mod, scope) for call in calls]
    finally:
        touched = ev.memo.stop_collecting()
    if not ev.exhausted:  # a summary read with the budget gone holds unknowns that are not the code's
        ev.cache[own if any(isinstance(t, Scope) and t.derives_from(scope) for t in touched) else shared] = found
    return found


def _facts(ev: EvaluatorProtocol, call: Node, mod: Module, scope: Scope) -> CallFacts:
    req = as_request(ev, call, mod, scope)
    if req is not None:
        return CallFacts(call, request=req)
    if call.type != "call_expression":
        return CallFacts(call)
    targets, problem = callee_functions(ev, call, mod, scope)
    fn = call.child_by_field_name("function")
    facts = CallFacts(call, targets=targets, args=call_args(call))
    if targets:
        facts.hop = (CallHop(mod.text(fn)[:40] if fn is not None else "", call, mod),)
    if problem:
        facts.problem = Unresolved(f"{mod.repo_path}:{mod.location(call).line}: {problem}", kind=problem.kind,
                                   location=problem.location)
    if not targets:
        # Functions handed to a call (`then(() => ...)`, `startTransition(() => ...)`) run too;
        # inline ones are already walked as part of this function (they lie inside it).
        for a in facts.args:
            if a.type == "identifier" and _may_be_function(ev, a, mod):
                v = ev.eval(a, mod, scope)
                if isinstance(v, Func):
                    facts.handed.append(v)
    return facts


# Initialisers whose value is never a function: a variable holding one is data, not a callback
# (evaluating it can mean a chain of parsing helpers, all for nothing).
_DATA_INITIALISERS = frozenset({"array", "object", "string", "template_string", "number", "true", "false", "null",
                                "binary_expression", "unary_expression", "new_expression", "regex",
                                "update_expression"})


def _may_be_function(ev: EvaluatorProtocol, name: Node, mod: Module) -> bool:
    """Could the variable `name` hold a function? (False only when its initialiser says it cannot.)"""
    decl = ev.find_decl(mod.text(name), name, mod)
    if not isinstance(decl, VarBinding):
        return True
    value = decl.node.child_by_field_name("value")
    if value is None or ev.reassignments(decl.node, mod.text(name), mod):
        return True
    while value.type in ("await_expression", "parenthesized_expression", "as_expression", "non_null_expression") \
            and value.named_children:
        value = value.named_children[0]
    if value.type == "call_expression" and data_method_call(value, mod):
        return False
    return value.type not in _DATA_INITIALISERS
