"""Classes and `this`: an API client written as a class is read like the code that calls it.

`new TavusClient(key)` builds an object whose properties are the class's methods (each
remembering the object as its `this`) and its fields: initialisers in the class body,
`this.x = …` in the constructor (with the constructor's arguments bound), and TypeScript
parameter properties (`constructor(private key: string)`). A base class's members come
first, the derived class's override them.

`this` inside a method is the object the method was read from (`client.create()` binds
it in the call's scope). A method reached without one (a rule scanning every request
in a module) reads the class's *generic* instance: the same members, with the
constructor's arguments unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sop_check.evaluate.syntax import ancestors, call_args, main_return, returned_expression, this_owner
from sop_check.evaluate.values import Func, Null, Obj, Scope, Thunk, Unknown, UnknownKind, Value
from sop_check.jsmodule import FUNCTION_TYPES, Module, descendants

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol

CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
THIS = "this"  # the binding name of a method call's object in its scope
MAX_BASES = 8  # `extends` chains longer than this are not followed
_PARAMETER_PROPERTY_MARKS = frozenset({"accessibility_modifier", "readonly", "override_modifier"})


def is_class(node: Node) -> bool:
    return node.type in CLASS_TYPES


def class_name(node: Node, mod: Module) -> str:
    name = node.child_by_field_name("name")
    return mod.text(name) if name is not None else "class"


def evaluate_this(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    owner = this_owner(node, mod)
    if owner is None:
        return Unknown(UnknownKind.UNMODELLED, "'this' outside a class or method")
    frame = scope.frame(owner.id) if scope is not None else None
    if frame is not None:
        ev.memo.touch(frame)
        bound = frame.bindings.get(THIS)
        if bound is not None:
            return ev.force(bound)
    cls = owner if is_class(owner) else _class_of_method(owner)
    if cls is not None:
        return generic_instance(ev, Func(cls, mod, None))
    return Unknown(UnknownKind.UNMODELLED, "'this' of a function called at run time")


def _class_of_method(method: Node) -> Node | None:
    if method.type != "method_definition":
        return None
    body = method.parent
    owner = body.parent if body is not None and body.type == "class_body" else None
    return owner if owner is not None and is_class(owner) else None


def generic_instance(ev: EvaluatorProtocol, cls: Func) -> Value:
    """The instance a method sees when no call says which: constructor arguments unknown."""
    key = ("generic-instance", cls.key)
    found = ev.cache.get(key)
    if isinstance(found, Obj):
        return found
    ctor = constructor_of(cls.node)
    name = class_name(cls.node, cls.module)
    args = [Thunk(None, cls.module, None, value=Unknown(
        UnknownKind.PARAMETER, f"constructor argument '{cls.module.text(p)[:30]}' of {name} (its value comes from "
        "where the object is created)")) for p in _params(ctor)] if ctor is not None else []
    inst = Obj({}, node=cls.node, module=cls.module, cls=name)
    ev.cache[key] = inst  # before filling: a field that reads `this` finds the object being built
    fill_instance(ev, inst, cls, args, 0)
    return inst


def instance(ev: EvaluatorProtocol, cls: Func, args: list[Thunk]) -> Obj:
    """`new Cls(args)`: the object, its methods bound to it."""
    inst = Obj({}, node=cls.node, module=cls.module, cls=class_name(cls.node, cls.module))
    fill_instance(ev, inst, cls, args, 0)
    return inst


def constructor_of(cls: Node) -> Node | None:
    body = cls.child_by_field_name("body")
    for member in body.named_children if body is not None else ():
        if member.type == "method_definition" and _member_name(member) == "constructor":
            return member
    return None


def fill_instance(ev: EvaluatorProtocol, inst: Obj, cls: Func, args: list[Thunk], depth: int) -> None:
    mod = cls.module
    ctor = constructor_of(cls.node)
    ctor_scope = ev.bind(Func(ctor, mod, cls.scope, this=inst), args) if ctor is not None else None
    base = _base_class(ev, cls)
    if base is not None and depth < MAX_BASES:
        fill_instance(ev, inst, base, _super_args(ev, ctor, mod, ctor_scope, args), depth + 1)
    field_scope = Scope(cls.node, mod.path, {THIS: Thunk(None, mod, None, value=inst)}, cls.scope)
    body = cls.node.child_by_field_name("body")
    for member in body.named_children if body is not None else ():
        if _is_static(member):
            continue
        name = _member_name(member)
        if name is None or name == "constructor":
            continue
        if member.type == "method_definition" and any(c.type == "get" for c in member.children):
            inst.props[name] = _getter(member, mod, inst, cls.scope)
        elif member.type == "method_definition":
            method = Func(member, mod, ev.relevant(cls.scope, member, mod), this=inst)
            inst.props[name] = Thunk(None, mod, None, value=method)
        elif member.type in ("public_field_definition", "field_definition"):
            value = member.child_by_field_name("value")
            inst.props[name] = Thunk(value, mod, field_scope) if value is not None \
                else Thunk(None, mod, None, value=Null())
    if ctor is not None and ctor_scope is not None:
        _constructor_fields(ev, inst, ctor, mod, ctor_scope)


def _getter(member: Node, mod: Module, inst: Obj, outer: Scope | None) -> Thunk:
    """`get url() { return `${this.base}/x`; }`: reading the property is what the getter returns."""
    body = member.child_by_field_name("body")
    ret = main_return(body) if body is not None else None
    last = returned_expression(ret) if ret is not None else None
    if last is None:
        return Thunk(None, mod, None, value=Null())
    return Thunk(last, mod, Scope(member, mod.path, {THIS: Thunk(None, mod, None, value=inst)}, outer))


def _constructor_fields(ev: EvaluatorProtocol, inst: Obj, ctor: Node, mod: Module, scope: Scope) -> None:
    """Parameter properties and `this.x = …` assignments of the constructor (later ones win)."""
    for p in _params(ctor):
        if any(c.type in _PARAMETER_PROPERTY_MARKS for c in p.children):
            pattern = p.child_by_field_name("pattern")
            if pattern is not None and pattern.type == "identifier":
                name = mod.text(pattern)
                bound = scope.bindings.get(name)
                if bound is not None:
                    inst.props[name] = bound
    body = ctor.child_by_field_name("body")
    if body is None:
        return
    for asg in descendants(body, frozenset({"assignment_expression"})):
        left = asg.child_by_field_name("left")
        right = asg.child_by_field_name("right")
        if left is None or right is None or left.type != "member_expression":
            continue
        target = left.child_by_field_name("object")
        prop = left.child_by_field_name("property")
        if target is None or prop is None or target.type != "this" or _in_nested_function(asg, body):
            continue
        inst.props[mod.text(prop)] = Thunk(right, mod, scope)


def _in_nested_function(node: Node, body: Node) -> bool:
    return any(a.type in FUNCTION_TYPES for a in ancestors(node, body))


def _base_class(ev: EvaluatorProtocol, cls: Func) -> Func | None:
    heritage = next((c for c in cls.node.named_children if c.type == "class_heritage"), None)
    clause = next((c for c in heritage.named_children if c.type == "extends_clause"), None) if heritage else None
    value = clause.child_by_field_name("value") if clause is not None else None
    if value is None:
        return None
    base = ev.eval(value, cls.module, cls.scope)
    return base if isinstance(base, Func) and is_class(base.node) else None


def _super_args(ev: EvaluatorProtocol, ctor: Node | None, mod: Module, scope: Scope | None,
                args: list[Thunk]) -> list[Thunk]:
    """The arguments the derived constructor hands `super(…)`; without a constructor, its own."""
    if ctor is None:
        return args
    body = ctor.child_by_field_name("body")
    for call in descendants(body, frozenset({"call_expression"})) if body is not None else ():
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "super":
            return [ev.thunk(a, mod, scope) for a in call_args(call)]
    return []


def static_member(ev: EvaluatorProtocol, cls: Func, name: str, depth: int = 0) -> Value | None:
    """`Client.create` for `static create() {…}` or `static BASE = '…'` (also a base class's), or None."""
    own = _own_static(ev, cls, name)
    if own is not None or depth >= MAX_BASES:
        return own
    base = _base_class(ev, cls)
    return static_member(ev, base, name, depth + 1) if base is not None else None


def _own_static(ev: EvaluatorProtocol, cls: Func, name: str) -> Value | None:
    body = cls.node.child_by_field_name("body")
    for member in body.named_children if body is not None else ():
        if not _is_static(member) or _member_name(member) != name:
            continue
        if member.type == "method_definition":
            return Func(member, cls.module, cls.scope, this=cls)
        value = member.child_by_field_name("value")
        return ev.eval(value, cls.module, cls.scope) if value is not None else Null()
    return None


def _member_name(member: Node) -> str | None:
    name = member.child_by_field_name("name") or member.child_by_field_name("property")
    if name is None:
        return None
    text = name.text.decode("utf-8", "replace") if name.text is not None else ""
    return text.strip("'\"")


def _is_static(member: Node) -> bool:
    return any(c.type == "static" for c in member.children)


def _params(fn: Node | None) -> list[Node]:
    params = fn.child_by_field_name("parameters") if fn is not None else None
    return [p for p in params.named_children if p.type != "comment"] if params is not None else []
