"""What library code does (`sop_check/evaluate/libraries.py`) pinned one model at a time: what a
hook, a string helper, an HTTP client factory or a constructor gives, which unresolved calls are
harmless built-ins, what a route handler reads of its request, and the base URL a committed env
template gives (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_check.evaluate import Bool, Evaluator, External, Func, Null, Num, Obj, Str, Unknown, UnknownKind
from sop_check.evaluate.libraries import CallSite, client_input, construct, env_template_url, harmless_call
from sop_check.evaluate.values import HOLE, REQUEST_OBJECT, EnvDefault, HttpClient, Scope, Thunk, Value
from sop_check.jsmodule import descendants

from helpers import evaluated

def _ev(tmp_path: Path, files: dict[str, str]) -> Evaluator:
    """An Evaluator over `m.ts` and the other files given (env templates)."""
    more = dict(files)
    ev, _ = evaluated(tmp_path, more.pop("m.ts"), **more)
    return ev


def _export(tmp_path: Path, source: str, name: str) -> Value:
    return _ev(tmp_path, {"m.ts": source}).module_export("m.ts", name)


# ---------------------------------------------------------------------------- call sites
@pytest.mark.parametrize(("name", "short", "package", "root"), [
    ("react:useCallback", "useCallback", "react", "react"),
    ("axios:default.create", "create", "axios", "axios"),
    ("Math.max", "max", "Math.max", "Math"),
    ("lib.a:x.y.z", "z", "lib.a", "lib"),
], ids=["named-import", "default-member", "global-member", "dotted-package"])
def test_a_call_site_names_its_function_package_and_root(tmp_path: Path, name: str, short: str, package: str,
                                                          root: str) -> None:
    ev = _ev(tmp_path, {"m.ts": "f();\n"})
    mod = ev.index.module("m.ts")
    assert mod is not None
    site = CallSite(External(name), mod.root, mod, None, [])
    assert (site.short, site.package, site.root) == (short, package, root)


# ---------------------------------------------------------------------------- hooks and helpers
HOOKS = """import { useRef, useMemo, useCallback, createRef } from 'react';
import debounce from 'lodash/debounce';
const r = useRef('v');
export const current = r.current;
export const other = r.other;
export const noInitial = useRef();
export const created = createRef('c').current;
export const memo = useMemo(() => 'memo', []);
export const memoPlain = useMemo('plain', []);
export const memoNone = useMemo();
export const callbackNone = useCallback();
export const callback = useCallback(() => 1, []);
export const debounced = debounce(() => 2, 100);
export const text = String(5);
export const textOf = String('a');
export const textNone = String();
export const encoded = encodeURIComponent(id);
export const json = JSON.stringify({});
export const maxed = Math.max(() => 1);
export const wrapped = withSentry(1, () => 1);
export const plain = withSentry(1, 'x');
"""


@pytest.mark.parametrize(("name", "expected"), [
    ("current", Str("v")),
    ("other", Null()),  # a ref holds `current` only: a closed object
    ("created", Str("c")),
    ("memo", Str("memo")),
    ("memoPlain", Str("plain")),
    ("text", Str(HOLE)),
    ("textOf", Str("a")),
    ("encoded", Str(HOLE)),
    ("json", Str(HOLE)),
], ids=["ref-current", "ref-other", "create-ref", "memo-factory", "memo-value", "string-of-number",
        "string-of-string", "encode-unknown", "stringify"])
def test_modelled_hooks_and_helpers_give_their_value(tmp_path: Path, name: str, expected: Value) -> None:
    assert _export(tmp_path, HOOKS, name) == expected


@pytest.mark.parametrize(("name", "reason"), [
    ("noInitial", "the result of react useRef()"),
    ("memoNone", "the result of react useMemo()"),
    ("callbackNone", "the result of react useCallback()"),
    ("textNone", "the result of String()"),
    ("maxed", "the result of Math.max()"),  # a plain-data global never hands back its argument
    ("plain", "the result of withSentry()"),
], ids=["ref-no-initial", "memo-no-factory", "callback-no-function", "string-no-argument", "plain-data-global",
        "wrapper-of-data"])
def test_a_model_with_nothing_to_read_is_the_unknown_call_result(tmp_path: Path, name: str, reason: str) -> None:
    assert _export(tmp_path, HOOKS, name) == Unknown(UnknownKind.CALL_RESULT, reason)


@pytest.mark.parametrize(("name", "returns"), [("callback", 1), ("debounced", 2), ("wrapped", 1)],
                         ids=["use-callback", "debounce", "wrapper"])
def test_pass_through_hooks_and_unknown_wrappers_hand_back_the_function(tmp_path: Path, name: str,
                                                                         returns: int) -> None:
    ev = _ev(tmp_path, {"m.ts": HOOKS})
    value = ev.module_export("m.ts", name)
    assert isinstance(value, Func) and ev.return_value(value, []) == Num(returns)


# ---------------------------------------------------------------------------- HTTP client factories
CLIENTS = """import axios from 'axios';
import ky from 'ky';
import foo from 'foo';
export const configured = axios.create({ baseURL: 'https://api.test', headers: { a: '1' } });
export const bare = axios.create();
export const built = axios.create(config);
export const extended = ky.extend({ prefixUrl: 'https://k.test' });
export const notClient = foo.create({ baseURL: 'https://api.test' });
"""


def test_a_client_factory_keeps_its_config(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": CLIENTS})
    client = ev.module_export("m.ts", "configured")
    assert isinstance(client, HttpClient) and client.config is not None
    assert ev.get_prop(client.config, "baseURL") == Str("https://api.test")
    assert ev.get_prop(ev.get_prop(client.config, "headers"), "a") == Str("1")
    extended = ev.module_export("m.ts", "extended")
    assert isinstance(extended, HttpClient) and extended.config is not None
    assert ev.get_prop(extended.config, "prefixUrl") == Str("https://k.test")


@pytest.mark.parametrize("name", ["bare", "built"], ids=["no-config", "config-unknown"])
def test_a_client_without_a_literal_config_has_none(tmp_path: Path, name: str) -> None:
    assert _export(tmp_path, CLIENTS, name) == HttpClient(None)


def test_create_on_a_package_that_is_not_a_client_is_an_unknown_result(tmp_path: Path) -> None:
    assert _export(tmp_path, CLIENTS, "notClient") == \
        Unknown(UnknownKind.CALL_RESULT, "the result of foo default.create()")


# ---------------------------------------------------------------------------- constructors
CTORS = """export const joined = new URL('/end', 'https://a.b/c/d');
export const joinedPort = new URL('/end', 'http://a.b:3000');
export const noScheme = new URL('/end', 'a.b/');
export const emptyBase = new URL('/end', '');
export const unknownBase = new URL('/end', base);
export const relative = new URL('end', 'https://a.b');
export const single = new URL('/end');
export const absolute = new URL('https://x.y/z', 'https://a.b');
export const noUrl = new URL();
export const headers = new Headers({ a: 'b' });
export const noHeaders = new Headers();
export const map = new Map(entries);
export const other = new Thing('x');
"""


@pytest.mark.parametrize(("name", "expected"), [
    ("joined", Str("https://a.b/end")),  # the base's origin, its path dropped
    ("joinedPort", Str("http://a.b:3000/end")),
    ("noScheme", Str("a.b/end")),
    ("emptyBase", Str(HOLE + "/end")),
    ("unknownBase", Str(HOLE + "/end")),
    ("relative", Str("end")),
    ("single", Str("/end")),
    ("absolute", Str("https://x.y/z")),
    ("noUrl", Unknown(UnknownKind.UNMODELLED, "a new URL")),
    ("noHeaders", Unknown(UnknownKind.UNMODELLED, "a new Headers")),
    ("map", External("entries")),
    ("other", Unknown(UnknownKind.UNMODELLED, "a new Thing")),
], ids=["url-joined", "url-port", "url-no-scheme", "url-empty-base", "url-unknown-base", "url-relative",
        "url-single", "url-absolute", "url-none", "headers-none", "map-initialiser", "unmodelled"])
def test_constructors_give_their_modelled_value(tmp_path: Path, name: str, expected: Value) -> None:
    assert _export(tmp_path, CTORS, name) == expected


def test_new_headers_is_its_initialiser(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": CTORS})
    headers = ev.module_export("m.ts", "headers")
    assert isinstance(headers, Obj) and ev.get_prop(headers, "a") == Str("b")


def test_new_of_a_nameless_constructor_is_a_new_object(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": "f();\n"})
    mod = ev.index.module("m.ts")
    assert mod is not None
    assert construct(ev, "", [], mod, None) == Unknown(UnknownKind.UNMODELLED, "a new object")


# ---------------------------------------------------------------------------- new Request(…)
REQUESTS = """const base = new Request('/api/tavus/end', { method: 'POST', keepalive: true });
export const plain = new Request('/x');
export const withInit = base;
export const copied = new Request(base, { method: 'PUT' });
export const copiedBare = new Request(base);
export const openInit = new Request('/x', { ...opts });
export const unknownInit = new Request('/x', opts);
export const nullInit = new Request('/x', null);
export const openCopy = new Request(new Request('/y', { ...opts }), { method: 'GET' });
"""


def _request(tmp_path: Path, name: str) -> tuple[Evaluator, Obj]:
    ev = _ev(tmp_path, {"m.ts": REQUESTS})
    value = ev.module_export("m.ts", name)
    assert isinstance(value, Obj) and value.cls == REQUEST_OBJECT
    return ev, value


def _props(ev: Evaluator, obj: Obj) -> dict[str, Value]:
    return {k: ev.get_prop(obj, k) for k in obj.props}


@pytest.mark.parametrize(("name", "props", "open_"), [
    ("plain", {"url": Str("/x")}, False),
    ("withInit", {"url": Str("/api/tavus/end"), "method": Str("POST"), "keepalive": Bool(True)}, False),
    ("copied", {"url": Str("/api/tavus/end"), "method": Str("PUT"), "keepalive": Bool(True)}, False),
    ("copiedBare", {"url": Str("/api/tavus/end"), "method": Str("POST"), "keepalive": Bool(True)}, False),
    ("openInit", {"url": Str("/x")}, True),
    ("unknownInit", {"url": Str("/x")}, True),  # options built at run time: any may be there
    ("nullInit", {"url": Str("/x")}, False),
    ("openCopy", {"url": Str("/y"), "method": Str("GET")}, True),
], ids=["url-only", "with-init", "copy-overridden", "copy-bare", "open-init", "unknown-init", "null-init",
        "open-copy"])
def test_a_request_object_has_its_url_and_init(tmp_path: Path, name: str, props: dict[str, Value],
                                               open_: bool) -> None:
    ev, req = _request(tmp_path, name)
    assert _props(ev, req) == props and req.open is open_


# ---------------------------------------------------------------------------- harmless calls
HARMLESS = """export function f(data: any, track: any, p: any, session: any, stream: any, api: any, x: any) {
  data.map(g);
  data.get('k');
  data.get('/x');
  data.get('http://a');
  data.get('ftp://a');
  data.get(`${p}/x`);
  data.get();
  data.get(p);
  api.get('k');
  this.api.get('k');
  data.delete('k');
  data.delete('/x');
  data.frobnicate();
  track.stop();
  myTrack.stop();
  session.stop();
  stream.getTracks().forEach((t) => t.stop());
  stream.getAudioTracks().forEach(function (u) { u.stop(); });
  stream.other().forEach((t2) => t2.stop());
  x.list.forEach((t3) => t3.stop());
  run((t4) => t4.stop());
  getTracks.forEach((t5) => t5.stop());
  new Promise((resolve, reject) => { resolve(1); reject(2); });
  new Other((res) => { res(1); });
  make((rej) => { rej(1); });
  p();
  p.q.stop();
  "a".trim();
  'x'.frobnicate();
  null.trim();
  window.stop();
}
const local = { get(u: string) { return u; } };
local.get('k');
"""


@pytest.mark.parametrize(("call", "harmless"), [
    ("data.map(g)", True),
    ("data.get('k')", True),  # a Map's get: the key is not a URL
    ("data.get('/x')", False),  # a client's get of a path
    ("data.get('http://a')", False),
    ("data.get('ftp://a')", False),
    ("data.get(`${p}/x`)", False),  # starts with an unknown base
    ("data.get()", True),
    ("data.get(p)", True),
    ("api.get('k')", False),  # a receiver named like a client
    ("this.api.get('k')", False),
    ("data.delete('k')", True),
    ("data.delete('/x')", False),
    ("data.frobnicate()", False),
    ("track.stop()", True),
    ("myTrack.stop()", True),
    ("session.stop()", False),  # may end a session
    ("t.stop()", True),  # a parameter of a callback over getTracks()
    ("u.stop()", True),
    ("t2.stop()", False),
    ("t3.stop()", False),
    ("t4.stop()", False),
    ("t5.stop()", False),
    ("resolve(1)", True),
    ("reject(2)", True),
    ("res(1)", False),  # not a Promise's executor
    ("rej(1)", False),
    ("p()", False),
    ("p.q.stop()", False),
    ('"a".trim()', True),
    ("'x'.frobnicate()", False),
    ("null.trim()", True),
    ("window.stop()", False),
    ("local.get('k')", False),  # an object of the app's own: followed, not assumed
], ids=["map", "get-key", "get-path", "get-http", "get-scheme", "get-unknown-base", "get-nothing", "get-unknown",
        "client-name", "client-member", "delete-key", "delete-path", "not-pure", "track", "named-track", "session",
        "tracks-callback", "audio-tracks-function", "other-list", "member-list", "plain-callback", "not-a-call",
        "resolve", "reject", "other-constructor", "plain-call", "unknown-call", "deep-stop", "string-trim",
        "string-unknown-method", "null-receiver", "global-stop", "own-object"])
def test_harmless_calls_are_pure_built_ins_on_unresolved_values(tmp_path: Path, call: str, harmless: bool) -> None:
    ev = _ev(tmp_path, {"m.ts": HARMLESS})
    mod = ev.index.module("m.ts")
    assert mod is not None
    node = next(c for c in mod.calls if mod.text(c) == call)
    assert harmless_call(ev, node, mod, None) is harmless


# ---------------------------------------------------------------------------- client input
ROUTE = """export async function POST(request: Request, req, r: NextRequest, other, o: Foo) {
  request.json();
  r.formData();
  request.text();
  other.json();
  o.text();
  request.blob();
  req.json;
  req.body;
  req.query;
  req.cookies;
  req.headers;
  request.body;
  this.req.body;
}
const req = {};
req.body;
"""


@pytest.mark.parametrize(("member", "called", "shown"), [
    ("request.json", True, "request.json()"),
    ("r.formData", True, "r.formData()"),  # a parameter typed as a Request, whatever its name
    ("request.text", True, "request.text()"),
    ("other.json", True, None),  # neither named nor typed as a request
    ("o.text", True, None),
    ("request.blob", True, None),
    ("req.json", False, None),  # read, not called: not the body
    ("req.json", True, "req.json()"),
    ("req.body", False, "req.body"),
    ("req.query", False, "req.query"),
    ("req.cookies", False, "req.cookies"),
    ("req.headers", False, None),
    ("req.body", True, None),
    ("request.body", False, "request.body"),
    ("this.req.body", False, None),
], ids=["json", "typed-form-data", "text", "untyped-other", "typed-other", "blob", "json-read", "json-called",
        "body", "query", "cookies", "headers", "body-called", "request-body", "member-object"])
def test_client_input_is_what_a_handler_reads_of_its_request(tmp_path: Path, member: str, called: bool,
                                                              shown: str | None) -> None:
    ev = _ev(tmp_path, {"m.ts": ROUTE})
    mod = ev.index.module("m.ts")
    assert mod is not None
    node = next(n for n in descendants(mod.root, frozenset({"member_expression"})) if mod.text(n) == member)
    obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
    assert obj is not None and prop is not None
    expected = None if shown is None else Unknown(UnknownKind.CLIENT_INPUT, f"data the client sends ({shown})")
    assert client_input(ev, obj, mod.text(prop), mod, called=called) == expected


def test_a_module_level_object_named_req_is_not_client_input(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": ROUTE})
    mod = ev.index.module("m.ts")
    assert mod is not None
    last = [n for n in descendants(mod.root, frozenset({"member_expression"})) if mod.text(n) == "req.body"][-1]
    obj = last.child_by_field_name("object")
    assert obj is not None and client_input(ev, obj, "body", mod, called=False) is None


# ---------------------------------------------------------------------------- env templates
# A chain of expansions deeper than the budget: TAVUS_API_URL's value is not known (not expanded).
OVER_BUDGET = "A0=https://a.b\n" + "".join(f"A{i}=${{A{i - 1}}}\n" for i in range(1, 65)) + "TAVUS_API_URL=${A64}\n"


@pytest.mark.parametrize(("files", "expected"), [
    ({".env.example": "TAVUS_API_URL=https://tavusapi.com/v2\n"}, ("https://tavusapi.com/v2", ".env.example")),
    ({".env.local.example": "TAVUS_API_URL=http://localhost:3000\n"}, ("http://localhost:3000", ".env.local.example")),
    ({".env.sample": "TAVUS_API_URL=' https://a.b/c '\n"}, ("https://a.b/c", ".env.sample")),
    ({".env.template": "TAVUS_API_URL=https://a.b\n"}, ("https://a.b", ".env.template")),
    ({".env.example": "TAVUS_API_URL=https://a.b\n", ".env.sample": "TAVUS_API_URL=https://c.d\n"},
     ("https://a.b", ".env.example")),
    ({".env.example": "TAVUS_API_URL=not a url\n", ".env.sample": "TAVUS_API_URL=https://c.d\n"}, None),
    ({".env.example": "OTHER=1\n", ".env.sample": "TAVUS_API_URL=https://c.d\n"}, ("https://c.d", ".env.sample")),
    ({".env.example": "TAVUS_API_URL=https://u:p@a.b\n"}, None),  # credentials: never used
    ({".env.example": "TAVUS_API_URL=https://a.b/?k=1\n"}, None),
    ({".env.example": "TAVUS_API_URL=xhttps://a.b\n"}, None),
    ({".env.example": "TAVUS_API_URL=${BASE}/v2\n"}, None),
    ({".env.example": OVER_BUDGET, ".env.sample": "TAVUS_API_URL=https://c.d\n"}, ("https://c.d", ".env.sample")),
    ({".env": "TAVUS_API_URL=https://a.b\n"}, None),  # not a template
], ids=["example", "local-example", "sample-stripped", "template", "first-decides", "first-not-url-decides",
        "undeclared-skipped", "credentials", "query", "prefix", "expansion", "expansion-skipped", "not-template"])
def test_an_env_template_gives_a_plain_base_url(tmp_path: Path, files: dict[str, str],
                                                expected: tuple[str, str] | None) -> None:
    ev = _ev(tmp_path, {"m.ts": "f();\n", **files})
    found = env_template_url(ev, "TAVUS_API_URL")
    if expected is None:
        assert found is None
    else:
        assert isinstance(found, EnvDefault)
        assert (found.text, found.env, found.template) == (expected[0], "TAVUS_API_URL", expected[1])


def test_an_env_template_url_is_read_once(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": "f();\n", ".env.example": "TAVUS_API_URL=https://a.b\n"})
    first = env_template_url(ev, "TAVUS_API_URL")
    assert ev.cache[("env-template-url", "TAVUS_API_URL")] is first
    ev.cache[("env-template-url", "TAVUS_API_URL")] = None  # the cached answer is the answer
    assert env_template_url(ev, "TAVUS_API_URL") is None
    assert env_template_url(ev, "OTHER") is None and ("env-template-url", "OTHER") in ev.cache


# ---------------------------------------------------------------------------- arguments read in their call's scope
IN_SCOPE = """import axios from 'axios';
import { useCallback, useMemo, useRef } from 'react';
function callback(h) { return useCallback(h, []); }
function memo(v) { return useMemo(v, []); }
function text(v) { return String(v); }
function client(cfg) { return axios.create(cfg); }
function wrapped(h) { return withSentry(h); }
function url(p, b) { return new URL(p, b); }
function url1(p) { return new URL(p); }
function headers(h) { return new Headers(h); }
function request(u, init) { return new Request(u, init); }
function ref(x) { return useRef(x); }
export const cb = callback(() => 3);
export const memoed = memo('m');
export const texted = text('t');
export const made = client({ baseURL: 'https://c.test' });
export const wrappedFn = wrapped(() => 4);
export const joined = url('/end', 'https://a.b');
export const single = url1('/only');
export const header = headers({ k: 'v' }).k;
export const requested = request('/r', { method: 'PUT' });
export const refA = ref('a').current;
export const refB = ref('b').current;
"""


@pytest.mark.parametrize(("name", "expected"), [
    ("memoed", Str("m")),
    ("texted", Str("t")),
    ("joined", Str("https://a.b/end")),
    ("single", Str("/only")),
    ("header", Str("v")),
    ("refA", Str("a")),
    ("refB", Str("b")),  # the same hook in another call: its own argument, not a memo of the first
], ids=["memo", "string", "url-joined", "url-single", "headers", "ref-a", "ref-b"])
def test_a_model_reads_its_arguments_in_the_calls_scope(tmp_path: Path, name: str, expected: Value) -> None:
    assert _export(tmp_path, IN_SCOPE, name) == expected


@pytest.mark.parametrize(("name", "returns"), [("cb", 3), ("wrappedFn", 4)], ids=["pass-through", "wrapper"])
def test_a_function_argument_is_read_in_the_calls_scope(tmp_path: Path, name: str, returns: int) -> None:
    ev = _ev(tmp_path, {"m.ts": IN_SCOPE})
    value = ev.module_export("m.ts", name)
    assert isinstance(value, Func) and ev.return_value(value, []) == Num(returns)


def test_a_client_config_and_a_request_are_read_in_the_calls_scope(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": IN_SCOPE})
    made = ev.module_export("m.ts", "made")
    assert isinstance(made, HttpClient) and made.config is not None
    assert ev.get_prop(made.config, "baseURL") == Str("https://c.test")
    req = ev.module_export("m.ts", "requested")
    assert isinstance(req, Obj) and req.cls == REQUEST_OBJECT
    assert _props(ev, req) == {"url": Str("/r"), "method": Str("PUT")} and req.open is False


def test_requests_built_by_one_helper_keep_their_own_urls(tmp_path: Path) -> None:
    src = ("function request(u) { return new Request(u); }\n"
           "export const a = request('/a').url;\nexport const b = request('/b').url;\n")
    ev = _ev(tmp_path, {"m.ts": src})
    assert (ev.module_export("m.ts", "a"), ev.module_export("m.ts", "b")) == (Str("/a"), Str("/b"))


def test_a_get_s_argument_is_read_in_the_calls_scope(tmp_path: Path) -> None:
    src = "export function g(d: any, u: any) { d.get(u); }\ng(x, '/path');\n"
    ev = _ev(tmp_path, {"m.ts": src})
    mod = ev.index.module("m.ts")
    assert mod is not None
    fn = next(iter(descendants(mod.root, frozenset({"function_declaration"}))))
    call = next(c for c in mod.calls if mod.text(c) == "d.get(u)")
    bound = Scope(fn, mod.path, {"d": Thunk(None, mod, None, value=External("x")),
                                 "u": Thunk(None, mod, None, value=Str("/path"))}, None)
    assert harmless_call(ev, call, mod, None) is True  # u unknown: a Map's get, as far as we know
    assert harmless_call(ev, call, mod, bound) is False  # u a path: a client's request


def test_a_request_copied_from_a_parameter_keeps_its_options(tmp_path: Path) -> None:
    src = ("function copy(r) { return new Request(r, { method: 'PUT' }); }\n"
           "export const c = copy(new Request('/z', { keepalive: true }));\n")
    ev = _ev(tmp_path, {"m.ts": src})
    req = ev.module_export("m.ts", "c")
    assert isinstance(req, Obj) and req.cls == REQUEST_OBJECT
    assert _props(ev, req) == {"url": Str("/z"), "keepalive": Bool(True), "method": Str("PUT")}


# ---------------------------------------------------------------------------- more calls that are (not) harmless
MORE = """export function f(data: any, p: any, q: any) {
  this.x.api.get('k');
  api.x.get('k');
  data.get('http');
  data.get('HTTP://A');
  data.get('mailto://a');
  stream.a.getTracks().forEach((t6) => t6.stop());
  getTracks().forEach((t7) => t7.stop());
  p[0]();
  (p)();
  q()();
  (() => 1)();
}
"""


@pytest.mark.parametrize(("call", "harmless"), [
    ("this.x.api.get('k')", False),  # the receiver's last name is a client's
    ("api.x.get('k')", True),
    ("data.get('http')", False),
    ("data.get('HTTP://A')", False),
    ("data.get('mailto://a')", False),
    ("t6.stop()", True),  # over a member's getTracks()
    ("t7.stop()", True),  # over a bare getTracks()
    ("p[0]()", False),
    ("(p)()", False),
    ("q()()", False),
], ids=["client-last-name", "client-first-name", "get-http-word", "get-upper-scheme", "get-other-scheme",
        "member-tracks", "bare-tracks", "subscript", "parenthesized", "call-result"])
def test_more_calls_that_are_and_are_not_harmless(tmp_path: Path, call: str, harmless: bool) -> None:
    ev = _ev(tmp_path, {"m.ts": MORE})
    mod = ev.index.module("m.ts")
    assert mod is not None
    node = next(c for c in mod.calls if mod.text(c) == call)
    assert harmless_call(ev, node, mod, None) is harmless


# ---------------------------------------------------------------------------- origins and contexts
@pytest.mark.parametrize(("base", "expected"), [
    ("https://a.b/x?u=http://c", "https://a.b/end"),  # the first scheme separator
    ("https://a.b/c/d/e", "https://a.b/end"),
    ("hostX", "hostX/end"),
    ("host//", "host/end"),
], ids=["two-schemes", "deep-path", "no-scheme-x", "no-scheme-slashes"])
def test_a_url_joins_a_path_to_its_base_s_origin(tmp_path: Path, base: str, expected: str) -> None:
    assert _export(tmp_path, f"export const u = new URL('/end', '{base}');\n", "u") == Str(expected)


def test_use_context_without_a_context_is_an_unknown_result(tmp_path: Path) -> None:
    src = "import { useContext } from 'react';\nexport const v = useContext();\n"
    assert _export(tmp_path, src, "v") == Unknown(UnknownKind.CALL_RESULT, "the result of react useContext()")


KEPT = """import { useRef } from 'react';
function outer(x) { const inner = () => useRef(x); return inner(); }
function build(u) { const mk = () => new Request(u); return mk(); }
export const a = outer('a').current;
export const b = outer('b').current;
export const ra = build('/a').url;
export const rb = build('/b').url;
"""


def test_values_holding_an_argument_are_not_shared_between_calls(tmp_path: Path) -> None:
    """A ref's `current` and a Request's `url` hold their call's argument: the value depends on that call."""
    ev = _ev(tmp_path, {"m.ts": KEPT})
    assert [ev.module_export("m.ts", n) for n in ("a", "b", "ra", "rb")] == [Str("a"), Str("b"), Str("/a"), Str("/b")]


HELPER_SENDS = """import { useRef } from 'react';
function send(u) { const req = new Request(u); fetch(req); }
function ping(u) { const r = useRef(u); fetch(r.current); }
export function A() { send('/a'); ping('/pa'); }
export function B() { send('/b'); ping('/pb'); }
"""


def test_a_helper_s_requests_are_read_for_each_of_its_calls(tmp_path: Path) -> None:
    """The Request and the ref hold the helper's argument: its reading is the call's own, not shared."""
    ev = _ev(tmp_path, {"m.ts": HELPER_SENDS})
    urls = []
    for name in ("A", "B"):
        fn = ev.module_export("m.ts", name)
        assert isinstance(fn, Func)
        urls.append(sorted(r.url.text for r in ev.reach(fn).requests if isinstance(r.url, Str)))
    assert urls == [["/a", "/pa"], ["/b", "/pb"]]
