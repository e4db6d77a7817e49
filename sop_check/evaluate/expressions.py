"""One function per expression form: literals, templates, operators, members, objects, calls.

Each takes the evaluator, the node, its module and the call scope, and returns a value;
`evaluate_node` picks one by node type. Sub-expressions go back through `ev.eval`, so
they are memoised and counted against the budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sop_check.evaluate import classes, libraries
from sop_check.evaluate.classes import CLASS_TYPES
from sop_check.evaluate.syntax import call_args, is_process_env
from sop_check.evaluate.values import (HOLE, Bool, EnvDefault, EnvRef, Func, Null, Num, Obj, Scope, Str, Thunk,
                                       Unknown, UnknownKind, Value, as_text, known_falsy, text_value)
from sop_check.jsmodule import FUNCTION_TYPES, Module, string_value

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol

Handler = Callable[["EvaluatorProtocol", "Node", Module, "Scope | None"], Value]
_TYPE_NODES = frozenset({"type_annotation", "type_identifier", "predefined_type", "generic_type", "object_type",
                         "union_type", "literal_type", "type_arguments", "array_type", "comment"})


def evaluate_node(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    if mod.in_error(node):
        return Unknown(UnknownKind.SYNTAX_ERROR, f"syntax error in {mod.path} at line {mod.location(node).line}")
    t = node.type
    handler = HANDLERS.get(t)
    if handler is not None:
        return handler(ev, node, mod, scope)
    if t in FUNCTION_TYPES or t in CLASS_TYPES:
        return ev.function(node, mod, scope)
    return Unknown(UnknownKind.UNMODELLED, f"cannot evaluate a {t.replace('_', ' ')}")


def _string(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return Str(string_value(mod, node))


def _template(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    kids = node.named_children
    if len(kids) == 1 and kids[0].type == "template_substitution" and kids[0].named_children:
        return ev.eval(kids[0].named_children[0], mod, scope)  # `${x}` is x
    out = []
    sources: tuple[str, ...] = ()
    for child in kids:
        if child.type in ("string_fragment", "escape_sequence"):
            out.append(mod.text(child))
        elif child.type == "template_substitution":
            inner = child.named_children[0] if child.named_children else None
            part = ev.eval(inner, mod, scope) if inner is not None else Null()
            if _too_large(part):
                return part
            text, more = text_part(ev, part)
            out.append(text)
            sources += more
    return _with_sources(text_value("".join(out)), sources)


def text_part(ev: EvaluatorProtocol, value: Value) -> tuple[str, tuple[str, ...]]:
    """A value's text inside a string, and the env variables whose run-time value fills its holes.
    `process.env.BASE` without a default reads the URL a committed template gives it, if any."""
    if isinstance(value, EnvRef):
        url = libraries.env_template_url(ev, value.name)
        return (url.text, ()) if url is not None else (HOLE, (value.name,))
    if isinstance(value, Str):
        return value.text, value.holes_from
    if isinstance(value, Unknown) and value.env:
        return HOLE, (value.env,)
    return as_text(value), ()


def _with_sources(value: Value, sources: tuple[str, ...]) -> Value:
    if sources and isinstance(value, Str) and value.exact is False:
        return Str(value.text, tuple(dict.fromkeys(sources)))
    return value


def _number(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    try:
        return Num(float(mod.text(node).replace("_", "")))
    except ValueError:
        return Unknown(UnknownKind.UNMODELLED, "a number literal")


def _true(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return Bool(True)


def _false(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return Bool(False)


def _null(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return Null()


def _identifier(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    name = mod.text(node)
    if name == "undefined":
        return Null()
    return ev.lookup(name, node, mod, scope)


def _paren(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    inner = [c for c in node.named_children if c.type != "comment"]
    return ev.eval(inner[-1], mod, scope) if inner else Unknown(UnknownKind.MISSING, "empty parentheses")


def _wrapped(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    # `x!`, `x as T`, `x satisfies T`, `<T>x`, `await x`: the value of x.
    inner = [c for c in node.named_children if c.type not in _TYPE_NODES]
    if not inner:
        return Unknown(UnknownKind.MISSING, "empty expression")
    return ev.eval(inner[0], mod, scope)


def _operand(ev: EvaluatorProtocol, node: Node, field: str, mod: Module, scope: Scope | None) -> Value:
    child = node.child_by_field_name(field)
    return ev.eval(child, mod, scope) if child is not None else Unknown(UnknownKind.MISSING, "a missing operand")


def _binary(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    op_node = node.child_by_field_name("operator")
    op = mod.text(op_node) if op_node is not None else ""
    left = _operand(ev, node, "left", mod, scope)
    if op in ("||", "??"):
        # `process.env.KEY || ''` is the env read; `process.env.BASE || 'https://…'` is that
        # default unless configured: keep both facts.
        if isinstance(left, EnvRef):
            right = _operand(ev, node, "right", mod, scope)
            if isinstance(right, Str) and right.text:
                return EnvDefault(right.text, env=left.name, template=right.template if isinstance(right, EnvDefault)
                                  else "")
            return left
        if isinstance(left, Unknown):
            # `body.params ?? {}`: the run-time value when there is one; the default must not hide it.
            return left
        if isinstance(left, (Func, Obj)) or (isinstance(left, Str) and left.text):
            return left
        if op == "??" and isinstance(left, (Bool, Num, Str)):
            return left  # only null and undefined fall through `??`
        return _operand(ev, node, "right", mod, scope)
    right = _operand(ev, node, "right", mod, scope)
    if op == "+" and (isinstance(left, Str) or isinstance(right, Str)):
        if _too_large(left) or _too_large(right):
            return left if _too_large(left) else right
        (ltext, lsrc), (rtext, rsrc) = text_part(ev, left), text_part(ev, right)
        return _with_sources(text_value(ltext + rtext), lsrc + rsrc)
    if op == "&&":
        # A known falsy left side is the value (`false && x` is false); otherwise the right side,
        # the value whenever the left one lets it run.
        return left if known_falsy(left) else right
    if op in _EQUALITY:
        same = _same(left, right, loose=op in ("==", "!="))
        if same is not None:
            return Bool(same if op in ("===", "==") else not same)
    return Unknown(UnknownKind.RUNTIME_VALUE, f"the result of '{op}'")


_EQUALITY = frozenset({"===", "!==", "==", "!="})


def _same(left: Value, right: Value, loose: bool) -> bool | None:
    """`init.json === undefined` when both sides are known (objects by being objects, not by identity)."""
    if isinstance(left, Null) or isinstance(right, Null):
        other = right if isinstance(left, Null) else left
        if isinstance(other, Null):
            return True
        if isinstance(other, (Obj, Func, Bool, Num)) or (isinstance(other, Str) and other.exact):
            return False
        return None
    if isinstance(left, Str) and isinstance(right, Str) and left.exact and right.exact and not loose:
        return left.text == right.text
    if type(left) is type(right) and isinstance(left, (Num, Bool)):
        return left == right
    return None


def _unary(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    op_node = node.child_by_field_name("operator")
    arg = node.child_by_field_name("argument")
    if op_node is not None and mod.text(op_node) == "!" and arg is not None:
        known = truthiness(ev.eval(arg, mod, scope))
        if known is not None:
            return Bool(not known)
    return Unknown(UnknownKind.RUNTIME_VALUE, "the result of a unary operator")


def chosen_branch(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Node | None:
    """The branch a conditional expression takes when its condition is known, else None."""
    cond = node.child_by_field_name("condition")
    known = truthiness(ev.eval(cond, mod, scope)) if cond is not None else None
    if known is None:
        return None
    return node.child_by_field_name("consequence" if known else "alternative")


_NOT_A_HOLE = frozenset({UnknownKind.TOO_LARGE, UnknownKind.BUDGET})


def _too_large(value: Value) -> bool:
    """A part too large to be meant, or not analysed for lack of budget, is not a hole (an
    unknown origin, an id): the whole string is unknown."""
    return isinstance(value, Unknown) and value.kind in _NOT_A_HOLE


def truthiness(value: Value) -> bool | None:
    """Whether a value is truthy, when the value says (objects and functions always are)."""
    if isinstance(value, (Obj, Func)):
        return True
    if isinstance(value, Null):
        return False
    if isinstance(value, Bool):
        return value.value
    if isinstance(value, Num):
        return value.value != 0 and value.value == value.value  # NaN is falsy
    if isinstance(value, Str) and not isinstance(value, EnvDefault) and value.exact:
        return bool(value.text)
    return None


def _ternary(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    branch = chosen_branch(ev, node, mod, scope)
    if branch is not None:  # `body ? { body } : {}` with body bound by the caller
        return ev.eval(branch, mod, scope)
    cons = _operand(ev, node, "consequence", mod, scope)
    alt = _operand(ev, node, "alternative", mod, scope)
    if cons == alt:
        return cons
    if isinstance(cons, Str) and isinstance(alt, Str):
        return Str(HOLE)
    return Unknown(UnknownKind.RUNTIME_VALUE, "a value chosen at run time (conditional expression)")


def _member(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    obj_node = node.child_by_field_name("object")
    prop_node = node.child_by_field_name("property")
    if obj_node is None or prop_node is None:
        return Unknown(UnknownKind.UNMODELLED, "member access")
    prop = mod.text(prop_node)
    if is_process_env(obj_node, mod):
        return EnvRef(prop)
    obj = ev.eval(obj_node, mod, scope)
    if isinstance(obj, Unknown):
        sent = libraries.client_input(ev, obj_node, prop, mod, called=False)  # `req.body`
        if sent is not None:
            return sent
    return ev.get_prop(obj, prop)


def _subscript(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    obj_node = node.child_by_field_name("object")
    index = node.child_by_field_name("index")
    if obj_node is None or index is None:
        return Unknown(UnknownKind.UNMODELLED, "subscript")
    key = ev.eval(index, mod, scope)
    if not (isinstance(key, Str) and key.exact):
        return Unknown(UnknownKind.RUNTIME_VALUE, "a property chosen at run time")
    if is_process_env(obj_node, mod):
        return EnvRef(key.text)
    return ev.get_prop(ev.eval(obj_node, mod, scope), key.text)


def _object(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    props: dict[str, Thunk] = {}
    open_ = False
    shadowed: dict[str, Unknown] = {}  # props an unknown spread after them may replace
    rest: Unknown | None = None
    for child in node.named_children:
        t = child.type
        key: str | None = None
        if t == "pair":
            key_node = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            key = _prop_key(ev, key_node, mod, scope)
            if key is None:
                open_ = True
            elif value is not None:
                props[key] = Thunk(value, mod, scope)
        elif t == "shorthand_property_identifier":
            key = mod.text(child)
            props[key] = Thunk(child, mod, scope)
        elif t == "method_definition":
            name = child.child_by_field_name("name")
            if name is not None:
                key = mod.text(name).strip("'\"")
                props[key] = Thunk(None, mod, scope, value=ev.function(child, mod, scope))
        elif t == "spread_element":
            inner = child.named_children[0] if child.named_children else None
            spread = ev.eval(inner, mod, scope) if inner is not None else Unknown(UnknownKind.MISSING, "spread")
            if isinstance(spread, Obj):
                for k in spread.props:
                    shadowed.pop(k, None)
                if spread.open:
                    # `is None`, not `or`: an Unknown is falsy, so `spread.rest or …` never read the rest.
                    why = spread.rest if spread.rest is not None else Unknown(UnknownKind.OPEN_OBJECT,
                                                                              "an object with unknown spread")
                    _shadow(shadowed, props, why, set(spread.props))
                    rest = spread.rest if spread.rest is not None else rest
                props.update(spread.props)
                shadowed.update(spread.shadowed or {})
                open_ = open_ or spread.open
            elif isinstance(spread, Unknown):
                _shadow(shadowed, props, spread, set())
                open_, rest = True, spread
            elif not isinstance(spread, Null):
                open_ = True
        if key is not None:
            shadowed.pop(key, None)
    if scope is not None and props:
        ev.memo.touch(scope)  # the properties' thunks hold this call's frame
    return Obj(props, open_, node, mod, shadowed=shadowed or None, rest=rest)


def _shadow(shadowed: dict[str, Unknown], props: dict[str, Thunk], spread: Unknown, kept: set[str]) -> None:
    """Props written before a spread of an unknown: the spread may replace them at run time."""
    for k in props:
        if k not in kept:
            shadowed[k] = Unknown(spread.kind, f"'{k}' may be replaced by a spread after it ({spread.reason})",
                                  env=spread.env)


def _prop_key(ev: EvaluatorProtocol, key_node: Node | None, mod: Module, scope: Scope | None) -> str | None:
    if key_node is None:
        return None
    if key_node.type in ("property_identifier", "identifier", "number"):
        return mod.text(key_node)
    if key_node.type == "string":
        return string_value(mod, key_node)
    if key_node.type == "computed_property_name" and key_node.named_children:
        v = ev.eval(key_node.named_children[0], mod, scope)
        if isinstance(v, Str) and v.exact:
            return v.text
    return None


def _call(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return ev.call_value(node, mod, scope)


def _new(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    ctor = node.child_by_field_name("constructor")
    name = mod.text(ctor) if ctor is not None else ""
    if ctor is not None and ctor.type in ("identifier", "member_expression"):
        cls = ev.eval(ctor, mod, scope)
        if isinstance(cls, Func) and classes.is_class(cls.node):  # a class of the app's own
            return classes.instance(ev, cls, [ev.thunk(a, mod, scope) for a in call_args(node)])
    return libraries.construct(ev, name, call_args(node), mod, scope)


def _this(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return classes.evaluate_this(ev, node, mod, scope)


def _array(ev: EvaluatorProtocol, node: Node, mod: Module, scope: Scope | None) -> Value:
    return Unknown(UnknownKind.UNMODELLED, "an array")


HANDLERS: dict[str, Handler] = {
    "string": _string,
    "template_string": _template,
    "number": _number,
    "true": _true,
    "false": _false,
    "null": _null,
    "undefined": _null,
    "identifier": _identifier,
    "shorthand_property_identifier": _identifier,
    "parenthesized_expression": _paren,
    "non_null_expression": _wrapped,
    "as_expression": _wrapped,
    "satisfies_expression": _wrapped,
    "type_assertion": _wrapped,
    "await_expression": _wrapped,
    "binary_expression": _binary,
    "ternary_expression": _ternary,
    "member_expression": _member,
    "subscript_expression": _subscript,
    "object": _object,
    "call_expression": _call,
    "new_expression": _new,
    "array": _array,
    "this": _this,
    "unary_expression": _unary,
}
# Node types whose value can depend on the call scope (everything else is Unknown in any scope).
EVALUATED = frozenset(HANDLERS) | FUNCTION_TYPES | CLASS_TYPES
