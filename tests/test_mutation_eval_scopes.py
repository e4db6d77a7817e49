"""Name lookup (`sop_check/evaluate/scopes.py`) pinned one by one: which binding a name finds from a
given place, which calls' parameters a value can depend on (`free_params`), and how one call's
arguments are bound to a function's parameters (`bind`) (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_check.evaluate import Evaluator, Func, Null, Str, Unknown, UnknownKind
from sop_check.evaluate.scopes import (EVERY_CALL, Binding, ImportedBinding,
                                       OpaqueBinding, ParamBinding, Scopes, VarBinding, bind, destructured_path,
                                       destructured_prop,
                                       parameters)
from sop_check.evaluate.state import Budget
from sop_check.evaluate.syntax import ancestors
from sop_check.evaluate.values import Scope, Thunk
from sop_check.jsmodule import Module, descendants

from helpers import index_for, write

Node = object  # tree-sitter nodes, for annotations only


def _module(tmp_path: Path, source: str, name: str = "m.ts") -> Module:
    write(tmp_path, {"package.json": "{}", name: source})
    mod = index_for(tmp_path).module(name)
    assert mod is not None
    return mod


def _ident(mod: Module, name: str, nth: int = -1) -> Node:
    """The `nth` identifier spelled `name` in source order (the last by default: the use)."""
    found = sorted((n for n in descendants(mod.root, frozenset({"identifier", "shorthand_property_identifier"}))
                    if mod.text(n) == name), key=lambda n: n.start_byte)
    return found[nth]


def _node(mod: Module, types: str, text_start: str) -> Node:
    return next(n for n in descendants(mod.root, frozenset(types.split()))
                if mod.text(n).startswith(text_start))


def _kind_and_text(mod: Module, binding: Binding | None) -> tuple[str, str] | None:
    if binding is None:
        return None
    if isinstance(binding, ImportedBinding):
        return "ImportedBinding", f"{binding.binding.source}:{binding.binding.name}"
    return type(binding).__name__, mod.text(binding.node)


# -- find ------------------------------------------------------------------------------------------
FIND_SOURCE = """import { imported } from './other';
import * as ns from './other';
export function exported() {}
export const exportedConst = 1, { a: destructured, ...restName } = obj;
function* gen() {}
class Klass {}
var old = 1;
let [first, , third] = list;
const arrow = single => use(single, imported, ns);
const named = function selfName(p1, { p2 }, [p3], p4 = 1, ...p5) { selfName(p1, p2, p3, p4, p5); };
try { run(); } catch ({ message: caught }) { use(caught); }
try { run(); } catch (plain) { use(plain); }
for (const key in obj) { use(key); }
for (const [k2, v2] of pairs) { use(k2, v2); }
for (bare of items) { use(bare); }
for (let i = 0, { j } = o; i < 2; i++) { use(i, j); }
for (x1 = 0, x2 = 1, obj.prop = 2; x1 < 1; ) { use(x1, x2, prop); }
for (var v = 0; v < 1; v++) { use(v); }
switch (k) { case 1: const inSwitch = 1; use(inSwitch); }
class WithField { field = use(fieldName); }
use(exported, exportedConst, destructured, restName, gen, Klass, old, first, third, arrow, named, global);
"""

FIND_CASES = [
    ("imported", ("ImportedBinding", "./other:imported")),
    ("ns", ("ImportedBinding", "./other:*")),
    ("single", ("ParamBinding", "single")),
    ("selfName", ("FunctionBinding", "function selfName")),
    ("p1", ("ParamBinding", "p1")),
    ("p2", ("ParamBinding", "{ p2 }")),
    ("p3", ("ParamBinding", "[p3]")),
    ("p4", ("ParamBinding", "p4 = 1")),
    ("p5", ("ParamBinding", "...p5")),
    ("caught", ("OpaqueBinding", "{ message: caught }")),
    ("plain", ("OpaqueBinding", "plain")),
    ("key", ("OpaqueBinding", "key")),
    ("k2", ("OpaqueBinding", "[k2, v2]")),
    ("v2", ("OpaqueBinding", "[k2, v2]")),
    ("bare", ("OpaqueBinding", "bare")),
    ("i", ("OpaqueBinding", "let i = 0, { j } = o;")),
    ("j", ("OpaqueBinding", "let i = 0, { j } = o;")),
    ("x1", ("OpaqueBinding", "x1 = 0, x2 = 1, obj.prop = 2")),
    ("x2", ("OpaqueBinding", "x1 = 0, x2 = 1, obj.prop = 2")),
    ("prop", None),
    ("v", ("OpaqueBinding", "var v = 0;")),
    ("inSwitch", ("VarBinding", "inSwitch = 1")),
    ("fieldName", None),
    ("exported", ("FunctionBinding", "export function exported() {}"[7:])),
    ("exportedConst", ("VarBinding", "exportedConst = 1")),
    ("destructured", ("VarBinding", "{ a: destructured, ...restName } = obj")),
    ("restName", ("VarBinding", "{ a: destructured, ...restName } = obj")),
    ("gen", ("FunctionBinding", "function* gen() {}")),
    ("Klass", ("ClassBinding", "class Klass {}")),
    ("old", ("VarBinding", "old = 1")),
    ("first", ("VarBinding", "[first, , third] = list")),
    ("third", ("VarBinding", "[first, , third] = list")),
    ("arrow", ("VarBinding", "arrow = single => use(single, imported, ns)")),
    ("named", ("VarBinding", "named = function selfName")),
    ("global", None),
]


def _shown(mod: Module, binding: Binding | None) -> tuple[str, str] | None:
    found = _kind_and_text(mod, binding)
    return None if found is None else (found[0], found[1])


@pytest.mark.parametrize(("name", "expected"), FIND_CASES, ids=[c[0] for c in FIND_CASES])
def test_a_name_finds_its_binding_from_where_it_is_used(tmp_path: Path, name: str,
                                                        expected: tuple[str, str] | None) -> None:
    mod = _module(tmp_path, FIND_SOURCE)
    found = _shown(mod, Scopes().find(name, _ident(mod, name), mod))
    if expected is None or found is None:
        assert found == expected
    else:
        assert found[0] == expected[0] and found[1].startswith(expected[1]), found


def test_a_loop_or_catch_binding_is_not_seen_outside_it(tmp_path: Path) -> None:
    mod = _module(tmp_path, "for (const k of ks) { use(k); }\ntry {} catch (e) {}\nfor (let i = 0;;) {}\n"
                            "use(k, e, i);\n")
    scopes = Scopes()
    assert [scopes.find(n, _ident(mod, n), mod) for n in ("k", "e", "i")] == [None, None, None]
    assert isinstance(scopes.find("k", _ident(mod, "k", 1), mod), OpaqueBinding)


def test_a_name_at_module_level_is_found_from_the_root_itself(tmp_path: Path) -> None:
    mod = _module(tmp_path, "import { x } from './x';\nconst y = 1;\n")
    scopes = Scopes()
    assert isinstance(scopes.find("y", mod.root, mod), VarBinding)
    assert scopes.find("x", mod.root, mod) == ImportedBinding(mod.imports["x"])
    assert scopes.find("z", mod.root, mod) is None


def test_an_inner_declaration_shadows_an_import_and_an_outer_one(tmp_path: Path) -> None:
    mod = _module(tmp_path, "import { a } from './a';\nconst b = 1;\n"
                            "function f(a) { const b = 2; { const b = 3; use(a, b); } use(b); }\n")
    scopes = Scopes()
    assert _shown(mod, scopes.find("a", _ident(mod, "a"), mod)) == ("ParamBinding", "a")
    assert _shown(mod, scopes.find("b", _ident(mod, "b", -2), mod)) == ("VarBinding", "b = 3")
    assert _shown(mod, scopes.find("b", _ident(mod, "b"), mod)) == ("VarBinding", "b = 2")


def test_an_answer_is_kept_and_a_walk_is_charged_per_node(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) { return () => a; }\n")
    budget = Budget(1000)
    scopes = Scopes(budget)
    use = _ident(mod, "a")
    first = scopes.find("a", use, mod)
    assert isinstance(first, ParamBinding)
    assert budget.used_total == len(ancestors(use, mod.root)) + 1  # every node from the root to the use
    assert scopes.find("a", use, mod) is first  # kept: asked again, no walk
    assert budget.used_total == len(ancestors(use, mod.root)) + 1
    assert scopes.find("nothing", use, mod) is None and scopes.find("nothing", use, mod) is None


def test_block_declarations_are_read_once_per_block(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const a = 1;\n")
    scopes = Scopes()
    first = scopes.block_decls(mod.root, mod)
    assert list(first) == ["a"] and scopes.block_decls(mod.root, mod) is first


# -- free_params -----------------------------------------------------------------------------------
def _fn(mod: Module, name: str) -> Node:
    return _node(mod, "function_declaration", f"function {name}")


def test_a_value_depends_on_the_parameters_it_uses_not_those_it_binds(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) { const g = (b) => a + b; return g; }\n")
    f = _fn(mod, "f")
    g = _node(mod, "arrow_function", "(b) => a + b")
    scopes = Scopes()
    assert scopes.free_params(g, mod) == frozenset({f.id})
    assert scopes.free_params(f, mod) == frozenset()  # the function binds its own parameter
    body = g.child_by_field_name("body")
    assert scopes.free_params(body, mod) == frozenset({f.id, g.id})


def test_free_params_follow_local_variables_and_functions_not_module_ones(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const top = (z) => z;\nfunction outer(a) {}\n"
                            "function f(a, { o }) {\n  const v = a;\n  let w;\n  function h() { return o; }\n"
                            "  class K {}\n  try {} catch (e) { use(e); }\n"
                            "  return [() => v, () => h(), () => w, () => top, () => outer, () => K, () => e];\n}\n")
    f = _fn(mod, "f")
    params = f.child_by_field_name("parameters")
    scopes = Scopes()
    arrows = sorted(descendants(params.parent, frozenset({"arrow_function"})), key=lambda n: n.start_byte)
    assert [scopes.free_params(a, mod) for a in arrows] == [
        frozenset({f.id}), frozenset({f.id}), frozenset(), frozenset(), frozenset(), frozenset(), frozenset()]


def test_free_params_of_an_exported_or_var_declaration_at_module_level_are_none(tmp_path: Path) -> None:
    mod = _module(tmp_path, "export const e = (a) => a;\nvar v = (b) => b;\nexport function g(c) { return c; }\n"
                            "function f(a) { return () => [e, v, g]; }\n")
    arrow = _node(mod, "arrow_function", "() => [e, v, g]")
    assert Scopes().free_params(arrow, mod) == frozenset()


def test_free_params_of_this_name_the_method_that_binds_it(tmp_path: Path) -> None:
    mod = _module(tmp_path, "class C {\n  m() { return () => this.x; }\n  n() { return this.y; }\n}\n")
    m = _node(mod, "method_definition", "m()")
    n = _node(mod, "method_definition", "n()")
    arrow = _node(mod, "arrow_function", "() => this.x")
    scopes = Scopes()
    assert scopes.free_params(arrow, mod) == frozenset({m.id})
    assert scopes.free_params(n, mod) == frozenset()  # its own receiver
    top = _module(tmp_path / "top", "export const t = () => this;\n")
    assert Scopes().free_params(_node(top, "arrow_function", "()"), top) == frozenset()


def test_a_cycle_of_local_definitions_does_not_lose_a_parameter(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) {\n  const g = () => h() + a;\n  const h = () => g();\n}\n")
    f = _fn(mod, "f")
    g = _node(mod, "arrow_function", "() => h() + a")
    h = _node(mod, "arrow_function", "() => g()")
    scopes = Scopes()
    assert scopes.free_params(g, mod) == frozenset({f.id})
    # `h` was reached inside `g`'s computation, cut short at `g`: not kept, so asked now it is whole.
    assert scopes.free_params(h, mod) == frozenset({f.id})
    fresh = Scopes()
    assert fresh.free_params(h, mod) == frozenset({f.id})
    assert fresh.free_params(g, mod) == frozenset({f.id})


def test_a_cycle_back_to_the_outermost_computation_is_spent_when_it_ends(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) {\n  const g = () => g();\n  const u = () => a;\n}\n")
    f = _fn(mod, "f")
    scopes = Scopes()
    assert scopes.free_params(_node(mod, "arrow_function", "() => g()"), mod) == frozenset()
    u = _node(mod, "arrow_function", "() => a")
    assert scopes.free_params(u, mod) == frozenset({f.id})
    assert scopes.free_params(u.child_by_field_name("body"), mod) == frozenset({f.id})


def _chain(length: int) -> str:
    lines = ["function f(a) {", "  const v0 = a;"]
    lines += [f"  const v{i} = v{i - 1};" for i in range(1, length)]
    lines += [f"  return () => v{length - 1};", "}"]
    return "\n".join(lines) + "\n"


def test_local_definitions_chained_past_the_limit_could_depend_on_any_call(tmp_path: Path) -> None:
    # The arrow (level 0) reads v(n-1), whose value (level 1) reads v(n-2) ... v0's value `a` is read
    # at level n: the 100th level is the last one traced.
    for length, expected in ((99, "traced"), (100, "every")):
        mod = _module(tmp_path / str(length), _chain(length))
        f = _fn(mod, "f")
        arrow = _node(mod, "arrow_function", "() =>")
        found = Scopes().free_params(arrow, mod)
        assert found == (frozenset({f.id}) if expected == "traced" else frozenset({EVERY_CALL})), length


def test_with_the_budget_gone_free_params_keeps_every_call(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) { return () => a; }\n")
    budget = Budget(0)
    budget.spend()
    scopes = Scopes(budget)
    arrow = _node(mod, "arrow_function", "() => a")
    assert scopes.free_params(arrow, mod) == frozenset({EVERY_CALL})
    assert scopes.free_params(arrow, mod) == frozenset({EVERY_CALL})  # not left pending: no false cycle
    assert scopes.free_params(_node(mod, "function_declaration", "function"), mod) == frozenset({EVERY_CALL})


def test_free_params_with_a_budget_left_are_traced(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) { return () => a; }\n")
    f = _fn(mod, "f")
    scopes = Scopes(Budget(1000))
    assert scopes.free_params(_node(mod, "arrow_function", "() => a"), mod) == frozenset({f.id})


# -- destructured_prop / parameters ----------------------------------------------------------------
def test_the_property_a_destructured_name_comes_from(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const { short, withDefault = 1, key: renamed, 'quoted-key': q, nested: { deep }, "
                            "arr: [item], ...rest } = o;\n")
    pattern = _node(mod, "object_pattern", "{ short")
    got = {n: destructured_prop(pattern, n, mod)
           for n in ("short", "withDefault", "renamed", "q", "deep", "item", "rest", "key", "nested", "none")}
    assert got == {"short": "short", "withDefault": "withDefault", "renamed": "key", "q": "quoted-key",
                   "deep": None, "item": None, "rest": None, "key": None, "nested": None, "none": None}


def test_parameters_of_each_function_form(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const one = x => x;\nconst none = () => 1;\nfunction f(/* why */ a, b) {}\n")
    assert [mod.text(p) for p in parameters(_node(mod, "arrow_function", "x =>"))] == ["x"]
    assert parameters(_node(mod, "arrow_function", "() =>")) == []
    assert [mod.text(p) for p in parameters(_fn(mod, "f"))] == ["a", "b"]


# -- bind --------------------------------------------------------------------------------------------
def _bound(ev: Evaluator, func: Func, args: list[Thunk]) -> dict[str, object]:
    scope = bind(func, args)
    assert scope.function is func.node and scope.module_path == func.module.path and scope.parent is func.scope
    return {name: ev.force(thunk) for name, thunk in scope.bindings.items()}


@pytest.mark.parametrize("ext", ["ts", "js"])
def test_each_parameter_is_bound_to_its_argument_its_default_or_null(tmp_path: Path, ext: str) -> None:
    typed = ext == "ts"
    params = "a: string, b: string = 'B', c?: string, d = 'D', e: string" if typed else "a, b = 'B', c, d = 'D', e"
    write(tmp_path, {"package.json": "{}", f"m.{ext}": f"export function f({params}) {{}}\n"})
    ev = Evaluator(index_for(tmp_path))
    func = ev.module_export(f"m.{ext}", "f")
    assert isinstance(func, Func)
    mod = func.module
    given = Thunk(None, mod, None, value=Str("given"))
    assert _bound(ev, func, [given, given]) == {"a": Str("given"), "b": Str("given"), "c": Null(),
                                                 "d": Str("D"), "e": Null()}
    assert _bound(ev, func, []) == {"a": Null(), "b": Str("B"), "c": Null(), "d": Str("D"), "e": Null()}


def test_a_default_is_evaluated_in_the_scope_the_function_closes_over(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "m.ts": "export function outer(base) { return (x = base) => x; }\n"})
    ev = Evaluator(index_for(tmp_path))
    outer = ev.module_export("m.ts", "outer")
    assert isinstance(outer, Func)
    inner = ev.return_value(outer, [Thunk(None, outer.module, None, value=Str("from outer"))])
    assert isinstance(inner, Func) and inner.scope is not None
    assert _bound(ev, inner, []) == {"x": Str("from outer")}


def test_a_destructured_parameter_is_bound_to_properties_of_its_argument(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}",
                     "m.ts": ("export const arg = { id: 'I', 'x-key': 'K', nested: { n: 'N' } };\n"
                              "export function f({ id, 'x-key': key, ...rest }: Props, [first]: "
                              "string[], ...others: string[]) {}\n"
                              "export function g({ id }) {}\n")})
    ev = Evaluator(index_for(tmp_path))
    func = ev.module_export("m.ts", "f")
    assert isinstance(func, Func)
    mod = func.module
    arg_node = _node(mod, "object", "{ id: 'I'")
    whole = Thunk(arg_node, mod, None)
    bound = _bound(ev, func, [whole, whole, whole])
    # `rest`, an array pattern and a rest parameter are not bound: looked up, they are the parameter's unknown.
    assert bound == {"id": Str("I"), "key": Str("K")}
    scope = bind(func, [whole])
    assert scope.bindings["key"].prop == "x-key" and scope.bindings["key"].node is arg_node
    # An argument that is itself a destructured part: one level is modelled, not two.
    g = ev.module_export("m.ts", "g")
    assert isinstance(g, Func)
    part = Thunk(arg_node, mod, None, prop="nested")
    nested = _bound(ev, g, [part])["id"]
    assert isinstance(nested, Unknown) and (nested.kind, nested.reason) == (UnknownKind.UNMODELLED,
                                                                            "nested destructuring")
    known = Thunk(None, mod, None, value=Str("v"))
    assert bind(g, [known]).bindings["id"].value == Str("v") and bind(g, [known]).bindings["id"].prop == "id"


def test_the_scope_of_a_call_is_looked_up_by_the_evaluator(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "m.ts": "export function f(a) { return a + '!'; }\n"})
    ev = Evaluator(index_for(tmp_path))
    func = ev.module_export("m.ts", "f")
    assert isinstance(func, Func)
    assert ev.return_value(func, [Thunk(None, func.module, None, value=Str("x"))]) == Str("x!")
    assert isinstance(bind(func, []), Scope)


def test_a_declaration_in_a_switch_case_is_found_in_every_case(tmp_path: Path) -> None:
    """A `const` in a `case` without braces was not found (read as a global): the URL a handler
    declared there was `External('url')`, not the string, so its request could not be matched."""
    write(tmp_path, {"package.json": "{}",
                     "m.ts": ("export function f(k) {\n  switch (k) {\n    case 'a': const url = '/api/tavus/end';"
                              " return url;\n    default: let other = 'x'; return [url, other];\n  }\n}\n"
                              "export const viaCase = f('a');\n")})
    ev = Evaluator(index_for(tmp_path))
    assert ev.module_export("m.ts", "viaCase") == Str("/api/tavus/end")
    mod = ev.index.module("m.ts")
    assert mod is not None
    scopes = Scopes()
    assert _shown(mod, scopes.find("url", _ident(mod, "url"), mod)) == ("VarBinding", "url = '/api/tavus/end'")
    assert _shown(mod, scopes.find("other", _ident(mod, "other"), mod)) == ("VarBinding", "other = 'x'")


def test_a_name_destructured_from_deeper_in_is_that_property_not_the_outer_one(tmp_path: Path) -> None:
    """`const { data: { url } } = o` gave `url` the whole of `o.data` (an object, never the string), and a
    rule asking which property a name comes from heard `data`."""
    write(tmp_path, {"package.json": "{}",
                     "m.ts": ("const o = { data: { url: '/api/tavus/end', list: ['x'] } };\n"
                              "export const { data: { url }, data: { list: [first] } } = o;\n"
                              "export const { data: { url: renamed = 'dflt' } = {} } = o;\n"
                              "export function f({ data: { url } }) { return url; }\n"
                              "export const called = f(o);\n")})
    ev = Evaluator(index_for(tmp_path))
    assert ev.module_export("m.ts", "url") == Str("/api/tavus/end")
    assert ev.module_export("m.ts", "renamed") == Str("/api/tavus/end")
    first = ev.module_export("m.ts", "first")
    assert isinstance(first, Unknown) and (first.kind, first.reason) == (UnknownKind.NO_INITIALISER,
                                                                         "'first' comes from an array element")
    called = ev.module_export("m.ts", "called")  # a parameter's nested part: not modelled, said so
    assert isinstance(called, Unknown) and (called.kind, called.reason) == (UnknownKind.UNMODELLED,
                                                                            "nested destructuring")
    mod = ev.index.module("m.ts")
    assert mod is not None
    pattern = _node(mod, "object_pattern", "{ data: { url }")
    assert [destructured_path(pattern, n, mod) for n in ("url", "first", "data")] == [("data", "url"), None, None]
    assert destructured_prop(pattern, "url", mod) is None


def test_only_a_plain_name_assigned_in_a_loop_head_is_bound_by_it(tmp_path: Path) -> None:
    # `undefined` is not an identifier node: assigning to it (or to a property) binds no name.
    mod = _module(tmp_path, "for (undefined = 0, obj.p = 1, n = 2; ;) { use(undefined, n); }\n")
    call = _node(mod, "call_expression", "use(")
    scopes = Scopes()
    assert scopes.find("undefined", call, mod) is None
    assert _shown(mod, scopes.find("n", call, mod)) == ("OpaqueBinding", "undefined = 0, obj.p = 1, n = 2")
    assert scopes.find("obj", call, mod) is None and scopes.find("obj.p", call, mod) is None


def test_this_and_a_parameter_used_after_it_are_both_free(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) { return { m() { return () => this.x + a; } }; }\n")
    f = _fn(mod, "f")
    m = _node(mod, "method_definition", "m()")
    assert Scopes().free_params(_node(mod, "arrow_function", "() =>"), mod) == frozenset({m.id, f.id})


def test_each_local_definition_is_traced_once_however_often_it_is_used(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile input: locals each using the two before them. Without the kept answers the trace
    doubles with every local (2^40 here); with them each local's value is read once."""
    n = 40
    lines = ["function f(a) {", "  const v0 = a;", "  const v1 = a;"]
    lines += [f"  const v{i} = v{i - 1} + v{i - 2};" for i in range(2, n)]
    lines += [f"  return () => v{n - 1};", "}"]
    mod = _module(tmp_path, "\n".join(lines) + "\n")
    f = _fn(mod, "f")
    calls = []
    real = mod.leaves_within

    def counted(node: Node, types: frozenset[str]) -> list[Node]:
        calls.append(node)
        assert len(calls) <= 2 * n, "a local definition was traced again"
        return real(node, types)

    monkeypatch.setattr(mod, "leaves_within", counted)
    assert Scopes().free_params(_node(mod, "arrow_function", "() =>"), mod) == frozenset({f.id})
    assert len(calls) == n + 1  # the arrow, then each local's value once


def test_a_cycle_cut_reaches_every_computation_between_the_cut_and_the_one_re_entered(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) {\n  const g = () => h() + a;\n  const h = () => k();\n"
                            "  const k = () => g();\n}\n")
    f = _fn(mod, "f")
    scopes = Scopes()
    assert scopes.free_params(_node(mod, "arrow_function", "() => h()"), mod) == frozenset({f.id})
    # `k` and `h` were both cut short at `g`: neither may keep its partial answer.
    assert scopes.free_params(_node(mod, "arrow_function", "() => k()"), mod) == frozenset({f.id})
    assert scopes.free_params(_node(mod, "arrow_function", "() => g()"), mod) == frozenset({f.id})


def test_a_computation_that_a_cycle_came_back_to_keeps_its_answer(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    mod = _module(tmp_path, "function f(a) {\n  const g = () => h() + a;\n  const h = () => g();\n}\n")
    f = _fn(mod, "f")
    g = _node(mod, "arrow_function", "() => h()")
    scopes = Scopes()
    assert scopes.free_params(g, mod) == frozenset({f.id})
    calls: list[Node] = []
    real = mod.leaves_within
    monkeypatch.setattr(mod, "leaves_within", lambda node, types: calls.append(node) or real(node, types))
    assert scopes.free_params(g, mod) == frozenset({f.id}) and calls == []  # kept: not traced again


def test_a_loop_or_catch_head_binds_only_its_own_names(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const outer = 1;\nfor (const k of ks) {\n  try { run(); } catch (e) { use(outer, k); }\n"
                            "  try { run(); } catch { use(outer); }\n}\n")
    scopes = Scopes()
    first, second = sorted((n for n in descendants(mod.root, frozenset({"call_expression"}))
                            if mod.text(n).startswith("use(")), key=lambda n: n.start_byte)
    assert _shown(mod, scopes.find("outer", first, mod)) == ("VarBinding", "outer = 1")
    assert _shown(mod, scopes.find("outer", second, mod)) == ("VarBinding", "outer = 1")
    assert _shown(mod, scopes.find("k", second, mod)) == ("OpaqueBinding", "k")


def test_only_a_declaration_s_value_is_traced_not_its_pattern_or_type(tmp_path: Path) -> None:
    # decl_value reads the initialiser (and a property of it): a pattern's default and a type
    # annotation are not part of the value, so the call they name is not a dependency.
    mod = _module(tmp_path, "function f(a) {\n  const { x = a } = {};\n  const y: typeof a = 'y';\n"
                            "  return [() => x, () => y];\n}\n")
    scopes = Scopes()
    assert scopes.free_params(_node(mod, "arrow_function", "() => x"), mod) == frozenset()
    assert scopes.free_params(_node(mod, "arrow_function", "() => y"), mod) == frozenset()


def test_a_module_level_declaration_is_not_traced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No call's parameters can reach a module-level value: a name declared there costs no trace.
    mod = _module(tmp_path, "const top = compute(x);\nexport const exp = other(y);\nvar v = z;\nlet l = w;\n"
                            "function fn() { return q; }\nexport function efn() { return r; }\n"
                            "function f(a) { return () => [top, exp, v, l, fn, efn]; }\n")
    calls: list[Node] = []
    real = mod.leaves_within
    monkeypatch.setattr(mod, "leaves_within", lambda node, types: calls.append(node) or real(node, types))
    arrow = _node(mod, "arrow_function", "() =>")
    assert Scopes().free_params(arrow, mod) == frozenset()
    assert calls == [arrow]


def test_a_single_parameter_arrow_binds_its_parameter(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const g = x => use(x);\n")
    arrow = _node(mod, "arrow_function", "x =>")
    found = Scopes().find("x", _ident(mod, "x"), mod)
    assert isinstance(found, ParamBinding) and found.function == arrow and mod.text(found.node) == "x"
    assert Scopes().free_params(arrow, mod) == frozenset()
    assert Scopes().free_params(arrow.child_by_field_name("body"), mod) == frozenset({arrow.id})


def test_an_anonymous_function_binds_no_name_of_its_own(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const outer = 1;\nconst h = function () { use(outer); };\n"
                            "function decl() { use(decl); }\n")
    scopes = Scopes()
    assert _shown(mod, scopes.find("outer", _ident(mod, "outer"), mod)) == ("VarBinding", "outer = 1")
    assert _shown(mod, scopes.find("decl", _ident(mod, "decl"), mod)) == ("FunctionBinding", "function decl() { use(decl); }")


def test_a_bare_arrow_parameter_a_this_parameter_and_a_class_bind_as_written(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}",
                     "m.ts": ("export const single = x => x;\nexport function typed(this: Window, a: string) {}\n"
                              "export class K {}\n")})
    ev = Evaluator(index_for(tmp_path))
    single, typed, klass = (ev.module_export("m.ts", n) for n in ("single", "typed", "K"))
    assert isinstance(single, Func) and isinstance(typed, Func) and isinstance(klass, Func)
    given = Thunk(None, single.module, None, value=Str("given"))
    assert _bound(ev, single, [given]) == {"x": Str("given")}
    assert _bound(ev, typed, [given, given]) == {"a": Str("given")}  # `this` is no name to bind
    assert _bound(ev, klass, [given]) == {}


def test_a_destructured_parameter_reads_its_argument_in_the_caller_s_scope(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}",
                     "m.ts": ("function inner({ list: [first], id }) { return id; }\n"
                              "export function outer(o) { return inner(o); }\n"
                              "export const arg = { id: 'I', list: ['x'] };\n")})
    ev = Evaluator(index_for(tmp_path))
    outer = ev.module_export("m.ts", "outer")
    assert isinstance(outer, Func)
    arg = ev.module_export("m.ts", "arg")
    # `o` is outer's parameter: inner's `id` is read from it through outer's call; the array
    # element before it is not bound, and does not stop the names after it.
    assert ev.return_value(outer, [Thunk(None, outer.module, None, value=arg)]) == Str("I")
