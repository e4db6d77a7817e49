"""Requests found in code (`sop_check/evaluate/requests.py`) pinned one by one: which calls are
requests and of what kind, their method and URL, what an HTTP client's base URL and default
headers make of them, a `fetch(new Request(…), init)`, and the Unknown where a part is not known
(found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_check.evaluate import Evaluator, External, Null, Obj, Str, Unknown, UnknownKind
from sop_check.evaluate.requests import CallHop, Request, apply_client, as_request, method_of
from sop_check.evaluate.values import HOLE, HttpClient, Thunk, Value
from sop_check.jsmodule import Module

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'


def _ev(tmp_path: Path, source: str) -> tuple[Evaluator, Module]:
    write(tmp_path, {"package.json": PKG, "m.ts": source})
    ev = Evaluator(index_for(tmp_path))
    mod = ev.index.module("m.ts")
    assert mod is not None
    return ev, mod


def _request(tmp_path: Path, source: str, call_start: str) -> Request | None:
    ev, mod = _ev(tmp_path, source)
    call = next(c for c in mod.calls if mod.text(c).startswith(call_start))
    return ev.as_request(call, mod)


def _val(mod: Module, value: Value) -> Thunk:
    return Thunk(None, mod, None, value=value)


def _text(ev: Evaluator, opts: Value | None, *path: str) -> object:
    value: Value = opts if opts is not None else Null()
    for p in path:
        value = ev.get_prop(value, p)
    return value.text if isinstance(value, Str) else value


# ---------------------------------------------------------------------------- which calls
@pytest.mark.parametrize("spelling", ["fetch", "window.fetch", "globalThis.fetch", "self.fetch", "window?.fetch",
                                      "window. fetch"])
def test_the_fetch_spellings_are_fetch_requests(tmp_path: Path, spelling: str) -> None:
    req = _request(tmp_path, f"{spelling}('/x', {{ method: 'put' }});\n", spelling.split(".")[0].split("?")[0])
    assert req is not None and (req.kind, req.url, req.method) == ("fetch", Str("/x"), "PUT")
    assert isinstance(req.options, Obj) and list(req.options.props) == ["method"]


def test_a_local_function_named_fetch_is_not_the_global(tmp_path: Path) -> None:
    src = "function fetch(u) { return u; }\nfetch('/x');\n"
    assert _request(tmp_path, src, "fetch('/x')") is None


def test_fetch_without_arguments_has_a_missing_url_and_is_a_get(tmp_path: Path) -> None:
    req = _request(tmp_path, "fetch();\n", "fetch(")
    assert req is not None and req.url == Unknown(UnknownKind.MISSING, "fetch without a URL")
    assert req.options is None and req.method == "GET"


def test_a_beacon_is_a_post_with_no_options(tmp_path: Path) -> None:
    for spelling in ("navigator.sendBeacon", "window.navigator.sendBeacon", "sendBeacon"):
        req = _request(tmp_path, f"{spelling}('/api/tavus/end', body);\n", spelling)
        assert req is not None and (req.kind, req.url, req.options, req.method) == \
            ("beacon", Str("/api/tavus/end"), None, "POST"), spelling
    missing = _request(tmp_path, "navigator.sendBeacon();\n", "navigator")
    assert missing is not None and missing.url == Unknown(UnknownKind.MISSING, "sendBeacon without a URL")
    assert _request(tmp_path, "other.sendBeaconLater('/x');\n", "other") is None


def test_a_library_verb_is_a_request_with_its_options_argument(tmp_path: Path) -> None:
    src = ("import axios from 'axios';\naxios.post('/a', { id: 1 }, { headers: { k: 'v' } });\n"
           "axios.get('/b', { headers: { k: 'g' } });\naxios.delete('/c', { headers: { k: 'd' } });\n"
           "axios.put('/d', body);\naxios.patch('/e');\n")
    ev, mod = _ev(tmp_path, src)
    reqs = {mod.text(c)[:9]: ev.as_request(c, mod) for c in mod.calls}
    post, get, delete = reqs["axios.pos"], reqs["axios.get"], reqs["axios.del"]
    assert post is not None and (post.kind, post.url, post.method) == ("axios", Str("/a"), "POST")
    assert _text(ev, post.options, "headers", "k") == "v"
    assert get is not None and get.method == "GET" and _text(ev, get.options, "headers", "k") == "g"
    assert delete is not None and delete.method == "DELETE" and _text(ev, delete.options, "headers", "k") == "d"
    put, patch = reqs["axios.put"], reqs["axios.pat"]
    assert put is not None and put.method == "PUT" and put.options is None  # the body is not the options
    assert patch is not None and patch.method == "PATCH" and patch.options is None


def test_a_verb_needs_a_client_object(tmp_path: Path) -> None:
    src = ("import axios from 'axios';\nimport { get } from 'lodash';\nconst api = axios.create({});\n"
           "axios.post();\nmap.get('/k');\nget('/x');\napi.get('/y');\n")
    ev, mod = _ev(tmp_path, src)
    by = {mod.text(c): c for c in mod.calls}
    none = ev.as_request(by["axios.post()"], mod)
    assert none is not None and none.url == Unknown(UnknownKind.MISSING, "no URL")
    assert ev.as_request(by["map.get('/k')"], mod) is None  # `map` is not a client's name
    assert ev.as_request(by["get('/x')"], mod) is None  # a bare function named like a verb
    made = ev.as_request(by["api.get('/y')"], mod)
    assert made is not None and made.kind == "axios" and made.url == Str("/y")
    assert as_request(ev, mod.root, mod, None) is None  # not a call at all


def test_a_client_instance_applies_its_base_url(tmp_path: Path) -> None:
    src = ("import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://t.com/v2/' });\n"
           "api.post('/conversations/1/end');\n")
    req = _request(tmp_path, src, "api.post")
    assert req is not None and req.url == Str("https://t.com/v2/conversations/1/end") and req.method == "POST"


# ---------------------------------------------------------------------------- method
def test_the_method_of_options(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    assert method_of(ev, None, "GET") == "GET"
    assert method_of(ev, Null(), "GET") == "GET"
    assert method_of(ev, Str("o"), "GET") == Unknown(UnknownKind.RUNTIME_VALUE, "request options built at run time")
    assert method_of(ev, Obj({}, False), "GET") == "GET"
    assert method_of(ev, Obj({}, True), "GET") == Unknown(UnknownKind.OPEN_OBJECT, "method from an unknown spread")
    assert method_of(ev, Obj({"method": _val(mod, Str("delete"))}, True), "GET") == "DELETE"
    chosen = Unknown(UnknownKind.RUNTIME_VALUE, "method chosen at run time")
    assert method_of(ev, Obj({"method": _val(mod, Str(HOLE))}, False), "GET") == chosen
    assert method_of(ev, Obj({"method": _val(mod, External("m"))}, False), "GET") == chosen


# ---------------------------------------------------------------------------- clients
def _client(mod: Module, **config: Value) -> HttpClient:
    return HttpClient(Obj({k: _val(mod, v) for k, v in config.items()}, False))


def test_a_client_base_url_joins_with_one_slash(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    for base in ("https://t.com/v2", "https://t.com/v2/", "https://t.com/v2//"):
        for path in ("end", "/end", "//end"):
            url, _ = apply_client(ev, _client(mod, baseURL=Str(base)), Str(path), None, mod)
            assert url == Str("https://t.com/v2/end"), (base, path)
    for name in ("prefixUrl", "baseUrl"):
        url, _ = apply_client(ev, _client(mod, **{name: Str("https://k.com")}), Str("/x"), None, mod)
        assert url == Str("https://k.com/x"), name


def test_a_client_base_url_leaves_absolute_urls_and_marks_unknown_bases(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    client = _client(mod, baseURL=Str("https://t.com"))
    assert apply_client(ev, client, Str("https://other.com/x"), None, mod)[0] == Str("https://other.com/x")
    assert apply_client(ev, client, External("u"), None, mod)[0] == External("u")
    unknown_base = _client(mod, baseURL=External("process.env.X"))
    assert apply_client(ev, unknown_base, Str("/x"), None, mod)[0] == Str(HOLE + "/x")
    no_base = _client(mod)
    assert apply_client(ev, no_base, Str("/x"), None, mod) == (Str("/x"), None)
    runtime = HttpClient(None)
    assert apply_client(ev, runtime, Str("/x"), None, mod)[0] == Str(HOLE + "/x")


def test_a_client_reads_the_first_base_option_it_has(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    both = _client(mod, prefixUrl=Str("https://second.com"), baseURL=Str("https://first.com"))
    assert apply_client(ev, both, Str("/x"), None, mod)[0] == Str("https://first.com/x")


def test_client_headers_are_merged_under_the_requests_own(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    headers = Obj({"x-api-key": _val(mod, EnvRefLike()), "accept": _val(mod, Str("json"))}, True, mod.root, mod)
    client = HttpClient(Obj({"headers": _val(mod, headers)}, False))
    own = Obj({"headers": _val(mod, Obj({"accept": _val(mod, Str("text"))}, False)),
               "body": _val(mod, Str("b"))}, True)
    url, opts = apply_client(ev, client, Str("/x"), own, mod)
    assert url == Str("/x") and isinstance(opts, Obj) and opts.open is True
    assert _text(ev, opts, "body") == "b"
    merged = ev.get_prop(opts, "headers")
    assert isinstance(merged, Obj)
    assert set(merged.props) == {"x-api-key", "accept"} and _text(ev, merged, "accept") == "text"
    assert (merged.open, merged.node, merged.module) == (True, mod.root, mod)  # where the headers were written
    assert opts.props["headers"].module is mod


def test_client_headers_alone_make_the_options(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    headers = Obj({"k": _val(mod, Str("v"))}, False)
    client = HttpClient(Obj({"headers": _val(mod, headers)}, False))
    for given in (None, Obj({}, False), Str("run-time")):
        _, opts = apply_client(ev, client, Str("/x"), given, mod)
        assert isinstance(opts, Obj) and opts.open is False and list(opts.props) == ["headers"], given
        assert _text(ev, opts, "headers", "k") == "v"
        assert opts.props["headers"].module is mod  # headers built in no module: the request's
    closed = Obj({"headers": _val(mod, Str("not an object"))}, False)
    _, opts = apply_client(ev, client, Str("/x"), closed, mod)
    assert isinstance(opts, Obj) and _text(ev, opts, "headers", "k") == "v"


def EnvRefLike() -> Value:  # noqa: N802 - a value a header may hold
    return External("process.env.TAVUS_API_KEY")


# ---------------------------------------------------------------------------- new Request(…)
def test_fetch_of_a_request_object_takes_its_url_and_options_under_init(tmp_path: Path) -> None:
    src = ("const r = new Request('/api/tavus/end', { method: 'POST', keepalive: true });\n"
           "fetch(r, { method: 'PUT' });\nfetch(r);\nfetch(r, opts);\nfetch(new Request(other));\n"
           "fetch(new Request(...args));\n")
    ev, mod = _ev(tmp_path, src)
    fetches = [c for c in mod.calls if mod.text(c).startswith("fetch(")]
    put, plain, runtime, copied, spread = (ev.as_request(c, mod) for c in fetches)
    assert put is not None and put.url == Str("/api/tavus/end") and put.method == "PUT"
    assert isinstance(put.options, Obj) and not put.options.open and "url" not in put.options.props
    assert ev.get_prop(put.options, "keepalive").value is True  # type: ignore[union-attr]
    assert plain is not None and plain.method == "POST" and isinstance(plain.options, Obj)
    assert not plain.options.open
    assert runtime is not None and isinstance(runtime.options, Obj) and runtime.options.open
    assert copied is not None and copied.url == External("other")
    assert spread is not None


def test_a_request_reached_through_calls_keeps_what_it_is() -> None:
    req = Request("fetch", None, None, None, Str("/x"), None, "GET")  # type: ignore[arg-type]
    hop = CallHop("end", None, None)  # type: ignore[arg-type]
    again = req.reached((hop,), None)
    assert (again.kind, again.url, again.options, again.method, again.via) == ("fetch", Str("/x"), None, "GET", (hop,))


def test_only_slashes_are_trimmed_where_a_base_url_meets_a_path(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export const x = 1;\n")
    url, _ = apply_client(ev, _client(mod, baseURL=Str("https://t.com/XX")), Str("XXend"), None, mod)
    assert url == Str("https://t.com/XX/XXend")


def test_a_call_hop_shows_the_callee_and_where_it_is_called(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "\nfunction go() {}\n  go();\n")
    call = next(c for c in mod.calls if mod.text(c) == "go()")
    assert str(CallHop("go", call, mod)) == "go() at m.ts:3:3"


def test_a_request_object_built_from_unknown_options_stays_open_under_init(tmp_path: Path) -> None:
    src = ("const r = new Request('/x', init);\nfetch(r);\nfetch(r, { keepalive: true });\n"
           "fetch(new Request('/y'), { ...more });\nfetch(new Request('/z'), { keepalive: true });\n")
    ev, mod = _ev(tmp_path, src)
    alone, closed_init, open_init, neither = (ev.as_request(c, mod) for c in mod.calls if mod.text(c).startswith("fetch("))
    spread = Unknown(UnknownKind.OPEN_OBJECT, "method from an unknown spread")
    for req in (alone, closed_init, open_init):
        assert req is not None and isinstance(req.options, Obj) and req.options.open is True
        assert req.method == spread
    assert neither is not None and isinstance(neither.options, Obj) and neither.options.open is False
    assert neither.method == "GET" and list(neither.options.props) == ["keepalive"]


def test_a_request_knows_its_call_and_reads_its_url_in_the_call_scope(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "export function end(url) { fetch(url); navigator.sendBeacon(url); }\nconst l = '/e';\n")
    end = ev.module_export("m.ts", "end")
    lit = next(c for c in mod.root.named_children if mod.text(c) == "const l = '/e';")
    value = lit.named_children[0].child_by_field_name("value")
    assert value is not None
    scope = ev.bind(end, [ev.thunk(value, mod, None)])  # type: ignore[arg-type]
    for text, kind in (("fetch(url)", "fetch"), ("navigator.sendBeacon(url)", "beacon")):
        call = next(c for c in mod.calls if mod.text(c) == text)
        req = ev.as_request(call, mod, scope)
        assert req is not None and (req.kind, req.url) == (kind, Str("/e"))
        assert req.call.id == call.id and req.module is mod and req.location.line == 1 and req.scope is scope


def test_a_client_verb_reads_its_client_url_and_options_in_the_call_scope(tmp_path: Path) -> None:
    src = ("import axios from 'axios';\n"
           "const api = axios.create({ baseURL: 'https://t.com', headers: { shared: 's' } });\n"
           "export function send(client, url, opts) { client.post(url, {}, opts); axios.get(url, opts); }\n"
           "export const args = [api, '/end', { headers: { own: 'o' } }];\n")
    ev, mod = _ev(tmp_path, src)
    send = ev.module_export("m.ts", "send")
    array = list(mod.root.named_children)[-1].named_children[0].named_children[0].child_by_field_name("value")
    assert array is not None and array.type == "array"
    scope = ev.bind(send, [ev.thunk(a, mod, None) for a in array.named_children])  # type: ignore[arg-type]
    post = ev.as_request(next(c for c in mod.calls if mod.text(c).startswith("client.post")), mod, scope)
    assert post is not None and (post.kind, post.url, post.method) == ("axios", Str("https://t.com/end"), "POST")
    assert post.scope is scope and post.module is mod and mod.text(post.call) == "client.post(url, {}, opts)"
    headers = ev.get_prop(post.options, "headers")  # type: ignore[arg-type]
    assert isinstance(headers, Obj) and set(headers.props) == {"shared", "own"}
    get = ev.as_request(next(c for c in mod.calls if mod.text(c).startswith("axios.get")), mod, scope)
    assert get is not None and get.url == Str("/end") and _text(ev, get.options, "headers", "own") == "o"


def test_a_client_reached_through_a_longer_name_is_still_a_client(tmp_path: Path) -> None:
    ev, mod = _ev(tmp_path, "window.axios.post('/x');\nwindow.http.request('/y');\n")
    calls = {mod.text(c).split("(")[0]: c for c in mod.calls}
    req = ev.as_request(calls["window.axios.post"], mod)
    assert req is not None and (req.kind, req.url, req.method) == ("axios", Str("/x"), "POST")
    assert ev.as_request(calls["window.http.request"], mod) is None  # `request` is not a verb
