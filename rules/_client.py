"""Client-side queries shared by TAV003-TAV005: unload listeners, end requests, end controls."""

from __future__ import annotations

import re
from dataclasses import field
from sop_check.records import record
from typing import Any

from sop_check.evaluate import (Bool, Evaluator, Func, Null, Obj, Request, Scope, Str, Thunk, Unknown, UnknownKind, Value,
                                VarBinding, call_args, describe, returns, shown)
from sop_check.evaluate.callers import callable_around, callers
from sop_check.evaluate.jsx import component_name
from sop_check.evaluate.modules import origin_name
from sop_check.evaluate.scopes import destructured_prop
from sop_check.index import FUNCTION_TYPES, AppIndex, Module, jsx_attributes, jsx_tag
from sop_check.model import Location
from sop_check.nextconfig import read_next_config
from sop_check.rule import unresolved

from sop_check_rules._rendered import RENDERED, Rendering, can_render
from sop_check_rules._routes import Service, route_serves, routes_at
from sop_check_rules._urls import calls_route, path_of

EFFECT_HOOKS = ("useEffect", "useLayoutEffect", "useInsertionEffect", "useIsomorphicLayoutEffect", "useMount")
WINDOW_OBJECTS = ("window", "globalThis", "self", "globalThis.window")


# ---------------------------------------------------------------------------- end requests
@record
class EndReach:
    """What a handler does about ending the session."""
    end_requests: list[Request] = field(default_factory=list)  # requests to the end route
    other_requests: list[Request] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    calls: list[tuple[Any, Module]] = field(default_factory=list)  # every call the function can make


def end_reach(ev: Evaluator, func: Func, route: str, base_path: str | None = "") -> EndReach:
    reach = ev.reach(func)
    out = EndReach(unresolved=list(reach.unresolved), calls=list(reach.calls))
    for r in reach.requests:
        verdict = calls_route(r.url, route, base_path)
        if verdict is True:
            out.end_requests.append(r)
        elif verdict is False:
            out.other_requests.append(r)
        else:
            reason = _undecided_url(r.url)
            if base_path is None and not isinstance(r.url, Unknown):
                reason += ", and next.config's basePath (which prefixes the route) is not a literal"
            out.unresolved.append(unresolved(f"{r.location}: request URL ({reason})", r.location, r.url))
    return out


def _undecided_url(url: Value) -> str:
    """Why a request's URL could not be matched against the route (it used to crash on a non-string)."""
    if isinstance(url, Unknown):
        return url.reason
    if isinstance(url, Str):
        return f"URL {url.shown()}"
    return f"the URL is {describe(url)}, not a string"


def describe_request(r: Request) -> str:
    url = path_of(r.url.text) if isinstance(r.url, Str) else "?"
    kind = {"beacon": "sendBeacon", "fetch": "fetch", "axios": "request"}[r.kind]
    return f"{kind} to {url} at {r.location}"


def base_path(index: AppIndex) -> str | None:
    """`basePath` as Next.js reads it from next.config.*; None when it is not a literal there."""
    config = read_next_config(index)
    return config.base_path.rstrip("/") if config.base_path_known else None


def route_served(index: AppIndex, route: str) -> bool:
    return bool(routes_at(index, route))


@record
class EndCall:
    """How the requests a place sends to the end route fare. `good`: a POST the route serves, the
    SOP's request. Otherwise the first problem as a finding kind with its template data (kinds
    `route-not-served`, `method-not-served`, `wrong-method`), and what could not be told."""

    good: Request | None = None
    served: Request | None = None  # a request the route answers, whatever its method
    kind: str | None = None
    request: Request | None = None
    data: dict[str, object] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


def judge_end_requests(index: AppIndex, route: str, requests: list[Request], *,
                       missing_route_is_tav001s: bool = False) -> EndCall:
    """A request to the end route does its job only if a route answers its method there: a POST to
    a route that exports only GET, or a GET (fetch's default) to a POST-only route, gets a 405.

    Only a refusal seen in the route file is the caller's finding. A route file whose methods
    cannot be read (a syntax error, a package's `export *`) is TAV001's `unknown`, and the request
    is judged as if the route answered it; with `missing_route_is_tav001s` (TAV005, TAV105), so
    is a route that does not exist at all (TAV001's finding; TAV003 keeps `route-not-served`)."""
    out = EndCall()
    for r in requests:
        if not isinstance(r.method, str):
            out.unresolved.append(f"{r.location}: the method of the request to {route} ({r.method.reason})")
            continue
        service = route_serves(index, route, r.method)
        if service.served is None or (not service.routed and missing_route_is_tav001s):
            service = Service(True)
        if service.served and out.served is None:
            out.served = r
        if service.served and r.method == "POST":
            out.good = r
            return out
        if out.kind is not None:
            continue
        out.request = r
        if not service.routed:
            out.kind, out.data = "route-not-served", {"route": route}
        elif not service.served:
            out.kind, out.data = "method-not-served", {"route": route, "method": r.method, "detail": service.detail}
        else:
            out.kind, out.data = "wrong-method", {"route": route, "method": r.method}
    return out


# ---------------------------------------------------------------------------- listeners
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


def _listener_target(mod: Module, fn: Any, method: str) -> bool:
    text = mod.text(fn).replace("?.", ".").replace(" ", "")
    if text == method:
        return True
    head, _, tail = text.rpartition(".")
    return tail == method and head in WINDOW_OBJECTS


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
            if _listener_target(mod, fn, "addEventListener"):
                out.extend(_listeners_in_context(ev, mod, call, events))
            elif call.type == "call_expression":
                out.extend(_hook_listeners(ev, mod, call, fn, events))
        for asg in mod.assignments:
            left = asg.child_by_field_name("left")
            right = asg.child_by_field_name("right")
            if left is None or right is None or mod.in_error(asg):
                continue
            text = mod.text(left).replace(" ", "")
            head, _, prop = text.rpartition(".")
            if not prop.startswith("on") or prop[2:] not in events or head not in WINDOW_OBJECTS:
                continue
            value = ev.eval(right, mod, None)
            if isinstance(value, Null):
                continue  # the reset in a cleanup, not a registration
            lst = Listener(mod, asg, prop[2:], value, mod.text(right))
            lst.effect = enclosing_effect(ev, mod, asg)
            lst.removed = _reset(ev, mod, lst, text)
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
    lst.removed = _removed(ev, mod, lst, args[1], scope) or (len(args) > 2 and _aborted(ev, mod, lst, args[2], scope))
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
    name = mod.text(fn).split(".")[-1]
    args = call_args(call)
    if args and "beforeunload" in events and _names_one_of(ev, mod, fn, UNLOAD_HOOKS):
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
        if len(args) >= 2 and _names_one_of(ev, mod, fn, LISTENER_HOOKS):
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
        if inner_fn is None or not _listener_target(inner_mod, inner_fn, "addEventListener"):
            continue
        lst = _direct_listener(ev, inner_mod, inner, scope, events)
        if lst is not None:
            lst.module, lst.node = mod, call  # reported where the app uses the hook
            found.append(lst)
    return found


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
    return fn is not None and _names_one_of(ev, mod, fn, EFFECT_HOOKS)


def _names_one_of(ev: Evaluator, mod: Module, fn: Any, names: tuple[str, ...]) -> bool:
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


def _removed(ev: Evaluator, mod: Module, lst: Listener, handler_node: Any, scope: Any = None) -> bool:
    if lst.effect is None:
        return False
    for node, m in _cleanup_calls(ev, mod, lst.effect):
        if node.type != "call_expression":
            continue
        fn = node.child_by_field_name("function")
        if fn is None or not _listener_target(m, fn, "removeEventListener"):
            continue
        args = call_args(node)
        if len(args) >= 2:
            event = ev.eval(args[0], m, scope)
            if isinstance(event, Str) and event.text == lst.event and \
                    _same_handler(ev, mod, handler_node, m, args[1], scope):
                return True
    return False


def _aborted(ev: Evaluator, mod: Module, lst: Listener, options: Any, scope: Any = None) -> bool:
    """`addEventListener(e, h, { signal: controller.signal })` with `controller.abort()` in the effect's
    cleanup: aborting the signal removes the listener (the modern idiom)."""
    if lst.effect is None:
        return False
    opts = ev.eval(options, mod, scope)
    thunk = opts.props.get("signal") if isinstance(opts, Obj) else None
    if thunk is None or thunk.node is None:
        return False
    controller = _controller_of(ev, thunk.module, thunk.node)
    if controller is None:
        return False
    want = _binding_key(ev, thunk.module, controller)
    for node, m in _cleanup_calls(ev, mod, lst.effect):
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
    return mod.text(node).replace("?.", ".").replace(" ", "")


def _reset(ev: Evaluator, mod: Module, lst: Listener, target: str) -> bool:
    if lst.effect is None:
        return False
    for node, m in _cleanup_calls(ev, mod, lst.effect):
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and m.text(left).replace(" ", "") == target and right is not None and \
                    isinstance(ev.eval(right, m, None), Null):
                return True
    return False


def keepalive(ev: Evaluator, r: Request) -> bool | Unknown:
    """True when the request survives the page unloading: a beacon, or fetch with keepalive: true."""
    if r.kind == "beacon":
        return True
    opts = r.options
    if opts is None or isinstance(opts, Null):
        return False
    if not isinstance(opts, Obj):
        return opts if isinstance(opts, Unknown) else Unknown(UnknownKind.RUNTIME_VALUE,
                                                              "request options built at run time")
    value = ev.get_prop(opts, "keepalive")
    if isinstance(value, Bool):
        return value.value
    if isinstance(value, Null):
        return False
    if isinstance(value, Unknown):
        return value
    return Unknown(UnknownKind.RUNTIME_VALUE, "keepalive is set from a value that is not a boolean literal")


# ---------------------------------------------------------------------------- controls
@record
class Control:
    module: Module
    node: Any
    tag: str
    label: str
    attrs: dict[str, Any]
    hidden: str | None  # why it is hidden, or None
    rendering: Rendering = RENDERED  # whether a page can render it at all (rules/_rendered.py)

    @property
    def location(self) -> Location:
        return self.module.location(self.node)


def _label(ev: Evaluator, mod: Module, el: Any, attrs: dict[str, Any]) -> str:
    parts: list[str] = []
    for key in ("aria-label", "title", "label", "ariaLabel"):
        v = attrs.get(key)
        if v is not None and v is not True:
            value = ev.eval(v, mod, None)
            if isinstance(value, Str):
                parts.append(shown(value.text, " "))
    if el.type == "jsx_element":
        # Text children and strings in `{...}` children; never attributes of nested elements
        # (`<PhoneOff className="h-4 w-4" />` says nothing about the label).
        stack = [c for c in el.named_children if c.type not in ("jsx_opening_element", "jsx_closing_element")]
        while stack:
            n = stack.pop()
            if n.type == "jsx_text" or n.type == "string_fragment":
                parts.append(mod.text(n))
            elif n.type in ("jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element",
                            "jsx_attribute") or n.type in FUNCTION_TYPES:
                continue
            else:
                stack.extend(n.named_children)
    return " ".join(" ".join(parts).split())


def _hidden(ev: Evaluator, mod: Module, attrs: dict[str, Any]) -> str | None:
    for key in ("hidden", "aria-hidden"):
        if key in attrs:
            v = attrs[key]
            value = None if v is True else ev.eval(v, mod, None)
            if v is True or isinstance(value, Bool) and value.value or \
                    (not isinstance(v, bool) and mod.text(v).strip("'\"") == "true"):
                return f"it has the {key} attribute"
    style = attrs.get("style")
    if style is not None and style is not True:
        if re.search(r"display\s*:\s*['\"]none['\"]", mod.text(style)):
            return "its style is display: none"
        styled = ev.eval(style, mod, None)  # `style={hiddenStyle}`
        for prop, hiding in (("display", "none"), ("visibility", "hidden")):
            shown_as = ev.get_prop(styled, prop) if isinstance(styled, Obj) else None
            if isinstance(shown_as, Str) and shown_as.text == hiding:
                return f"its style is {prop}: {hiding}"
    cls = attrs.get("className") or attrs.get("class")
    if cls is not None and cls is not True:
        value = ev.eval(cls, mod, None)
        text = value.text if isinstance(value, Str) and value.exact else ""  # a class added at run time may show it
        tokens = text.split()
        # Tailwind: `hidden` (also `!hidden`, `hidden!`) hides it unless a variant shows it (`md:block`).
        if any(t.strip("!") == "hidden" for t in tokens) and not any(_SHOWN_BY_VARIANT.match(t) for t in tokens):
            return "its class hides it (hidden, with no responsive override such as md:block)"
        if "invisible" in tokens or "sr-only" in tokens:
            return "its class hides it"
    return None


_SHOWN_BY_VARIANT = re.compile(r"^(?:[\w\[\]&@/.=-]+:)+!?(?:block|inline-block|inline|flex|inline-flex|grid|inline-grid|"
                               r"table|table-row|table-cell|contents|flow-root|list-item)!?$")


def _name_words(tag: str, attrs: dict[str, Any], mod: Module) -> str:
    parts = [tag.split(".")[-1]]
    for key in ("id", "data-testid", "name"):
        v = attrs.get(key)
        if v is not None and v is not True:
            parts.append(mod.text(v))
    cls = attrs.get("className")
    if cls is not None and cls is not True:
        if cls.type == "member_expression":  # CSS modules: styles.leaveButton
            parts.append(mod.text(cls.child_by_field_name("property")))
        else:
            # Utility classes say little ("justify-end"); only a class that names a control counts.
            parts += [t for t in re.split(r"[\s'\"`{}]+", mod.text(cls))
                      if re.search(r"btn|button|call", t, re.I) and re.fullmatch(r"[\w-]+", t)]
    text = " ".join(parts)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # endCall -> end Call
    return " ".join(re.split(r"[^A-Za-z]+", text)).strip()


# Controls of UI libraries whose names do not end in Button (Mantine, MUI, React Native, Radix menus).
CONTROL_COMPONENTS = frozenset({"ActionIcon", "Fab", "Pressable", "TouchableOpacity", "TouchableHighlight",
                                "MenuItem", "DropdownMenuItem", "ContextMenuItem", "MenubarItem"})
# `styled.button`, `styled('button')`, `tw.button`, `styled(Button)`: a component that is a button.
_STYLED_BUTTON = re.compile(r"^(?:styled|tw|css)\s*(?:\.\s*button\b|\(\s*(?:['\"]button['\"]|\w*Button)\s*[,)])")


def is_control(tag: str, attrs: dict[str, Any], mod: Module, origin: str | None = None) -> bool:
    """Whether `<tag …>` is a control; `origin` is the component's own name read through the imports
    (`Button` for `<B>` after `import { Button as B }`), when it differs from the spelling."""
    last = (origin or tag).split(".")[-1]
    if tag == "button" or (last[:1].isupper() and last.endswith("Button")) or last == "Button":
        return True
    if last == "button" or last in CONTROL_COMPONENTS:
        return True  # `<motion.button>`, `<m.button>`, `<animated.button>`, library controls (corpus L1)
    if tag in ("a", "Link") and "onClick" in attrs:
        return True  # a link that acts on click
    decl = mod.decls.get(tag)
    value = decl.child_by_field_name("value") if decl is not None and decl.type == "variable_declarator" else None
    if value is not None and _STYLED_BUTTON.match(mod.text(value)[:80]):
        return True
    role = attrs.get("role")
    return role is not None and role is not True and mod.text(role).strip("'\"{}") == "button"


def _tag_origin(ev: Evaluator, mod: Module, el: Any, tag: str) -> str:
    """The component a capitalised tag names where it is defined (through an aliased import)."""
    if not tag[:1].isupper() or "." in tag or tag not in mod.imports:
        return tag
    opening = el if el.type == "jsx_self_closing_element" else el.child_by_field_name("open_tag")
    name = opening.child_by_field_name("name") if opening is not None else None
    return origin_name(ev, name, mod) if name is not None else tag


def label_matches(label: str, labels: list[str]) -> bool:
    low = label.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", low) for word in labels)


def end_controls(index: AppIndex, ev: Evaluator, labels: list[str]) -> list[Control]:
    """Rendered controls whose label says end / disconnect / leave … (hidden ones included, marked)."""
    out: list[Control] = []
    # A control can only match if its own file holds a label word (text, aria-label, title,
    # class, id or component name all live there): other files are not parsed for this.
    words = {w for label in labels for w in label.lower().split()[:1]}
    for mod in index.evidence_modules(("onclick", "button", "onpress"), words=words):
        for el in mod.jsx:
            if mod.in_error(el):
                continue
            tag = jsx_tag(mod, el)
            if tag is None:
                continue
            attrs = jsx_attributes(mod, el)
            origin = _tag_origin(ev, mod, el, tag)
            if not is_control(tag, attrs, mod, origin):
                continue
            label = _label(ev, mod, el, attrs)
            if not label.strip():
                # An icon-only control: what it is called in code is the best label there is
                # (`<EndCallButton/>`, `className={styles.leaveButton}`, `id="hang-up"`).
                label = _name_words(origin, attrs, mod)
            if not label_matches(label, labels):
                continue
            out.append(Control(mod, el, tag, label, attrs, _hidden(ev, mod, attrs), can_render(ev, mod, el)))
    return [c for c in out if not _composite(ev, c, out)]


def _composite(ev: Evaluator, control: Control, controls: list[Control]) -> bool:
    """`<EndCallButton onEnd={end} />` where EndCallButton is the project's component that renders
    another of the end controls (`<button onClick={onEnd}>Disconnect</button>`): the inner control
    is the one a user clicks, judged with the props it is rendered with; the usage is not a
    second control (it has no onClick of its own: its handler goes by another name)."""
    if not control.tag[:1].isupper():
        return False
    opening = control.node if control.node.type == "jsx_self_closing_element" else \
        control.node.child_by_field_name("open_tag")
    name = opening.child_by_field_name("name") if opening is not None else None
    component = ev.eval(name, control.module, None) if name is not None else None
    if not isinstance(component, Func):
        return False
    start, end, path = component.node.start_byte, component.node.end_byte, component.module.path
    return any(other is not control and other.module.path == path and
               start <= other.node.start_byte and other.node.end_byte <= end for other in controls)


def client_anchor(index: AppIndex) -> Location:
    """Where a missing client-side piece belongs: the avatar component if one is found."""
    for mod in index.evidence_modules(("tavus",)):
        if "use client" in mod.directives or mod.path.endswith((".tsx", ".jsx")):
            return index.location(mod.path)
    return index.location("package.json")


def effect_cleanups(index: AppIndex, ev: Evaluator) -> list[tuple[Func, Location, tuple[Module, Any]]]:
    """Cleanup functions returned by effects (they run when the component unmounts), with the effect."""
    out: list[tuple[Func, Location, tuple[Module, Any]]] = []
    for mod in index.evidence_modules(("useeffect", "uselayouteffect")):
        for call in mod.calls:
            if mod.in_error(call) or not is_effect_call(ev, mod, call):
                continue
            args = call_args(call)
            if not args or args[0].type not in FUNCTION_TYPES:
                continue
            body = args[0].child_by_field_name("body")
            if body is None:
                continue
            if body.type != "statement_block":  # `useEffect(() => () => cleanup(), [])`
                returned = [body]
            else:
                returned = [c for ret in returns(body) for c in ret.named_children if c.type != "comment"][:4]
            for node in returned:
                value = ev.eval(node, mod, None)
                if isinstance(value, Func):
                    out.append((value, mod.location(call), (mod, call)))
    return out


def click_handlers(index: AppIndex, ev: Evaluator) -> list[tuple[str, Any, Location, tuple[Module, Any]]]:
    """(description, handler value, location, (module, element)) of every onClick / onPress in shipping
    client code."""
    out = []
    for mod in index.evidence_modules(("onclick", "onpress")):
        for el in mod.jsx:
            if mod.in_error(el):
                continue
            attrs = jsx_attributes(mod, el)
            node = attrs.get("onClick") or attrs.get("onPress")
            if node is None or node is True:
                continue
            tag = jsx_tag(mod, el) or "element"
            out.append((f"the onClick of <{tag}>", ev.eval(node, mod, None), mod.location(el), (mod, el)))
    return out
