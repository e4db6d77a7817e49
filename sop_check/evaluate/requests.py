"""Network requests found in code: `fetch(url, init)` (also of a `new Request(…)`),
`navigator.sendBeacon(url, body)` and the verbs of HTTP clients (axios, ky, …) with the
client's base URL and default headers applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sop_check.evaluate.libraries import BASE_URL_OPTIONS, HTTP_CLIENTS
from sop_check.evaluate.syntax import call_args
from sop_check.evaluate.values import (HOLE, REQUEST_OBJECT, External, HttpClient, Null, Obj, Scope, Str, Thunk,
                                       Unknown, UnknownKind, Value)
from sop_check.jsmodule import Module
from sop_check.model import Location
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol


FETCH_FUNCTIONS = frozenset({"fetch", "window.fetch", "globalThis.fetch", "self.fetch"})
BEACON = "sendBeacon"
HTTP_VERBS = {"get": 1, "delete": 1, "post": 2, "put": 2, "patch": 2}  # verb -> index of its options argument


@record
class CallHop:
    """One call on the way from a handler to a request (evidence, formatted only when shown)."""

    callee: str
    node: Node
    module: Module

    def __str__(self) -> str:
        return f"{self.callee}() at {self.module.location(self.node)}"


@record
class Request:
    """A network request found in code: `fetch(url, opts)`, `navigator.sendBeacon(url, body)`, axios."""

    kind: str  # "fetch", "beacon", "axios"
    call: Node
    module: Module
    scope: Scope | None
    url: Value
    options: Value | None  # Obj, Unknown or None
    method: str | Unknown  # upper-case
    via: tuple[CallHop, ...] = ()  # the call chain that reached it, for evidence

    @property
    def location(self) -> Location:
        return self.module.location(self.call)

    def reached(self, via: tuple[CallHop, ...], scope: Scope | None) -> Request:
        """The same request, reached through `via` and made in `scope` (a function read once is
        shared by its call paths: its URL and options did not depend on the path)."""
        return Request(self.kind, self.call, self.module, scope, self.url, self.options, self.method, via)


def as_request(ev: EvaluatorProtocol, call: Node, mod: Module, scope: Scope | None) -> Request | None:
    if call.type != "call_expression":
        return None
    fn_node = call.child_by_field_name("function")
    if fn_node is None:
        return None
    name = mod.text(fn_node).replace("?.", ".").replace(" ", "")
    args = call_args(call)
    if name in FETCH_FUNCTIONS and ev.find_decl("fetch", call, mod) is None:
        url = ev.eval(args[0], mod, scope) if args else Unknown(UnknownKind.MISSING, "fetch without a URL")
        opts = ev.eval(args[1], mod, scope) if len(args) > 1 else None
        if isinstance(url, Obj) and url.cls == REQUEST_OBJECT:
            url, opts = _from_request(ev, url, opts)
        return Request("fetch", call, mod, scope, url, opts, method_of(ev, opts, "GET"))
    if name.endswith("navigator." + BEACON) or name == BEACON:
        url = ev.eval(args[0], mod, scope) if args else Unknown(UnknownKind.MISSING, "sendBeacon without a URL")
        return Request("beacon", call, mod, scope, url, None, "POST")
    head, _, verb = name.rpartition(".")
    if verb in HTTP_VERBS and fn_node.type == "member_expression":
        obj = fn_node.child_by_field_name("object")
        base = ev.eval(obj, mod, scope) if obj is not None else Null()
        library = isinstance(base, External) and head.split(".")[-1] in HTTP_CLIENTS
        if library or isinstance(base, HttpClient):
            url = ev.eval(args[0], mod, scope) if args else Unknown(UnknownKind.MISSING, "no URL")
            at = HTTP_VERBS[verb]
            opts = ev.eval(args[at], mod, scope) if len(args) > at else None
            if isinstance(base, HttpClient):
                url, opts = apply_client(ev, base, url, opts, mod)
            return Request("axios", call, mod, scope, url, opts, verb.upper())
    return None


def method_of(ev: EvaluatorProtocol, opts: Value | None, default: str) -> str | Unknown:
    if opts is None or isinstance(opts, Null):
        return default
    if not isinstance(opts, Obj):
        return Unknown(UnknownKind.RUNTIME_VALUE, "request options built at run time")
    if "method" not in opts.props:
        return Unknown(UnknownKind.OPEN_OBJECT, "method from an unknown spread") if opts.open else default
    if opts.shadowed and "method" in opts.shadowed:
        return opts.shadowed["method"]  # `{ method: 'POST', ...opts }`: opts may set another
    m = ev.force(opts.props["method"])
    if isinstance(m, Str) and m.exact:
        return m.text.upper()
    return Unknown(UnknownKind.RUNTIME_VALUE, "method chosen at run time")


def _client_option(ev: EvaluatorProtocol, client: HttpClient, names: tuple[str, ...]) -> Value:
    if client.config is None:
        return Unknown(UnknownKind.RUNTIME_VALUE, "client options built at run time")
    for n in names:
        if n in client.config.props:
            return ev.force(client.config.props[n])
    return Null()


def apply_client(ev: EvaluatorProtocol, client: HttpClient, url: Value, opts: Value | None,
                 mod: Module) -> tuple[Value, Value | None]:
    """The request as the client sends it: base URL prepended, default headers merged under its own."""
    base = _client_option(ev, client, BASE_URL_OPTIONS)
    if isinstance(url, Str) and "://" not in url.text:
        if isinstance(base, Str):
            url = Str(base.text.rstrip("/") + "/" + url.text.lstrip("/"))
        elif not isinstance(base, Null):
            url = Str(HOLE + url.text)
    headers = _client_option(ev, client, ("headers",))
    if isinstance(headers, Obj):
        merged = dict(headers.props)
        own = ev.get_prop(opts, "headers") if isinstance(opts, Obj) else None
        if isinstance(own, Obj):
            merged.update(own.props)
        new_opts = dict(opts.props) if isinstance(opts, Obj) else {}
        where = headers.module or mod
        new_opts["headers"] = Thunk(None, where, None, value=Obj(merged, headers.open, headers.node, headers.module))
        opts = Obj(new_opts, isinstance(opts, Obj) and opts.open)
    return url, opts


def _from_request(ev: EvaluatorProtocol, request: Obj, opts: Value | None) -> tuple[Value, Value | None]:
    """`fetch(request, init)`: the Request's URL, and its options with `init` over them, as a spread
    of `init` after them would give: where `init` is unknown (or has an unknown spread), each of
    the Request's options it does not set itself may be replaced, so reading one is that unknown
    (a `keepalive: true` in the Request is not known to survive `fetch(req, opts)`)."""
    url = ev.force(request.props["url"]) if "url" in request.props else \
        Unknown(UnknownKind.OPEN_OBJECT, "the URL of a Request built from unknown options")
    merged = {k: v for k, v in request.props.items() if k != "url"}
    shadowed = dict(request.shadowed or {})
    open_, rest = request.open, request.rest
    replacing: Unknown | None = None
    if isinstance(opts, Obj):
        if opts.open:
            replacing = opts.rest if opts.rest is not None else \
                Unknown(UnknownKind.OPEN_OBJECT, "fetch options with an unknown spread")
        _replace(shadowed, merged, replacing, set(opts.props))
        merged.update(opts.props)
        shadowed.update(opts.shadowed or {})
        open_, rest = open_ or opts.open, opts.rest if opts.rest is not None else rest  # an Unknown is falsy
    elif isinstance(opts, Unknown):
        _replace(shadowed, merged, opts, set())
        open_, rest = True, opts
    elif opts is not None and not isinstance(opts, Null):
        open_ = True
    return url, Obj(merged, open_, shadowed=shadowed or None, rest=rest)


def _replace(shadowed: dict[str, Unknown], props: dict[str, Thunk], init: Unknown | None, kept: set[str]) -> None:
    """The Request's options that the fetch's own options set (`kept`) are theirs, no longer
    shadowed; the others, where those options are unknown (`init`), may be replaced by them."""
    for k in props:
        if k in kept:
            shadowed.pop(k, None)
        elif init is not None:
            shadowed[k] = Unknown(init.kind, f"'{k}' of the Request may be replaced by the fetch options "
                                             f"({init.reason})", env=init.env)
