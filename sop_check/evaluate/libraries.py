"""What library code does, as tables: supporting another library means editing this module only.

- `CALL_MODELS`: what a call to a library function returns, by the function's last name
  (React hooks that hand back their argument, `useMemo`, `useRef`, `useContext`, string
  helpers, HTTP client factories such as `axios.create`).
- `CONSTRUCTORS`: what `new X(…)` gives (`URL`, `Headers`, `Map`).
- `PURE_METHODS` / `DATA_METHODS`: built-in methods that cannot make a request (`harmless_call`);
- what route handlers read of the client's request (`client_input`), and base URLs from
  committed env templates (`env_template_url`).
Requests themselves (`fetch`, `sendBeacon`, HTTP clients) are found in `requests`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from sop_check.evaluate import jsx
from sop_check.evaluate.scopes import ParamBinding
from sop_check.evaluate.syntax import call_args
from sop_check.evaluate.values import (HOLE, REQUEST_OBJECT, EnvDefault, External, Func, HttpClient, Null, Obj, Scope, Str, Unknown,
                                       UnknownKind, Value, as_text)
from sop_check.jsmodule import Module
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol


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


CallModel = Callable[["EvaluatorProtocol", CallSite], "Value | None"]  # None: no opinion, use the default


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

def _first_argument(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
    return ev.eval(site.args[0], site.module, site.scope) if site.args else None


def _memo_factory(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
    """`useMemo(() => value, deps)` is the factory's return value."""
    if not site.args:
        return None
    inner = ev.eval(site.args[0], site.module, site.scope)
    return ev.return_value(inner, []) if isinstance(inner, Func) else inner


def _text_of_argument(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
    if not site.args:
        return None
    v = ev.eval(site.args[0], site.module, site.scope)
    return v if isinstance(v, Str) else Str(HOLE)


def _unknown_text(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
    return Str(HOLE)  # `JSON.stringify(x)`: some text


def _http_client(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
    """`axios.create({ baseURL, headers })`: a client whose requests carry both."""
    if site.package not in HTTP_CLIENTS:
        return None
    config = ev.eval(site.args[0], site.module, site.scope) if site.args else Null()
    return HttpClient(config if isinstance(config, Obj) else None)


def _provided_context(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
    """`useContext(Ctx)` / `use(Ctx)`: the value a rendered provider gives."""
    return jsx.context_value(ev, site.args[0], site.module) if site.args else None


def _ref(ev: EvaluatorProtocol, site: CallSite) -> Value | None:
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


def library_call(ev: EvaluatorProtocol, site: CallSite) -> Value:
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


def client_input(ev: EvaluatorProtocol, obj: Node, member: str, mod: Module, *, called: bool) -> Unknown | None:
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


def env_template_url(ev: EvaluatorProtocol, name: str) -> EnvDefault | None:
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


def harmless_call(ev: EvaluatorProtocol, call: Node, mod: Module, scope: Scope | None) -> bool:
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


def _http_like(ev: EvaluatorProtocol, call: Node, obj: Node, mod: Module, scope: Scope | None) -> bool:
    """`api.get('/x')`, `http.delete(url)`: a receiver named like a client, or a path or URL argument."""
    if mod.text(obj).rsplit(".", 1)[-1] in HTTP_CLIENTS:
        return True
    args = call_args(call)
    if not args:
        return False
    first = ev.eval(args[0], mod, scope)
    return isinstance(first, Str) and (first.text.startswith(("/", "http", HOLE)) or "://" in first.text)


def _media_track(ev: EvaluatorProtocol, obj: Node, mod: Module) -> bool:
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


def _promise_executor_param(ev: EvaluatorProtocol, fn: Node, mod: Module) -> bool:
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
def construct(ev: EvaluatorProtocol, name: str, args: list[Node], mod: Module, scope: Scope | None) -> Value:
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


def _request_object(ev: EvaluatorProtocol, args: list[Node], mod: Module, scope: Scope | None) -> Obj:
    """`new Request(url, init)`: its URL under `url`, the init's options (method, headers, body…) beside it.
    `new Request(other, init)` copies `other` and lets `init` override it."""
    first = ev.eval(args[0], mod, scope)
    init = ev.eval(args[1], mod, scope) if len(args) > 1 else None
    if isinstance(first, Obj) and first.cls == REQUEST_OBJECT:
        props, open_ = dict(first.props), first.open
    else:
        props, open_ = {"url": ev.thunk(args[0], mod, scope, kept=True)}, False
    if isinstance(init, Obj):
        props.update(init.props)
        open_ = open_ or init.open
    elif init is not None and not isinstance(init, Null):
        open_ = True
    return Obj(props, open_, cls=REQUEST_OBJECT)


def _origin(url: str) -> str:
    if "://" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return url.rstrip("/") if url else HOLE
