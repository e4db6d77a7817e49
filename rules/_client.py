"""Client-side queries shared by TAV003-TAV005 and TAV105: the requests a handler sends to the end
route and whether the route answers them, keepalive, effect cleanups and click handlers.

Listeners are in `_listeners.py` (with effects and cleanups in `_effects.py`), End controls in
`_controls.py`; they are re-exported here for the rules that ask for all of it.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from sop_check.evaluate import (Bool, Evaluator, Func, Null, Obj, Request, Str, Unknown, UnknownKind, Value,
                                call_args, describe, returns, shown)
from sop_check.index import AppIndex
from sop_check.jsmodule import FUNCTION_TYPES, Module, jsx_attributes, jsx_tag
from sop_check.model import Location
from sop_check.nextconfig import read_next_config
from sop_check.records import record
from sop_check.rule import unresolved

from sop_check_rules._controls import Control, end_controls, is_control, label_matches
from sop_check_rules._effects import EFFECT_HOOKS, enclosing_effect, is_effect_call
from sop_check_rules._listeners import Listener, unload_listeners
from sop_check_rules._routes import Service, route_serves, routes_at
from sop_check_rules._urls import calls_route, path_of

__all__ = ["EFFECT_HOOKS", "Control", "EndCall", "EndReach", "Listener", "base_path", "click_handlers",
           "client_anchor", "describe_request", "effect_cleanups", "end_controls", "end_reach", "enclosing_effect",
           "is_control", "judge_end_requests", "keepalive", "label_matches", "route_served", "unload_listeners"]

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
    url = shown(path_of(r.url.text)) if isinstance(r.url, Str) else "?"  # a hole as people read it
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
    for mod in index.evidence_modules(("onclick", "onpress"), jsx=True):
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
