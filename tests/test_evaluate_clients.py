"""The evaluator reads an app's own API client (classes, factories, helpers) where it is called,
leaves pure built-ins out of the unknowns, reads Request objects, env base URLs from committed
templates, and does not let a default or an earlier property hide a run-time value (issue 13)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import (Bool, EnvDefault, Evaluator, Func, Null, Num, Obj, Str, Unknown, UnknownKind, env_name,
                                in_callers)
from sop_check.evaluate.libraries import harmless_call
from sop_check.jsmodule import Module

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'


def _ev(tmp_path: Path, files: dict[str, str]) -> Evaluator:
    write(tmp_path, {"package.json": PKG, **files})
    return Evaluator(index_for(tmp_path))


def _call(mod: Module, starts: str):  # type: ignore[no-untyped-def]
    return next(c for c in mod.calls if mod.text(c).startswith(starts))


# ---------------------------------------------------------------------------- classes and `this`
CLIENT = """class Base {
  protected origin = 'https://tavusapi.com';
  static version = 'v2';
}
export class Client extends Base {
  private readonly base: string;
  constructor(private key: string, base?: string) {
    super();
    this.base = base ?? `${this.origin}/v2`;
  }
  get conversations() { return `${this.base}/conversations`; }
  headers() { return { 'x-api-key': this.key }; }
  static make(key: string) { return new Client(key); }
}
export const client = new Client(process.env.TAVUS_API_KEY || '');
export const other = new Client('k', 'https://example.test');
export const url = client.conversations;
export const otherUrl = other.conversations;
export const key = client.headers()['x-api-key'];
export const made = Client.make('x').conversations;
export const version = Client.version;
"""


def test_new_builds_fields_from_the_constructor_the_body_and_the_base_class(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": CLIENT})
    assert ev.module_export("m.ts", "url") == Str("https://tavusapi.com/v2/conversations")
    assert ev.module_export("m.ts", "otherUrl") == Str("https://example.test/conversations")  # the argument wins
    key = ev.module_export("m.ts", "key")  # a parameter property, through a method's `this`
    assert env_name(key) == "TAVUS_API_KEY"
    assert ev.module_export("m.ts", "made") == Str("https://tavusapi.com/v2/conversations")
    assert ev.module_export("m.ts", "version") == Str("v2")


def test_this_in_a_method_read_without_a_call_is_the_generic_instance(tmp_path: Path) -> None:
    """Constructor arguments unknown (kind PARAMETER), body fields known."""
    ev = _ev(tmp_path, {"m.ts": CLIENT})
    mod = ev.index.module("m.ts")
    assert mod is not None
    getter = mod.text(mod.root).index("`${this.base}/conversations`")
    node = mod.root.descendant_for_byte_range(getter, getter + 1)
    while node is not None and node.type != "template_string":
        node = node.parent
    assert node is not None
    value = ev.eval(node, mod, None)
    assert isinstance(value, Str) and value.shown() == "{…}/conversations"  # `base ?? …` with base unknown
    this_key = ev.get_prop(ev.eval(_this_node(mod), mod, None), "key")
    assert isinstance(this_key, Unknown) and this_key.kind is UnknownKind.PARAMETER


def _this_node(mod: Module):  # type: ignore[no-untyped-def]
    from sop_check.jsmodule import descendants
    return next(iter(descendants(mod.root, frozenset({"this"}))))


def test_object_literal_methods_see_their_object_as_this(tmp_path: Path) -> None:
    src = ("export const api = {\n  base: 'https://tavusapi.com/v2',\n"
           "  url(path: string) { return this.base + path; },\n  arrow: (p: string) => p,\n};\n"
           "export const u = api.url('/conversations');\n")
    ev = _ev(tmp_path, {"m.ts": src})
    assert ev.module_export("m.ts", "u") == Str("https://tavusapi.com/v2/conversations")


# ---------------------------------------------------------------------------- requests read at each call site
HELPER = """const BASE = 'https://tavusapi.com/v2';
export async function tavusFetch(key: string, path: string, init: { method?: string; json?: unknown } = {}) {
  return fetch(`${BASE}${path}`, { method: init.method ?? 'GET', headers: { 'x-api-key': key },
    body: JSON.stringify(init.json) });
}
"""


def _requests(ev: Evaluator, path: str, starts: str = "fetch("):  # type: ignore[no-untyped-def]
    mod = ev.index.module(path)
    assert mod is not None
    return in_callers(ev, _call(mod, starts), mod, lambda r: isinstance(r.url, Str) and r.url.exact)


def test_a_helper_request_is_read_at_each_call_site_with_its_arguments(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {
        "lib/tavus.ts": HELPER,
        "lib/other.ts": "export function tavusFetch(p: string) { return p; }\nexport const x = tavusFetch('/nope');\n",
        "app/route.ts": "import { tavusFetch as tf } from '../lib/tavus';\nexport async function POST() {\n"
                        "  await tf('k', '/conversations', { method: 'POST', json: { persona_id: 'p' } });\n"
                        "  return tf('k', '/conversations/abc');\n}\n",
    })
    found = _requests(ev, "lib/tavus.ts")
    shown = sorted((f.request.url.shown(), f.request.method, str(f.outermost.node.start_point.row + 1))
                   for f in found if isinstance(f.request.url, Str) and f.outermost is not None)
    # the alias is followed; the unrelated tavusFetch of lib/other.ts is not a caller
    assert shown == [("https://tavusapi.com/v2/conversations", "POST", "3"),
                     ("https://tavusapi.com/v2/conversations/abc", "GET", "4")]
    create = next(f for f in found if f.request.method == "POST")
    scope = create.request.scope
    assert scope is not None  # the helper's parameters, bound to this call's arguments
    json = ev.get_prop(ev.force(scope.bindings["init"]), "json")
    assert isinstance(json, Obj) and ev.get_prop(json, "persona_id") == Str("p")


def test_a_factory_object_and_a_class_method_are_callers_too(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {
        "lib/tavus.ts": HELPER + "export function makeClient(key: string) {\n"
                                 "  return { open: (input: object) => tavusFetch(key, '/conversations', "
                                 "{ method: 'POST', json: input }) };\n}\n"
                                 "export class Api {\n  private root = 'https://tavusapi.com/v2';\n"
                                 "  private send(path: string) { return fetch(`${this.root}${path}`, { method: 'POST' }); }\n"
                                 "  start() { return this.send('/conversations'); }\n}\n",
        "app/route.ts": "import { makeClient, Api } from '../lib/tavus';\nexport async function POST() {\n"
                        "  const c = makeClient('k');\n  await c.open({ persona_id: 'p' });\n"
                        "  return new Api().start();\n}\n",
    })
    helper = _requests(ev, "lib/tavus.ts")
    assert [len(f.sites) for f in helper] == [1]  # settled at the factory's arrow: the URL is exact
    method = _requests(ev, "lib/tavus.ts", "fetch(`${this.root}")
    assert [f.request.url for f in method] == [Str("https://tavusapi.com/v2/conversations")]


def test_an_undecided_request_says_why_no_caller_was_followed(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/tavus.ts": HELPER})
    [only] = _requests(ev, "lib/tavus.ts")
    assert only.sites == () and "no call of tavusFetch() (lib/tavus.ts:2) was found" == only.stopped


# ---------------------------------------------------------------------------- pure built-ins
def test_pure_built_ins_on_unknown_values_are_harmless_but_look_alikes_are_not(tmp_path: Path) -> None:
    src = """export function f(line: string, tags: string[], api: any, session: any, stream: MediaStream, cache: any) {
  line.match(/x/); tags.map((t) => t.trim()); cache.get(line); track.stop();
  stream.getTracks().forEach((t) => t.stop());
  api.get('/api/tavus/end'); session.stop(); api.post('/x');
  new Promise((resolve) => resolve(1));
}
"""
    ev = _ev(tmp_path, {"m.ts": src})
    mod = ev.index.module("m.ts")
    assert mod is not None
    harmless = {mod.text(c.child_by_field_name("function")): harmless_call(ev, c, mod, None)
                for c in mod.calls if c.type == "call_expression"}
    assert harmless["line.match"] and harmless["cache.get"] and harmless["track.stop"] and harmless["t.stop"]
    assert harmless["resolve"]
    assert not harmless["api.get"]  # a path argument: an HTTP client's verb
    assert not harmless["session.stop"]  # not a media track: it may end the session
    assert not harmless["api.post"]


def test_a_handler_reaching_only_pure_built_ins_has_nothing_unresolved(tmp_path: Path) -> None:
    src = ("export function end(notes: string, rows: { v: string }[], track: MediaStreamTrack) {\n"
           "  const parts = notes.split('\\n').filter((l) => l.includes('!'));\n"
           "  rows.forEach((r) => r.v.trim().toLowerCase());\n  track.stop();\n"
           "  return fetch('/api/session/stop', { method: 'POST', body: JSON.stringify(parts) });\n}\n"
           "export function other(handlers: (() => void)[]) { for (const h of handlers) h(); }\n")
    ev = _ev(tmp_path, {"m.ts": src})
    reach = ev.reach(ev.module_export("m.ts", "end"))  # type: ignore[arg-type]
    assert reach.unresolved == [] and [r.url for r in reach.requests] == [Str("/api/session/stop")]
    other = ev.reach(ev.module_export("m.ts", "other"))  # type: ignore[arg-type]
    assert len(other.unresolved) == 1 and "h()" in other.unresolved[0]  # an unknown callee still counts


# ---------------------------------------------------------------------------- defaults, spreads, client data
def test_a_default_does_not_hide_an_unresolved_value(tmp_path: Path) -> None:
    src = ("export async function POST(request: Request) {\n  const body = await request.json();\n"
           "  const a = body.params ?? {};\n  const b = process.env.BASE || 'https://x.test';\n"
           "  const c = undefined ?? 'd';\n  const d = 0 ?? 5;\n  const e = 0 || 5;\n  return [a, b, c, d, e];\n}\n")
    ev = _ev(tmp_path, {"m.ts": src})
    mod = ev.index.module("m.ts")
    assert mod is not None
    values = {}
    for decl in ("a", "b", "c", "d", "e"):
        node = next(n for n in _declarators(mod) if mod.text(n.child_by_field_name("name")) == decl)
        values[decl] = ev.eval(node.child_by_field_name("value"), mod, None)
    assert isinstance(values["a"], Unknown) and values["a"].kind is UnknownKind.CLIENT_INPUT
    assert isinstance(values["b"], EnvDefault) and values["b"].env == "BASE" and values["b"].text == "https://x.test"
    assert values["c"] == Str("d")
    assert getattr(values["d"], "value", None) == 0 and getattr(values["e"], "value", None) == 5


def _declarators(mod: Module):  # type: ignore[no-untyped-def]
    from sop_check.jsmodule import descendants
    return list(descendants(mod.root, frozenset({"variable_declarator"})))


def test_props_before_an_unknown_spread_are_what_the_spread_says(tmp_path: Path) -> None:
    src = ("export function make(extra: object) {\n"
           "  return { limit: 60, keep: true, ...extra, keep2: 1 };\n}\n"
           "export const known = { limit: 60, ...{ other: 1 } };\n")
    ev = _ev(tmp_path, {"m.ts": src})
    made = ev.return_value(ev.module_export("m.ts", "make"), [])  # type: ignore[arg-type]
    assert isinstance(made, Obj)
    assert made.props.keys() == {"limit", "keep", "keep2"}
    assert ev.get_prop(made, "limit") == Num(60)  # extra bound to undefined: a spread of nothing replaces nothing
    mod = ev.index.module("m.ts")
    assert mod is not None
    obj_node = next(n for n in _objects(mod) if mod.text(n).startswith("{ limit: 60, keep"))
    unbound = ev.eval(obj_node, mod, None)
    assert isinstance(unbound, Obj)
    limit = ev.get_prop(unbound, "limit")
    assert isinstance(limit, Unknown) and limit.kind is UnknownKind.PARAMETER and "spread after it" in limit.reason
    assert ev.get_prop(unbound, "keep2") == Num(1)  # written after the spread: it stands
    known = ev.module_export("m.ts", "known")
    assert isinstance(known, Obj) and ev.get_prop(known, "limit") == Num(60)  # a known spread replaces what it has


def _objects(mod: Module):  # type: ignore[no-untyped-def]
    from sop_check.jsmodule import descendants
    return list(descendants(mod.root, frozenset({"object"})))


def test_request_data_is_client_input_and_other_calls_are_not(tmp_path: Path) -> None:
    src = ("export async function POST(req: NextRequest) {\n  const a = await req.json();\n"
           "  const r = await fetch('/x');\n  const b = await r.json();\n  return [a, b];\n}\n"
           "export default function handler(req: any, res: any) { const c = req.body; return c; }\n")
    ev = _ev(tmp_path, {"m.ts": src})
    mod = ev.index.module("m.ts")
    assert mod is not None
    kinds = {mod.text(n.child_by_field_name("name")): getattr(ev.eval(n.child_by_field_name("value"), mod, None),
                                                             "kind", None) for n in _declarators(mod)}
    assert kinds["a"] is UnknownKind.CLIENT_INPUT and kinds["c"] is UnknownKind.CLIENT_INPUT
    assert kinds["b"] is UnknownKind.CALL_RESULT  # a response from upstream is not the client's


# ---------------------------------------------------------------------------- Request objects
def test_fetch_of_a_request_object_reads_its_url_and_options(tmp_path: Path) -> None:
    src = ("export const f = () => {\n  const req = new Request('/api/tavus/end', { method: 'POST', keepalive: true });\n"
           "  fetch(req, { body: '{}' });\n  fetch(new Request(req, { method: 'PUT' }));\n"
           "  fetch(new Request('/api/x'));\n};\n")
    ev = _ev(tmp_path, {"m.ts": src})
    reach = ev.reach(ev.module_export("m.ts", "f"))  # type: ignore[arg-type]
    seen = [(r.url, r.method) for r in reach.requests]
    assert seen == [(Str("/api/tavus/end"), "POST"), (Str("/api/tavus/end"), "PUT"), (Str("/api/x"), "GET")]
    first = reach.requests[0].options
    assert isinstance(first, Obj) and set(first.props) == {"method", "keepalive", "body"}
    assert ev.get_prop(first, "keepalive") == Bool(True)


# ---------------------------------------------------------------------------- env base URLs
def test_a_base_url_from_the_environment_is_read_from_the_committed_template(tmp_path: Path) -> None:
    src = ("export const a = `${process.env.TAVUS_API_URL}/conversations`;\n"
           "export const b = process.env.OTHER_URL + '/conversations';\n"
           "export const c = `${process.env.SECRET_URL}/x`;\n")
    ev = _ev(tmp_path, {"m.ts": src, ".env.example": "TAVUS_API_URL=https://tavusapi.com/v2\n"
                                                     "SECRET_URL=https://user:pw@host.test/x?token=1\n",
                        ".env.local": "OTHER_URL=https://local.test\n"})
    assert ev.module_export("m.ts", "a") == Str("https://tavusapi.com/v2/conversations")
    other = ev.module_export("m.ts", "b")  # only templates are read, never a local env file
    assert isinstance(other, Str) and other.holes_from == ("OTHER_URL",) and other.shown() == "{…}/conversations"
    secret = ev.module_export("m.ts", "c")  # not a plain URL: never used (nor shown)
    assert isinstance(secret, Str) and secret.holes_from == ("SECRET_URL",) and "user" not in secret.text


# ---------------------------------------------------------------------------- reassignments and branches
def test_a_reassigned_let_is_one_value_only_when_every_assignment_agrees(tmp_path: Path) -> None:
    src = ("export function f(flag: boolean) {\n  let a = '/x';\n  if (flag) a = '/y';\n  let b = '/z';\n"
           "  if (flag) b = '/z';\n  let c;\n  c = '/w';\n  const d = flag ? '/p' : '/p';\n"
           "  const e = null === undefined ? 'same' : 'other';\n  const g = !{} ? 1 : 2;\n  return [a, b, c, d, e, g];\n}\n")
    ev = _ev(tmp_path, {"m.ts": src})
    mod = ev.index.module("m.ts")
    assert mod is not None
    v = {mod.text(n.child_by_field_name("name")): ev.eval(n.child_by_field_name("value"), mod, None)
         if n.child_by_field_name("value") is not None else None for n in _declarators(mod)}
    a_ref = ev.decl_value(next(n for n in _declarators(mod) if mod.text(n.child_by_field_name("name")) == "a"),
                          "a", mod, None)
    assert isinstance(a_ref, Unknown) and "more than one value" in a_ref.reason
    b_ref = ev.decl_value(next(n for n in _declarators(mod) if mod.text(n.child_by_field_name("name")) == "b"),
                          "b", mod, None)
    c_ref = ev.decl_value(next(n for n in _declarators(mod) if mod.text(n.child_by_field_name("name")) == "c"),
                          "c", mod, None)
    assert b_ref == Str("/z") and c_ref == Str("/w")
    assert v["d"] == Str("/p") and v["e"] == Str("same") and getattr(v["g"], "value", None) == 2


def test_values_with_this_do_not_recurse_forever_when_compared_or_shown(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"m.ts": CLIENT})
    client = ev.module_export("m.ts", "client")
    assert isinstance(client, Obj)
    method = ev.get_prop(client, "headers")
    assert isinstance(method, Func) and method.this is client
    assert method == ev.get_prop(client, "headers") and "Func(" in repr(method)
    assert repr(client)  # a method's `this` holds the object again: reprs stay finite
    assert not isinstance(ev.get_prop(client, "missing"), Unknown) and isinstance(ev.get_prop(client, "missing"), Null)


def test_a_helper_named_like_hundreds_of_calls_is_not_searched_and_says_so(tmp_path: Path) -> None:
    """`get` is everywhere (Map.get, URLSearchParams.get): confirming each call would cost the budget
    every rule shares; the request stays undecided, naming why."""
    from sop_check.evaluate import callers as callers_mod

    uses = "".join(f"export const v{i} = m.get('k{i}');\n" for i in range(callers_mod.MAX_CANDIDATES + 1))
    ev = _ev(tmp_path, {"lib/http.ts": "export function get(url: string) { return fetch(url); }\n",
                        "lib/uses.ts": "const m = new Map();\n" + uses,
                        "app/page.tsx": "import '../lib/uses';\nexport default function Page() { return null; }\n"})
    [only] = _requests(ev, "lib/http.ts")
    assert only.sites == () and only.stopped == "get() (lib/http.ts:1) shares its name with too many calls to follow"
