"""Small pieces of the evaluator (`sop_check/evaluate/syntax.py`, `values.py`) pinned one by one:
what a `return` returns, whose `this` a class field sees, which calls run with a function, when two
function values are the same, and how values show in debugging output (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import EnvRef, Evaluator, External, Func, Obj, Unknown, UnknownKind, describe
from sop_check.evaluate.syntax import (CallIndex, ancestors, call_args, calls_within, returned_expression, returns,
                                       this_owner)
from sop_check.evaluate.values import (HOLE, MAX_TEXT, Bool, Null, Num, Scope, Str, Thunk, as_text, budget_exceeded,
                                       text_value)
from sop_check.jsmodule import Module, descendants

from helpers import evaluated, index_for, write


def _module(tmp_path: Path, source: str) -> Module:
    return evaluated(tmp_path, source, "app/page.tsx")[1]


def test_a_return_returns_its_expression_not_a_comment_and_a_bare_return_nothing(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(a) {\n  if (a) return;\n  return /* why */ a + 1;\n}\n")
    bare, commented = sorted(descendants(mod.root, {"return_statement"}), key=lambda n: n.start_byte)
    assert returned_expression(bare) is None
    expr = returned_expression(commented)
    assert expr is not None and mod.text(expr) == "a + 1"


def test_this_in_a_class_field_belongs_to_the_class(tmp_path: Path) -> None:
    mod = _module(tmp_path, "class Client {\n  key = this.read();\n}\n")
    this = next(descendants(mod.root, {"this"}))
    owner = this_owner(this, mod)
    assert owner is not None and owner.type == "class_declaration" and mod.text(owner).startswith("class Client")


def test_calls_within_a_function_are_those_that_run_with_it(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f() {\n  a();\n  setTimeout(() => b());\n  const later = () => c();\n}\n")
    fn = next(descendants(mod.root, {"function_declaration"}))
    assert [mod.text(c) for c in calls_within(fn, mod)] == ["a()", "setTimeout(() => b())", "b()"]


def test_function_values_are_equal_only_with_the_same_node_module_scope_and_this(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f() {}\nfunction g() {}\n")
    other = _module(tmp_path / "other", "function f() {}\nfunction g() {}\n")
    f, g = sorted(descendants(mod.root, {"function_declaration"}), key=lambda n: n.start_byte)
    scope = Scope(f, mod.path, {}, None)
    this = Str("client")
    base = Func(f, mod, scope, this)
    assert base == Func(f, mod, scope, this)
    assert base != Func(g, mod, scope, this)  # another function
    assert base != Func(f, other, scope, this)  # the same place in another module object
    assert base != Func(f, mod, None, this)  # another call's bindings
    assert base != Func(f, mod, scope, Str("client"))  # another receiver, even an equal one
    assert base != "f"


def test_function_scope_and_thunk_reprs_name_the_place(tmp_path: Path) -> None:
    mod = _module(tmp_path, "\nfunction f(a) {}\n")
    f = next(descendants(mod.root, {"function_declaration"}))
    assert repr(Func(f, mod, None)) == "Func(app/page.tsx:2)"
    assert repr(Scope(f, mod.path, {"b": Thunk(None, mod, None, value=Null()), "a": Thunk(f, mod, None)}, None)) \
        == f"Scope({f.id}, ['a', 'b'])"
    assert repr(Thunk(f, mod, None)) == "Thunk('function_declaration')"
    assert repr(Thunk(None, mod, None, value=Null())) == "Thunk(Null())"


def test_unknowns_are_falsy_and_the_budget_unknown_says_so() -> None:
    assert not Unknown(UnknownKind.CALL_RESULT, "x")
    budget = budget_exceeded()
    assert budget == Unknown(UnknownKind.BUDGET, "analysis budget exceeded")
    assert describe(budget) == "analysis budget exceeded"


def test_a_scope_looks_a_name_up_in_the_innermost_call_of_the_function(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function outer(a) { function inner(a) {} }\n")
    outer, inner = sorted(descendants(mod.root, {"function_declaration"}), key=lambda n: n.start_byte)
    first, second = Thunk(None, mod, None, value=Str("1")), Thunk(None, mod, None, value=Str("2"))
    outer_call = Scope(outer, mod.path, {"a": first}, None)
    inner_call = Scope(inner, mod.path, {"a": second}, outer_call)
    assert inner_call.lookup(outer.id, "a") is first
    assert inner_call.lookup(inner.id, "a") is second
    assert inner_call.lookup(inner.id, "b") is None
    assert outer_call.lookup(inner.id, "a") is None  # not a call of `inner`


def test_returns_are_the_function_s_own_at_any_block_depth(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f(x) {\n  function g() { return 1; }\n  class C { m() { return 2; } }\n"
                            "  if (x) { return 3; }\n  return 4;\n}\n")
    fn = next(descendants(mod.root, {"function_declaration"}))
    body = fn.child_by_field_name("body")
    assert sorted(mod.text(r) for r in returns(body)) == ["return 3;", "return 4;"]


def test_a_value_inside_a_string_is_its_text_or_a_hole() -> None:
    assert [as_text(Num(3.0)), as_text(Num(1.5)), as_text(Num(float("inf")))] == ["3", "1.5", "inf"]
    assert [as_text(Bool(True)), as_text(Bool(False)), as_text(Str("a"))] == ["true", "false", "a"]
    assert as_text(Null()) == HOLE


def test_a_string_up_to_max_text_is_kept_and_a_longer_one_is_too_large() -> None:
    assert text_value("x" * MAX_TEXT) == Str("x" * MAX_TEXT)
    too_long = text_value("x" * (MAX_TEXT + 1))
    assert isinstance(too_long, Unknown) and too_long.kind is UnknownKind.TOO_LARGE


def test_the_environment_is_read_in_every_spelling_of_process_env(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "app/page.js": "import '../lib/x';\n",
                     "lib/x.ts": "import process from 'node:process';\n"
                                 "export const a = process.env.A;\n"  # not the global: only the text says env
                                 "export const b = import . meta . env.B;\n"
                                 "export const c = globalThis.process.env['C'];\n"
                                 "export const d = import.meta.env.D;\n"})
    ev = Evaluator(index_for(tmp_path))
    assert [ev.module_export("lib/x.ts", n) for n in "abcd"] == [EnvRef("A"), EnvRef("B"), EnvRef("C"), EnvRef("D")]


def test_call_args_leave_comments_out(tmp_path: Path) -> None:
    mod = _module(tmp_path, "f(/* first */ a, b);\n")
    call = next(descendants(mod.root, {"call_expression"}))
    assert [mod.text(a) for a in call_args(call)] == ["a", "b"]


def test_ancestors_of_a_node_not_under_top_are_none(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f() { a(); }\nfunction g() { b(); }\n")
    f, g = sorted(descendants(mod.root, {"function_declaration"}), key=lambda n: n.start_byte)
    b = next(descendants(g, {"call_expression"}))
    assert ancestors(b, f) == []
    assert [n.type for n in ancestors(b, g)] == ["function_declaration", "statement_block", "expression_statement"]


def test_a_returned_function_does_not_run_but_an_iife_does(tmp_path: Path) -> None:
    mod = _module(tmp_path, "const f = () => () => c();\nconst g = () => { (() => d())(); };\n")
    f, g = sorted((n for n in descendants(mod.root, {"arrow_function"}) if n.parent.type == "variable_declarator"),
                  key=lambda n: n.start_byte)
    assert calls_within(f, mod) == []
    assert [mod.text(c) for c in calls_within(g, mod)] == ["(() => d())()", "d()"]


def test_a_call_index_rereads_a_module_of_the_same_path_with_other_calls(tmp_path: Path) -> None:
    index = CallIndex()
    one = _module(tmp_path / "one", "function f() { a(); }\n")
    two = _module(tmp_path / "two", "x();\ny();\nfunction f() { a(); b(); }\n")
    assert one.path == two.path
    f1, f2 = (next(descendants(m.root, {"function_declaration"})) for m in (one, two))
    assert [one.text(c) for c in index.calls_within(f1, one)] == ["a()"]
    assert [two.text(c) for c in index.calls_within(f2, two)] == ["a()", "b()"]


def test_a_destructured_parameter_binds_the_argument_s_property(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "app/page.js": "import '../lib/x';\n",
                     "lib/x.ts": "function send({ url, opts }) { fetch(url, opts); }\n"
                                 "export function end() { send({ url: '/api/tavus/end', opts: { method: 'POST' } }); }\n"})
    ev = Evaluator(index_for(tmp_path))
    end = ev.module_export("lib/x.ts", "end")
    assert isinstance(end, Func)
    (request,) = ev.reach(end).requests
    assert (request.url, request.method) == (Str("/api/tavus/end"), "POST")


def test_a_scope_derives_from_its_callers_and_from_where_its_arguments_came(tmp_path: Path) -> None:
    mod = _module(tmp_path, "function f() {}\n")
    fn = next(descendants(mod.root, {"function_declaration"}))
    target = Scope(fn, mod.path, {}, None)
    caller = Scope(fn, mod.path, {}, target)
    looping = Scope(fn, mod.path, {}, None)
    looping.bindings["self"] = Thunk(None, mod, looping)  # an argument that came from its own frame
    # Reached twice through arguments (the second visit is skipped, the walk goes on), then the caller.
    call = Scope(fn, mod.path, {"a": Thunk(None, mod, looping), "b": Thunk(None, mod, looping)}, caller)
    assert call.derives_from(call) and call.derives_from(caller) and call.derives_from(target)
    assert call.derives_from(looping)
    assert not target.derives_from(call)
    assert not looping.derives_from(target)


def test_constructors_the_evaluator_models(tmp_path: Path) -> None:
    """`new Headers/Map(x)` is `x`; `new URL(path, base)` joins a path to the base's origin; `new
    Request(url, init)` is an object of its URL and options; other classes are unmodelled."""
    exports = {
        "h": "new Headers({ 'x-api-key': 'k' })", "m": "new Map([['a', 1]])", "empty": "new Headers()",
        "u1": "new URL('/v2/conversations', 'https://tavusapi.com/ignored/path')",
        "u2": "new URL('/end', 'https://h.example/')", "u3": "new URL('/end', 'prefix/')",
        "u4": "new URL('/end', base)", "u5": "new URL('/end', '')",
        "u6": "new URL('https://a.example/x', 'https://b.example')", "u7": "new URL('/x')",
        "u8": "new URL('rel', 'https://b.example')", "foo": "new Foo(1)",
        "r1": "new Request('/api/tavus/end', { method: 'POST', keepalive: true })",
        "r2": "new Request(r1, { method: 'PUT' })", "r3": "new Request('/a', init)", "r4": "new Request('/a', null)",
        "r5": "new Request('/a')", "r6": "new Request('/a', { ...more })", "r7": "new Request(other, {})",
    }
    write(tmp_path, {"package.json": "{}", "app/page.js": "import '../lib/x';\n",
                     "lib/x.ts": "".join(f"export const {name} = {expr};\n" for name, expr in exports.items())})
    ev = Evaluator(index_for(tmp_path))
    value = {name: ev.module_export("lib/x.ts", name) for name in exports}
    h = value["h"]
    assert isinstance(h, Obj) and ev.get_prop(h, "x-api-key") == Str("k")
    assert value["m"] == Unknown(UnknownKind.UNMODELLED, "an array")  # the initialiser's value
    assert value["empty"] == Unknown(UnknownKind.UNMODELLED, "a new Headers")
    assert value["foo"] == Unknown(UnknownKind.UNMODELLED, "a new Foo")
    assert [value[f"u{i}"] for i in range(1, 9)] == [
        Str("https://tavusapi.com/v2/conversations"), Str("https://h.example/end"), Str("prefix/end"),
        Str(f"{HOLE}/end"), Str(f"{HOLE}/end"), Str("https://a.example/x"), Str("/x"), Str("rel")]

    def request(name: str) -> tuple[dict[str, object], bool, str]:
        obj = value[name]
        assert isinstance(obj, Obj)
        return {k: ev.get_prop(obj, k) for k in obj.props}, obj.open, obj.cls

    assert request("r1") == ({"url": Str("/api/tavus/end"), "method": Str("POST"), "keepalive": Bool(True)},
                             False, "request")
    assert request("r2") == ({"url": Str("/api/tavus/end"), "method": Str("PUT"), "keepalive": Bool(True)},
                             False, "request")
    assert [request(n)[1] for n in ("r3", "r4", "r5", "r6")] == [True, False, False, True]
    assert request("r5") == ({"url": Str("/a")}, False, "request")
    r7 = request("r7")
    assert r7 == ({"url": External("other")}, False, "request")  # not a Request object: it is the URL


def test_library_calls_the_evaluator_models(tmp_path: Path) -> None:
    """React hooks that hand back their argument or factory's result, string helpers, and the
    default (the call's result is unknown) when a model has nothing to go on."""
    exports = {"a": "useMemo(() => '/api/tavus/end', [])", "b": "useMemo('/x')", "c": "useMemo()",
               "d": "useCallback('/cb', [])", "e": "useCallback()", "f": "String('s')", "g": "String(n)",
               "h": "encodeURIComponent('id')", "i": "JSON.stringify({ a: 1 })", "j": "useRef('/r').current",
               "k": "useRef()", "l": "String()"}
    write(tmp_path, {"package.json": "{}", "app/page.js": "import '../lib/x';\n",
                     "lib/x.ts": "import { useMemo, useCallback, useRef } from 'react';\n"
                                 + "".join(f"export const {name} = {expr};\n" for name, expr in exports.items())})
    ev = Evaluator(index_for(tmp_path))
    value = {name: ev.module_export("lib/x.ts", name) for name in exports}
    assert [value[n] for n in "abdfghij"] == [Str("/api/tavus/end"), Str("/x"), Str("/cb"), Str("s"), Str(HOLE),
                                              Str("id"), Str(HOLE), Str("/r")]
    assert [value[n] for n in "cekl"] == [
        Unknown(UnknownKind.CALL_RESULT, "the result of react useMemo()"),
        Unknown(UnknownKind.CALL_RESULT, "the result of react useCallback()"),
        Unknown(UnknownKind.CALL_RESULT, "the result of react useRef()"),
        Unknown(UnknownKind.CALL_RESULT, "the result of String()")]
