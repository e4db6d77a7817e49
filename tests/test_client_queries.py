"""The client-side queries of the rule pack (`rules/_client.py`) that TAV003-TAV005 and TAV105 share:
where a missing client piece is reported, which click handlers and effect cleanups exist, and
whether a request survives the page unloading. Each case is one line of those queries that a rule
test did not notice changing (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import Evaluator, Func, Request, Unknown, UnknownKind
from sop_check.index import AppIndex
from sop_check_rules._client import (EndReach, base_path, click_handlers, client_anchor, effect_cleanups, end_reach,
                                     describe_request, judge_end_requests, keepalive,
                                     route_served)

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'


def _index(tmp_path: Path, files: dict[str, str]) -> AppIndex:
    """A project whose page imports each of `files` (only code reachable from an entry is evidence)."""
    page = "".join(f"import '../{path.rsplit('.', 1)[0]}';\n" for path in files)
    write(tmp_path, {"package.json": PKG, "app/page.js": page + "export default function Page() { return null; }\n",
                     **files})
    return index_for(tmp_path)


def test_the_client_anchor_is_the_first_tavus_module_that_is_client_code(tmp_path: Path) -> None:
    index = _index(tmp_path, {
        "lib/a.ts": "export const TAVUS = 'https://tavusapi.com/v2';\n",  # server code: not the anchor
        "lib/b.jsx": "export const Tavus = () => <div>tavus</div>;\n",
    })
    assert client_anchor(index).path == "lib/b.jsx"


def test_a_tsx_module_or_a_use_client_module_is_client_code(tmp_path: Path) -> None:
    tsx = _index(tmp_path / "tsx", {"lib/a.ts": "const tavus = 1;\n", "lib/b.tsx": "const tavus = 2;\n"})
    assert client_anchor(tsx).path == "lib/b.tsx"
    directive = _index(tmp_path / "js", {"lib/a.ts": "const tavus = 1;\n",
                                         "lib/b.js": "'use client';\nconst tavus = 2;\n"})
    assert client_anchor(directive).path == "lib/b.js"


def test_without_client_code_the_anchor_is_package_json(tmp_path: Path) -> None:
    index = _index(tmp_path, {"lib/tavus.ts": "export const tavus = 1;\n"})
    anchor = client_anchor(index)
    assert (anchor.path, anchor.line) == ("package.json", 1)


def test_click_handlers_are_every_on_click_and_on_press_with_their_element(tmp_path: Path) -> None:
    index = _index(tmp_path, {
        "components/Web.tsx": "export function Web() {\n  const stop = () => fetch('/api/tavus/end', { method: 'POST' });\n"
                              "  return <div><button onClick>x</button><button onClick={stop}>End</button></div>;\n}\n",
        "components/Native.tsx": "export function Native() {\n"
                                 "  return <Pressable onPress={() => fetch('/api/tavus/end', { method: 'POST' })} />;\n}\n",
    })
    found = click_handlers(index, Evaluator(index))
    assert [(what, loc.path, loc.line) for what, _, loc, _ in found] == [
        ("the onClick of <Pressable>", "components/Native.tsx", 2),
        ("the onClick of <button>", "components/Web.tsx", 3),
    ]
    assert all(isinstance(handler, Func) for _, handler, _, _ in found)


def test_click_handlers_skip_code_the_parser_could_not_read_and_go_on(tmp_path: Path) -> None:
    index = _index(tmp_path, {
        "components/A.tsx": "export function A() {\n  return <div>\n"
                            "    <button onClick={() => end(}>Broken</button>\n"
                            "    <button onClick={() => end()}>End</button>\n  </div>;\n}\n",
    })
    mod = index.module("components/A.tsx")
    assert mod is not None and mod.error_ranges  # the first button sits in a parse error
    lines = [loc.line for _, _, loc, _ in click_handlers(index, Evaluator(index))]
    assert 4 in lines and 3 not in lines


def _cleanup_lines(tmp_path: Path, source: str) -> list[int]:
    index = _index(tmp_path, {"components/A.tsx": source})
    return [func.node.start_point.row + 1 for func, _, _ in effect_cleanups(index, Evaluator(index))]


def test_effect_cleanups_are_the_functions_effects_return(tmp_path: Path) -> None:
    source = ("import { useEffect, useLayoutEffect } from 'react';\n"
              "export function A() {\n"
              "  useEffect();\n"  # no callback: skipped, and the next effects are still read
              "  register(() => () => notACleanup());\n"  # not an effect
              "  useLayoutEffect(() => {\n"
              "    return () => stop();\n"
              "  }, []);\n"
              "  return null;\n}\n")
    assert _cleanup_lines(tmp_path, source) == [6]


def test_a_use_layout_effect_alone_is_read(tmp_path: Path) -> None:
    source = ("import { useLayoutEffect } from 'react';\n"
              "export function A() {\n  useLayoutEffect(() => () => stop(), []);\n  return null;\n}\n")
    assert _cleanup_lines(tmp_path, source) == [3]


def test_four_of_an_effect_s_returned_expressions_are_read_comments_left_out(tmp_path: Path) -> None:
    returns = "".join(f"    if (c{i}) return /* cleanup {i} */ () => stop{i}();\n" for i in range(5))
    source = ("import { useEffect } from 'react';\n"
              "export function A() {\n  useEffect(() => {\n" + returns + "  }, []);\n  return null;\n}\n")
    assert sorted(_cleanup_lines(tmp_path, source)) == [5, 6, 7, 8]  # four of the five, none a comment


def _keepalive(tmp_path: Path, call: str) -> object:
    index = _index(tmp_path, {"lib/end.ts": f"export function end(opts: RequestInit) {{\n  {call};\n}}\n"})
    ev = Evaluator(index)
    func = ev.module_export("lib/end.ts", "end")
    assert isinstance(func, Func)
    (request,) = ev.reach(func).requests
    return keepalive(ev, request)


def test_a_fetch_without_options_or_with_undefined_ones_is_not_kept_alive(tmp_path: Path) -> None:
    assert _keepalive(tmp_path / "none", "fetch('/api/tavus/end')") is False
    assert _keepalive(tmp_path / "undefined", "fetch('/api/tavus/end', undefined)") is False
    assert _keepalive(tmp_path / "literal", "fetch('/api/tavus/end', { keepalive: true })") is True


def test_options_that_are_not_an_object_keep_their_unknown_or_are_run_time(tmp_path: Path) -> None:
    called = _keepalive(tmp_path / "called", "fetch('/api/tavus/end', makeOptions())")
    assert isinstance(called, Unknown) and called.kind is UnknownKind.CALL_RESULT and "makeOptions" in called.reason
    text = _keepalive(tmp_path / "text", "fetch('/api/tavus/end', 'keepalive')")
    assert text == Unknown(UnknownKind.RUNTIME_VALUE, "request options built at run time")


def test_route_served_says_whether_a_route_file_answers_at_the_path(tmp_path: Path) -> None:
    index = _index(tmp_path, {"app/api/tavus/end/route.ts": "export async function POST() {}\n"})
    assert route_served(index, "/api/tavus/end") is True
    assert route_served(index, "/api/tavus/start") is False


def test_effect_cleanups_skip_an_effect_the_parser_could_not_read(tmp_path: Path) -> None:
    source = ("import { useEffect } from 'react';\n"
              "export function A() {\n"
              "  useEffect(() => { return () => stop(; }, []);\n"
              "  useEffect(() => () => stop(), []);\n"
              "  return null;\n}\n")
    assert _cleanup_lines(tmp_path, source) == [4]


def test_judge_end_requests_reads_past_an_unknown_method_and_earlier_refusals(tmp_path: Path) -> None:
    index = _index(tmp_path, {
        "app/api/tavus/end/route.ts": "export async function POST() {}\n",
        "lib/end.ts": "export function end() {\n"
                      "  fetch('/api/tavus/end', { method: pickMethod() });\n"  # method unknown
                      "  fetch('/api/tavus/end');\n"  # a GET: the route answers only POST
                      "  fetch('/api/tavus/end', { method: 'PUT' });\n"  # refused too
                      "  fetch('/api/tavus/end', { method: 'POST' });\n}\n",
    })
    ev = Evaluator(index)
    func = ev.module_export("lib/end.ts", "end")
    assert isinstance(func, Func)
    requests = sorted(ev.reach(func).requests, key=lambda r: r.location.line)
    assert [r.location.line for r in requests] == [2, 3, 4, 5]
    out = judge_end_requests(index, "/api/tavus/end", requests)
    assert out.good is requests[3] and out.served is requests[3]
    assert (out.kind, out.request) == ("method-not-served", requests[1])
    assert out.data["method"] == "GET" and out.data["route"] == "/api/tavus/end"
    (unknown,) = out.unresolved
    assert unknown.startswith(f"{requests[0].location}: the method of the request to /api/tavus/end (")


def _end_reach(tmp_path: Path, body: str, base: str | None = "") -> tuple[EndReach, list[Request]]:
    index = _index(tmp_path, {"lib/end.ts": f"export function end() {{\n  {body};\n}}\n"})
    ev = Evaluator(index)
    func = ev.module_export("lib/end.ts", "end")
    assert isinstance(func, Func)
    requests = ev.reach(func).requests
    return (end_reach(ev, func, "/api/tavus/end") if base == "" else end_reach(ev, func, "/api/tavus/end", base)), \
        requests


def test_end_reach_without_a_base_path_matches_the_bare_route(tmp_path: Path) -> None:
    reach, requests = _end_reach(tmp_path, "fetch('/api/tavus/end', { method: 'POST' })")
    assert reach.end_requests == requests and reach.other_requests == [] and reach.unresolved == []


def test_an_undecided_url_is_unresolved_at_the_request_with_the_url_s_kind(tmp_path: Path) -> None:
    reach, (request,) = _end_reach(tmp_path / "called", "fetch(endUrl(), { method: 'POST' })", base=None)
    (entry,) = reach.unresolved
    assert (entry.kind, entry.location) == ("call-result", request.location)
    assert entry.startswith(f"{request.location}: request URL (") and "basePath" not in entry
    reach, (request,) = _end_reach(tmp_path / "base", "fetch('/api/tavus/end', { method: 'POST' })", base=None)
    (entry,) = reach.unresolved
    assert (entry.kind, entry.location) == ("runtime-value", request.location)
    assert entry == (f"{request.location}: request URL (URL /api/tavus/end, and next.config's basePath (which prefixes "
                     "the route) is not a literal)")


def test_base_path_drops_a_trailing_slash_only(tmp_path: Path) -> None:
    for i, (written, read) in enumerate([("/v2/", "/v2"), ("/SANDBOX/", "/SANDBOX"), ("/docs", "/docs")]):
        index = _index(tmp_path / str(i), {"next.config.js": f"module.exports = {{ basePath: '{written}' }};\n"})
        assert base_path(index) == read


def test_a_request_is_described_by_its_kind_and_path(tmp_path: Path) -> None:
    index = _index(tmp_path, {"lib/end.ts": "import axios from 'axios';\nexport function end() {\n"
                                            "  axios.post('/api/tavus/end?now=1');\n"
                                            "  navigator.sendBeacon('/api/tavus/end');\n"
                                            "  fetch(endUrl());\n}\n"})
    ev = Evaluator(index)
    func = ev.module_export("lib/end.ts", "end")
    assert isinstance(func, Func)
    requests = sorted(ev.reach(func).requests, key=lambda r: r.location.line)
    assert [describe_request(r) for r in requests] == [
        f"request to /api/tavus/end at {requests[0].location}",
        f"sendBeacon to /api/tavus/end at {requests[1].location}",
        f"fetch to ? at {requests[2].location}",
    ]


def test_keepalive_set_from_a_non_boolean_is_a_run_time_value(tmp_path: Path) -> None:
    assert _keepalive(tmp_path, "fetch('/api/tavus/end', { keepalive: 'yes' })") == \
        Unknown(UnknownKind.RUNTIME_VALUE, "keepalive is set from a value that is not a boolean literal")
