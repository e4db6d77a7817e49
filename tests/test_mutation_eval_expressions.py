"""The expression forms of the evaluator (`sop_check/evaluate/expressions.py`) pinned one by one: the
value each literal, operator, member, object and `new` gives, and the kind and reason of each
unknown (found by mutation testing). Each case is one exported constant of a small module."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_check.evaluate import Evaluator, Func, Obj, Unknown, UnknownKind
from sop_check.evaluate.expressions import EVALUATED, HANDLERS, truthiness
from sop_check.evaluate.values import HOLE, MAX_TEXT, Bool, EnvDefault, EnvRef, Null, Num, Str, Thunk, Value

from sop_check.jsmodule import descendants

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'


def _evaluator(tmp_path: Path, source: str, path: str = "m.ts", files: dict[str, str] | None = None) -> Evaluator:
    write(tmp_path, {"package.json": PKG, path: source, **(files or {})})
    return Evaluator(index_for(tmp_path))


def _value(tmp_path: Path, source: str, name: str = "v", path: str = "m.ts") -> Value:
    return _evaluator(tmp_path, source, path).module_export(path, name)


def _unknown(kind: UnknownKind, reason: str, env: str | None = None) -> Unknown:
    return Unknown(kind, reason, env)


RUNTIME = UnknownKind.RUNTIME_VALUE
UNMODELLED = UnknownKind.UNMODELLED

# (id, the expression exported as `v`, the value it evaluates to)
CASES: list[tuple[str, str, Value]] = [
    # literals
    ("number_with_separators", "1_000", Num(1000.0)),
    ("hex_number_is_not_modelled", "0x10", _unknown(UNMODELLED, "a number literal")),
    ("bigint_is_not_modelled", "10n", _unknown(UNMODELLED, "a number literal")),
    ("true", "true", Bool(True)),
    ("false", "false", Bool(False)),
    ("null", "null", Null()),
    ("undefined", "undefined", Null()),
    ("array", "[1]", _unknown(UNMODELLED, "an array")),
    ("regex_names_its_node_type", "/re/", _unknown(UNMODELLED, "cannot evaluate a regex")),
    ("update_names_its_node_type_in_words", "a++", _unknown(UNMODELLED, "cannot evaluate a update expression")),
    ("sequence_in_parentheses", "(1, 2)", _unknown(UNMODELLED, "cannot evaluate a sequence expression")),
    # templates
    ("template_of_text_only", "`abc`", Str("abc")),
    ("template_empty", "``", Str("")),
    ("template_single_substitution_keeps_the_value", "`${2}`", Num(2.0)),
    ("template_substitution_then_text", "`${'a'}b`", Str("ab")),
    ("template_parts_and_substitutions", "`a${'b'}c${1}${true}`", Str("abc1true")),
    ("template_escape_kept_as_written", "`x\\n${1}`", Str("x\\n1")),
    ("template_hole_for_unknown", "`a${x}`", Str("a" + HOLE)),
    ("template_env_names_the_hole_once", "`a${process.env.B}/${process.env.B}`",
     Str("a" + HOLE + "/" + HOLE, ("B",))),
    ("template_env_holes_in_order", "`${process.env.A}/${process.env.B}`", Str(HOLE + "/" + HOLE, ("A", "B"))),
    ("template_only_env_is_the_env_read", "`${process.env.B}`", EnvRef("B")),
    ("template_unknown_with_env_names_it", "`${[].BASE}/x`", Str(HOLE + "/x", ("BASE",))),
    ("template_string_holes_carry_their_env", "`${`${process.env.A}/a`}/b`", Str(HOLE + "/a/b", ("A",))),
    # parentheses and wrappers
    ("parentheses_skip_a_comment", "(3 /* c */)", Num(3.0)),
    ("as_expression", "'x' as string", Str("x")),
    ("non_null", "'x'!", Str("x")),
    ("satisfies", "'x' satisfies string", Str("x")),
    ("type_assertion", "<string>'s'", Str("s")),
    ("await", "await 's'", Str("s")),
    ("await_skips_a_comment", "await /* c */ 's'", Str("s")),
    ("shorthand_undefined", "({ undefined }).undefined", Null()),
    # || and ??
    ("env_or_empty_is_the_env_read", "process.env.K || ''", EnvRef("K")),
    ("env_or_default", "process.env.K || 'd'", EnvDefault("d", env="K")),
    ("env_nullish_default", "process.env.K ?? 'd'", EnvDefault("d", env="K")),
    ("env_or_env_default_keeps_the_first_env", "process.env.A || (process.env.B || 'd')", EnvDefault("d", env="A")),
    ("env_or_non_string_is_the_env_read", "process.env.K || 1", EnvRef("K")),
    ("unknown_or_default_is_the_unknown", "[1] || 'd'", _unknown(UNMODELLED, "an array")),
    ("function_or_default", "'s' || 'd'", Str("s")),
    ("empty_or_default", "'' || 'd'", Str("d")),
    ("empty_nullish_default_is_empty", "'' ?? 'd'", Str("")),
    ("zero_nullish_default_is_zero", "0 ?? 5", Num(0.0)),
    ("zero_or_default", "0 || 5", Num(5.0)),
    ("false_nullish_default_is_false", "false ?? 5", Bool(False)),
    ("false_or_default", "false || 5", Num(5.0)),
    ("null_nullish_default", "null ?? 'd'", Str("d")),
    ("undefined_or_default", "undefined || 'd'", Str("d")),
    # + && and the rest
    ("string_plus_number", "'a' + 1", Str("a1")),
    ("number_plus_string", "1 + 'a'", Str("1a")),
    ("number_plus_number", "1 + 2", _unknown(RUNTIME, "the result of '+'")),
    ("env_plus_string_names_the_env", "process.env.K + '/x'", Str(HOLE + "/x", ("K",))),
    ("string_plus_env_plus_env", "'a' + process.env.A + process.env.B", Str("a" + HOLE + HOLE, ("A", "B"))),
    ("and_is_the_right_side", "1 && 'x'", Str("x")),
    ("minus", "a - b", _unknown(RUNTIME, "the result of '-'")),
    # equality
    ("strict_equal_strings", "'a' === 'a'", Bool(True)),
    ("strict_equal_other_strings", "'a' === 'b'", Bool(False)),
    ("strict_not_equal_strings", "'a' !== 'a'", Bool(False)),
    ("loose_equal_strings_not_decided", "'a' == 'a'", _unknown(RUNTIME, "the result of '=='")),
    ("loose_equal_numbers", "1 == 1", Bool(True)),
    ("loose_not_equal_numbers", "1 != 2", Bool(True)),
    ("loose_not_equal_same_numbers", "1 != 1", Bool(False)),
    ("loose_not_equal_strings_not_decided", "'a' != 'b'", _unknown(RUNTIME, "the result of '!='")),
    ("null_equals_undefined", "null == undefined", Bool(True)),
    ("null_strict_equal_object", "null === {}", Bool(False)),
    ("undefined_strict_equal_function", "undefined === (() => 1)", Bool(False)),
    ("object_strict_equal_null", "({}) === null", Bool(False)),
    ("null_equal_bool", "null == true", Bool(False)),
    ("null_equal_number", "null == 0", Bool(False)),
    ("null_not_equal_string", "null !== 's'", Bool(True)),
    ("null_equal_holed_string", "null === `${q}`", _unknown(RUNTIME, "the result of '==='")),
    ("null_equal_unknown", "null === q", _unknown(RUNTIME, "the result of '==='")),
    ("holed_string_equal_string", "`${q}` === 'a'", _unknown(RUNTIME, "the result of '==='")),
    ("string_equal_holed_string", "'a' === `${q}`", _unknown(RUNTIME, "the result of '==='")),
    ("bools_equal", "true === true", Bool(True)),
    ("bools_differ", "true === false", Bool(False)),
    ("number_equal_bool_not_decided", "1 === true", _unknown(RUNTIME, "the result of '==='")),
    ("unknowns_equal_not_decided", "q === r", _unknown(RUNTIME, "the result of '==='")),
    # unary and conditional
    ("not_zero", "!0", Bool(True)),
    ("not_empty_string", "!''", Bool(True)),
    ("not_object", "!{}", Bool(False)),
    ("not_null", "!null", Bool(True)),
    ("not_unknown", "!x", _unknown(RUNTIME, "the result of a unary operator")),
    ("minus_one", "-1", _unknown(RUNTIME, "the result of a unary operator")),
    ("ternary_true", "true ? 'a' : 'b'", Str("a")),
    ("ternary_false", "0 ? 'a' : 'b'", Str("b")),
    ("ternary_unknown_same_branches", "x ? 'a' : 'a'", Str("a")),
    ("ternary_unknown_two_strings_is_a_hole", "x ? 'a' : 'b'", Str(HOLE)),
    ("ternary_unknown_string_or_number", "x ? 'a' : 1", _unknown(RUNTIME, "a value chosen at run time "
                                                                             "(conditional expression)")),
    ("ternary_unknown_number_or_string", "x ? 1 : 'a'", _unknown(RUNTIME, "a value chosen at run time "
                                                                             "(conditional expression)")),
    # members and subscripts
    ("process_env_member", "process.env.K", EnvRef("K")),
    ("process_env_subscript", "process.env['K']", EnvRef("K")),
    ("process_env_computed_key", "process.env[k]", _unknown(RUNTIME, "a property chosen at run time")),
    ("subscript_with_holed_key", "({ a: 1 })[`${k}`]", _unknown(RUNTIME, "a property chosen at run time")),
    ("object_subscript", "({ a: 1 })['a']", Num(1.0)),
    ("object_member", "({ a: 1 }).a", Num(1.0)),
    ("member_of_a_member", "({ a: { b: 'c' } }).a.b", Str("c")),
    ("this_outside_a_class", "this", _unknown(UNMODELLED, "'this' outside a class or method")),
    ("new_library_class", "new Headers()", _unknown(UNMODELLED, "a new Headers")),
]


@pytest.mark.parametrize("source,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_an_expression_evaluates_to(tmp_path: Path, source: str, expected: Value) -> None:
    assert _value(tmp_path, f"export const v = {source};\n") == expected


def test_a_function_or_object_on_the_left_of_or_is_kept(tmp_path: Path) -> None:
    fn = _value(tmp_path, "export const v = (() => 1) || 'd';\n")
    assert isinstance(fn, Func) and fn.node.type == "arrow_function"
    obj = _value(tmp_path / "o", "export const v = { a: 1 } || 'd';\n")
    assert isinstance(obj, Obj) and set(obj.props) == {"a"}


def test_nan_and_other_values_have_the_truthiness_they_say() -> None:
    assert truthiness(Num(float("nan"))) is False
    assert truthiness(Num(0.0)) is False and truthiness(Num(-2.0)) is True
    assert truthiness(Bool(True)) is True and truthiness(Bool(False)) is False
    assert truthiness(Null()) is False
    assert truthiness(Str("")) is False and truthiness(Str("a")) is True
    assert truthiness(Str("a" + HOLE)) is None  # a hole may be anything
    assert truthiness(EnvDefault("d", env="K")) is None  # the env may be set to ''
    assert truthiness(EnvRef("K")) is None and truthiness(Unknown(RUNTIME, "x")) is None


def test_a_function_and_a_class_are_functions(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, "export const f = function () {};\nexport const c = class {};\n")
    f, c = ev.module_export("m.ts", "f"), ev.module_export("m.ts", "c")
    assert isinstance(f, Func) and f.node.type == "function_expression"
    assert isinstance(c, Func) and c.node.type == "class"


def test_code_in_a_syntax_error_is_unknown_naming_file_and_line(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, "const ok = 1;\nexport const v = foo(1 2) + 'a';\n")
    mod = ev.index.module("m.ts")
    assert mod is not None
    broken = next(descendants(mod.root, frozenset({"binary_expression"})))
    assert ev.eval(broken, mod, None) == Unknown(UnknownKind.SYNTAX_ERROR, "syntax error in m.ts at line 2")


def test_a_string_too_large_stays_too_large_in_a_template_and_a_sum(tmp_path: Path) -> None:
    big = "a" * (MAX_TEXT // 2 + 1)
    src = (f"const half = '{big}';\nconst whole = half + half;\n"
           "export const t = `x${whole}`;\nexport const l = whole + 'x';\nexport const r = 'x' + whole;\n"
           "export const e = `${process.env.A}${whole}`;\n")
    ev = _evaluator(tmp_path, src)
    too_large = Unknown(UnknownKind.TOO_LARGE, f"a string longer than {MAX_TEXT} characters")
    for name in "tlre":
        assert ev.module_export("m.ts", name) == too_large, name


def test_a_template_that_just_grows_too_large_is_too_large(tmp_path: Path) -> None:
    big = "a" * MAX_TEXT
    ev = _evaluator(tmp_path, f"const s = '{big}';\nexport const v = `${{process.env.A}}${{s}}`;\n"
                              f"export const w = `${{s}}${{process.env.A}}`;\nexport const x = s + process.env.A;\n"
                              f"export const y = `${{s}}`;\n")
    too_large = Unknown(UnknownKind.TOO_LARGE, f"a string longer than {MAX_TEXT} characters")
    assert ev.module_export("m.ts", "v") == too_large
    assert ev.module_export("m.ts", "w") == too_large
    assert ev.module_export("m.ts", "x") == too_large
    assert ev.module_export("m.ts", "y") == Str(big)  # exactly MAX_TEXT: still a string


def test_an_env_base_read_from_a_committed_template(tmp_path: Path) -> None:
    write(tmp_path, {".env.example": "TAVUS_BASE=https://tavusapi.com/v2\n"})
    ev = _evaluator(tmp_path, "export const v = `${process.env.TAVUS_BASE}/conversations`;\n"
                              "export const w = process.env.TAVUS_BASE + '/end';\n"
                              "export const u = `${process.env.OTHER}/x`;\n")
    assert ev.module_export("m.ts", "v") == Str("https://tavusapi.com/v2/conversations")
    assert ev.module_export("m.ts", "w") == Str("https://tavusapi.com/v2/end")
    assert ev.module_export("m.ts", "u") == Str(HOLE + "/x", ("OTHER",))


def test_the_evaluated_node_types_are_the_handlers_and_functions() -> None:
    assert {"identifier", "object", "template_string", "await_expression", "unary_expression"} <= EVALUATED
    assert {"arrow_function", "function_declaration", "class", "class_declaration"} <= EVALUATED
    assert "array" in HANDLERS and "regex" not in EVALUATED


OBJECTS = """const k = 'dyn';
const base = { a: 1, b: 2 };
const open = { a: 1, ...q };
const arr = [].X;
const held = { c: 1, ...[1] };
const rested = { ...[1] };
export const keys = { x: 1, 'y z': 2, 3: 'n', [k]: 4, s() { return 1; }, 't'() {}, k, 'onX'() {} };
export const computed = { x: 1, [q]: 5 };
export const closed = { a: 0, ...base, c: 3 };
export const openSpread = { a: 0, c: 9, ...open };
export const unknownSpread = { a: 0, ...[1], c: 3 };
export const nullSpreads = { a: 0, ...null, ...undefined };
export const numberSpread = { a: 0, ...5 };
export const rewritten = { a: 0, ...[1], a: 2 };
export const envSpread = { c: 1, ...arr };
export const carried = { ...held };
export const carriedThenSet = { ...held, c: 2 };
export const restSpread = { x: 1, ...rested };
export const restKept = { ...[1], ...open };
export const clearedBySpread = { a: 0, ...[1], ...{ a: 3 } };
export const emptyKey = { '': 1, ...[1] };
"""


def _object(ev: Evaluator, name: str) -> Obj:
    value = ev.module_export("m.ts", name)
    assert isinstance(value, Obj), name
    return value


def _replaced(key: str, why: str, kind: UnknownKind = UnknownKind.OPEN_OBJECT, env: str | None = None) -> Unknown:
    return Unknown(kind, f"'{key}' may be replaced by a spread after it ({why})", env=env)


ARRAY = Unknown(UNMODELLED, "an array")


def test_object_keys_of_every_spelling(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, OBJECTS)
    keys = _object(ev, "keys")
    assert list(keys.props) == ["x", "y z", "3", "dyn", "s", "t", "k", "onX"]  # only the quotes are stripped
    assert [ev.get_prop(keys, p) for p in ("x", "y z", "3", "dyn", "k")] == [Num(1.0), Num(2.0), Str("n"), Num(4.0),
                                                                             Str("dyn")]
    s, t = ev.get_prop(keys, "s"), ev.get_prop(keys, "t")
    assert isinstance(s, Func) and s.node.type == "method_definition" and ev.return_value(s, []) == Num(1.0)
    assert isinstance(t, Func) and t.node.type == "method_definition"
    assert not keys.open and keys.shadowed is None and keys.rest is None
    assert keys.node is not None and keys.module is not None and keys.module.path == "m.ts"
    assert keys.module.text(keys.node).startswith("{ x: 1, 'y z'") and keys.cls == ""
    computed = _object(ev, "computed")
    assert list(computed.props) == ["x"] and computed.open  # a key chosen at run time may be any
    assert computed.shadowed is None and computed.rest is None


def test_a_spread_of_a_known_object_copies_its_props_in_order(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, OBJECTS)
    closed = _object(ev, "closed")
    assert {p: ev.get_prop(closed, p) for p in closed.props} == {"a": Num(1.0), "b": Num(2.0), "c": Num(3.0)}
    assert not closed.open and closed.shadowed is None and closed.rest is None
    nulls = _object(ev, "nullSpreads")
    assert list(nulls.props) == ["a"] and not nulls.open and nulls.shadowed is None and nulls.rest is None


def test_a_spread_of_an_open_object_may_replace_the_props_before_it(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, OBJECTS)
    obj = _object(ev, "openSpread")
    assert obj.open and obj.rest is None
    assert obj.shadowed == {"c": _replaced("c", "an object with unknown spread")}
    assert ev.get_prop(obj, "a") == Num(1.0)  # the spread sets 'a' itself: its value wins
    assert ev.get_prop(obj, "c") == _replaced("c", "an object with unknown spread")


def test_a_spread_of_an_unknown_may_replace_the_props_before_it_only(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, OBJECTS)
    obj = _object(ev, "unknownSpread")
    assert obj.open and obj.rest == ARRAY
    assert obj.shadowed == {"a": _replaced("a", "an array", UNMODELLED)}
    assert ev.get_prop(obj, "c") == Num(3.0)
    rewritten = _object(ev, "rewritten")
    assert rewritten.open and rewritten.rest == ARRAY and rewritten.shadowed is None
    assert ev.get_prop(rewritten, "a") == Num(2.0)
    empty = _object(ev, "emptyKey")  # a spread has no key: it un-replaces nothing, not even ''
    assert empty.shadowed == {"": _replaced("", "an array", UNMODELLED)}
    env = _object(ev, "envSpread")
    assert env.shadowed == {"c": _replaced("c", "an array", UNMODELLED, env="X")}
    assert env.rest == Unknown(UNMODELLED, "an array", env="X")


def test_a_spread_of_a_number_opens_the_object_and_replaces_nothing(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, OBJECTS)
    obj = _object(ev, "numberSpread")
    assert obj.open and obj.shadowed is None and obj.rest is None and ev.get_prop(obj, "a") == Num(0.0)


def test_a_spread_object_brings_its_replaced_props(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, OBJECTS)
    carried = _object(ev, "carried")
    assert carried.open and carried.shadowed == {"c": _replaced("c", "an array", UNMODELLED)}
    set_after = _object(ev, "carriedThenSet")
    assert set_after.shadowed is None and ev.get_prop(set_after, "c") == Num(2.0)
    cleared = _object(ev, "clearedBySpread")
    assert cleared.shadowed is None and ev.get_prop(cleared, "a") == Num(3.0) and cleared.rest == ARRAY


def test_a_nested_spread_keeps_the_unknown_its_props_may_come_from(tmp_path: Path) -> None:
    """`{ ...opts }` with `opts = { ...body }`: what a missing or replaced prop may come from is the
    body (its kind, its env variable), as for `{ ...body }` itself. An Unknown is falsy, so
    `spread.rest or …` had dropped it for a generic "object with unknown spread"."""
    ev = _evaluator(tmp_path, OBJECTS + "const envRested = { ...arr };\nexport const envOuter = { k: 1, ...envRested };\n")
    carried = _object(ev, "carried")
    assert carried.rest == ARRAY
    rest = _object(ev, "restSpread")
    assert rest.open and rest.rest == ARRAY and rest.shadowed == {"x": _replaced("x", "an array", UNMODELLED)}
    kept = _object(ev, "restKept")
    assert kept.open and kept.rest == ARRAY  # a later open spread without a rest keeps the earlier one
    env = _object(ev, "envOuter")
    assert env.rest == Unknown(UNMODELLED, "an array", env="X")
    assert env.shadowed == {"k": _replaced("k", "an array", UNMODELLED, env="X")}


SCOPED = """const table = { a: 'https://tavusapi.com', b: 'x' };
function pick(k) { return table[k]; }
function pickObj(o) { return o['a']; }
function choose(c, x, y) { return c ? x : y; }
function neg(x) { return !x; }
function tpl(x) { return `${x}`; }
function tpl2(x) { return `a${x}`; }
function par(x) { return (x); }
function wrap(x) { return x as string; }
function plus(x, y) { return x + y; }
function or(x, y) { return x || y; }
function envOr(d) { return process.env.K || d; }
function eq(x, y) { return x === y; }
function mem(o) { return o.a; }
function obj(x, k) { return { x, y: x, [k]: 1, ...inner(x), m() { return x; } }; }
function inner(x) { return { z: x }; }
class C { constructor(k) { this.k = k; } }
function mk(k) { return new C(k); }
function mkReq(u) { return new Request(u, { method: 'POST' }); }
function mkOf(K) { return new K('of'); }
const ns = { C };
export const v1 = pick('a');
export const v2 = pickObj({ a: 1 });
export const v3 = choose(true, 'p', 'q');
export const v4 = choose(q, 'z', 'z');
export const v5 = choose(q, 'a', 'b');
export const v6 = neg(0);
export const v7 = tpl(3);
export const v8 = tpl2(3);
export const v9 = par('p');
export const v10 = wrap('w');
export const v11 = plus('a', 'b');
export const v12 = or('', 'd');
export const v13 = eq('a', 'a');
export const v14 = mem({ a: 5 });
export const v15 = obj('s', 'kk');
export const v16 = mk('kv').k;
export const v17 = mkReq('/api/tavus/end');
export const v18 = mkOf(C).k;
export const v21 = envOr('dflt');
export const v19 = new ns.C('member').k;
export const v20 = new (C)('paren');
"""


def test_each_form_reads_the_arguments_of_the_call_it_is_in(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, SCOPED)
    expected = {"v1": Str("https://tavusapi.com"), "v2": Num(1.0), "v3": Str("p"), "v4": Str("z"), "v5": Str(HOLE),
                "v6": Bool(True), "v7": Num(3.0), "v8": Str("a3"), "v9": Str("p"), "v10": Str("w"),
                "v11": Str("ab"), "v12": Str("d"), "v13": Bool(True), "v14": Num(5.0), "v16": Str("kv"),
                "v18": Str("of"), "v19": Str("member"), "v21": EnvDefault("dflt", env="K"),
                "v20": Unknown(UNMODELLED, "a new (C)")}  # only a name or a member is read as a class
    assert {name: ev.module_export("m.ts", name) for name in expected} == expected
    made = _object(ev, "v15")
    assert {p: ev.get_prop(made, p) for p in ("x", "y", "kk", "z")} == {"x": Str("s"), "y": Str("s"), "kk": Num(1.0),
                                                                      "z": Str("s")}
    method = ev.get_prop(made, "m")
    assert isinstance(method, Func) and ev.return_value(method, []) == Str("s")
    request = _object(ev, "v17")
    assert request.cls == "request" and ev.get_prop(request, "url") == Str("/api/tavus/end")
    assert ev.get_prop(request, "method") == Str("POST")


def test_a_request_parameter_s_body_is_client_input(tmp_path: Path) -> None:
    src = ("export function POST(req) { return req.body; }\n"
           "export function typed(x: NextRequest) { return x.body; }\n"
           "export function untyped(x) { return x.body; }\n"
           "export function header(req) { return req.headers; }\n")
    ev = _evaluator(tmp_path, src)
    mod = ev.index.module("m.ts")
    assert mod is not None
    values = [ev.eval(n, mod, None) for n in descendants(mod.root, frozenset({"member_expression"}))]
    assert values == [Unknown(UnknownKind.CLIENT_INPUT, "data the client sends (req.body)"),
                      Unknown(UnknownKind.CLIENT_INPUT, "data the client sends (x.body)"),
                      Unknown(UnknownKind.PARAMETER, "parameter 'x' (its value comes from the caller)"),
                      Unknown(UnknownKind.PARAMETER, "parameter 'req' (its value comes from the caller)")]


def test_an_object_holding_a_call_s_argument_is_read_again_for_another_call(tmp_path: Path) -> None:
    """The options object holds the call's frame: `reach` must not share the first call's reading
    (`keepalive: true`) with a call that passes `false`, though no property was read while reaching."""
    src = ("export function send(k) { fetch('/api/tavus/end', { method: 'POST', keepalive: k }); }\n"
           "export function viaConst(k) { const o = { keepalive: k }; fetch('/api/tavus/end', o); }\n")
    ev = _evaluator(tmp_path, src)
    for name in ("send", "viaConst"):
        func = ev.module_export("m.ts", name)
        assert isinstance(func, Func)
        seen = []
        for flag in (True, False):
            requests = ev.reach(func, [Thunk(None, func.module, None, value=Bool(flag))]).requests
            assert len(requests) == 1 and requests[0].options is not None
            seen.append(ev.get_prop(requests[0].options, "keepalive"))
        assert seen == [Bool(True), Bool(False)], name
