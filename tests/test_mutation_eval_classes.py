"""Classes and `this` (`sop_check/evaluate/classes.py`), pinned piece by piece: which members an
instance has and from where (body fields, getters, constructor assignments, parameter properties,
base classes), what `this` is in each place, statics, and what stays unknown and why (found by
mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Node

from sop_check.evaluate import Evaluator, Func, Null, Num, Obj, Str, Unknown, UnknownKind
from sop_check.evaluate.classes import (MAX_BASES, class_name, constructor_of, generic_instance, instance,
                                        static_member)
from sop_check.evaluate.values import Value
from sop_check.jsmodule import Module, descendants

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'


def _ev(tmp_path: Path, source: str) -> Evaluator:
    write(tmp_path, {"package.json": PKG, "lib/m.ts": source})
    return Evaluator(index_for(tmp_path))


def _mod(ev: Evaluator) -> Module:
    mod = ev.index.module("lib/m.ts")
    assert mod is not None
    return mod


def _exports(tmp_path: Path, source: str, *names: str) -> list[Value]:
    ev = _ev(tmp_path, source)
    return [ev.module_export("lib/m.ts", n) for n in names]


def _export(tmp_path: Path, source: str, name: str = "v") -> Value:
    [value] = _exports(tmp_path, source, name)
    return value


def _unknown(value: Value, kind: UnknownKind, reason: str) -> None:
    assert isinstance(value, Unknown), value
    assert value.kind is kind and value.reason == reason, (value.kind, value.reason)


def _class(ev: Evaluator, name: str) -> Func:
    mod = _mod(ev)
    node = next(n for n in descendants(mod.root, {"class_declaration", "abstract_class_declaration"})
                if class_name(n, mod) == name)
    return Func(node, mod, None)


def _this_in(ev: Evaluator, starts: str) -> Value:
    """The value of the first `this` inside the node of the source starting with `starts`."""
    mod = _mod(ev)
    at = mod.text(mod.root).index(starts)
    node = next(n for n in descendants(mod.root, {"this"}) if n.start_byte >= at)
    return ev.eval(node, mod, None)


# ---------------------------------------------------------------------------- members of an instance
def test_body_fields_methods_and_getters_are_props_of_the_instance(tmp_path: Path) -> None:
    src = ("class A {\n  base = 'https://x.test';\n  empty;\n  get url() { return this.base + '/u'; }\n"
           "  get none() { log(); }\n  path() { return this.base + '/p'; }\n}\n"
           "const a = new A();\n"
           "export const base = a.base;\nexport const empty = a.empty;\nexport const url = a.url;\n"
           "export const none = a.none;\nexport const path = a.path();\n")
    base, empty, url, none, path = _exports(tmp_path, src, "base", "empty", "url", "none", "path")
    assert base == Str("https://x.test")
    assert isinstance(empty, Null)  # a field without a value is undefined, not unknown
    assert url == Str("https://x.test/u")  # the getter's return, with `this` the instance
    assert isinstance(none, Null)  # a getter that returns nothing
    assert path == Str("https://x.test/p")


def test_a_getter_reads_the_return_a_method_call_would(tmp_path: Path) -> None:
    """Reading a getter is calling it: of several returns, the one a call of the same body reads."""
    body = "{ const f = () => { return 'nested'; }; if (x) { return 'first'; } return 'last'; }"
    src = f"class A {{\n  get url() {body}\n  call() {body}\n}}\nexport const g = new A().url;\nexport const m = new A().call();\n"
    g, m = _exports(tmp_path, src, "g", "m")
    assert isinstance(g, Str) and g.text in ("first", "last") and g == m


def test_a_static_member_is_not_a_prop_of_the_instance(tmp_path: Path) -> None:
    src = ("class A {\n  static base = 'static';\n  static make() { return 1; }\n  other = 2;\n}\n"
           "const a = new A();\nexport const b = a.base;\nexport const m = a.make;\nexport const o = a.other;\n")
    b, m, o = _exports(tmp_path, src, "b", "m", "o")
    assert isinstance(b, Null) and isinstance(m, Null)
    assert isinstance(o, Num) and o.value == 2


def test_a_method_of_an_instance_is_bound_to_it(tmp_path: Path) -> None:
    src = ("class A {\n  key = 'k';\n  read() { return this.key; }\n}\n"
           "const a = new A();\nexport const f = a.read;\nexport const inst = a;\n")
    ev = _ev(tmp_path, src)
    f, inst = ev.module_export("lib/m.ts", "f"), ev.module_export("lib/m.ts", "inst")
    assert isinstance(f, Func) and f.this is inst and f.node.type == "method_definition"
    assert isinstance(inst, Obj) and inst.cls == "A" and inst.node is not None and inst.node.type == "class_declaration"


def test_the_constructor_is_not_a_prop_and_its_assignments_are(tmp_path: Path) -> None:
    """Each kind of assignment the constructor makes is followed by a `this.x = …` that still counts."""
    src = ("class A {\n  constructor(key: string) {\n    this.key = 'first';\n    this.key = key + '!';\n"
           "    other.leak = 'no';\n    this.a = 'after another object';\n"
           "    local = 'no';\n    this.b = 'after a plain name';\n"
           "    const cb = () => { this.late = 'later'; };\n    this.c = 'after a nested function';\n"
           "    function inner() { this.inner = 'no'; }\n  }\n}\n"
           "const a = new A('k');\n"
           "export const key = a.key;\nexport const leak = a.leak;\nexport const late = a.late;\n"
           "export const inner = a.inner;\nexport const ctor = a.constructor;\n"
           "export const va = a.a;\nexport const vb = a.b;\nexport const vc = a.c;\n")
    key, leak, late, inner, ctor, va, vb, vc = _exports(tmp_path, src, "key", "leak", "late", "inner", "ctor",
                                                        "va", "vb", "vc")
    assert key == Str("k!")  # the later assignment wins, with the constructor's argument
    assert isinstance(leak, Null)  # another object's property is not the instance's
    assert isinstance(late, Null) and isinstance(inner, Null)  # assigned inside a function, not at construction
    assert isinstance(ctor, Null)
    assert (va, vb, vc) == (Str("after another object"), Str("after a plain name"), Str("after a nested function"))


def test_parameter_properties_are_fields(tmp_path: Path) -> None:
    src = ("class A {\n  constructor(private key: string, public readonly name: string, readonly ro: string,\n"
           "              protected p: string, plain: string, private { d }: any) {}\n}\n"
           "class B extends A {\n  constructor(override o: string) { super('k', 'n', 'r', 'p', 'x', {}); }\n}\n"
           "const a = new A('k', 'n', 'r', 'p', 'x', { d: 1 });\nconst b = new B('o');\n"
           "export const v0 = a.key;\nexport const v1 = a.name;\nexport const v2 = a.ro;\nexport const v3 = a.p;\n"
           "export const v4 = a.plain;\nexport const v5 = a.d;\nexport const v6 = b.o;\nexport const v7 = b.key;\n")
    got = _exports(tmp_path, src, *(f"v{i}" for i in range(8)))
    assert got[:4] == [Str("k"), Str("n"), Str("r"), Str("p")]
    assert isinstance(got[4], Null)  # a plain parameter is no field
    assert isinstance(got[5], Null)  # a pattern is no field
    assert got[6] == Str("o") and got[7] == Str("k")


def test_a_field_initialiser_sees_the_instance_as_this(tmp_path: Path) -> None:
    src = ("class A {\n  base = 'https://x.test';\n  url = this.base + '/v2';\n}\n"
           "export const v = new A().url;\n")
    assert _export(tmp_path, src) == Str("https://x.test/v2")


# ---------------------------------------------------------------------------- base classes
def test_a_base_class_members_come_first_and_the_derived_class_overrides_them(tmp_path: Path) -> None:
    src = ("class Base {\n  origin = 'https://base.test';\n  kind = 'base';\n  constructor(v: string) { this.v = v; }\n"
           "  name() { return 'base'; }\n}\n"
           "class Mid extends Base {\n  kind = 'mid';\n  constructor(a: string, b: string) { super(b); this.a = a; }\n}\n"
           "class Leaf extends Mid {\n  name() { return 'leaf'; }\n}\n"
           "const l = new Leaf('A', 'B');\n"
           "export const v0 = l.origin;\nexport const v1 = l.kind;\nexport const v2 = l.v;\nexport const v3 = l.a;\n"
           "export const v4 = l.name();\n")
    got = _exports(tmp_path, src, *(f"v{i}" for i in range(5)))
    # Leaf has no constructor: its arguments go to Mid's, whose super(b) hands Base 'B'
    assert got == [Str("https://base.test"), Str("mid"), Str("B"), Str("A"), Str("leaf")]


def test_a_constructor_without_super_hands_its_base_nothing(tmp_path: Path) -> None:
    src = ("class Base {\n  constructor(v: string) { this.v = v; }\n}\n"
           "class D extends Base {\n  constructor(a: string) { this.a = a; }\n}\n"
           "const d = new D('A');\nexport const v = d.v;\nexport const a = d.a;\n")
    v, a = _exports(tmp_path, src, "v", "a")
    assert not isinstance(v, Str)  # Base's parameter got no argument
    assert a == Str("A")


def test_a_super_call_inside_a_nested_function_is_still_the_super_call(tmp_path: Path) -> None:
    """The arguments are those of the first `super(…)` in the constructor's body."""
    src = ("class Base {\n  constructor(v: string) { this.v = v; }\n}\n"
           "class D extends Base {\n  constructor(a: string) { log(a); super('S'); }\n}\n"
           "export const v = new D('A').v;\n")
    assert _export(tmp_path, src) == Str("S")


def test_extends_of_something_that_is_not_a_class_adds_nothing(tmp_path: Path) -> None:
    src = ("function Mixin() { return 1; }\nclass D extends Mixin {\n  own = 'own';\n}\n"
           "class E extends unknownBase {\n  own = 'e';\n}\n"
           "export const v = new D().own;\nexport const e = new E().own;\n")
    v, e = _exports(tmp_path, src, "v", "e")
    assert v == Str("own") and e == Str("e")


def _chain(length: int) -> str:
    """C0 holds the field; C(i) extends C(i-1)."""
    lines = ["class C0 {\n  deep = 'found';\n  static sdeep = 'sfound';\n}"]
    lines += [f"class C{i} extends C{i - 1} {{}}" for i in range(1, length + 1)]
    lines.append(f"export const v = new C{length}().deep;\nexport const s = C{length}.sdeep;")
    return "\n".join(lines) + "\n"


def test_a_base_class_chain_is_followed_up_to_the_limit(tmp_path: Path) -> None:
    v, s = _exports(tmp_path, _chain(MAX_BASES), "v", "s")
    assert v == Str("found") and s == Str("sfound")


def test_a_base_class_chain_past_the_limit_is_not_followed(tmp_path: Path) -> None:
    v, s = _exports(tmp_path, _chain(MAX_BASES + 1), "v", "s")
    assert isinstance(v, Null) and s is not None and not isinstance(s, Str)


def test_static_members_of_a_base_class_up_to_the_limit(tmp_path: Path) -> None:
    ev = _ev(tmp_path, _chain(MAX_BASES))
    assert static_member(ev, _class(ev, f"C{MAX_BASES}"), "sdeep") == Str("sfound")
    assert static_member(ev, _class(ev, f"C{MAX_BASES}"), "missing") is None
    ev = _ev(tmp_path / "past", _chain(MAX_BASES + 1))
    assert static_member(ev, _class(ev, f"C{MAX_BASES + 1}"), "sdeep") is None
    ev = _ev(tmp_path / "deeper", _chain(MAX_BASES))
    assert static_member(ev, _class(ev, f"C{MAX_BASES}"), "sdeep", depth=1) is None  # the depth so far counts


# ---------------------------------------------------------------------------- statics
def test_statics_are_read_from_the_class(tmp_path: Path) -> None:
    src = ("class A {\n  static base = 'https://s.test';\n  static empty;\n  static make() { return this.base; }\n"
           "  inst = 'i';\n  method() { return 1; }\n  static 'quoted' = 'q';\n}\n"
           "export const base = A.base;\nexport const made = A.make();\n")
    ev = _ev(tmp_path, src)
    cls = _class(ev, "A")
    assert static_member(ev, cls, "base") == Str("https://s.test")
    assert isinstance(static_member(ev, cls, "empty"), Null)
    make = static_member(ev, cls, "make")
    assert isinstance(make, Func) and make.this is cls and make.node.type == "method_definition"
    assert static_member(ev, cls, "inst") is None and static_member(ev, cls, "method") is None
    assert static_member(ev, cls, "quoted") == Str("q")
    assert ev.module_export("lib/m.ts", "made") == Str("https://s.test")


# ---------------------------------------------------------------------------- `this`
def test_this_outside_any_function_or_class_is_unmodelled(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "export const v = this;\n")
    _unknown(_this_in(ev, "this"), UnknownKind.UNMODELLED, "'this' outside a class or method")


def test_this_of_a_plain_function_is_a_run_time_value(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "export function f() { return this.x; }\nexport const o = { m() { return this; } };\n")
    _unknown(_this_in(ev, "this.x"), UnknownKind.UNMODELLED, "'this' of a function called at run time")
    _unknown(_this_in(ev, "this; }"), UnknownKind.UNMODELLED, "'this' of a function called at run time")


def test_this_in_a_method_read_alone_is_the_generic_instance(tmp_path: Path) -> None:
    src = ("class Client {\n  base = 'https://x.test';\n"
           "  constructor(private readonly apiKeyFromTheEnvironmentVariable: string, n: number) {}\n"
           "  read() { return this; }\n  get g() { return this; }\n}\n"
           "const Anon = class { one() { return this; } };\n")
    ev = _ev(tmp_path, src)
    this = _this_in(ev, "this; }\n  get")
    assert isinstance(this, Obj) and this.cls == "Client"
    assert _this_in(ev, "this; }\n}") is this  # the same object each time it is asked for
    assert ev.get_prop(this, "base") == Str("https://x.test")
    key = ev.get_prop(this, "apiKeyFromTheEnvironmentVariable")
    _unknown(key, UnknownKind.PARAMETER, "constructor argument 'private readonly apiKeyFromThe' of Client "
                                         "(its value comes from where the object is created)")
    anon = _this_in(ev, "this; } };")
    assert isinstance(anon, Obj) and anon.cls == "class"


def test_this_in_a_method_called_on_an_instance_is_that_instance(tmp_path: Path) -> None:
    src = ("class A {\n  constructor(private key: string) {}\n  read() { return this.key; }\n}\n"
           "export const v = new A('given').read();\n")
    assert _export(tmp_path, src) == Str("given")


def test_the_generic_instance_is_built_once_per_class(tmp_path: Path) -> None:
    src = ("class A {\n  constructor(k: string) { this.k = k; }\n}\n"
           "class B {\n  x = 1;\n}\n")
    ev = _ev(tmp_path, src)
    a, b = _class(ev, "A"), _class(ev, "B")
    first = generic_instance(ev, a)
    assert isinstance(first, Obj) and first.cls == "A"
    assert generic_instance(ev, a) is first
    other = generic_instance(ev, b)
    assert isinstance(other, Obj) and other is not first and other.cls == "B" and set(other.props) == {"x"}
    _unknown(ev.get_prop(first, "k"), UnknownKind.PARAMETER,
             "constructor argument 'k: string' of A (its value comes from where the object is created)")


def test_a_field_reading_this_in_the_generic_instance_sees_the_object_being_built(tmp_path: Path) -> None:
    src = "class A {\n  base = 'b';\n  url = this.base + '/u';\n  read() { return this.url; }\n}\n"
    ev = _ev(tmp_path, src)
    this = _this_in(ev, "this.url")
    assert isinstance(this, Obj) and ev.get_prop(this, "url") == Str("b/u")


def test_instance_fills_the_object_from_the_arguments(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "class A {\n  constructor(public k: string) {}\n}\n")
    mod = _mod(ev)
    from sop_check.evaluate.values import Thunk
    inst = instance(ev, _class(ev, "A"), [Thunk(None, mod, None, value=Str("arg"))])
    assert inst.cls == "A" and ev.get_prop(inst, "k") == Str("arg")


# ---------------------------------------------------------------------------- small helpers
def test_constructor_of_finds_the_constructor_not_another_method(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "class A {\n  other() {}\n  constructor() {}\n}\nclass B {\n  other() {}\n}\n")
    ctor = constructor_of(_class(ev, "A").node)
    assert ctor is not None and _mod(ev).text(ctor).startswith("constructor()")
    assert constructor_of(_class(ev, "B").node) is None


@pytest.mark.parametrize(("case", "source", "name"), [
    ("declaration", "class Named {}\n", "Named"),
    ("expression", "const x = class {};\n", "class"),
])
def test_class_name(tmp_path: Path, case: str, source: str, name: str) -> None:
    ev = _ev(tmp_path, source)
    mod = _mod(ev)
    node: Node = next(descendants(mod.root, {"class_declaration", "class"}))
    assert class_name(node, mod) == name


def test_a_quoted_method_name_is_a_prop_under_its_bare_name(tmp_path: Path) -> None:
    src = "class A {\n  'send'() { return 's'; }\n  \"get\"() { return 'g'; }\n  XmX() { return 'x'; }\n}\n" \
          "export const v = new A().send();\nexport const g = new A().get();\nexport const x = new A().XmX();\n"
    v, g, x = _exports(tmp_path, src, "v", "g", "x")
    assert v == Str("s") and g == Str("g") and x == Str("x")  # only quotes are stripped


def test_comments_between_constructor_parameters_are_not_parameters(tmp_path: Path) -> None:
    src = ("class A {\n  constructor(/* the key */ k: string, /* the base */ b: string) {}\n"
           "  read() { return this; }\n}\n")
    ev = _ev(tmp_path, src)
    this = _this_in(ev, "this; }")
    assert isinstance(this, Obj)
    # both constructor arguments are unknown: the comments took no argument's place
    cls = _class(ev, "A")
    inst = generic_instance(ev, cls)
    assert inst is this
    from sop_check.evaluate.classes import _params
    assert [_mod(ev).text(p) for p in _params(constructor_of(cls.node))] == ["k: string", "b: string"]


def test_this_in_a_method_of_a_deep_class_read_alone_sees_the_whole_chain(tmp_path: Path) -> None:
    src = _chain(MAX_BASES) + f"class Leaf extends C{MAX_BASES} {{\n  read() {{ return this.deep; }}\n}}\n"
    ev = _ev(tmp_path, src)
    this = _this_in(ev, "this.deep")
    assert isinstance(this, Obj) and this.cls == "Leaf"
    assert isinstance(ev.get_prop(this, "deep"), Null)  # one base too many for the generic instance as well
    ev = _ev(tmp_path / "within", _chain(MAX_BASES - 1) + f"class Leaf extends C{MAX_BASES - 1} {{\n"
                                                           "  read() { return this.deep; }\n}\n")
    this = _this_in(ev, "this.deep")
    assert isinstance(this, Obj) and ev.get_prop(this, "deep") == Str("found")


def test_an_instance_remembers_its_class_node_and_module(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "class A {\n  read() { return this; }\n}\nexport const a = new A();\n")
    mod = _mod(ev)
    cls = _class(ev, "A")
    for inst in (ev.module_export("lib/m.ts", "a"), generic_instance(ev, cls), instance(ev, cls, [])):
        assert isinstance(inst, Obj) and inst.cls == "A"
        assert inst.node is not None and inst.node.id == cls.node.id and inst.module is mod


FACTORY = """export function make(base: string, Base: any) {
  class Api extends Base {
    static root = base;
    static origin() { return base + '/o'; }
    url = base + '/v2';
    get conv() { return base + '/conversations'; }
    constructor(public key: string) { super(base + '/super'); this.full = base + '/' + key; }
    send() { return base + '/send'; }
  }
  return { api: new Api('k'), root: Api.root, origin: Api.origin() };
}
class Root {
  constructor(s: string) { this.fromSuper = s; }
  inherited() { return 'inherited'; }
}
const made = make('https://x.test', Root);
export const api = made.api;
export const root = made.root;
export const origin = made.origin;
"""


def test_a_class_declared_in_a_function_reads_that_call_s_bindings(tmp_path: Path) -> None:
    """Members, getters, the constructor, statics and the base class all see the factory's parameters.
    (The expression naming the class kept no bindings: a class declaration's free parameters were not
    traced, so `new Api(…)` in the factory read `base` as an unknown parameter.)"""
    ev = _ev(tmp_path, FACTORY)
    api = ev.module_export("lib/m.ts", "api")
    assert isinstance(api, Obj) and api.cls == "Api"
    assert ev.get_prop(api, "url") == Str("https://x.test/v2")
    assert ev.get_prop(api, "conv") == Str("https://x.test/conversations")
    assert ev.get_prop(api, "full") == Str("https://x.test/k")
    assert ev.get_prop(api, "key") == Str("k")
    assert ev.get_prop(api, "fromSuper") == Str("https://x.test/super")  # the base class is the argument
    send = ev.get_prop(api, "send")
    assert isinstance(send, Func) and ev.return_value(send, []) == Str("https://x.test/send")
    inherited = ev.get_prop(api, "inherited")
    assert isinstance(inherited, Func) and ev.return_value(inherited, []) == Str("inherited")
    assert ev.module_export("lib/m.ts", "root") == Str("https://x.test")
    assert ev.module_export("lib/m.ts", "origin") == Str("https://x.test/o")


def test_an_undefined_member_is_a_known_undefined_value(tmp_path: Path) -> None:
    """A field without a value and a getter that returns nothing are props holding Null as a value (rules
    read a prop's value straight from its thunk: TAV104 reads a request body that way), where the module is."""
    ev = _ev(tmp_path, "class A {\n  empty;\n  get none() { log(); }\n}\nexport const a = new A();\n")
    a = ev.module_export("lib/m.ts", "a")
    assert isinstance(a, Obj)
    for name in ("empty", "none"):
        thunk = a.props[name]
        assert thunk.node is None and isinstance(thunk.value, Null) and thunk.module is _mod(ev)


def test_the_generic_instance_s_parameter_properties_are_unknown_values_where_the_class_is(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "class A {\n  constructor(private key: string) {}\n}\n")
    inst = generic_instance(ev, _class(ev, "A"))
    assert isinstance(inst, Obj)
    thunk = inst.props["key"]
    assert thunk.node is None and thunk.module is _mod(ev)
    assert isinstance(thunk.value, Unknown) and thunk.value.kind is UnknownKind.PARAMETER


def test_a_field_initialiser_reads_a_parameter_property_of_its_own_instance(tmp_path: Path) -> None:
    """`headers = { 'x-api-key': this.key }` beside `constructor(private key)`: the instance being built,
    not the generic one (whose key is unknown)."""
    src = ("class A {\n  constructor(private key: string) {}\n  header = 'Bearer ' + this.key;\n}\n"
           "export const v = new A('given').header;\n")
    assert _export(tmp_path, src) == Str("Bearer given")


def test_this_in_the_constructor_is_the_instance_being_built(tmp_path: Path) -> None:
    src = ("class A {\n  constructor(b: string) {\n    this.base = b;\n    this.url = this.base + '/x';\n  }\n}\n"
           "export const v = new A('B').url;\n")
    assert _export(tmp_path, src) == Str("B/x")


def test_this_in_a_field_initialiser_read_alone_is_the_generic_instance(tmp_path: Path) -> None:
    ev = _ev(tmp_path, "class Client {\n  base = 'b';\n  url = this.base;\n}\n")
    this = _this_in(ev, "this.base")
    assert isinstance(this, Obj) and this.cls == "Client" and ev.get_prop(this, "base") == Str("b")


def test_a_method_held_by_an_instance_is_bound_to_it_before_it_is_read(tmp_path: Path) -> None:
    """The prop itself holds the bound method, not only `instance.method` read through get_prop: a copy
    of the props (`{ ...client, key }`) still calls it on the instance it came from."""
    src = ("class A {\n  key = 'k';\n  read() { return this.key; }\n}\n"
           "const a = new A();\nexport const inst = a;\nexport const copied = { ...a, key: 'other' }.read();\n")
    ev = _ev(tmp_path, src)
    inst = ev.module_export("lib/m.ts", "inst")
    assert isinstance(inst, Obj)
    method = ev.force(inst.props["read"])
    assert isinstance(method, Func) and method.this is inst
    assert ev.module_export("lib/m.ts", "copied") == Str("k")


def test_each_instance_s_method_is_read_with_its_own_this_when_reached(tmp_path: Path) -> None:
    """The requests a method makes depend on its `this`: reading it for one instance must not stand for
    another instance's call (the method's frame is what `this` read, so the reading is not shared)."""
    from sop_check.evaluate.reach import reach

    src = ("class A {\n  constructor(u: string) { this.u = u; }\n  send() { return fetch(this.u); }\n}\n"
           "export function one() { return new A('https://a.test/1').send(); }\n"
           "export function two() { return new A('https://a.test/2').send(); }\n")
    ev = _ev(tmp_path, src)
    urls = []
    for name in ("one", "two"):
        fn = ev.module_export("lib/m.ts", name)
        assert isinstance(fn, Func)
        urls.append([r.url for r in reach(ev, fn, []).requests])
    assert urls == [[Str("https://a.test/1")], [Str("https://a.test/2")]]


def test_a_class_that_only_implements_an_interface_has_no_base(tmp_path: Path) -> None:
    src = ("interface I { k: string }\nclass A implements I {\n  k = 'own';\n  static s = 'st';\n}\n"
           "export const v = new A().k;\nexport const s = A.s;\nexport const missing = A.missing;\n")
    v, s, missing = _exports(tmp_path, src, "v", "s", "missing")
    assert v == Str("own") and s == Str("st")
    _unknown(missing, UnknownKind.UNMODELLED, "static property 'missing'")
