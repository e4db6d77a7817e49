"""The interpreter (`sop_check/evaluate/interpreter.py`) pinned branch by branch: what a property
of each kind of value is, what a name bound each way evaluates to, when a `let` has one value, what
a call returns and the Unknown (kind and reason) where it cannot be known (found by mutation
testing)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import Evaluator, External, Func, Null, Obj, Str, Unknown, UnknownKind
from sop_check.evaluate.values import EnvRef, Namespace, Thunk, Value
from sop_check.jsmodule import Module, descendants

from helpers import evaluated


def _ev(tmp_path: Path, source: str, **more: str) -> tuple[Evaluator, Module]:
    return evaluated(tmp_path, source, **more)


def _export(tmp_path: Path, source: str, name: str, **more: str) -> Value:
    ev, _ = _ev(tmp_path, source, **more)
    return ev.module_export("m.ts", name)


def _unknown(value: Value) -> tuple[UnknownKind, str]:
    assert isinstance(value, Unknown), value
    return value.kind, value.reason


# ---------------------------------------------------------------------------- properties
def test_a_property_of_a_closed_object_that_is_absent_is_undefined_and_of_an_open_one_unknown(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const closed = { a: 'x' };\nexport const open = { ...rest, a: 'x' };\n")
    closed, open_ = ev.module_export("m.ts", "closed"), ev.module_export("m.ts", "open")
    assert ev.get_prop(closed, "a") == Str("x") and ev.get_prop(closed, "b") == Null()
    assert ev.get_prop(open_, "a") == Str("x")
    assert _unknown(ev.get_prop(open_, "b")) == (UnknownKind.OPEN_OBJECT,
                                                 "property 'b' of an object with unknown spread")


def test_a_property_written_before_an_unknown_spread_is_shadowed(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export function f(p) { return { method: 'POST', ...p }; }\n")
    o = ev.eval(next(descendants(mod.root, frozenset({"object"}))), mod)
    assert isinstance(o, Obj) and o.shadowed and list(o.shadowed) == ["method"]
    method = ev.get_prop(o, "method")
    assert method is o.shadowed["method"] and _unknown(method)[0] is UnknownKind.PARAMETER


def test_a_method_read_from_an_object_is_bound_to_it(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const o = { m() { return 1; }, f: function () {}, a: () => 1 };\n")
    o = ev.module_export("m.ts", "o")
    m, f, a = ev.get_prop(o, "m"), ev.get_prop(o, "f"), ev.get_prop(o, "a")
    assert isinstance(m, Func) and m.this is o
    assert isinstance(f, Func) and f.this is o
    assert isinstance(a, Func) and a.this is None  # an arrow function keeps its own `this`


def test_properties_of_env_externals_nulls_and_other_values(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const x = 1;\n")
    assert ev.get_prop(External("process.env"), "KEY") == EnvRef("KEY")
    assert ev.get_prop(External("import.meta.env"), "KEY") == EnvRef("KEY")
    assert ev.get_prop(External("window.location"), "href") == External("window.location.href")
    assert _unknown(ev.get_prop(EnvRef("BASE"), "x")) == (UnknownKind.RUNTIME_VALUE, "a property of env var BASE")
    assert _unknown(ev.get_prop(Null(), "x")) == (UnknownKind.RUNTIME_VALUE, "property 'x' of null")
    assert _unknown(ev.get_prop(Str("s"), "x")) == (UnknownKind.UNMODELLED, "property 'x'")


def test_a_property_of_an_unknown_keeps_its_kind_and_names_an_upper_case_env_var() -> None:
    ev = Evaluator.__new__(Evaluator)
    base = Unknown(UnknownKind.CALL_RESULT, "the result of createEnv()")
    assert ev.get_prop(base, "TAVUS_API_KEY") == Unknown(UnknownKind.CALL_RESULT, "the result of createEnv()",
                                                         env="TAVUS_API_KEY")
    assert ev.get_prop(base, "apiKey") == Unknown(UnknownKind.CALL_RESULT, "the result of createEnv()", env=None)


def test_a_namespace_property_is_the_module_export(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const x = 1;\n", **{"k.ts": "export const KEY = 'k';\n"})
    assert ev.get_prop(Namespace("k.ts"), "KEY") == Str("k")


def test_a_static_member_of_a_class_and_an_unknown_one(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export class C { static base = 'https://x'; }\n")
    c = ev.module_export("m.ts", "C")
    assert isinstance(c, Func)
    assert ev.get_prop(c, "base") == Str("https://x")
    assert _unknown(ev.get_prop(c, "other")) == (UnknownKind.UNMODELLED, "static property 'other'")


def test_a_thunk_without_a_node_is_its_value_or_undefined_then_its_property(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    assert ev.force(Thunk(None, mod, None)) == Null()
    assert ev.force(Thunk(None, mod, None, value=Str("v"))) == Str("v")
    obj = Obj({"a": Thunk(None, mod, None, value=Str("inner"))}, False)
    assert ev.force(Thunk(None, mod, None, value=obj, prop="a")) == Str("inner")


# ---------------------------------------------------------------------------- names
def _ref(ev: Evaluator, mod: Module, name: str, nth: int = -1) -> object:
    refs = [n for n in descendants(mod.root, frozenset({"identifier"})) if mod.text(n) == name]
    return refs[nth]


def test_names_bound_each_way(tmp_path: Path) -> None:
    src = ("import { K } from './k';\nfunction f() {}\nclass C {}\nconst v = 'v';\n"
           "try { x(); } catch (err) { use(err); }\n"
           "export const all = [K, f, C, v, err, nowhere];\n")
    ev, mod = _ev(tmp_path, src, **{"k.ts": "export const K = 'k';\n"})
    use = next(c for c in mod.calls if mod.text(c) == "use(err)")
    arg = use.child_by_field_name("arguments").named_children[0]
    assert _unknown(ev.eval(arg, mod)) == (UnknownKind.RUNTIME_BINDING, "'err' is bound at run time")
    last = next(n for n in descendants(mod.root, frozenset({"array"})))
    k, f, c, v, err, nowhere = last.named_children
    assert ev.eval(k, mod) == Str("k")
    fv, cv = ev.eval(f, mod), ev.eval(c, mod)
    assert isinstance(fv, Func) and fv.node.type == "function_declaration"
    assert isinstance(cv, Func) and cv.node.type == "class_declaration"
    assert ev.eval(v, mod) == Str("v")
    assert ev.eval(nowhere, mod) == External("nowhere")
    assert ev.eval(err, mod) == External("err")  # the catch binding is not visible outside its block


def test_a_parameter_without_a_call_is_unknown_naming_it(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export function f(id) { return id; }\nconst l = 'lit';\n")
    f = ev.module_export("m.ts", "f")
    assert isinstance(f, Func)
    ret = next(descendants(f.node, frozenset({"return_statement"}))).named_children[0]
    assert _unknown(ev.eval(ret, mod)) == (UnknownKind.PARAMETER, "parameter 'id' (its value comes from the caller)")
    assert ev.return_value(f, [ev.thunk(_lit(mod), mod, None)]) == Str("lit")


def _lit(mod: Module):  # type: ignore[no-untyped-def]
    return next(n for n in descendants(mod.root, frozenset({"string"})) if mod.text(n) == "'lit'")


# ---------------------------------------------------------------------------- calls
RECURSIVE = Unknown(UnknownKind.CYCLE, "a recursive call")


def test_recursion_is_cut_where_it_recurses(tmp_path: Path) -> None:
    src = ("function loop(n: number): string { return loop(n - 1); }\nexport const direct = loop(3);\n"
           "const arrow = (n: number): string => arrow(n - 1);\nexport const tail = arrow(1);\n"
           "function a(n: number): string { return b(n); }\nfunction b(n: number): string { return c(n); }\n"
           "function c(n: number): string { return a(n); }\nexport const mutual = a(1);\n"
           "function ping(n: number): string { return pong(n); }\nfunction pong(n: number): string { return ping(n); }\n"
           "export const pair = ping(1);\n")
    ev, _ = _ev(tmp_path, src)
    assert ev.module_export("m.ts", "direct") == RECURSIVE
    assert ev.module_export("m.ts", "tail") == RECURSIVE  # the call ends where the arrow function ends
    assert ev.module_export("m.ts", "mutual") == RECURSIVE  # through two other functions
    assert ev.module_export("m.ts", "pair") == RECURSIVE  # through one


def test_recursion_is_seen_at_its_first_repeat_not_later(tmp_path: Path) -> None:
    """Seen one call later, the same recursion inside 24 parentheses runs past the depth limit."""
    src = "function loop(n) { return " + "(" * 24 + "loop(n - 1)" + ")" * 24 + "; }\nexport const v = loop(3);\n"
    ev, _ = _ev(tmp_path, src)
    assert ev.module_export("m.ts", "v") == RECURSIVE


def test_what_a_function_returns(tmp_path: Path) -> None:
    src = ("export function nothing() { work(); }\nexport function bare(x) { work(); return; }\n"
           "export const arrow = () => 'expr';\nexport function nested(x) { if (x) { return 'a'; } }\n"
           "export function overloaded(a: string): string;\nexport function overloaded(a: any) { return a; }\n")
    ev, mod = _ev(tmp_path, src)

    def ret(name: str) -> Value:
        f = ev.module_export("m.ts", name)
        assert isinstance(f, Func), f
        return ev.return_value(f, [])

    assert ret("nothing") == Null() and ret("bare") == Null()
    assert ret("arrow") == Str("expr") and ret("nested") == Str("a")
    sig = next(n for n in descendants(mod.root, frozenset({"function_signature"})))
    assert ev.return_value(Func(sig, mod, None), []) == Unknown(UnknownKind.MISSING, "a function without a body")


def test_arguments_given_as_values_are_told_apart(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const id = (x) => x;\n")
    f = ev.module_export("m.ts", "id")
    assert isinstance(f, Func)
    a, b = Str("a"), Str("b")
    assert ev.return_value(f, [Thunk(None, mod, None, value=a)]) == a
    assert ev.return_value(f, [Thunk(None, mod, None, value=b)]) == b


def test_a_request_is_read_in_the_scope_of_its_call(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export function send(url) { fetch(url); }\nconst l = 'lit';\n")
    send = ev.module_export("m.ts", "send")
    assert isinstance(send, Func)
    scope = ev.bind(send, [ev.thunk(_lit(mod), mod, None)])
    call = next(c for c in mod.calls if mod.text(c) == "fetch(url)")
    req = ev.as_request(call, mod, scope)
    assert req is not None and req.url == Str("lit") and req.scope is scope


def test_the_evaluator_applies_a_client_as_the_request_reader_does(tmp_path: Path) -> None:
    from sop_check.evaluate.values import HttpClient

    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    headers = Obj({"k": Thunk(None, mod, None, value=Str("v"))}, False)
    client = HttpClient(Obj({"baseURL": Thunk(None, mod, None, value=Str("https://t.com")),
                             "headers": Thunk(None, mod, None, value=headers)}, False))
    url, opts = ev.apply_client(client, Str("/x"), Obj({"body": Thunk(None, mod, None, value=Str("b"))}, True), mod)
    assert url == Str("https://t.com/x")
    assert isinstance(opts, Obj) and opts.open and set(opts.props) == {"body", "headers"}
    assert ev.get_prop(ev.get_prop(opts, "headers"), "k") == Str("v")
    assert opts.props["headers"].module is mod


def test_an_object_holding_an_argument_is_read_again_for_each_call(tmp_path: Path) -> None:
    """A helper's reading that holds its argument in an object (`useRef(x)`, its `current` kept
    unread until the request is judged) depends on that call: it is not shared with other callers."""
    src = ("function send(url) { fetch('/log', useRef(url)); }\n"
           "export function one() { send('/a'); }\nexport function two() { send('/b'); }\n")
    ev, _ = _ev(tmp_path, src)
    urls = []
    for name in ("one", "two"):
        f = ev.module_export("m.ts", name)
        assert isinstance(f, Func)
        (req,) = ev.reach(f).requests
        assert isinstance(req.options, Obj)
        urls.append(ev.get_prop(req.options, "current"))
    assert urls == [Str("/a"), Str("/b")]


# ---------------------------------------------------------------------------- declarations
def test_what_each_kind_of_declaration_gives_its_name(tmp_path: Path) -> None:
    src = ("const obj = { a: 'A', b: 'B' };\nconst { a, ...others } = obj;\nconst [state, setState] = useState('s');\n"
           "let bare;\nconst { b: renamed } = obj;\nexport const all = [a, others, state, setState, bare, renamed];\n")
    ev, mod = _ev(tmp_path, src)
    arr = list(descendants(mod.root, frozenset({"array"})))[-1]
    a, others, state, setter, bare, renamed = (ev.eval(n, mod) for n in arr.named_children)
    assert a == Str("A") and renamed == Str("B")
    assert _unknown(others) == (UnknownKind.NO_INITIALISER, "'others' comes from a rest pattern")
    assert _unknown(state) == (UnknownKind.STATE, "'state' is destructured from an array (a state value or setter)")
    assert _unknown(setter)[0] is UnknownKind.STATE
    assert _unknown(bare) == (UnknownKind.NO_INITIALISER, "'bare' is declared without a value")


def test_a_let_has_one_value_only_if_every_assignment_agrees(tmp_path: Path) -> None:
    src = ("let same = 'x';\nsame = 'x';\nlet differs = 'x';\nif (c) differs = 'y';\nlet later;\nlater = 'z';\n"
           "var old = 'v';\nold = 'w';\nlet inner = 'i';\nfunction f() { let inner = 'j'; inner = 'k'; }\n"
           "let member = 'm';\nobj.member = 'n';\nconst fixed = 'c';\n"
           "export const all = [same, differs, later, old, inner, member, fixed];\n")
    ev, mod = _ev(tmp_path, src)
    arr = list(descendants(mod.root, frozenset({"array"})))[-1]
    same, differs, later, old, inner, member, fixed = (ev.eval(n, mod) for n in arr.named_children)
    assert same == Str("x") and later == Str("z")
    assert _unknown(differs) == (UnknownKind.RUNTIME_VALUE, "'differs' is assigned more than one value")
    assert _unknown(old) == (UnknownKind.RUNTIME_VALUE, "'old' is assigned more than one value")
    assert inner == Str("i")  # the inner function assigns its own `inner`
    assert member == Str("m") and fixed == Str("c")


def test_the_assignments_of_a_declaration(tmp_path: Path) -> None:
    src = ("let a = 1;\na = 2;\nb = 3;\na = 4;\nconst c = 5;\nc = 6;\nvar d = 7;\nd = 8;\n"
           "function f() { let a = 9; a = 10; }\n")
    ev, mod = _ev(tmp_path, src)
    decls = {mod.text(d.child_by_field_name("name")): d for d in descendants(mod.root, frozenset({"variable_declarator"}))
             if d.start_point.row < 8}
    assert [mod.text(n) for n in ev.reassignments(decls["a"], "a", mod)] == ["2", "4"]
    assert ev.reassignments(decls["c"], "c", mod) == []  # a const is never reassigned
    assert [mod.text(n) for n in ev.reassignments(decls["d"], "d", mod)] == ["8"]
    inner = [d for d in descendants(mod.root, frozenset({"variable_declarator"})) if d.start_point.row == 8][0]
    assert [mod.text(n) for n in ev.reassignments(inner, "a", mod)] == ["10"]


def test_a_declaration_that_is_not_a_variable(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "function f() {}\nfunction* g() {}\nclass C {}\nimport x from 'y';\n")
    f, g = descendants(mod.root, frozenset({"function_declaration", "generator_function_declaration"}))
    c = next(descendants(mod.root, frozenset({"class_declaration"})))
    imp = next(descendants(mod.root, frozenset({"import_statement"})))
    for node in (f, g, c):
        v = ev.decl_value(node, "n", mod, None)
        assert isinstance(v, Func) and v.node is not None and v.node.id == node.id
    assert ev.decl_value(imp, "x", mod, None) == External("x")


# ---------------------------------------------------------------------------- cycles and depth
def test_a_name_defined_in_terms_of_itself_is_a_cycle_naming_it(tmp_path: Path) -> None:
    long = "n" * 50
    src = f"export const a = b;\nconst b = a;\nexport const c = {long};\nconst {long} = c;\n"
    ev, mod = _ev(tmp_path, src)
    assert _unknown(ev.module_export("m.ts", "a")) == (UnknownKind.CYCLE, "'b' is defined in terms of itself")
    assert _unknown(ev.module_export("m.ts", "c")) == (UnknownKind.CYCLE, f"'{'n' * 40}' is defined in terms of itself")


def test_an_expression_defined_in_terms_of_itself_names_its_form_and_line(tmp_path: Path) -> None:
    from sop_check.evaluate.interpreter import _cut

    ev, mod = _ev(tmp_path, "\nconst x = a.b;\n")
    member = next(descendants(mod.root, frozenset({"member_expression"})))
    ident = next(descendants(mod.root, frozenset({"identifier"})))
    assert _cut(member, mod)(True) == Unknown(UnknownKind.CYCLE, "the member expression at line 2 is defined in terms "
                                                                 "of itself")
    assert _cut(member, mod)(False) == Unknown(UnknownKind.TOO_DEEP, "expression nests too deeply to follow")
    assert _cut(ident, mod)(False) == Unknown(UnknownKind.INDIRECT, "'x' is defined too indirectly to follow")
    assert _cut(ident, mod)(True) == Unknown(UnknownKind.CYCLE, "'x' is defined in terms of itself")


def test_a_chain_of_names_past_the_depth_limit_is_indirect(tmp_path: Path) -> None:
    chain = "".join(f"const v{i} = v{i + 1};\n" for i in range(60)) + "const v60 = 'end';\n"
    ev, _ = _ev(tmp_path, chain + "export const top = v0;\n")
    top = ev.module_export("m.ts", "top")
    assert _unknown(top)[0] is UnknownKind.INDIRECT and _unknown(top)[1].endswith("is defined too indirectly to follow")
    short = "".join(f"const w{i} = w{i + 1};\n" for i in range(5)) + "const w5 = 'end';\n"
    ev, _ = _ev(tmp_path / "short", short + "export const top = w0;\n")
    assert ev.module_export("m.ts", "top") == Str("end")


def test_the_budget_gone_every_value_is_the_budget_unknown(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const a = 'x';\n")
    ev.start_rule(0)
    assert ev.module_export("m.ts", "a") == Unknown(UnknownKind.BUDGET, "analysis budget exceeded")
    assert ev.exhausted and ev.spend(1) is False
    fresh, _ = _ev(tmp_path / "fresh", "export const a = 'x';\n")
    assert fresh.spend(1) is True and not fresh.exhausted


def test_a_call_inside_a_function_reads_its_callee_and_arguments_in_the_call_scope(tmp_path: Path) -> None:
    src = ("const g = () => 'g';\nconst id = (y) => y;\nfunction run(cb) { return cb(); }\n"
           "function pass(x) { return id(x); }\nexport const ran = run(g);\nexport const passed = pass('a');\n")
    ev, _ = _ev(tmp_path, src)
    assert ev.module_export("m.ts", "ran") == Str("g")
    assert ev.module_export("m.ts", "passed") == Str("a")


def test_a_library_call_knows_its_call_node(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const r = useRef('v');\n")
    ref = ev.module_export("m.ts", "r")
    call = next(c for c in mod.calls if mod.text(c) == "useRef('v')")
    assert isinstance(ref, Obj) and ref.node is not None and ref.node.id == call.id


def test_what_calling_something_that_is_not_a_function_gives(tmp_path: Path) -> None:
    long = "s" * 70
    src = (f"const s = 'x';\nconst {long} = 'y';\nconst o = {{}};\nexport const str = s();\n"
           f"export const longer = {long}();\nexport const obj = o();\n")
    ev, _ = _ev(tmp_path, src)
    assert _unknown(ev.module_export("m.ts", "str")) == (UnknownKind.CALL_RESULT, "the result of calling s")
    assert _unknown(ev.module_export("m.ts", "longer")) == (UnknownKind.CALL_RESULT,
                                                            f"the result of calling {'s' * 60}")
    assert _unknown(ev.module_export("m.ts", "obj")) == (UnknownKind.CALL_RESULT, "the result of a call")


def test_a_method_call_binds_this_to_its_own_object(tmp_path: Path) -> None:
    src = ("const o = { base: '/x', go() { return this.base; } };\nexport const v = o.go();\n"
           "const mk = (b) => ({ b, get() { return this.b; } });\n"
           "export const one = mk('1').get();\nexport const two = mk('2').get();\n")
    ev, _ = _ev(tmp_path, src)
    assert ev.module_export("m.ts", "v") == Str("/x")
    assert (ev.module_export("m.ts", "one"), ev.module_export("m.ts", "two")) == (Str("1"), Str("2"))


def test_reach_passes_its_arguments(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export function send(url) { fetch(url); }\n")
    send = ev.module_export("m.ts", "send")
    assert isinstance(send, Func)
    (req,) = ev.reach(send, [Thunk(None, mod, None, value=Str("/a"))]).requests
    assert req.url == Str("/a")
    (unbound,) = ev.reach(send).requests
    assert unbound.url == Null()  # an argument not passed is undefined


def test_a_computation_that_fails_is_not_remembered(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const x = 1;\n")

    def boom() -> Value:
        raise ValueError("boom")

    def cut(cycle: bool) -> Unknown:
        return Unknown(UnknownKind.CYCLE if cycle else UnknownKind.TOO_DEEP, "cut")

    try:
        ev.memoised(("test", 1), boom, cut)
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the error must reach the caller")
    assert ev.memoised(("test", 1), lambda: Str("ok"), cut) == Str("ok")
    assert ev.memoised(("test", 1), lambda: Str("again"), cut) == Str("ok")  # now remembered


def test_a_component_prop_is_read_from_where_the_component_is_rendered(tmp_path: Path) -> None:
    src = ("function EndButton({ onEnd }) { return <button onClick={onEnd}>End</button>; }\n"
           "const end = () => fetch('/api/tavus/end');\n"
           "export default function Page() { return <EndButton onEnd={end} />; }\n")
    ev, mod = evaluated(tmp_path, src, "app/page.tsx")
    ref = next(n for n in descendants(mod.root, frozenset({"identifier"})) if mod.text(n) == "onEnd"
               and n.parent is not None and n.parent.type == "jsx_expression")
    end = ev.eval(ref, mod)
    assert isinstance(end, Func) and mod.text(end.node) == "() => fetch('/api/tavus/end')"


def test_a_parameter_read_in_another_function_s_call_is_still_unknown(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export function outer(a) { return 1; }\nexport function inner(b) { return b; }\n")
    outer, inner = ev.module_export("m.ts", "outer"), ev.module_export("m.ts", "inner")
    assert isinstance(outer, Func) and isinstance(inner, Func)
    scope = ev.bind(outer, [Thunk(None, mod, None, value=Str("x"))])
    ret = next(descendants(inner.node, frozenset({"return_statement"}))).named_children[0]
    assert _unknown(ev.eval(ret, mod, scope)) == (UnknownKind.PARAMETER,
                                                   "parameter 'b' (its value comes from the caller)")
    assert ev.relevant(scope, ret, mod) is None  # outer's bindings cannot change `b`
    assert ev.relevant(None, ret, mod) is None
    own = ev.bind(inner, [Thunk(None, mod, None, value=Str("y"))])
    assert ev.relevant(own, ret, mod) is own and ev.eval(ret, mod, own) == Str("y")


def test_inside_a_call_destructured_names_and_closures_read_its_arguments(tmp_path: Path) -> None:
    src = ("function pick(o) { const { a } = o; return a; }\nexport const picked = pick({ a: 'x' });\n"
           "function mk(x) { return () => x; }\nexport const closed = mk('c')();\n")
    ev, _ = _ev(tmp_path, src)
    assert ev.module_export("m.ts", "picked") == Str("x")
    assert ev.module_export("m.ts", "closed") == Str("c")


def _chain(k: int) -> str:
    return "".join(f"const v{i} = v{i + 1};\n" for i in range(k)) + f"const v{k} = 'end';\nexport const top = v0;\n"


def test_the_depth_limit_is_forty_nested_evaluations(tmp_path: Path) -> None:
    assert _export(tmp_path / "37", _chain(37), "top") == Str("end")
    assert _export(tmp_path / "38", _chain(38), "top") == Unknown(UnknownKind.TOO_DEEP,
                                                                   "expression nests too deeply to follow")
    assert _export(tmp_path / "39", _chain(39), "top") == Unknown(UnknownKind.INDIRECT,
                                                                   "'v39' is defined too indirectly to follow")


def test_inside_a_call_every_kind_of_binding_reads_its_arguments(tmp_path: Path) -> None:
    src = ("function viaConst(x) { const y = x; return y; }\nexport const a = viaConst('a');\n"
           "function viaLet(x) { let y = x; if (c) y = x; return y; }\nexport const b = viaLet('b');\n"
           "function viaFunction(x) { function inner() { return x; } return inner(); }\n"
           "export const c = viaFunction('c');\n"
           "function viaMethod(x) { return { get() { return x; } }; }\nexport const e = viaMethod('e').get();\n"
           "function outer(x) { function inner(y) { return x; } return inner('i'); }\nexport const f = outer('f');\n")
    ev, _ = _ev(tmp_path, src)
    assert [ev.module_export("m.ts", n) for n in "abcef"] == [Str(n) for n in "abcef"]


def test_a_call_site_in_a_scope_is_bound_once(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const f = (x) => x;\n")
    f = ev.module_export("m.ts", "f")
    assert isinstance(f, Func)
    arg = Str("a")
    assert ev.bind(f, [Thunk(None, mod, None, value=arg)]) is ev.bind(f, [Thunk(None, mod, None, value=arg)])


def test_an_expression_is_evaluated_once_per_node_and_the_bindings_it_uses(tmp_path: Path) -> None:
    src = ("export function f(x) { return { k: 'v' }; }\nexport function g(x) { return <p>{x}</p>; }\n")
    ev, mod = evaluated(tmp_path, src, "m.tsx")
    f, g = ev.module_export("m.tsx", "f"), ev.module_export("m.tsx", "g")
    assert isinstance(f, Func) and isinstance(g, Func)
    obj = next(descendants(mod.root, frozenset({"object"})))
    one, two = (ev.bind(f, [Thunk(None, mod, None, value=Str(s))]) for s in "12")
    assert ev.eval(obj, mod, one) is ev.eval(obj, mod, two)  # it uses no parameter: one entry for all calls
    assert ev.eval(obj, mod, None) is ev.eval(obj, mod, None)
    jsx = next(descendants(mod.root, frozenset({"jsx_element"})))
    g1, g2 = (ev.bind(g, [Thunk(None, mod, None, value=Str(s))]) for s in "12")
    assert ev.eval(jsx, mod, g1) is ev.eval(jsx, mod, g2)  # a form not evaluated answers the same in any scope


def test_each_evaluation_is_charged_one_step_and_scope_walks_too(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const a = 'x';\n")
    lit = next(descendants(mod.root, frozenset({"string"})))
    ev.start_rule(1)
    assert ev.eval(lit, mod) == Str("x") and not ev.exhausted
    before = ev.budget.used_total
    ev.find_decl("a", lit, mod)
    assert ev.budget.used_total > before


def test_a_memoised_computation_that_needs_itself_gets_the_cycle_answer(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "export const x = 1;\n")

    def cut(cycle: bool) -> Unknown:
        return Unknown(UnknownKind.CYCLE if cycle else UnknownKind.TOO_DEEP, "cut")

    def again() -> Value:
        return ev.memoised(("self", 1), again, cut)

    assert ev.memoised(("self", 1), again, cut) == Unknown(UnknownKind.CYCLE, "cut")


def test_a_name_destructured_by_let_and_assigned_again_has_one_value_only_if_they_agree(tmp_path: Path) -> None:
    """`let { url } = config; if (dev) url = '/other'`: the destructured value was taken as the only one."""
    src = ("let { url } = { url: '/api/tavus/end' };\nif (dev) url = '/api/other';\nexport const v = url;\n"
           "let { same } = { same: 's' };\nsame = 's';\nexport const w = same;\n"
           "let { ...rest } = { a: 1 };\nrest = {};\nexport const r = rest;\n")
    ev, _ = _ev(tmp_path, src)
    assert _unknown(ev.module_export("m.ts", "v")) == (UnknownKind.RUNTIME_VALUE, "'url' is assigned more than one value")
    assert ev.module_export("m.ts", "w") == Str("s")
    assert _unknown(ev.module_export("m.ts", "r"))[0] is UnknownKind.RUNTIME_VALUE


def test_a_state_value_assigned_again_is_still_a_state_value(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "let [s] = useState('a');\ns = 'b';\nexport const v = s;\n")
    assert _unknown(ev.module_export("m.ts", "v")) == (UnknownKind.STATE,
                                                       "'s' is destructured from an array (a state value or setter)")


def test_a_class_named_in_its_module_gives_its_static_members(tmp_path: Path) -> None:
    ev, _ = _ev(tmp_path, "class C { static base = 'https://x'; }\nexport const b = C.base;\n")
    assert ev.module_export("m.ts", "b") == Str("https://x")
