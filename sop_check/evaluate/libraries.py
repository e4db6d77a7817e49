"""What library code does, as tables: supporting another library means editing this module only.

- `CALL_MODELS`: what a call to a library function returns, by the function's last name
  (React hooks that hand back their argument, `useMemo`, `useRef`, `useContext`, string
  helpers, HTTP client factories such as `axios.create`).
- `CONSTRUCTORS`: what `new X(…)` gives (`URL`, `Headers`, `Map`).
- Requests: `fetch`, `navigator.sendBeacon` and the verbs of HTTP clients (axios, ky, …),
  with the client's base URL and default headers applied.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from sop_check.evaluate import jsx
from sop_check.evaluate.scopes import ParamBinding
from sop_check.evaluate.syntax import call_args
from sop_check.evaluate.values import (HOLE, EnvDefault, External, Func, HttpClient, Null, Obj, Scope, Str, Thunk, Unknown,
                                       UnknownKind, Value, as_text)
from sop_check.index import Module
from sop_check.model import Location
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.interpreter import Evaluator


@record
class CallSite:
    """A call of something from a package or a global: `useCallback(fn, deps)`, `axios.create({…})`."""

    callee: External
    node: Node
    module: Module
    scope: Scope | None
    args: list[Node]

    @property
    def short(self) -> str:
        """The function's own name: `react:useCallback` -> useCallback, `axios:default.create` -> create."""
        return self.callee.name.rsplit(":", 1)[-1].rsplit(".", 1)[-1]

    @property
    def package(self) -> str:
        return self.callee.name.split(":")[0]

    @property
    def root(self) -> str:
        """The global or import it is reached from: `Math.max` -> Math, `react:default.useState` -> react."""
        return self.callee.name.split(":")[0].split(".")[0]


CallModel = Callable[["Evaluator", CallSite], "Value | None"]  # None: no opinion, use the default


# ---------------------------------------------------------------------------- calls
# Library functions that hand back the function they are given (React hooks and friends).
PASS_THROUGH = frozenset({"useCallback", "useEvent", "useEffectEvent", "useStableCallback", "useMemoizedFn",
                          "useLatestCallback", "memo", "forwardRef", "debounce", "throttle"})
TEXT_OF_ARGUMENT = frozenset({"String", "encodeURIComponent", "encodeURI"})
HTTP_CLIENTS = ("axios", "ky", "ofetch", "got", "http", "api", "client")
CLIENT_FACTORIES = frozenset({"create", "extend"})
# Globals whose functions compute plain data: they never hand back a function they are given
# and never make a request, so their arguments need not be evaluated to know that.
PLAIN_DATA_GLOBALS = frozenset({"Math", "JSON", "Number", "Date", "console", "parseInt", "parseFloat", "isNaN",
                                "isFinite", "encodeURIComponent", "encodeURI", "decodeURIComponent", "decodeURI"})
BASE_URL_OPTIONS = ("baseURL", "prefixUrl", "baseUrl")

# Methods of the built-in data types (String, Array, RegExp, Number, Date, Map/Set, Promise, the
# DOM event and MediaStream objects): called on a value the analysis could not resolve (a prop, a
# loop variable, a parsed line), they compute data or schedule a callback and never make a request
# themselves, so the unknown receiver cannot change a verdict. Callbacks they are handed still
# run: inline ones are part of the calling function, named ones are followed (see `reach`).
PURE_METHODS = frozenset({
    # String
    "at", "charAt", "charCodeAt", "codePointAt", "concat", "endsWith", "includes", "indexOf", "lastIndexOf",
    "localeCompare", "match", "matchAll", "normalize", "padEnd", "padStart", "repeat", "replace", "replaceAll",
    "search", "slice", "split", "startsWith", "substr", "substring", "toLocaleLowerCase", "toLocaleUpperCase",
    "toLowerCase", "toUpperCase", "trim", "trimEnd", "trimStart", "trimLeft", "trimRight",
    # Array
    "every", "fill", "filter", "find", "findIndex", "findLast", "findLastIndex", "flat", "flatMap", "forEach",
    "join", "keys", "map", "pop", "push", "reduce", "reduceRight", "reverse", "shift", "some", "sort", "splice",
    "toReversed", "toSorted", "toSpliced", "unshift", "values", "entries", "with",
    # RegExp, Number, Date, any object
    "exec", "test", "toFixed", "toPrecision", "toExponential", "toString", "toLocaleString", "valueOf",
    "toISOString", "toJSON", "toDateString", "toTimeString", "toLocaleDateString", "toLocaleTimeString",
    "toUTCString", "getTime", "getFullYear", "getMonth", "getDate", "getDay", "getHours", "getMinutes",
    "getSeconds", "getMilliseconds", "getTimezoneOffset", "hasOwnProperty",
    # Map, Set, WeakMap, URLSearchParams, Headers, FormData (`get`/`delete` also HTTP verbs: see below)
    "get", "set", "has", "add", "delete", "clear", "append", "getAll",
    # Promise plumbing; a response body read
    "then", "catch", "finally", "json", "text", "blob", "arrayBuffer", "formData",
    # DOM events and elements, MediaStream tracks
    "preventDefault", "stopPropagation", "stopImmediatePropagation", "getTracks", "getAudioTracks",
    "getVideoTracks", "getBoundingClientRect", "scrollIntoView", "focus", "blur", "select", "contains",
    "closest", "querySelector", "querySelectorAll", "getAttribute", "setAttribute", "removeAttribute",
})
# Of those, the methods only strings, arrays, regular expressions, numbers and dates have (no app
# object, Map, Set or DOM node shares the name in practice): such a call is taken for a data
# method without evaluating its receiver, which on real pages is a long chain of parsing helpers
# (`parse(text).sections.map(…)`), most of a large page's analysis time. Handed callbacks run.
DATA_METHODS = frozenset({
    "charAt", "charCodeAt", "codePointAt", "endsWith", "includes", "indexOf", "lastIndexOf", "localeCompare",
    "match", "matchAll", "normalize", "padEnd", "padStart", "repeat", "replace", "replaceAll", "split",
    "startsWith", "substr", "substring", "toLocaleLowerCase", "toLocaleUpperCase", "toLowerCase", "toUpperCase",
    "trim", "trimEnd", "trimStart", "trimLeft", "trimRight", "every", "filter", "find", "findIndex", "findLast",
    "findLastIndex", "flat", "flatMap", "forEach", "join", "map", "reduce", "reduceRight", "some", "sort",
    "toReversed", "toSorted", "toSpliced", "exec", "test", "toFixed", "toPrecision", "toExponential",
    "toISOString", "toLocaleDateString", "toLocaleTimeString", "toDateString", "toTimeString", "toUTCString",
    "getTime", "getFullYear", "getMonth", "getDate", "getDay", "getHours", "getMinutes", "getSeconds",
    "getMilliseconds", "getTimezoneOffset",
})
# Of those, the names HTTP clients also use (`api.get('/x')`, `client.delete(url)`): pure only when
# the first argument is not a URL or a path.
HTTP_LIKE_METHODS = frozenset({"get", "delete"})
# Methods pure only on a receiver the name or origin says is a media track (`track.stop()`, or a
# parameter of a callback handed to `stream.getTracks().forEach(…)`): `session.stop()` may end one.
TRACK_METHODS = frozenset({"stop"})
TRACK_LISTS = frozenset({"getTracks", "getAudioTracks", "getVideoTracks"})
# Globals whose calls only compute data or schedule work (handed callbacks still run).
PURE_CALLABLES = frozenset({"Promise.resolve", "Promise.reject", "Promise.all", "Promise.allSettled",
                            "Promise.race", "Promise.any", "setTimeout", "clearTimeout", "setInterval",
                            "clearInterval", "queueMicrotask", "requestAnimationFrame", "structuredClone"})


def _first_argument(ev: Evaluator, site: CallSite) -> Value | None:
    return ev.eval(site.args[0], site.module, site.scope) if site.args else None


def _memo_factory(ev: Evaluator, site: CallSite) -> Value | None:
    """`useMemo(() => value, deps)` is the factory's return value."""
    if not site.args:
        return None
    inner = ev.eval(site.args[0], site.module, site.scope)
    return ev.return_value(inner, []) if isinstance(inner, Func) else inner


def _text_of_argument(ev: Evaluator, site: CallSite) -> Value | None:
    if not site.args:
        return None
    v = ev.eval(site.args[0], site.module, site.scope)
    return v if isinstance(v, Str) else Str(HOLE)


def _unknown_text(ev: Evaluator, site: CallSite) -> Value | None:
    return Str(HOLE)  # `JSON.stringify(x)`: some text


def _http_client(ev: Evaluator, site: CallSite) -> Value | None:
    """`axios.create({ baseURL, headers })`: a client whose requests carry both."""
    if site.package not in HTTP_CLIENTS:
        return None
    config = ev.eval(site.args[0], site.module, site.scope) if site.args else Null()
    return HttpClient(config if isinstance(config, Obj) else None)


def _provided_context(ev: Evaluator, site: CallSite) -> Value | None:
    """`useContext(Ctx)` / `use(Ctx)`: the value a rendered provider gives."""
    return jsx.context_value(ev, site.args[0], site.module) if site.args else None


def _ref(ev: Evaluator, site: CallSite) -> Value | None:
    """`useRef(x).current` reads back x (the usual handler-ref idiom)."""
    if not site.args:
        return None
    return Obj({"current": ev.thunk(site.args[0], site.module, site.scope, kept=True)}, open=False,
               node=site.node, module=site.module)


CALL_MODELS: dict[str, CallModel] = {
    **dict.fromkeys(PASS_THROUGH, _first_argument),
    "useMemo": _memo_factory,
    **dict.fromkeys(TEXT_OF_ARGUMENT, _text_of_argument),
    "stringify": _unknown_text,
    **dict.fromkeys(CLIENT_FACTORIES, _http_client),
    "useContext": _provided_context,
    "use": _provided_context,
    "useRef": _ref,
    "createRef": _ref,
}


def library_call(ev: Evaluator, site: CallSite) -> Value:
    model = CALL_MODELS.get(site.short)
    if model is not None:
        value = model(ev, site)
        if value is not None:
            return value
    # An unknown wrapper around a function (`withSentry(handler)`) is taken to call it.
    for a in site.args if site.root not in PLAIN_DATA_GLOBALS else ():
        inner = ev.eval(a, site.module, site.scope)
        if isinstance(inner, Func):
            return inner
    return Unknown(UnknownKind.CALL_RESULT, f"the result of {site.callee.name.replace(':', ' ')}()")


# What a route handler reads of the request the client sent: App Router `request.json()` and
# friends, Pages Router `req.body` / `req.query`. Unknown values of kind CLIENT_INPUT: anyone
# who can call the route chooses them.
CLIENT_BODY_READERS = frozenset({"json", "formData", "text"})
CLIENT_FIELDS = frozenset({"body", "query", "cookies"})
REQUEST_PARAMETER_NAMES = frozenset({"req", "request"})


def client_input(ev: Evaluator, obj: Node, member: str, mod: Module, *, called: bool) -> Unknown | None:
    """`request.json()` (called) or `req.body` (read) on a route handler's request parameter."""
    if member not in (CLIENT_BODY_READERS if called else CLIENT_FIELDS) or obj.type != "identifier":
        return None
    decl = ev.find_decl(mod.text(obj), obj, mod)
    if not isinstance(decl, ParamBinding):
        return None
    param = decl.node
    annotation = param.child_by_field_name("type")
    typed = annotation is not None and "Request" in mod.text(annotation)
    if not typed and mod.text(obj) not in REQUEST_PARAMETER_NAMES:
        return None
    shown = f"{mod.text(obj)}.{member}{'()' if called else ''}"
    return Unknown(UnknownKind.CLIENT_INPUT, f"data the client sends ({shown})")


# Committed env templates, read for one thing only: a base URL the code takes from the environment
# with no default (`${process.env.TAVUS_API_URL}/conversations`). Only a plain http(s) URL is
# used (no credentials, no query): a value that is not one stays unknown, and is never shown.
ENV_TEMPLATES = (".env.example", ".env.local.example", ".env.sample", ".env.template")
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")


def env_template_url(ev: Evaluator, name: str) -> EnvDefault | None:
    """The URL a committed env template gives variable `name`, as a default read from the environment."""
    key = ("env-template-url", name)
    if key in ev.cache:
        found: EnvDefault | None = ev.cache[key]
        return found
    found = None
    for template in ENV_TEMPLATES:
        env = ev.index.env_file(template)
        entry = env.get(name) if env is not None else None
        if entry is not None and not entry.expansion_unknown:
            value = entry.value.reveal().strip()
            if _PLAIN_URL.fullmatch(value):
                found = EnvDefault(value, env=name, template=template)
            break  # the first template that declares it decides
    ev.cache[key] = found
    return found


def data_method_call(call: Node, mod: Module) -> bool:
    """`x.split(…)`, `rows.map(…)`: a method only built-in data types have (see DATA_METHODS)."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return False
    prop = fn.child_by_field_name("property")
    return prop is not None and mod.text(prop) in DATA_METHODS


def harmless_call(ev: Evaluator, call: Node, mod: Module, scope: Scope | None) -> bool:
    """A call whose callee could not be resolved but that cannot make a request: a pure built-in
    method on an unresolved value (`line.match(…)`, `tags.map(…)`, `track.stop()`), or the
    `resolve`/`reject` a Promise hands its executor."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    if fn.type == "identifier":
        return _promise_executor_param(ev, fn, mod)
    if fn.type != "member_expression":
        return False
    prop_node, obj = fn.child_by_field_name("property"), fn.child_by_field_name("object")
    if prop_node is None or obj is None:
        return False
    prop = mod.text(prop_node)
    if not isinstance(ev.eval(obj, mod, scope), _UNRESOLVED_RECEIVERS):
        return False  # an object of the app's own with a method of that name: it is followed, not assumed
    if prop in PURE_METHODS:
        return prop not in HTTP_LIKE_METHODS or not _http_like(ev, call, obj, mod, scope)
    return prop in TRACK_METHODS and _media_track(ev, obj, mod)


_UNRESOLVED_RECEIVERS = (Unknown, Str, External, Null)


def _http_like(ev: Evaluator, call: Node, obj: Node, mod: Module, scope: Scope | None) -> bool:
    """`api.get('/x')`, `http.delete(url)`: a receiver named like a client, or a path or URL argument."""
    if mod.text(obj).rsplit(".", 1)[-1] in HTTP_CLIENTS:
        return True
    args = call_args(call)
    if not args:
        return False
    first = ev.eval(args[0], mod, scope)
    return isinstance(first, Str) and (first.text.startswith(("/", "http", HOLE)) or "://" in first.text)


def _media_track(ev: Evaluator, obj: Node, mod: Module) -> bool:
    """A MediaStream track: named so, or the parameter of a callback over `stream.getTracks()`."""
    if "track" in mod.text(obj).lower():
        return True
    if obj.type != "identifier":
        return False
    decl = ev.find_decl(mod.text(obj), obj, mod)
    fn = getattr(decl, "function", None)
    holder = fn.parent if fn is not None else None
    call = holder.parent if holder is not None and holder.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    target = callee.child_by_field_name("object") if callee is not None and callee.type == "member_expression" \
        else None
    if target is None or target.type != "call_expression":
        return False
    inner = target.child_by_field_name("function")
    return inner is not None and mod.text(inner).rsplit(".", 1)[-1] in TRACK_LISTS


def _promise_executor_param(ev: Evaluator, fn: Node, mod: Module) -> bool:
    """`new Promise((resolve, reject) => …)`: calling `resolve` settles the promise, nothing else."""
    decl = ev.find_decl(mod.text(fn), fn, mod)
    executor = getattr(decl, "function", None)
    holder = executor.parent if executor is not None else None
    new = holder.parent if holder is not None and holder.type == "arguments" else None
    if new is None or new.type != "new_expression":
        return False
    ctor = new.child_by_field_name("constructor")
    return ctor is not None and mod.text(ctor) == "Promise"


# ---------------------------------------------------------------------------- constructors
def construct(ev: Evaluator, name: str, args: list[Node], mod: Module, scope: Scope | None) -> Value:
    """`new X(…)`: `Headers`/`Map` are their initialiser, `URL(path, base)` joins."""
    if name in ("Headers", "Map") and args:
        return ev.eval(args[0], mod, scope)
    if name == "Request" and args:
        return _request_object(ev, args, mod, scope)
    if name == "URL" and args:
        path = ev.eval(args[0], mod, scope)
        if len(args) > 1 and isinstance(path, Str) and path.text.startswith("/"):
            base = ev.eval(args[1], mod, scope)
            return Str(_origin(as_text(base)) + path.text)
        return path
    return Unknown(UnknownKind.UNMODELLED, f"a new {name or 'object'}")


def _request_object(ev: Evaluator, args: list[Node], mod: Module, scope: Scope | None) -> Obj:
    """`new Request(url, init)`: its URL under `url`, the init's options (method, headers, body…) beside it.
    `new Request(other, init)` copies `other` and lets `init` override it."""
    first = ev.eval(args[0], mod, scope)
    init = ev.eval(args[1], mod, scope) if len(args) > 1 else None
    if isinstance(first, Obj) and first.cls == REQUEST:
        props, open_ = dict(first.props), first.open
    else:
        props, open_ = {"url": ev.thunk(args[0], mod, scope, kept=True)}, False
    if isinstance(init, Obj):
        props.update(init.props)
        open_ = open_ or init.open
    elif init is not None and not isinstance(init, Null):
        open_ = True
    return Obj(props, open_, cls=REQUEST)


def _from_request(ev: Evaluator, request: Obj, opts: Value | None) -> tuple[Value, Value | None]:
    """`fetch(request, init)`: the Request's URL, and its options with `init` over them."""
    url = ev.force(request.props["url"]) if "url" in request.props else \
        Unknown(UnknownKind.OPEN_OBJECT, "the URL of a Request built from unknown options")
    merged = {k: v for k, v in request.props.items() if k != "url"}
    open_ = request.open
    if isinstance(opts, Obj):
        merged.update(opts.props)
        open_ = open_ or opts.open
    elif opts is not None and not isinstance(opts, Null):
        open_ = True
    return url, Obj(merged, open_)


def _origin(url: str) -> str:
    if "://" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return url.rstrip("/") if url else HOLE


# ---------------------------------------------------------------------------- requests
REQUEST = "request"  # `Obj.cls` of a `new Request(…)`
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


def as_request(ev: Evaluator, call: Node, mod: Module, scope: Scope | None) -> Request | None:
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
        if isinstance(url, Obj) and url.cls == REQUEST:
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


def method_of(ev: Evaluator, opts: Value | None, default: str) -> str | Unknown:
    if opts is None or isinstance(opts, Null):
        return default
    if not isinstance(opts, Obj):
        return Unknown(UnknownKind.RUNTIME_VALUE, "request options built at run time")
    if "method" not in opts.props:
        return Unknown(UnknownKind.OPEN_OBJECT, "method from an unknown spread") if opts.open else default
    m = ev.force(opts.props["method"])
    if isinstance(m, Str) and m.exact:
        return m.text.upper()
    return Unknown(UnknownKind.RUNTIME_VALUE, "method chosen at run time")


def _client_option(ev: Evaluator, client: HttpClient, names: tuple[str, ...]) -> Value:
    if client.config is None:
        return Unknown(UnknownKind.RUNTIME_VALUE, "client options built at run time")
    for n in names:
        if n in client.config.props:
            return ev.force(client.config.props[n])
    return Null()


def apply_client(ev: Evaluator, client: HttpClient, url: Value, opts: Value | None,
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
