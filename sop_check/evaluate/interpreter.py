"""The interpreter: the value of an expression, a name, a property, a call.

One `Evaluator` serves every rule of an app (through `CheckContext.evaluator`), so a
constant or a handler is evaluated once per (node, scope) whichever rule asks. The
bookkeeping that makes that safe (memo, cycle and depth cuts, the step budget) is in
`state`; the expression forms in `expressions`; what library calls return in
`libraries`; exports in `modules`; JSX props and context in `jsx`; what a function
can reach in `reach`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable

from sop_check.evaluate import classes, jsx, libraries, modules, reach, requests
from sop_check.evaluate.expressions import EVALUATED, evaluate_node
from sop_check.evaluate.reach import MAX_CALL_DEPTH
from sop_check.evaluate.scopes import (EVERY_CALL, Binding, ClassBinding, FunctionBinding, ImportedBinding,
                                       OpaqueBinding, ParamBinding, Scopes, VarBinding, bind, destructured_path)
from sop_check.evaluate.state import DEFAULT_STEPS, MAX_DEPTH, Budget, Memo
from sop_check.evaluate.syntax import CallIndex, call_args, main_return, returned_expression
from sop_check.evaluate.values import (EnvRef, External, Func, HttpClient, Namespace, Null, Obj, Scope, Str,
                                       Thunk, Unknown, UnknownKind, Value, budget_exceeded)
from sop_check.index import AppIndex
from sop_check.jsmodule import Module
from sop_check.model import Unresolved

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.requests import Request
    from sop_check.evaluate.reach import Reach


class Evaluator:
    """Values of expressions and what functions reach, for one app (get it from `ctx.evaluator`)."""

    def __init__(self, index: AppIndex, steps: int = DEFAULT_STEPS) -> None:
        self.index = index
        self.budget = Budget(steps)
        self.scopes = Scopes(self.budget)
        self.calls = CallIndex()
        self.memo: Memo[Value] = Memo()
        self.cache: dict[Hashable, Any] = {}  # other per-app results (summaries, JSX usages), by tagged key
        self._binds: dict[Hashable, Scope] = {}
        self._active: list[tuple[Func, int]] = []  # functions being called, with the memo level of each call

    # ------------------------------------------------------------------ budget
    def start_rule(self, steps: int | None = None) -> None:
        """A rule begins: it gets a fresh step allowance (see `state.Budget`)."""
        self.budget.start_rule(steps)

    @property
    def exhausted(self) -> bool:
        return self.budget.exhausted

    def spend(self, steps: int) -> bool:
        """Charge work done outside `eval` (scanning calls, JSX); False once the budget is gone."""
        if self.budget.spend(steps):
            return True
        self.memo.cut_all()
        return False

    # ------------------------------------------------------------------ memoised evaluation
    def eval(self, node: Node, mod: Module, scope: Scope | None = None) -> Value:
        """The value of an expression node, evaluated with the parameter bindings of `scope`."""
        if scope is not None:
            # Forms the interpreter does not evaluate (JSX, statements…) answer the same in any scope.
            scope = self.relevant(scope, node, mod) if node.type in EVALUATED else None
        key = (mod.path, node.id, scope)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        return self._compute(key, lambda: evaluate_node(self, node, mod, scope), _cut(node, mod))

    def memoised(self, key: Hashable, compute: Callable[[], Value], cut: Callable[[bool], Unknown]) -> Value:
        """`compute()` once per key (see `state`); `cut(cycle)` is the answer at a cycle or past the depth limit."""
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        return self._compute(key, compute, cut)

    def _compute(self, key: Hashable, compute: Callable[[], Value], cut: Callable[[bool], Unknown]) -> Value:
        """`memoised` after a miss (`eval` has just looked the key up)."""
        memo = self.memo
        level = memo.level_of(key)
        if level is not None:
            memo.cut_at(level)
            return cut(True)
        if memo.depth >= MAX_DEPTH:
            memo.cut_deep()
            return cut(False)
        if not self.spend(1):
            return budget_exceeded()
        level = memo.enter(key)
        try:
            value = compute()
        except BaseException:
            memo.cut_all()
            memo.leave(key, level, budget_exceeded())
            raise
        memo.leave(key, level, value)
        return value

    def force(self, thunk: Thunk) -> Value:
        if thunk.node is None:
            base: Value = thunk.value if thunk.value is not None else Null()
        else:
            base = self.eval(thunk.node, thunk.module, thunk.scope)
        if thunk.prop is not None:
            return self.get_prop(base, thunk.prop)
        return base

    # ------------------------------------------------------------------ names
    def find_decl(self, name: str, at: Node, mod: Module) -> Binding | None:
        """The declaration of `name` visible at `at` (see `scopes.Scopes.find`)."""
        return self.scopes.find(name, at, mod)

    def lookup(self, name: str, at: Node, mod: Module, scope: Scope | None) -> Value:
        decl = self.scopes.find(name, at, mod)
        if decl is None:
            return External(name)
        if isinstance(decl, ParamBinding):
            frame = scope.frame(decl.function.id) if scope is not None else None
            thunk = None
            if frame is not None:
                self.memo.touch(frame)  # the value depends on this call's arguments
                thunk = frame.bindings.get(name)
            if thunk is not None:
                return self.force(thunk)
            from_jsx = jsx.prop_from_jsx(self, decl.function, decl.node, name, mod)
            if from_jsx is not None:
                return from_jsx
            return Unknown(UnknownKind.PARAMETER, f"parameter '{name}' (its value comes from the caller)")
        if isinstance(decl, ImportedBinding):
            return modules.import_value(self, mod, decl.binding)
        if isinstance(decl, FunctionBinding):
            return self.function(decl.node, mod, scope)
        if isinstance(decl, ClassBinding):
            return self.function(decl.node, mod, scope)
        if isinstance(decl, VarBinding):
            return self.decl_value(decl.node, name, mod, scope)
        assert isinstance(decl, OpaqueBinding)
        return Unknown(UnknownKind.RUNTIME_BINDING, f"'{name}' is bound at run time")

    def decl_value(self, decl: Node, name: str, mod: Module, scope: Scope | None) -> Value:
        """The value a declaration gives `name`: a function, a variable's initialiser, a destructured part."""
        t = decl.type
        if t in ("function_declaration", "generator_function_declaration") or t in classes.CLASS_TYPES:
            return self.function(decl, mod, scope)
        if t != "variable_declarator":
            return External(name)
        pattern = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        declared = self._declared(pattern, value, name, mod, scope)
        later = self.reassignments(decl, name, mod) \
            if pattern is not None and pattern.type in ("identifier", "object_pattern") else []
        if later:
            # `let body = init.body; if (json) body = JSON.stringify(json)` (or `let { body } = init`):
            # one value only if they all agree.
            values = ([declared] if value is not None else []) + [self.eval(n, mod, scope) for n in later]
            if all(v == values[0] for v in values[1:]):
                return values[0]
            return Unknown(UnknownKind.RUNTIME_VALUE, f"'{name}' is assigned more than one value")
        return declared

    def _declared(self, pattern: Node | None, value: Node | None, name: str, mod: Module,
                  scope: Scope | None) -> Value:
        """The value a variable declarator gives `name` where it is declared."""
        if value is None:
            return Unknown(UnknownKind.NO_INITIALISER, f"'{name}' is declared without a value")
        if pattern is not None and pattern.type == "identifier":
            return self.eval(value, mod, scope)
        if pattern is not None and pattern.type == "object_pattern":
            path = destructured_path(pattern, name, mod)
            if path is None:
                rest = any(c.type == "rest_pattern" and mod.text(c).lstrip(".") == name for c in pattern.named_children)
                where = "a rest pattern" if rest else "an array element"
                return Unknown(UnknownKind.NO_INITIALISER, f"'{name}' comes from {where}")
            found = self.eval(value, mod, scope)
            for prop in path:  # `const { a: { b } } = o` is `o.a.b`
                found = self.get_prop(found, prop)
            return found
        return Unknown(UnknownKind.STATE, f"'{name}' is destructured from an array (a state value or setter)")

    def reassignments(self, decl: Node, name: str, mod: Module) -> list[Node]:
        """The values later assigned to a `let`/`var` variable (`name = …` where `name` is this declaration)."""
        holder = decl.parent
        keyword = holder.child(0) if holder is not None else None
        if holder is None or not (holder.type == "variable_declaration" or (
                holder.type == "lexical_declaration" and keyword is not None and keyword.type == "let")):
            return []
        by_name = self.cache.get(("assigned", mod.path))
        if by_name is None:
            by_name = {}
            for asg in mod.assignments:
                left = asg.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    by_name.setdefault(mod.text(left), []).append(asg)
            self.cache[("assigned", mod.path)] = by_name
        out = []
        for asg in by_name.get(name, []):
            left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
            found = self.scopes.find(name, left, mod) if left is not None else None
            if right is not None and isinstance(found, VarBinding) and found.node.id == decl.id:
                out.append(right)
        return out

    def relevant(self, scope: Scope | None, node: Node, mod: Module) -> Scope | None:
        """The part of a scope chain `node` can depend on: from the innermost call whose function's
        parameters it uses (see `Scopes.free_params`). Other calls' bindings cannot change its
        value; dropping them lets the same code, evaluated from different callers, share one memo
        entry (memoisation per node and the bindings it uses)."""
        if scope is None:
            return None
        free = self.scopes.free_params(node, mod)
        if EVERY_CALL in free:
            return scope
        s: Scope | None = scope
        while s is not None and s.fn_id not in free:
            s = s.parent
        return s

    def thunk(self, node: Node, mod: Module, scope: Scope | None, *, kept: bool = False) -> Thunk:
        """An expression to evaluate later, holding only the bindings it can depend on.

        `kept`: the thunk becomes part of a value (an object's property), so that value depends
        on the frames it holds; an argument thunk only matters if it is read, which counts then.
        """
        relevant = self.relevant(scope, node, mod)
        if kept and relevant is not None:
            self.memo.touch(relevant)
        return Thunk(node, mod, relevant)

    def function(self, node: Node, mod: Module, scope: Scope | None) -> Func:
        """A function value closing over the calls whose parameters it uses."""
        relevant = self.relevant(scope, node, mod)
        if relevant is not None:
            self.memo.touch(relevant)  # the closure holds that frame
        return Func(node, mod, relevant)

    def module_export(self, path: str, name: str) -> Value:
        """The value a module exports under `name` (follows re-exports and `export *`)."""
        return modules.module_export(self, path, name)

    # ------------------------------------------------------------------ properties
    def get_prop(self, obj: Value, prop: str) -> Value:
        if isinstance(obj, Obj):
            if obj.shadowed and prop in obj.shadowed:
                return obj.shadowed[prop]  # an unknown spread after it may replace it
            thunk = obj.props.get(prop)
            if thunk is None:
                if obj.open:
                    return Unknown(UnknownKind.OPEN_OBJECT, f"property '{prop}' of an object with unknown spread")
                return Null()
            value = self.force(thunk)
            if isinstance(value, Func) and value.this is None and value.node.type in _METHOD_TYPES:
                return Func(value.node, value.module, value.scope, this=obj)  # `obj.m()`: `this` is obj
            return value
        if isinstance(obj, Func) and classes.is_class(obj.node):
            member = classes.static_member(self, obj, prop)
            return member if member is not None else Unknown(UnknownKind.UNMODELLED, f"static property '{prop}'")
        if isinstance(obj, Namespace):
            return self.module_export(obj.path, prop)
        if isinstance(obj, External):
            if obj.name in ("process.env", "import.meta.env"):
                return EnvRef(prop)  # `const { KEY } = process.env`
            return External(f"{obj.name}.{prop}")
        if isinstance(obj, EnvRef):
            return Unknown(UnknownKind.RUNTIME_VALUE, f"a property of env var {obj.name}")
        if isinstance(obj, Unknown):
            # `env.TAVUS_API_KEY` from a validated env module (t3-env, zod): the name is the env var.
            return Unknown(obj.kind, obj.reason, env=prop if prop.isupper() else None)
        if isinstance(obj, Null):
            return Unknown(UnknownKind.RUNTIME_VALUE, f"property '{prop}' of null")
        return Unknown(UnknownKind.UNMODELLED, f"property '{prop}'")

    # ------------------------------------------------------------------ calls
    def call_value(self, node: Node, mod: Module, scope: Scope | None) -> Value:
        """The value a call returns, as far as it can be known."""
        fn_node = node.child_by_field_name("function")
        if fn_node is None:
            return Unknown(UnknownKind.UNMODELLED, "a call")
        callee = self.eval(fn_node, mod, scope)
        if isinstance(callee, External):
            return libraries.library_call(self, libraries.CallSite(callee, node, mod, scope, call_args(node)))
        if isinstance(callee, Func):
            return self.return_value(callee, [self.thunk(a, mod, scope) for a in call_args(node)], (node, mod))
        if isinstance(callee, (Str, Unknown)):
            if fn_node.type == "member_expression":
                obj, prop = fn_node.child_by_field_name("object"), fn_node.child_by_field_name("property")
                sent = libraries.client_input(self, obj, mod.text(prop), mod, called=True) \
                    if obj is not None and prop is not None else None
                if sent is not None:
                    return sent
            return Unknown(UnknownKind.CALL_RESULT, f"the result of calling {mod.text(fn_node)[:60]}")
        return Unknown(UnknownKind.CALL_RESULT, "the result of a call")

    def bind(self, func: Func, args: list[Thunk]) -> Scope:
        """The scope of calling `func` with `args`; the same call site in the same scope gives the same Scope.
        A method's scope also binds `this` (the object it was read from)."""
        key = (func.key, func.scope, id(func.this), tuple(_thunk_key(a) for a in args))
        scope = self._binds.get(key)
        if scope is None:
            scope = self._binds[key] = bind(func, args)
            if func.this is not None:
                scope.bindings[classes.THIS] = Thunk(None, func.module, None, value=func.this)
        return scope

    def return_value(self, func: Func, args: list[Thunk], site: tuple[Node, Module] | None = None) -> Value:
        """What calling `func` with `args` returns; `site` is the call, to tell recursion from `f(f(x))`."""
        level = self._recursion(func, site)
        if level is not None:
            self.memo.cut_at(level)
            return Unknown(UnknownKind.CYCLE, "a recursive call")
        self._active.append((func, self.memo.depth))
        try:
            return self._return_value(func, self.bind(func, args))
        finally:
            self._active.pop()

    def _recursion(self, func: Func, site: tuple[Node, Module] | None) -> int | None:
        """The memo level of the call `site` recurses into, if it does: `func` is being called
        already and the site lies inside that call or a function it called. (`f(f(x))` is not
        recursion: the inner call sits outside f.)"""
        if site is None:
            return None
        node, mod = site
        for i in range(len(self._active) - 1, -1, -1):
            if self._active[i][0].key != func.key:
                continue
            for active, _ in self._active[i:]:
                if active.module is mod and active.node.start_byte <= node.start_byte and \
                        node.end_byte <= active.node.end_byte:
                    return self._active[i][1]
            return None
        return None

    def _return_value(self, func: Func, scope: Scope) -> Value:
        body = func.node.child_by_field_name("body")
        if body is None:
            return Unknown(UnknownKind.MISSING, "a function without a body")
        if body.type != "statement_block":
            return self.eval(body, func.module, scope)
        ret = main_return(body)
        value = returned_expression(ret) if ret is not None else None
        return Null() if value is None else self.eval(value, func.module, scope)

    # ------------------------------------------------------------------ requests and reachability
    def as_request(self, call: Node, mod: Module, scope: Scope | None = None) -> Request | None:
        """The network request a call makes (fetch, sendBeacon, an HTTP client), or None."""
        return requests.as_request(self, call, mod, scope)

    def callee_functions(self, call: Node, mod: Module, scope: Scope | None) -> tuple[list[Func], Unresolved | None]:
        return reach.callee_functions(self, call, mod, scope)

    def reach(self, func: Func, args: list[Thunk] | None = None, *, max_depth: int = MAX_CALL_DEPTH) -> Reach:
        """Every request `func` can make, following calls into other functions and modules."""
        return reach.reach(self, func, args or [], max_depth)

    def apply_client(self, client: HttpClient, url: Value, opts: Value | None,
                     mod: Module) -> tuple[Value, Value | None]:
        return requests.apply_client(self, client, url, opts, mod)


_METHOD_TYPES = frozenset({"method_definition", "function_expression", "function", "generator_function"})


def _thunk_key(t: Thunk) -> Hashable:
    if t.node is None:
        return ("value", id(t.value), t.prop)
    return (t.module.path, t.node.id, t.scope, t.prop)


def _cut(node: Node, mod: Module) -> Callable[[bool], Unknown]:
    def answer(cycle: bool) -> Unknown:
        if node.type == "identifier":
            name = mod.text(node)[:40]
            if cycle:
                return Unknown(UnknownKind.CYCLE, f"'{name}' is defined in terms of itself")
            return Unknown(UnknownKind.INDIRECT, f"'{name}' is defined too indirectly to follow")
        if cycle:
            where = f"the {node.type.replace('_', ' ')} at line {node.start_point.row + 1}"
            return Unknown(UnknownKind.CYCLE, f"{where} is defined in terms of itself")
        return Unknown(UnknownKind.TOO_DEEP, "expression nests too deeply to follow")
    return answer
