"""Effects and their cleanups, for the listener rules: which call is an effect (`useEffect` & co.,
known through the import, not by spelling), and whether an effect's cleanup removes a listener
(`removeEventListener` with the same handler, aborting its signal, resetting `onbeforeunload`).

Split out of `_client.py` (which kept the end requests): this is the part that reads cleanup
functions, shared by the listener discovery (`_listeners.py`) and TAV105's effect cleanups.
"""

from __future__ import annotations

from typing import Any

from sop_check.evaluate import Bool, Evaluator, Func, Null, Obj, Str, VarBinding, call_args, returns
from sop_check.evaluate.modules import origin_name
from sop_check.evaluate.scopes import destructured_prop
from sop_check.jsmodule import FUNCTION_TYPES, Module

EFFECT_HOOKS = ("useEffect", "useLayoutEffect", "useInsertionEffect", "useIsomorphicLayoutEffect", "useMount")


WINDOW_OBJECTS = ("window", "globalThis", "self", "globalThis.window")


def compact_text(text: str) -> str:
    """An expression's text without whitespace (line breaks included) or optional chaining, so that
    `window\n  .addEventListener` and `window?.addEventListener` read as `window.addEventListener`."""
    return "".join(text.split()).replace("?.", ".")


def listener_target(mod: Module, fn: Any, method: str) -> bool:
    text = compact_text(mod.text(fn))
    if text == method:
        return True
    head, _, tail = text.rpartition(".")
    return tail == method and head in WINDOW_OBJECTS


def enclosing_effect(ev: Evaluator, mod: Module, node: Any) -> Any:
    """The effect callback (first argument of useEffect & co.) that lexically contains `node`."""
    n = node.parent
    while n is not None:
        if n.type in FUNCTION_TYPES and n.parent is not None and n.parent.type == "arguments":
            call = n.parent.parent
            if call is not None and is_effect_call(ev, mod, call):
                return n
        n = n.parent
    return None


def is_effect_call(ev: Evaluator, mod: Module, call: Any) -> bool:
    """`useEffect(…)` & co., the callee read through the imports (`import { useEffect as onMount }`,
    `React.useLayoutEffect`), not by how the call spells it."""
    fn = call.child_by_field_name("function")
    return fn is not None and names_one_of(ev, mod, fn, EFFECT_HOOKS)


def names_one_of(ev: Evaluator, mod: Module, fn: Any, names: tuple[str, ...]) -> bool:
    """Whether the callee `fn` is one of `names` where it is defined (`origin_name`). The spelling and
    the import table answer first: only a name spelled so, imported under one of them, or imported
    from a project module (which may re-export one under another name) is resolved."""
    text = mod.text(fn)
    binding = mod.imports.get(text.split(".", 1)[0])
    if text.rsplit(".", 1)[-1] not in names and (binding is None or binding.name not in names and
                                                 not ev.index.is_local_specifier(binding.source)):
        return False
    return origin_name(ev, fn, mod) in names


def _cleanup_calls(ev: Evaluator, mod: Module, effect: Any) -> list[tuple[Any, Module]]:
    """Calls and assignments the effect's cleanup function runs."""
    body = effect.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return []
    out: list[tuple[Any, Module]] = []
    for ret in returns(body):
        inner = [c for c in ret.named_children if c.type != "comment"]
        if not inner:
            continue
        value = ev.eval(inner[0], mod, None)
        if isinstance(value, Func):
            s, e = value.node.start_byte, value.node.end_byte
            m = value.module
            out.extend((c, m) for c in m.calls if s <= c.start_byte and c.end_byte <= e)
            out.extend((a, m) for a in m.assignments if s <= a.start_byte and a.end_byte <= e)
            for call, cm in ev.reach(value).calls:
                out.append((call, cm))
    return out


def _same_handler(ev: Evaluator, a_mod: Module, a: Any, b_mod: Module, b: Any, scope: Any = None) -> bool:
    if a_mod.text(a) == b_mod.text(b) and a.type == "identifier":
        return True
    va, vb = ev.eval(a, a_mod, scope), ev.eval(b, b_mod, scope)
    return isinstance(va, Func) and isinstance(vb, Func) and va.key == vb.key


def _capture(ev: Evaluator, mod: Module, options: Any, scope: Any) -> bool | str:
    """The capture flag of an add/removeEventListener call's third argument (None: absent), as the
    browser reads it: a boolean, or an options object's `capture`; the argument's text when its
    value cannot be read (the same text on both calls is the same flag)."""
    if options is None:
        return False
    value = ev.eval(options, mod, scope)
    if isinstance(value, Obj):
        thunk = value.props.get("capture")
        if thunk is None or (value.shadowed and "capture" in value.shadowed):
            return compact_text(mod.text(options)) if value.open or thunk is not None else False
        value = ev.force(thunk)
    if isinstance(value, Bool):
        return value.value
    return compact_text(mod.text(options))


def removed_on_cleanup(ev: Evaluator, mod: Module, effect: Any, event: str, handler_node: Any,
                       scope: Any = None, options: Any = None) -> bool:
    """`removeEventListener(event, h)` with the same handler in the effect's cleanup, and the same
    capture flag as the listener was added with (`options`, its third argument): the browser
    removes only the listener registered with that flag."""
    if effect is None:
        return False
    capture = _capture(ev, mod, options, scope)
    for node, m in _cleanup_calls(ev, mod, effect):
        if node.type != "call_expression":
            continue
        fn = node.child_by_field_name("function")
        if fn is None or not listener_target(m, fn, "removeEventListener"):
            continue
        args = call_args(node)
        if len(args) >= 2:
            name = ev.eval(args[0], m, scope)
            if isinstance(name, Str) and name.text == event and \
                    _same_handler(ev, mod, handler_node, m, args[1], scope) and \
                    _capture(ev, m, args[2] if len(args) > 2 else None, scope) == capture:
                return True
    return False


def aborted_on_cleanup(ev: Evaluator, mod: Module, effect: Any, options: Any, scope: Any = None) -> bool:
    """`addEventListener(e, h, { signal: controller.signal })` with `controller.abort()` in the effect's
    cleanup: aborting the signal removes the listener (the modern idiom)."""
    if effect is None:
        return False
    opts = ev.eval(options, mod, scope)
    thunk = opts.props.get("signal") if isinstance(opts, Obj) else None
    if thunk is None or thunk.node is None:
        return False
    controller = _controller_of(ev, thunk.module, thunk.node)
    if controller is None:
        return False
    want = _binding_key(ev, thunk.module, controller)
    for node, m in _cleanup_calls(ev, mod, effect):
        fn = node.child_by_field_name("function") if node.type == "call_expression" else None
        if fn is None or fn.type != "member_expression":
            continue
        prop, obj = fn.child_by_field_name("property"), fn.child_by_field_name("object")
        if prop is not None and obj is not None and m.text(prop) == "abort" and _binding_key(ev, m, obj) == want:
            return True
    return False


def _controller_of(ev: Evaluator, mod: Module, signal: Any) -> Any:
    """The AbortController expression a signal comes from: `c.signal`, or a name bound to it
    (`const signal = c.signal`, `const { signal } = c`)."""
    node = signal
    for _ in range(4):
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return node.child_by_field_name("object") if prop is not None and mod.text(prop) == "signal" else None
        if node.type not in ("identifier", "shorthand_property_identifier"):
            return None
        decl = ev.find_decl(mod.text(node), node, mod)
        if not isinstance(decl, VarBinding):
            return None
        pattern, value = decl.node.child_by_field_name("name"), decl.node.child_by_field_name("value")
        if pattern is None or value is None:
            return None
        if pattern.type == "object_pattern":
            return value if destructured_prop(pattern, mod.text(node), mod) == "signal" else None
        node = value
    return None


def _binding_key(ev: Evaluator, mod: Module, node: Any) -> tuple[str, int] | str:
    """The same controller seen from two places: its declaration, else its text (`ref.current`)."""
    if node.type == "identifier":
        decl = ev.find_decl(mod.text(node), node, mod)
        if isinstance(decl, VarBinding):
            return (mod.path, decl.node.id)
    return compact_text(mod.text(node))


def reset_on_cleanup(ev: Evaluator, mod: Module, effect: Any, target: str) -> bool:
    """`window.onbeforeunload = null` in the effect's cleanup."""
    if effect is None:
        return False
    for node, m in _cleanup_calls(ev, mod, effect):
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and compact_text(m.text(left)) == target and right is not None and \
                    isinstance(ev.eval(right, m, None), Null):
                return True
    return False
