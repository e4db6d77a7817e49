"""The unload listeners an app registers: `addEventListener` on the window (directly, in a custom
hook read with its arguments at each call path, or through a library hook) and `onbeforeunload`
assignments, each with its handler, its effect and whether the cleanup removes it.

Split out of `_client.py`: finding listeners is its own question (TAV003, TAV004 and TAV105 ask
it; `_unload.py` judges what they find).
"""

from __future__ import annotations

from typing import Any

from sop_check.evaluate import Evaluator, Func, Null, Scope, Str, Thunk, call_args
from sop_check.evaluate.callers import callable_around, callers
from sop_check.evaluate.jsx import component_name
from sop_check.index import AppIndex
from sop_check.jsmodule import Module
from sop_check.model import Location
from sop_check.records import record

from sop_check_rules._effects import (WINDOW_OBJECTS, aborted_on_cleanup, compact_text, enclosing_effect,
                                      listener_target, names_one_of, removed_on_cleanup, reset_on_cleanup)

@record
class Listener:
    module: Module
    node: Any  # the addEventListener call or the onbeforeunload assignment
    event: str
    handler: Any  # Func or Unknown
    handler_text: str
    effect: Any = None  # the effect callback node, when registered in one
    removed: bool = False

    @property
    def location(self) -> Location:
        return self.module.location(self.node)


# Hooks from libraries that add a window listener in an effect and remove it on cleanup.
LISTENER_HOOKS = ("useEventListener", "useWindowEvent", "useWindowEventListener", "useGlobalEventListener")


UNLOAD_HOOKS = ("useBeforeUnload", "unstable_useBeforeUnload")  # handler only; the event is beforeunload


UNLOAD_EVENTS = ("beforeunload", "pagehide", "unload")


def unload_listeners(index: AppIndex, ev: Evaluator, events: list[str]) -> list[Listener]:
    """The listeners of `events` the app registers. Found once per app for every unload event (TAV003,
    TAV004 and TAV105 ask for different sets; a listener's event is all that tells them apart)."""
    wanted = tuple(sorted(set(events) | set(UNLOAD_EVENTS)))
    key = f"unload-listeners:{wanted}"
    found = index.memo.get(key)
    if found is None:
        found = index.memo[key] = _unload_listeners(index, ev, list(wanted))
    return [lst for lst in found if lst.event in events]


def _unload_listeners(index: AppIndex, ev: Evaluator, events: list[str]) -> list[Listener]:
    needles = tuple(events) + tuple(f"on{e}" for e in events)
    out: list[Listener] = []
    for mod in index.evidence_modules(needles):
        for call in mod.calls:
            fn = call.child_by_field_name("function")
            if fn is None or mod.in_error(call):
                continue
            if listener_target(mod, fn, "addEventListener"):
                out.extend(_listeners_in_context(ev, mod, call, events))
            elif call.type == "call_expression":
                out.extend(_hook_listeners(ev, mod, call, fn, events))
        for asg in mod.assignments:
            left = asg.child_by_field_name("left")
            right = asg.child_by_field_name("right")
            if left is None or right is None or mod.in_error(asg):
                continue
            text = compact_text(mod.text(left))
            head, _, prop = text.rpartition(".")
            if not prop.startswith("on") or prop[2:] not in events or head not in WINDOW_OBJECTS:
                continue
            value = ev.eval(right, mod, None)
            if isinstance(value, Null):
                continue  # the reset in a cleanup, not a registration
            lst = Listener(mod, asg, prop[2:], value, mod.text(right))
            lst.effect = enclosing_effect(ev, mod, asg)
            lst.removed = reset_on_cleanup(ev, mod, lst.effect, text)
            out.append(lst)
    return out


def _direct_listener(ev: Evaluator, mod: Module, call: Any, scope: Any, events: list[str]) -> Listener | None:
    """`window.addEventListener('beforeunload', h)`, its event and handler evaluated in `scope`."""
    args = call_args(call)
    if len(args) < 2:
        return None
    event = ev.eval(args[0], mod, scope)
    if not (isinstance(event, Str) and event.text in events):
        return None
    lst = Listener(mod, call, event.text, ev.eval(args[1], mod, scope), mod.text(args[1]))
    lst.effect = enclosing_effect(ev, mod, call)
    lst.removed = removed_on_cleanup(ev, mod, lst.effect, lst.event, args[1], scope,
                                     args[2] if len(args) > 2 else None) or \
        (len(args) > 2 and aborted_on_cleanup(ev, mod, lst.effect, args[2], scope))
    return lst


def _listeners_in_context(ev: Evaluator, mod: Module, call: Any, events: list[str]) -> list[Listener]:
    """A listener registered in a custom hook that reads the hook's parameters
    (`useUnloadGuard(endConversation, id)` adding a listener that calls `endConversation(id)`): read
    once per call path that reaches the hook (a hook calling a hook is followed to its callers too),
    its parameters bound to the arguments along the path, as the evaluator reads a helper's request
    at its call sites. Read alone when nothing calls it, when it reads no parameter of the function
    around it, or when that function is a component (its props come from JSX)."""
    alone = _direct_listener(ev, mod, call, None, events)
    if alone is None:
        return []
    bound = [lst for sites in _hook_call_paths(ev, call, mod)
             if (lst := _direct_listener(ev, mod, call, _scope_along(ev, sites), events)) is not None]
    return bound or [alone]


MAX_HOOK_LEVELS = 4  # hooks calling hooks: past this the listener is read with what is bound so far


MAX_HOOK_PATHS = 16


def _hook_call_paths(ev: Evaluator, node: Any, mod: Module) -> list[tuple[tuple[Any, Module], ...]]:
    """The call paths (outermost call first) that decide the parameters `node` reads."""
    done: list[tuple[tuple[Any, Module], ...]] = []
    frontier: list[tuple[tuple[tuple[Any, Module], ...], Any, Module]] = [((), node, mod)]
    while frontier and len(done) < MAX_HOOK_PATHS:
        sites, at, at_mod = frontier.pop(0)
        fn = callable_around(at, at_mod)
        found = [] if fn is None or len(sites) >= MAX_HOOK_LEVELS or component_name(fn, at_mod) is not None or \
            fn.id not in ev.scopes.free_params(at, at_mod) else callers(ev, fn, at_mod)
        if not found:
            if sites:
                done.append(sites)
            continue
        frontier.extend((((site, site_mod), *sites), site, site_mod) for site, site_mod in found)
    return done


def _scope_along(ev: Evaluator, sites: tuple[tuple[Any, Module], ...]) -> Scope | None:
    """The bindings of the innermost call when the outermost one runs (its own arguments unknown)."""
    scope: Scope | None = None
    for site, site_mod in sites:
        callee_node = site.child_by_field_name("function")
        callee = ev.eval(callee_node, site_mod, scope) if callee_node is not None else None
        if not isinstance(callee, Func):
            return scope
        scope = ev.bind(callee, [ev.thunk(a, site_mod, scope) for a in call_args(site)])
    return scope


def _hook_listeners(ev: Evaluator, mod: Module, call: Any, fn: Any, events: list[str]) -> list[Listener]:
    """Listeners registered through a hook: a library one by name, or the project's own, followed
    with its arguments bound (`useWindowListener('beforeunload', onUnload)`)."""
    args = call_args(call)
    if args and "beforeunload" in events and names_one_of(ev, mod, fn, UNLOAD_HOOKS):
        handler = ev.eval(args[0], mod, None)
        if isinstance(handler, Func) or not isinstance(ev.eval(fn, mod, None), Func):
            return [Listener(mod, call, "beforeunload", handler, mod.text(args[0]), effect=call, removed=True)]
    # Cheap syntactic gate first: evaluating every argument of every call is what costs.
    if not args or not any(e in mod.text(a) for a in args[:3] for e in events):
        return []
    if not any(isinstance(v, Str) and v.text in events for v in (ev.eval(a, mod, None) for a in args[:3])):
        return []
    callee = ev.eval(fn, mod, None)
    if not isinstance(callee, Func):
        if len(args) >= 2 and names_one_of(ev, mod, fn, LISTENER_HOOKS):
            event = ev.eval(args[0], mod, None)
            if isinstance(event, Str) and event.text in events:
                return [Listener(mod, call, event.text, ev.eval(args[1], mod, None), mod.text(args[1]),
                                 effect=call, removed=True)]
        return []
    scope = ev.bind(callee, [Thunk(a, mod, None) for a in args])
    inner_mod, node = callee.module, callee.node
    found = []
    for inner in inner_mod.calls:
        if not (node.start_byte <= inner.start_byte and inner.end_byte <= node.end_byte):
            continue
        inner_fn = inner.child_by_field_name("function")
        if inner_fn is None or not listener_target(inner_mod, inner_fn, "addEventListener"):
            continue
        lst = _direct_listener(ev, inner_mod, inner, scope, events)
        if lst is not None:
            lst.module, lst.node = mod, call  # reported where the app uses the hook
            found.append(lst)
    return found
