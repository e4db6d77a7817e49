"""Requests read where they are called from (`sop_check/evaluate/callers.py`), pinned piece by piece:
which call paths are followed, why a path stops (the message and the Unknown kind), which calls
count as callers, and the names a function is called by (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Node

from sop_check.evaluate import Evaluator, InContext, Str, UnknownKind, in_callers
from sop_check.evaluate import callers as callers_mod
from sop_check.evaluate.callers import (MAX_CALLERS, MAX_CANDIDATES, MAX_LEVELS, MAX_PATHS, callable_around, callers,
                                        function_label, function_names)
from sop_check.jsmodule import FUNCTION_TYPES, Module, descendants

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'
API = "https://tavusapi.com/v2/conversations"


def _ev(tmp_path: Path, files: dict[str, str]) -> Evaluator:
    """The app, with a page importing each `lib/` file: only code reachable from an entry is evidence."""
    page = "".join(f"import '../{f.removesuffix('.ts')}';\n" for f in files if f.startswith("lib/"))
    write(tmp_path, {"package.json": PKG, "app/page.tsx": page + "export default function P() { return null; }\n",
                     **files})
    return Evaluator(index_for(tmp_path))


def _mod(ev: Evaluator, path: str) -> Module:
    mod = ev.index.module(path)
    assert mod is not None
    return mod


def _call(mod: Module, starts: str) -> Node:
    found: Node = next(c for c in mod.calls if mod.text(c).startswith(starts))
    return found


def _exact(found: InContext) -> bool:
    return isinstance(found.request.url, Str) and found.request.url.exact


def _read(ev: Evaluator, path: str, starts: str = "fetch(") -> list[InContext]:
    mod = _mod(ev, path)
    return in_callers(ev, _call(mod, starts), mod, lambda r: isinstance(r.url, Str) and r.url.exact)


def _fn(mod: Module, starts: str) -> Node:
    """The function node whose source starts with `starts`."""
    found: Node = next(n for n in descendants(mod.root, FUNCTION_TYPES) if mod.text(n).startswith(starts))
    return found


def _names(tmp_path: Path, source: str, starts: str) -> list[str]:
    ev = _ev(tmp_path, {"lib/m.ts": source})
    mod = _mod(ev, "lib/m.ts")
    return function_names(_fn(mod, starts), mod)


# ---------------------------------------------------------------------------- in_callers: where a path ends
def test_a_call_that_is_no_request_has_no_reading(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function f(u: string) { return log(u); }\n"})
    assert _read(ev, "lib/m.ts", "log(") == []


def test_a_request_settled_where_it_is_made_is_read_once_with_no_call_path(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": f"export function f() {{ return fetch('{API}'); }}\nf();\n"})
    [only] = _read(ev, "lib/m.ts")
    assert only.request.url == Str(API)
    assert only.sites == () and only.outermost is None
    assert only.stopped == "" and only.stopped_kind is None


def test_a_request_at_module_level_says_so_as_a_run_time_value(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export const p = fetch(location.href);\n"})
    [only] = _read(ev, "lib/m.ts")
    assert only.sites == ()
    assert only.stopped == "it is made at module level"
    assert only.stopped_kind is UnknownKind.RUNTIME_VALUE


@pytest.mark.parametrize("name", ["POST", "GET", "DELETE", "handler", "default"])
def test_a_framework_entry_is_called_with_the_request_as_client_input(tmp_path: Path, name: str) -> None:
    src = (f"export async function {name}(req: Request) {{ return fetch(req.url); }}\n" if name != "default"
           else "export default async function (req: Request) { return fetch(req.url); }\n")
    ev = _ev(tmp_path, {"app/api/x/route.ts": src})
    [only] = _read(ev, "app/api/x/route.ts")
    if name == "default":  # an anonymous default export has no name: nothing says the framework calls it
        assert only.stopped == "no call of the function at app/api/x/route.ts:1 was found"
        assert only.stopped_kind is UnknownKind.PARAMETER
        return
    assert only.stopped == f"{name}() is called by the framework: its arguments are the request"
    assert only.stopped_kind is UnknownKind.CLIENT_INPUT


def test_a_function_named_default_is_a_framework_entry(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"pages/api/x.ts": "const o = { default: (req: any) => fetch(req.body.url) };\nexport { o };\n"})
    [only] = _read(ev, "pages/api/x.ts")
    assert only.stopped == "default() is called by the framework: its arguments are the request"
    assert only.stopped_kind is UnknownKind.CLIENT_INPUT


def test_a_helper_nobody_calls_leaves_its_parameter_unknown_and_names_itself(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "\nexport function send(u: string) {\n  return fetch(u);\n}\n"})
    [only] = _read(ev, "lib/m.ts")
    assert only.sites == ()
    assert only.stopped == "no call of send() (lib/m.ts:2) was found"
    assert only.stopped_kind is UnknownKind.PARAMETER


def test_an_anonymous_function_is_labelled_by_its_place(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "\n\n(async (u: string) => fetch(u))(location.href);\n"})
    [only] = _read(ev, "lib/m.ts")
    assert only.stopped == "no call of the function at lib/m.ts:3 was found"
    assert only.stopped_kind is UnknownKind.PARAMETER


def _chain(levels: int) -> str:
    """f0 makes the request with its parameter; f(i+1) calls f(i); the last is called with the URL."""
    lines = ["export function f0(u: string) { return fetch(u); }"]
    lines += [f"export function f{i}(u: string) {{ return f{i - 1}(u); }}" for i in range(1, levels + 1)]
    lines.append(f"f{levels}('{API}');")
    return "\n".join(lines) + "\n"


def test_a_chain_of_helpers_is_followed_to_the_call_with_the_url(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": _chain(MAX_LEVELS - 1)})
    [only] = _read(ev, "lib/m.ts")
    assert only.request.url == Str(API) and only.stopped == "" and only.stopped_kind is None
    # the sites from the outermost call down to the helper's own call of fetch's function
    assert [hop.callee for hop in only.sites] == ["f3", "f2", "f1", "f0"]
    assert only.outermost is only.sites[0] and only.outermost.node.start_point.row == 4


def test_a_chain_deeper_than_the_limit_stops_and_says_so(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": _chain(MAX_LEVELS)})
    [only] = _read(ev, "lib/m.ts")
    assert len(only.sites) == MAX_LEVELS
    assert only.stopped == f"f{MAX_LEVELS}() (lib/m.ts:{MAX_LEVELS + 1}) is called through more than 4 helpers"
    assert only.stopped_kind is UnknownKind.TOO_DEEP
    assert not _exact(only)


@pytest.mark.parametrize("first_callers", [2, 1])
def test_more_call_paths_than_the_limit_stop_with_the_count(tmp_path: Path, first_callers: int) -> None:
    """f0 has MAX_CALLERS wrappers, each called with the URL (the first `first_callers` times, the others
    twice): the paths read are counted from zero as they are found, breadth first, and the wrappers
    reached once MAX_PATHS are read stop there."""
    wrappers = MAX_CALLERS
    counts = [first_callers] + [2] * (wrappers - 1)
    lines = ["export function f0(u: string) { return fetch(u); }"]
    lines += [f"export function h{i}(u: string) {{ return f0(u); }}" for i in range(wrappers)]
    lines += [f"h{i}('{API}/{i}{j}');" for i in range(wrappers) for j in range(counts[i])]
    ev = _ev(tmp_path, {"lib/m.ts": "\n".join(lines) + "\n"})
    found = _read(ev, "lib/m.ts")
    read, followed = wrappers, 0  # f0's callers were read first
    for count in counts:
        if read >= MAX_PATHS:
            break
        read, followed = read + count, followed + 1
    assert (first_callers, followed) in ((2, 12), (1, 13))  # the arithmetic above, spelled out
    stopped = [f for f in found if f.stopped]
    settled = [f for f in found if not f.stopped]
    assert len(stopped) == wrappers - followed
    assert {f.stopped for f in stopped} == {f"more than {MAX_PATHS} call paths lead to it"}
    assert {f.stopped_kind for f in stopped} == {UnknownKind.INDIRECT}
    assert all(len(f.sites) == 1 for f in stopped)
    assert len(settled) == sum(counts[:followed]) and all(len(f.sites) == 2 and _exact(f) for f in settled)


def test_an_exhausted_budget_stops_the_walk_and_says_so(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": _chain(1)})
    mod = _mod(ev, "lib/m.ts")
    call = _call(mod, "fetch(")
    ev.budget.exhausted = True
    [only] = in_callers(ev, call, mod, lambda r: isinstance(r.url, Str) and r.url.exact)
    assert only.sites == ()
    assert only.stopped == "the analysis budget ran out"
    assert only.stopped_kind is UnknownKind.BUDGET


def test_a_helper_called_from_two_places_is_read_once_per_path_in_order(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function send(u: string) { return fetch(u); }\n"
                                    f"send('{API}/a');\nsend(location.href);\nsend('{API}/b');\n"})
    found = _read(ev, "lib/m.ts")
    # the one with a run-time URL: no caller of the module level, so it stops there
    assert [(f.request.url.shown() if isinstance(f.request.url, Str) else None, f.stopped) for f in found] == [
        (f"{API}/a", ""), (None, "it is made at module level"), (f"{API}/b", "")]
    assert [f.outermost.node.start_point.row for f in found if f.outermost is not None] == [1, 2, 3]
    assert found[1].stopped_kind is UnknownKind.RUNTIME_VALUE


def test_a_site_records_its_callee_as_written_cut_to_forty_characters(tmp_path: Path) -> None:
    name = "sendTheConversationRequestToTheTavusApiNow"  # 42 characters
    ev = _ev(tmp_path, {"lib/m.ts": f"export const api = {{ {name}(u: string) {{ return fetch(u); }} }};\n"
                                    f"api.{name}('{API}');\n"})
    [only] = _read(ev, "lib/m.ts")
    assert _exact(only)
    assert only.sites[0].callee == f"api.{name}"[:40]
    assert len(only.sites[0].callee) == 40


def test_a_generic_call_under_await_is_found_and_read(tmp_path: Path) -> None:
    """`await send<T>(…)` parses as a call of `await send`: the callee is the expression under the await."""
    ev = _ev(tmp_path, {"lib/m.ts": "export async function send<T>(u: string): Promise<T> { return (await fetch(u)).json(); }\n"
                                    f"export async function go() {{ return await send<number>('{API}'); }}\n"})
    [only] = _read(ev, "lib/m.ts")
    assert _exact(only) and only.request.url == Str(API)
    assert only.sites[0].callee == "send"


def test_a_call_whose_callee_is_send_only_for_some_arguments_is_not_a_caller(tmp_path: Path) -> None:
    """`f(u)` with `f = flag ? send : 1` is not confirmed as a call of send: read with nothing bound,
    its callee is not that function."""
    src = ("export function send(u: string) { return fetch(u); }\n"
           "export function other(u: string) { return u; }\n"
           "export function run(flag: boolean, u: string) { const f = flag ? send : 1; return f(u); }\n")
    ev = _ev(tmp_path, {"lib/m.ts": src})
    mod = _mod(ev, "lib/m.ts")
    assert callers(ev, _fn(mod, "function send"), mod) == []  # `f` is not send for every flag: not confirmed
    assert [f.stopped for f in _read(ev, "lib/m.ts")] == ["no call of send() (lib/m.ts:1) was found"]


# ---------------------------------------------------------------------------- callers: which calls count
def test_callers_are_confirmed_by_what_the_call_evaluates_to(tmp_path: Path) -> None:
    src = ("export function send(u: string) { return fetch(u); }\n"
           "export function inner() {\n  function send(x: string) { return x; }\n  return send('a');\n}\n"
           "export const ok = send('b');\n")
    ev = _ev(tmp_path, {"lib/m.ts": src, "lib/n.ts": "export function send(u: string) { return u; }\nsend('c');\n"})
    mod = _mod(ev, "lib/m.ts")
    found = callers(ev, _fn(mod, "function send(u"), mod)
    # not the nested send of the same name in the same module, not lib/n.ts's send
    assert [(m.path.rsplit("/", 1)[-1], mod.text(c) if m is mod else m.text(c)) for c, m in found] == [("m.ts", "send('b')")]
    inner = _fn(mod, "function send(x")
    assert [mod.text(c) for c, _ in callers(ev, inner, mod)] == ["send('a')"]


def test_callers_are_remembered_per_function(tmp_path: Path) -> None:
    src = "export function a() { return 1; }\nexport function b() { return 2; }\na();\nb();\nb();\n"
    ev = _ev(tmp_path, {"lib/m.ts": src})
    mod = _mod(ev, "lib/m.ts")
    a, b = _fn(mod, "function a"), _fn(mod, "function b")
    first = callers(ev, a, mod)
    assert [mod.text(c) for c, _ in first] == ["a()"]
    assert [mod.text(c) for c, _ in callers(ev, b, mod)] == ["b()", "b()"]
    assert callers(ev, a, mod) is first  # read from the cache
    assert [mod.text(c) for c, _ in callers(ev, a, mod)] == ["a()"]


def test_at_most_max_callers_sites_are_read_per_function(tmp_path: Path) -> None:
    calls = "".join(f"send('{API}/{i}');\n" for i in range(MAX_CALLERS + 3))
    ev = _ev(tmp_path, {"lib/m.ts": "export function send(u: string) { return fetch(u); }\n" + calls})
    mod = _mod(ev, "lib/m.ts")
    found = callers(ev, _fn(mod, "function send"), mod)
    assert [mod.text(c) for c, _ in found] == [f"send('{API}/{i}')" for i in range(MAX_CALLERS)]


def test_callers_are_not_confirmed_once_the_budget_is_spent(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function send(u: string) { return fetch(u); }\nsend('a');\n"})
    mod = _mod(ev, "lib/m.ts")
    fn = _fn(mod, "function send")
    ev.budget.exhausted = True
    assert callers(ev, fn, mod) == []


def test_callers_are_found_under_an_import_alias_and_as_a_method_name(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {
        "lib/m.ts": "export function send(u: string) { return fetch(u); }\n",
        "lib/use.ts": "import { send as go } from './m';\nimport * as m from './m';\n"
                      "export const a = go('a');\nexport const b = m.send('b');\nexport const c = new go('c');\n",
    })
    mod = _mod(ev, "lib/m.ts")
    use = _mod(ev, "lib/use.ts")
    found = callers(ev, _fn(mod, "function send"), mod)
    assert [(m.path.rsplit("/", 1)[-1], use.text(c)) for c, m in found] == [("use.ts", "go('a')"), ("use.ts", "m.send('b')")]


def test_a_name_with_exactly_max_candidates_calls_is_still_searched(tmp_path: Path) -> None:
    uses = "".join(f"export const v{i} = m.get('k{i}');\n" for i in range(MAX_CANDIDATES - 1))
    ev = _ev(tmp_path, {"lib/http.ts": "export function get(url: string) { return fetch(url); }\n"
                                       f"get('{API}');\n",
                        "lib/uses.ts": "const m = new Map();\n" + uses})
    [only] = _read(ev, "lib/http.ts")
    assert only.stopped == "" and only.request.url == Str(API) and only.sites[0].callee == "get"


def test_a_name_with_more_calls_than_max_candidates_finds_no_callers(tmp_path: Path) -> None:
    uses = "".join(f"export const v{i} = m.get('k{i}');\n" for i in range(MAX_CANDIDATES))
    ev = _ev(tmp_path, {"lib/http.ts": "export function get(url: string) { return fetch(url); }\n"
                                       f"get('{API}');\n",
                        "lib/uses.ts": "const m = new Map();\n" + uses})
    mod = _mod(ev, "lib/http.ts")
    assert callers(ev, _fn(mod, "function get"), mod) == []
    [only] = _read(ev, "lib/http.ts")
    assert only.stopped == "get() (lib/http.ts:1) shares its name with too many calls to follow"
    assert only.stopped_kind is UnknownKind.INDIRECT


def test_named_calls_are_remembered_per_name(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "a(1);\nb(2);\nx.b(3);\n"})
    assert [m.text(c) for c, m in callers_mod._named_calls(ev, "a")] == ["a(1)"]
    assert [m.text(c) for c, m in callers_mod._named_calls(ev, "b")] == ["b(2)", "x.b(3)"]
    again = callers_mod._named_calls(ev, "a")
    assert again is callers_mod._named_calls(ev, "a") and [m.text(c) for c, m in again] == ["a(1)"]


def test_the_callee_text_of_a_call(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "api.client.send(1);\nsend(2);\n"})
    mod = _mod(ev, "lib/m.ts")
    member, plain = _call(mod, "api."), _call(mod, "send(")
    assert callers_mod._callee_text(member, mod) == "api.client.send"
    assert callers_mod._callee_text(member, mod, last=True) == "send"
    assert callers_mod._callee_text(plain, mod, last=True) == "send"
    assert callers_mod._callee_text(plain, mod) == "send"


# ---------------------------------------------------------------------------- callable_around
def test_a_callback_handed_to_a_call_runs_as_part_of_the_function_around_it(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function outer(u: string) {\n  return ready.then(() => fetch(u));\n}\n"})
    mod = _mod(ev, "lib/m.ts")
    fn = callable_around(_call(mod, "fetch("), mod)
    assert fn is not None and fn.type == "function_declaration" and mod.text(fn).startswith("function outer")


def test_a_callback_that_is_the_value_of_a_name_is_the_function_called(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function Page() {\n  const end = useCallback((u: string) => fetch(u), []);\n"
                                    f"  return end('{API}');\n}}\n"})
    mod = _mod(ev, "lib/m.ts")
    fn = callable_around(_call(mod, "fetch("), mod)
    assert fn is not None and fn.type == "arrow_function"
    assert function_names(fn, mod) == ["end"]
    [only] = _read(ev, "lib/m.ts")
    assert _exact(only) and only.sites[0].callee == "end"


def test_a_callback_handed_to_a_call_that_is_not_a_declaration_is_skipped(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function Page(u: string) {\n  x = wrap((v: string) => fetch(v));\n}\n"
                                    "export const y = { k: wrap((v: string) => fetch(v)) };\n"})
    mod = _mod(ev, "lib/m.ts")
    fn = callable_around(_call(mod, "fetch("), mod)
    assert fn is not None and mod.text(fn).startswith("function Page")
    second = [c for c in mod.calls if mod.text(c) == "fetch(v)"][1]
    assert callable_around(second, mod) is None


def test_code_at_module_level_has_no_function_around_it(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "fetch('x');\n"})
    mod = _mod(ev, "lib/m.ts")
    assert callable_around(_call(mod, "fetch("), mod) is None


# ---------------------------------------------------------------------------- function_names and labels
@pytest.mark.parametrize(("case", "source", "starts", "names"), [
    ("declaration", "function send() {}\n", "function send", ["send"]),
    ("generator", "function* send() {}\n", "function* send", ["send"]),
    ("method", "class A { send() {} }\n", "send()", ["send"]),
    ("xnamedmethod", "class A { XsendX() {} }\n", "XsendX()", ["XsendX"]),  # only quotes are stripped
    ("quotedmethod", "const o = { 'send'() {} };\n", "'send'", ["send"]),
    ("dquotedmethod", 'const o = { "send"() {} };\n', '"send"', ["send"]),
    ("variable", "const send = () => 1;\n", "() =>", ["send"]),
    ("namedexpr", "const send = function go() {};\n", "function go", ["go", "send"]),
    ("samenamedexpr", "const send = function send() {};\n", "function send", ["send"]),
    ("pair", "const o = { send: () => 1 };\n", "() =>", ["send"]),
    ("quotedpair", "const o = { 'send': () => 1 };\n", "() =>", ["send"]),
    ("xnamedpair", "const o = { XsendX: () => 1 };\n", "() =>", ["XsendX"]),  # only quotes are stripped
    ("field", "class A { send = () => 1; }\n", "() =>", ["send"]),
    ("privatefield", "class A { #send = () => 1; }\n", "() =>", ["#send"]),
    ("memberassign", "obj.send = function () {};\n", "function ()", ["send"]),
    ("thisassign", "class A { constructor() { this.send = () => 1; } }\n", "() =>", ["send"]),
    ("plainassign", "let send; send = () => 1;\n", "() =>", ["send"]),
    ("usecallback", "const send = useCallback(() => 1, []);\n", "() =>", ["send"]),
    ("pattern", "const { a } = () => 1;\n", "() =>", []),
    ("argument", "run(() => 1);\n", "() =>", []),
    ("returned", "function f() { return () => 1; }\n", "() =>", []),
])
def test_the_names_a_function_is_called_by(tmp_path: Path, case: str, source: str, starts: str,
                                            names: list[str]) -> None:
    assert _names(tmp_path, source, starts) == names


def test_a_label_names_the_function_and_where_it_is(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "\n\nexport const send = () => 1;\nrun(() => 2);\n"})
    mod = _mod(ev, "lib/m.ts")
    assert function_label(_fn(mod, "() => 1"), mod) == "send() (lib/m.ts:3)"
    assert function_label(_fn(mod, "() => 2"), mod) == "the function at lib/m.ts:4"


def test_confirming_a_caller_costs_one_step_of_the_budget(tmp_path: Path) -> None:
    ev = _ev(tmp_path, {"lib/m.ts": "export function send(u: string) { return fetch(u); }\n"
                                    "send('a');\nsend('b');\nx.send('c');\n"})
    mod = _mod(ev, "lib/m.ts")
    sites = [c for c in mod.calls if "send(" in mod.text(c)]
    for site in sites:  # their callees memoised: evaluating them again costs nothing
        callee = site.child_by_field_name("function")
        assert callee is not None
        ev.eval(callee, mod, None)
    before = ev.budget.used_total
    found = callers(ev, _fn(mod, "function send"), mod)
    assert [mod.text(c) for c, _ in found] == ["send('a')", "send('b')"]
    assert ev.budget.used_total - before == len(sites)


def test_a_long_function_name_called_plainly_is_found(tmp_path: Path) -> None:
    name = "sendTheConversationRequestToTheTavusApiNow"  # 42 characters: the hop's label is cut, the search is not
    ev = _ev(tmp_path, {"lib/m.ts": f"export function {name}(u: string) {{ return fetch(u); }}\n{name}('{API}');\n"})
    [only] = _read(ev, "lib/m.ts")
    assert _exact(only) and only.sites[0].callee == name[:40]


def test_the_callee_along_the_path_is_read_with_the_path_s_this(tmp_path: Path) -> None:
    """`this.send(p)` inside `go`: along the path from `new Api(base).go(p)`, `this` is that object, whose
    base the request reads."""
    src = ("export class Api {\n  constructor(base: string) { this.base = base; }\n"
           "  send(p: string) { return fetch(this.base + p); }\n  go(p: string) { return this.send(p); }\n}\n"
           "new Api('https://tavusapi.com/v2').go('/conversations');\n")
    ev = _ev(tmp_path, {"lib/m.ts": src})
    found = _read(ev, "lib/m.ts")
    assert [(f.request.url, [h.callee for h in f.sites]) for f in found] == [
        (Str(API), ["new Api('https://tavusapi.com/v2').go", "this.send"])]


def test_a_path_on_which_the_callee_is_something_else_is_dropped_and_the_others_read(tmp_path: Path) -> None:
    """Confirmed through the generic instance, `this.send(p)` calls A's send; along the path from a B,
    whose `send` is a string, it calls nothing: that path makes no request, the next path still counts."""
    src = ("export class A {\n  send(p: string) { return fetch(p); }\n  go(p: string) { return this.send(p); }\n}\n"
           "export class B extends A {\n  send = 'not a function';\n}\n"
           f"new B().go('{API}/b');\nnew A().go('{API}/a');\n")
    ev = _ev(tmp_path, {"lib/m.ts": src})
    found = _read(ev, "lib/m.ts")
    assert [(f.request.url, f.stopped) for f in found] == [(Str(f"{API}/a"), "")]


def test_a_stop_for_another_reason_is_not_replaced_by_the_name_being_common(tmp_path: Path) -> None:
    uses = "".join(f"export const v{i} = m.get('k{i}');\n" for i in range(MAX_CANDIDATES + 1))
    ev = _ev(tmp_path, {"lib/http.ts": "export function get(url: string) { return fetch(url); }\n",
                        "lib/uses.ts": "const m = new Map();\n" + uses})
    mod = _mod(ev, "lib/http.ts")
    call = _call(mod, "fetch(")
    ev.budget.exhausted = True
    [only] = in_callers(ev, call, mod, lambda r: isinstance(r.url, Str) and r.url.exact)
    assert only.stopped == "the analysis budget ran out" and only.stopped_kind is UnknownKind.BUDGET


def test_a_class_field_in_javascript_is_named_like_one_in_typescript(tmp_path: Path) -> None:
    """JavaScript is read with the TypeScript grammars: its class field is a `public_field_definition` too."""
    write(tmp_path, {"package.json": PKG, "lib/m.js": "export class A {\n  send = (u) => fetch(u);\n}\n"})
    ev = Evaluator(index_for(tmp_path))
    mod = ev.index.module("lib/m.js")
    assert mod is not None
    fn = _fn(mod, "(u) =>")
    assert fn.parent is not None and fn.parent.type == "public_field_definition"
    assert function_names(fn, mod) == ["send"]


def test_a_path_stopped_for_depth_does_not_search_further_callers(tmp_path: Path) -> None:
    """Past MAX_LEVELS the outermost helper's callers are not confirmed: how many there are costs nothing."""
    used = []
    for sites in (1, 20):
        src = _chain(MAX_LEVELS) + "".join(f"f{MAX_LEVELS}('{API}/{i}');\n" for i in range(sites - 1))
        ev = _ev(tmp_path / str(sites), {"lib/m.ts": src})
        mod = _mod(ev, "lib/m.ts")
        call = _call(mod, "fetch(")
        before = ev.budget.used_total
        [only] = in_callers(ev, call, mod, lambda r: isinstance(r.url, Str) and r.url.exact)
        assert only.stopped_kind is UnknownKind.TOO_DEEP
        used.append(ev.budget.used_total - before)
    assert used[0] == used[1]
