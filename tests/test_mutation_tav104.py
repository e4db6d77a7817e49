"""TAV104 (rules/tav104_conversation_timeouts.py) pinned (mutation survivors): each way a create
request is judged, with the finding's kind, location and message, the unresolved entry's text, kind
and location, the pass's evidence; how the create endpoint is matched; how the body is followed;
and the exact text the fix writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fix_support import applied
from helpers import PACK, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import RuleResult, Status, Unresolved
from sop_check.registry import all_rules

PKG = '{"dependencies": {"next": "15"}}'
ROUTE = "app/api/c/route.ts"
CREATE = "https://tavusapi.com/v2/conversations"
ALL = "max_call_duration, participant_left_timeout or participant_absent_timeout"


def run(tmp_path: Path, files: dict[str, str], **options: Any) -> RuleResult:
    """TAV104 over a project of `files`, its options the pack's with `options` (by name) changed."""
    write(tmp_path, {"package.json": PKG, **files})
    report = run_check(tmp_path, RunOptions(rules=[all_rules()["TAV104"]], settings=Settings(), environ={}, pack=PACK,
                                            options_for=lambda code: options_for(code) | options))
    [result] = [r for app in report.apps for r in app.results]
    # A fix recipe that raises is reported, not crashed on: none may here.
    assert not [d.message for d in report.diagnostics if "fix failed" in d.message]
    return result


def route(body: str, init: str = "method: 'POST', ", before: str = "", url: str = f"'{CREATE}'") -> dict[str, str]:
    """A route whose POST handler creates a conversation with `JSON.stringify(body)` (line 2 without `before`)."""
    return {ROUTE: f"{before}export async function POST() {{\n  return fetch({url}, {{ {init}body: JSON.stringify({body}) }});\n}}\n"}


def raw_route(*lines: str) -> dict[str, str]:
    """A route whose POST handler is `lines` (the handler's first line is line 2)."""
    return {ROUTE: "export async function POST(req: Request) {\n" + "".join(f"  {s}\n" for s in lines) + "}\n"}


def one_finding(got: RuleResult) -> tuple[str, str, int, int, str]:
    assert got.status is Status.FAIL, (got.message, got.unresolved)
    assert got.message == "a conversation can outlive its user"
    (f,) = got.findings
    return f.kind, f.location.path, f.location.line, f.location.column, f.message


def one_unresolved(got: RuleResult) -> tuple[str, str, str]:
    assert got.status is Status.UNKNOWN and not got.findings, (got.message, got.findings)
    assert got.message == "could not decide every create-conversation request"
    (u,) = got.unresolved
    assert isinstance(u, Unresolved)
    return str(u), u.kind, str(u.location)


def fixed(tmp_path: Path, got: RuleResult) -> str | None:
    """The route's text after the one finding's fix, or None when it has none."""
    (f,) = got.findings
    return applied(tmp_path, f.fix)[ROUTE] if f.fix is not None else None


# --- what is missing, and what the finding says -------------------------------------------------

def test_a_body_without_properties_misses_every_limit(tmp_path: Path) -> None:
    got = run(tmp_path, route("{ persona_id: 'p' }"))
    assert one_finding(got) == ("missing-limits", ROUTE, 2, 10, f"the conversation is created without {ALL}")
    assert got.findings[0].hint == "set them under properties in the create request"


def test_only_the_participant_timeout_missing(tmp_path: Path) -> None:
    got = run(tmp_path, route("{ properties: { max_call_duration: 600 } }"))
    assert one_finding(got)[4] == ("the conversation is created without participant_left_timeout or "
                                   "participant_absent_timeout")


def test_only_the_duration_missing(tmp_path: Path) -> None:
    got = run(tmp_path, route("{ properties: { participant_absent_timeout: 60 } }"))
    assert one_finding(got)[4] == "the conversation is created without max_call_duration"


def test_every_limit_set_passes_with_its_evidence(tmp_path: Path) -> None:
    got = run(tmp_path, route("{ properties: { max_call_duration: 600, participant_left_timeout: 30 } }"))
    assert (got.status, got.message) == (Status.PASS, "every created conversation has Tavus-side limits")
    assert [(e.message, str(e.location)) for e in got.evidence] == [
        ("conversation created with Tavus-side limits", f"{ROUTE}:2:10")]


def test_properties_that_are_not_an_object_set_nothing(tmp_path: Path) -> None:
    got = run(tmp_path, route("{ properties: 5 }"))
    assert one_finding(got)[4] == f"the conversation is created without {ALL}"


def test_the_options_decide_what_is_missing(tmp_path: Path) -> None:
    got = run(tmp_path, route("{ persona_id: 'p' }"), **{"any-of-properties": []})
    assert one_finding(got)[4] == "the conversation is created without max_call_duration"
    got = run(tmp_path, route("{ properties: { max_call_duration: 1, participant_left_timeout: 2 } }"),
              **{"required-properties": ["max_call_duration", "x_limit", "y_limit"]})
    assert one_finding(got)[4] == "the conversation is created without x_limit, y_limit"


def test_a_body_with_no_limits_at_all_lists_the_options_in_order(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST' }});"),
              **{"required-properties": ["a_limit", "b_limit"], "any-of-properties": ["c_limit", "d_limit"]})
    assert one_finding(got) == ("missing-limits", ROUTE, 2, 10, "the conversation is created without a_limit, b_limit, "
                                                               "c_limit or d_limit")
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST' }});"), **{"any-of-properties": []})
    assert one_finding(got)[4] == "the conversation is created without max_call_duration"


def test_two_creates_are_judged_each_at_its_own_place(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(
        f"await fetch('{CREATE}', {{ method: 'POST', body: JSON.stringify({{ properties: "
        "{ max_call_duration: 1, participant_left_timeout: 2 } }) });",
        f"return fetch('{CREATE}', {{ method: 'POST', body: JSON.stringify({{ a: 1 }}) }});"))
    assert one_finding(got)[:4] == ("missing-limits", ROUTE, 3, 10)
    assert [(e.message, str(e.location)) for e in got.evidence] == [
        ("conversation created with Tavus-side limits", f"{ROUTE}:2:9")]


# --- what makes the verdict unknown, and what the entry names -----------------------------------

def test_a_method_chosen_at_run_time(tmp_path: Path) -> None:
    got = run(tmp_path, route("{}", init="method: m, ", before="const m = Math.random() ? 'POST' : 'GET';\n"))
    assert one_unresolved(got) == (f"{ROUTE}:3:10: the method of the request to {CREATE} (method chosen at run time)",
                                   "runtime-value", f"{ROUTE}:3:10")


def test_a_request_that_is_not_a_post_creates_nothing(tmp_path: Path) -> None:
    got = run(tmp_path, route("{}", init="method: 'GET', "))
    assert (got.status, got.message) == (Status.SKIP, "no request creates a Tavus conversation in this app")


def test_a_body_that_is_not_an_object(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST', body: 'hello' }});"))
    assert one_unresolved(got) == (f"{ROUTE}:2:10: the request body (not an object)", "unmodelled", f"{ROUTE}:2:10")


def test_a_body_from_a_name_nothing_declares(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST', body: someGlobal }});"))
    assert one_unresolved(got) == (f"{ROUTE}:2:10: the request body (a body built at run time)", "runtime-value",
                                   f"{ROUTE}:2:10")


def test_init_options_spread_from_unknown_data_may_hold_the_body(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ ...j.o, method: 'POST' }});"))
    assert one_unresolved(got) == (f"{ROUTE}:3:10: the request body (the body may come from a spread of unknown "
                                   "options)", "open-object", f"{ROUTE}:3:10")


def test_properties_the_client_sends(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: j.props }) });"))
    assert one_unresolved(got) == (f"{ROUTE}:3:10: conversation properties (data the client sends (req.json()))",
                                   "client-input", f"{ROUTE}:3:10")


def test_a_limit_a_later_spread_may_replace(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: { participant_left_timeout: 3, "
                                  "max_call_duration: 60, ...j.p } }) });"))
    assert one_unresolved(got) == (f"{ROUTE}:3:10: 'max_call_duration' may be replaced by a spread after it (data the "
                                   "client sends (req.json()))", "client-input", f"{ROUTE}:3:10")


def test_only_a_limit_the_options_name_is_undecided_by_a_later_spread(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: { participant_absent_timeout: 3, "
                                  "max_call_duration: 60, ...j.p } }) });"), **{"required-properties": []})
    assert one_unresolved(got)[0] == (f"{ROUTE}:3:10: 'participant_absent_timeout' may be replaced by a spread after "
                                      "it (data the client sends (req.json()))")
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: { other: 3, max_call_duration: 60, "
                                  "participant_left_timeout: 1, ...j.p } }) });"),
              **{"required-properties": ["max_call_duration"], "any-of-properties": []})
    assert one_unresolved(got)[0].startswith(f"{ROUTE}:3:10: 'max_call_duration' may be replaced")


def test_missing_limits_that_a_spread_may_bring(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: { ...j.p } }) });"))
    assert one_unresolved(got) == (f"{ROUTE}:3:10: {ALL} may come from data the client sends (req.json())",
                                   "client-input", f"{ROUTE}:3:10")


def test_limits_written_after_the_spread_pass(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();", f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: { ...j.p, max_call_duration: 1, "
                                  "participant_left_timeout: 2 } }) });"))
    assert got.status is Status.PASS, got.unresolved


# --- which requests are the create endpoint ----------------------------------------------------

def env_route(url: str, base: str = "process.env.B!") -> dict[str, str]:
    """A Tavus app's route POSTing `{}` to `url` (line 5), with `base` and `p` (client data) in scope."""
    return {ROUTE: f"const key = process.env.TAVUS_API_KEY;\nconst base = {base};\nexport async function POST(req: "
                   f"Request) {{\n  const {{ p }} = await req.json();\n  return fetch({url}, {{ method: 'POST', body: "
                   "JSON.stringify({}) });\n}\n"}


NO_CREATE = (Status.SKIP, "no request creates a Tavus conversation in this app")


def test_the_endpoint_is_matched_without_query_or_trailing_slashes(tmp_path: Path) -> None:
    for url in (f"'{CREATE}/'", f"'{CREATE}//'", f"'{CREATE}?verbose=true'", f"'{CREATE}?a=1/'"):
        got = run(tmp_path, env_route(url))
        assert one_finding(got)[:3] == ("missing-limits", ROUTE, 5), url
    got = run(tmp_path, env_route(f"'{CREATE}X'"))
    assert (got.status, got.message) == NO_CREATE


def test_a_base_url_from_the_environment_before_the_path(tmp_path: Path) -> None:
    for url in ("`${base}/v2/conversations`", "`${base}/v2/conversations/`", "`${base}/v2/conversations?x=1`",
                "base + '/v2/conversations'"):
        got = run(tmp_path, env_route(url))
        assert one_finding(got)[:3] == ("missing-limits", ROUTE, 5), url
    for url in ("`${base}/v2/personas`", "`${base}/conversations`"):
        got = run(tmp_path, env_route(url))
        assert (got.status, got.message) == NO_CREATE, url


def test_a_tavus_base_url_that_may_be_the_endpoint_is_unknown_naming_the_variable(tmp_path: Path) -> None:
    got = run(tmp_path, env_route("`${base}/conversations`", base="process.env.TAVUS_B!"))
    assert one_unresolved(got) == (f"{ROUTE}:5:10: a request to Tavus whose path is not known ({{…}}/conversations: "
                                   "TAVUS_B has no value in the code or a committed env template)", "runtime-value",
                                   f"{ROUTE}:5:10")
    got = run(tmp_path, env_route("`${base}/v2/${p}/`", base="process.env.TAVUS_B!"))
    assert one_unresolved(got)[0] == (f"{ROUTE}:5:10: a request to Tavus whose path is not known ({{…}}/v2/{{…}}/: "
                                      "TAVUS_B has no value in the code or a committed env template)")
    got = run(tmp_path, env_route("`${base}/x/conversations`", base="process.env.TAVUS_B!"))
    assert (got.status, got.message) == NO_CREATE


def test_a_tavus_url_whose_path_the_client_decides(tmp_path: Path) -> None:
    got = run(tmp_path, env_route("`https://tavusapi.com/v2/${p}`"))
    assert one_unresolved(got) == (f"{ROUTE}:5:10: a request to Tavus whose path is not known (https://tavusapi.com/v2/"
                                   "{…}: POST() is called by the framework: its arguments are the request)",
                                   "client-input", f"{ROUTE}:5:10")
    got = run(tmp_path, env_route("`https://tavusapi.com/${p}/conversations`"))
    assert one_unresolved(got)[0].startswith(f"{ROUTE}:5:10: a request to Tavus whose path is not known "
                                             "(https://tavusapi.com/{…}/conversations: ")
    for url in ("`https://tavusapi.com/v3/${p}`", "`https://other.com/v2/${p}`",
                "`https://other.com/v2/conversations/${p}`"):
        got = run(tmp_path, env_route(url))
        assert (got.status, got.message) == NO_CREATE, url


# --- requests made through helpers ----------------------------------------------------------------

HTTP = "export const post = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) });\n"
LIMITS = "{ properties: { max_call_duration: 1, participant_left_timeout: 2 } }"


def generic(call: str, before: str = "", params: str = "", pre: str = "", **more: str) -> dict[str, str]:
    """A route calling the generic `post` helper of lib/http.ts (a module that never names Tavus) on line 3
    (after `before`, and the statement `pre` in the handler)."""
    inside = f"  {pre}\n" if pre else ""
    return {"lib/http.ts": HTTP, ROUTE: f"import {{ post }} from '../../../lib/http';\n{before}export async function "
                                        f"POST({params}) {{\n{inside}  return {call};\n}}\n", **more}


def test_a_generic_helper_is_read_with_the_callers_url_and_the_pass_says_through_what(tmp_path: Path) -> None:
    got = run(tmp_path, generic(f"post('{CREATE}', {LIMITS})"))
    assert got.status is Status.PASS, (got.findings, got.unresolved)
    assert [(e.message, str(e.location)) for e in got.evidence] == [
        ("conversation created with Tavus-side limits (through lib/http.ts:1:53)", f"{ROUTE}:3:10")]


def test_a_generic_helper_given_a_url_by_name(tmp_path: Path) -> None:
    cases = [("const U = 'https://tavusapi.com/v2/conversations';\n", "post(U, {})", {}),
             ("const H = 'https://tavusapi.com';\n", "post(`${H}/v2/conversations`, {})", {}),
             ("const H = 'https://tavusapi.com';\n", "post(H + '/v2/conversations', {})", {}),
             ("import { U } from '../../../lib/tavus';\n", "post(U, {})",
              {"lib/tavus.ts": f"export const U = '{CREATE}';\n"}),
             ("import { TAVUS_CREATE } from '../../../lib/config';\n", "post(TAVUS_CREATE, {})",
              {"lib/config.ts": f"export const TAVUS_CREATE = '{CREATE}';\n"})]
    for before, call, more in cases:
        got = run(tmp_path, generic(call, before, **more))
        assert one_finding(got) == ("missing-limits", ROUTE, 4, 10, f"the conversation is created without {ALL}"), call


def test_a_generic_helper_given_a_url_that_is_not_the_endpoint(tmp_path: Path) -> None:
    got = run(tmp_path, generic("post('https://tavusapi.com/v2/personas', {})"))
    assert (got.status, got.message) == NO_CREATE


def test_a_generic_helper_in_a_module_that_names_tavus_is_read_once(tmp_path: Path) -> None:
    # The helper's module is scanned itself: its request is judged through the callers, not twice.
    http = "// tavus\n" + HTTP
    got = run(tmp_path, generic(f"post('{CREATE}', {{}})") | {"lib/http.ts": http})
    assert one_finding(got)[:3] == ("missing-limits", ROUTE, 3)


def test_a_create_helper_judged_at_its_caller_says_through_what(tmp_path: Path) -> None:
    lib = ("export async function createConversation(body: object) {\n"
           f"  return fetch('{CREATE}', {{ method: 'POST', body: JSON.stringify(body) }});\n}}\n")
    caller = ("import {{ createConversation }} from '../../../lib/tavus';\nexport async function POST(request: Request) "
              "{{\n  {pre}return createConversation({arg});\n}}\n")
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: caller.format(pre="", arg=LIMITS)})
    assert [(e.message, str(e.location)) for e in got.evidence] == [
        ("conversation created with Tavus-side limits (through lib/tavus.ts:2:10)", f"{ROUTE}:3:10")]
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: caller.format(pre="", arg="5")})
    assert one_unresolved(got) == (f"{ROUTE}:3:10: the request body (not an object) (through lib/tavus.ts:2:10)",
                                   "unmodelled", f"{ROUTE}:3:10")
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: caller.format(pre="const x = await request.json();\n  ", arg="x")})
    assert one_unresolved(got) == (f"{ROUTE}:4:10: the request body (data the client sends (request.json())) (through "
                                   "lib/tavus.ts:2:10)", "client-input", f"{ROUTE}:4:10")
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: caller.format(pre="", arg="{ properties: { max_call_duration: 1 } }")})
    assert one_finding(got) == ("missing-limits", ROUTE, 3, 10, "the conversation is created without "
                                "participant_left_timeout or participant_absent_timeout")


USES_LIB = {"app/page.tsx": "import { tv } from '../lib/tavus';\nexport default function P() { return <div />; }\n"}


def lib(*lines: str, head: str = "export async function tv(x: any) {\n") -> dict[str, str]:
    """lib/tavus.ts, imported by a page, its `tv(x)` helper called nowhere (the request on line 2)."""
    return {**USES_LIB, "lib/tavus.ts": head + "".join(f"  {s}\n" for s in lines) + "}\n"}


def test_a_body_no_caller_decides_names_where_the_search_stopped(tmp_path: Path) -> None:
    for body in ("JSON.stringify(x)", "x"):
        got = run(tmp_path, lib(f"return fetch('{CREATE}', {{ method: 'POST', body: {body} }});"))
        assert one_unresolved(got) == ("lib/tavus.ts:2:10: the request body (parameter 'x' (its value comes from the "
                                       "caller); no call of tv() (lib/tavus.ts:1) was found)", "parameter",
                                       "lib/tavus.ts:2:10"), body


def test_a_path_no_caller_decides_is_unknown_of_the_kind_the_search_stopped_at(tmp_path: Path) -> None:
    got = run(tmp_path, lib("return fetch(`${BASE}${x}`, { method: 'POST', body: JSON.stringify({}) });",
                            head="const BASE = 'https://tavusapi.com/v2';\nexport async function tv(x: string) {\n"))
    assert one_unresolved(got) == ("lib/tavus.ts:3:10: a request to Tavus whose path is not known (https://tavusapi.com/"
                                   "v2{…}: no call of tv() (lib/tavus.ts:2) was found)", "parameter", "lib/tavus.ts:3:10")


def test_a_tavus_variable_in_the_path_is_named_even_when_no_caller_is_found(tmp_path: Path) -> None:
    got = run(tmp_path, lib("return fetch(`${process.env.TAVUS_BASE}/${x}`, { method: 'POST', body: '{}' });"))
    assert one_unresolved(got) == ("lib/tavus.ts:2:10: a request to Tavus whose path is not known ({…}/{…}: TAVUS_BASE "
                                   "has no value in the code or a committed env template)", "runtime-value",
                                   "lib/tavus.ts:2:10")


def test_a_url_no_caller_decides_that_names_no_tavus_is_no_create(tmp_path: Path) -> None:
    got = run(tmp_path, lib("return fetch(x, { method: 'POST', body: '{}' });",
                            head="const k = process.env.TAVUS_API_KEY;\nexport async function tv(x: string) {\n"))
    assert (got.status, got.message) == NO_CREATE


def test_a_method_or_options_no_caller_decides(tmp_path: Path) -> None:
    got = run(tmp_path, lib(f"return fetch('{CREATE}', {{ method: x, body: '{{}}' }});"))
    assert one_unresolved(got) == (f"lib/tavus.ts:2:10: the method of the request to {CREATE} (method chosen at run "
                                   "time)", "runtime-value", "lib/tavus.ts:2:10")
    got = run(tmp_path, lib(f"return fetch('{CREATE}', x);"))
    assert one_unresolved(got)[0] == (f"lib/tavus.ts:2:10: the method of the request to {CREATE} (request options "
                                      "built at run time)")


# --- how the body is followed -----------------------------------------------------------------

def post_with(body: str, *before: str) -> dict[str, str]:
    """A route whose create request sends `body` as is (the request on line 2 + len(before))."""
    return raw_route(*before, f"return fetch('{CREATE}', {{ method: 'POST', body: {body} }});")


ONLY_DURATION = "the conversation is created without participant_left_timeout or participant_absent_timeout"


def test_the_body_through_variables_and_ternaries(tmp_path: Path) -> None:
    cases = [
        (post_with("JSON.stringify(b)", "const b = { properties: { max_call_duration: 1 } };"), 3),
        (post_with("b", "const b = JSON.stringify({ properties: { max_call_duration: 1 } });"), 3),
        (post_with("b", "let b = null;", "b = JSON.stringify({ properties: { max_call_duration: 1 } });"), 4),
        (post_with("b", "const a = JSON.stringify({ properties: { max_call_duration: 1 } });", "const b = a;"), 4),
        (post_with("b", "const b = true ? JSON.stringify({ properties: { max_call_duration: 1 } }) : undefined;"), 3),
        (post_with("{ properties: { max_call_duration: 1 } }"), 2),
    ]
    for files, line in cases:
        got = run(tmp_path, files)
        assert one_finding(got) == ("missing-limits", ROUTE, line, 10, ONLY_DURATION), files[ROUTE]


def test_a_body_the_walk_cannot_decide(tmp_path: Path) -> None:
    cases = [
        (post_with("b", "let b = JSON.stringify({});", "b = JSON.stringify({ a: 1 });"), "a body built at run time",
         "runtime-value"),
        (post_with("b", "const b = Math.random() > 1 ? JSON.stringify({}) : undefined;"), "a body chosen at run time",
         "runtime-value"),
        (post_with("a", "const a = b;", "const b = a;"), "a body built too indirectly", "indirect"),
    ]
    for files, why, kind in cases:
        got = run(tmp_path, files)
        line = files[ROUTE].count("\n") - 1
        assert one_unresolved(got) == (f"{ROUTE}:{line}:10: the request body ({why})", kind, f"{ROUTE}:{line}:10")


def test_a_chain_of_ten_names_is_followed_and_eleven_is_too_indirect(tmp_path: Path) -> None:
    def chain(n: int) -> dict[str, str]:
        names = [f"b{i}" for i in range(n)]
        lines = ["const b0 = JSON.stringify({ properties: { max_call_duration: 1 } });"]
        lines += [f"const {names[i]} = {names[i - 1]};" for i in range(1, n)]
        return post_with(names[-1], *lines)
    got = run(tmp_path, chain(9))  # nine names, then the stringify: ten steps
    assert one_finding(got)[4] == ONLY_DURATION
    got = run(tmp_path, chain(10))
    assert one_unresolved(got)[0] == f"{ROUTE}:12:10: the request body (a body built too indirectly)"


def test_an_empty_stringify_sends_no_limits(tmp_path: Path) -> None:
    got = run(tmp_path, post_with("JSON.stringify()"))
    assert one_finding(got) == ("missing-limits", ROUTE, 2, 10, f"the conversation is created without {ALL}")


def test_axios_data_is_the_body(tmp_path: Path) -> None:
    head = "import axios from 'axios';\n"
    got = run(tmp_path, {ROUTE: head + f"export async function POST() {{\n  return axios.post('{CREATE}', "
                                       "{ properties: { max_call_duration: 60 } });\n}\n"})
    assert one_finding(got) == ("missing-limits", ROUTE, 3, 10, ONLY_DURATION)
    assert got.findings[0].fix is None  # the fix writes fetch bodies only
    got = run(tmp_path, {ROUTE: head + f"export async function POST() {{\n  return axios.post('{CREATE}');\n}}\n"})
    assert one_finding(got) == ("missing-limits", ROUTE, 3, 10, f"the conversation is created without {ALL}")


# --- the fix ------------------------------------------------------------------------------------

def fixed_body(tmp_path: Path, files: dict[str, str], **options: Any) -> str | None:
    """The `JSON.stringify(…)` argument of the route's (first) create request after the fix, or None."""
    got = run(tmp_path, files, **options)
    text = fixed(tmp_path, got)
    if text is None:
        return None
    return text.split("JSON.stringify(", 1)[1].split(") }", 1)[0]


def test_the_fix_adds_properties_with_the_packs_values(tmp_path: Path) -> None:
    assert fixed_body(tmp_path, route("{ persona_id: 'p' }")) == \
        "{ persona_id: 'p', properties: { max_call_duration: 600, participant_left_timeout: 30 } }"
    assert fixed_body(tmp_path, route("{ properties: {} }")) == \
        "{ properties: { max_call_duration: 600, participant_left_timeout: 30 } }"


def test_the_fix_adds_only_what_is_missing(tmp_path: Path) -> None:
    assert fixed_body(tmp_path, route("{ properties: { max_call_duration: 5 } }")) == \
        "{ properties: { max_call_duration: 5, participant_left_timeout: 30 } }"
    assert fixed_body(tmp_path, route("{ properties: { participant_absent_timeout: 9 } }")) == \
        "{ properties: { participant_absent_timeout: 9, max_call_duration: 600 } }"
    assert fixed_body(tmp_path, route("{ persona_id: 'p' }"), **{"any-of-properties": []}) == \
        "{ persona_id: 'p', properties: { max_call_duration: 600 } }"
    assert fixed_body(tmp_path, route("{ persona_id: 'p' }"), **{"required-properties": []}) == \
        "{ persona_id: 'p', properties: { participant_left_timeout: 30 } }"


def test_the_fix_picks_the_first_any_of_property_it_has_a_value_for(tmp_path: Path) -> None:
    options = {"any-of-properties": ["x_timeout", "participant_absent_timeout", "participant_left_timeout"]}
    assert fixed_body(tmp_path, route("{ persona_id: 'p' }"), **options) == \
        "{ persona_id: 'p', properties: { max_call_duration: 600, participant_left_timeout: 30 } }"


def test_no_fix_without_a_value_for_every_missing_property(tmp_path: Path) -> None:
    assert fixed_body(tmp_path, route("{ persona_id: 'p' }"), **{"any-of-properties": ["participant_absent_timeout"]}) \
        is None
    assert fixed_body(tmp_path, route("{ persona_id: 'p' }"), **{"required-properties": ["max_call_duration", "zz"]}) \
        is None


def test_no_fix_where_the_properties_or_the_body_are_not_written_in_the_request(tmp_path: Path) -> None:
    assert fixed_body(tmp_path, route("{ properties: P }", before="const P = { max_call_duration: 5 };\n")) is None
    assert fixed_body(tmp_path, route("{ properties: 5 }")) is None
    assert fixed_body(tmp_path, route("b", before="const b = { persona_id: 'p' };\n")) is None


def test_the_fix_edits_the_request_the_finding_is_about(tmp_path: Path) -> None:
    files = raw_route(f"await fetch('{CREATE}', {{ method: 'POST', body: JSON.stringify({LIMITS}) }});",
                      f"return fetch('{CREATE}', {{ method: 'POST', body: JSON.stringify({{ a: 1 }}) }});")
    got = run(tmp_path, files)
    text = fixed(tmp_path, got)
    assert text == files[ROUTE].replace("{ a: 1 }", "{ a: 1, properties: { max_call_duration: 600, "
                                                    "participant_left_timeout: 30 } }")


def test_an_unknown_url_named_for_tavus_may_be_the_endpoint(tmp_path: Path) -> None:
    got = run(tmp_path, env_route("p.TAVUS_URL", base="1"))
    assert one_unresolved(got) == (f"{ROUTE}:5:10: a request to Tavus whose path is not known (data the client sends "
                                   "(req.json()): POST() is called by the framework: its arguments are the request)",
                                   "client-input", f"{ROUTE}:5:10")
    got = run(tmp_path, env_route("p.API_URL", base="1"))
    assert (got.status, got.message) == NO_CREATE
    got = run(tmp_path, env_route("`${base}/conversations`", base="process.env.myTavusBase!"))
    assert one_unresolved(got)[0] == (f"{ROUTE}:5:10: a request to Tavus whose path is not known ({{…}}/conversations: "
                                      "myTavusBase has no value in the code or a committed env template)")


def test_the_endpoint_option_is_read_without_its_trailing_slash(tmp_path: Path) -> None:
    for url in (f"'{CREATE}'", "`${base}/v2/conversations`"):
        got = run(tmp_path, env_route(url), **{"create-endpoint": CREATE + "/"})
        assert one_finding(got)[:3] == ("missing-limits", ROUTE, 5), url
    got = run(tmp_path, env_route("`${base}/v3/conversations`"), **{"create-endpoint": "https://tavusapi.com/v3/conversations"})
    assert one_finding(got)[:3] == ("missing-limits", ROUTE, 5)
    got = run(tmp_path, env_route(f"'{CREATE}'"), **{"create-endpoint": "https://tavusapi.com/v3/conversations"})
    assert (got.status, got.message) == NO_CREATE


def test_no_fix_for_shorthand_properties_or_a_request_without_a_body(tmp_path: Path) -> None:
    assert fixed_body(tmp_path, route("{ properties }", before="const properties = { max_call_duration: 5 };\n")) is None
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST' }});"))
    assert one_finding(got)[:3] == ("missing-limits", ROUTE, 2) and got.findings[0].fix is None


def test_a_create_made_through_a_helper_is_fixed_nowhere(tmp_path: Path) -> None:
    # The finding is at the caller; the request is in the helper, written for every caller.
    lib = ("export async function createConversation(body: object) {\n"
           f"  return fetch('{CREATE}', {{ method: 'POST', body: JSON.stringify(body) }});\n}}\n")
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: "import { createConversation } from '../../../lib/tavus';\n"
                                                     "export const POST = () => createConversation({ a: 1 });\n"})
    assert one_finding(got)[:3] == ("missing-limits", ROUTE, 2) and got.findings[0].fix is None


BASE = "const BASE = 'https://tavusapi.com/v2';\n"


def through_helper(helper: str, call: str) -> dict[str, str]:
    """lib/tavus.ts exporting `helper`, called as `call` by the route's POST (line 3)."""
    return {"lib/tavus.ts": "import axios from 'axios';\n" + BASE + helper,
            ROUTE: f"import {{ tv }} from '../../../lib/tavus';\nexport async function POST() {{\n  return {call};\n}}\n"}


def test_a_body_read_along_a_call_path_is_read_in_the_callers_scope(tmp_path: Path) -> None:
    # The path is a parameter, so the request is read at each call: its body too, with the arguments.
    one = "{ properties: { max_call_duration: 1 } }"
    cases = [
        ("export function tv(path: string, data: any) {\n  return axios.post(`${BASE}${path}`, data);\n}\n",
         f"tv('/conversations', {one})"),
        ("export function tv(path: string, init: any) {\n  const body = init.json === undefined ? undefined : "
         "JSON.stringify(init.json);\n  return fetch(`${BASE}${path}`, { method: 'POST', body });\n}\n",
         f"tv('/conversations', {{ json: {one} }})"),
        ("export function tv(path: string, init: any) {\n  return fetch(`${BASE}${path}`, { method: 'POST', "
         "body: init.payload });\n}\n", f"tv('/conversations', {{ payload: {one} }})"),
        ("export function tv(data: any) {\n  return axios.post(`${BASE}/conversations`, data);\n}\n", f"tv({one})"),
    ]
    for helper, call in cases:
        got = run(tmp_path, through_helper(helper, call))
        assert one_finding(got) == ("missing-limits", ROUTE, 3, 10, ONLY_DURATION), helper


def test_more_bodies_the_walk_reads(tmp_path: Path) -> None:
    one = "{ properties: { max_call_duration: 1 } }"
    cases = [  # (files, line of the finding)
        (raw_route(f"const body = JSON.stringify({one});", f"return fetch('{CREATE}', {{ method: 'POST', body }});"), 3),
        (raw_route("const j = await req.json();",
                   f"return fetch('{CREATE}', {{ ...j.o, method: 'POST', body: JSON.stringify({one}) }});"), 3),
        (through_helper("export function tv(path: string, b: any) {\n  return fetch(`${BASE}${path}`, { method: 'POST', "
                        "body: b });\n}\n", f"tv('/conversations', {one})"), 3),
    ]
    for files, line in cases:
        got = run(tmp_path, files)
        assert one_finding(got) == ("missing-limits", ROUTE, line, 10, ONLY_DURATION), files


def test_a_method_as_the_body_is_not_an_object(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST', body() {{ return 1; }} }});"))
    assert one_unresolved(got) == (f"{ROUTE}:2:10: the request body (not an object)", "unmodelled", f"{ROUTE}:2:10")


def test_a_syntax_error_elsewhere_in_the_file_does_not_stop_the_fix(tmp_path: Path) -> None:
    files = route("{ a: 1 }")
    files[ROUTE] += "const broken = (;\n"
    assert fixed_body(tmp_path, files) == "{ a: 1, properties: { max_call_duration: 600, participant_left_timeout: 30 } }"


def test_a_url_chosen_at_run_time_is_read_in_each_callers_scope(tmp_path: Path) -> None:
    # Not decidable in the helper (a conditional on its parameter), decided at the call: a create.
    helper = ("export async function tv(path: string, full: boolean) {\n  const url = full ? path : BASE + path;\n"
              "  return fetch(url, { method: 'POST', body: JSON.stringify({ a: 1 }) });\n}\n")
    got = run(tmp_path, through_helper(helper, "tv('/conversations', false)"))
    assert one_finding(got) == ("missing-limits", ROUTE, 3, 10, f"the conversation is created without {ALL}")
    got = run(tmp_path, through_helper(helper, "tv('/personas', false)"))
    assert (got.status, got.message) == NO_CREATE


def test_a_whole_url_from_the_environment(tmp_path: Path) -> None:
    # `fetch(process.env.TAVUS_URL, …)` is `${process.env.TAVUS_URL}`: the template's value, else unknown.
    files = raw_route("return fetch(process.env.TAVUS_URL!, { method: 'POST', body: JSON.stringify({ a: 1 }) });")
    got = run(tmp_path, files)
    assert one_unresolved(got) == (f"{ROUTE}:2:10: a request to Tavus whose path is not known ({{…}}: TAVUS_URL has no "
                                   "value in the code or a committed env template)", "runtime-value", f"{ROUTE}:2:10")
    got = run(tmp_path, files | {".env.example": f"TAVUS_URL={CREATE}\n"})
    assert one_finding(got) == ("missing-limits", ROUTE, 2, 10, f"the conversation is created without {ALL}")
    got = run(tmp_path, files | {".env.example": "TAVUS_URL=https://tavusapi.com/v2/personas\n"})
    assert (got.status, got.message) == NO_CREATE
    got = run(tmp_path, raw_route("const k = process.env.TAVUS_API_KEY;",
                                  "return fetch(process.env.API_URL!, { method: 'POST', body: '{}' });"))
    assert (got.status, got.message) == NO_CREATE


def test_a_generic_helper_given_a_tavus_url_with_an_unknown_part(tmp_path: Path) -> None:
    # Read through the helper (no caller search): the entry says what is unknown and nothing more.
    got = run(tmp_path, generic("post(`https://tavusapi.com/v2/${x}`, {})", params="req: Request",
                                pre="const { x } = await req.json();"))
    assert one_unresolved(got) == (f"{ROUTE}:4:10: a request to Tavus whose path is not known (https://tavusapi.com/v2/"
                                   "{…}) (through lib/http.ts:1:53)", "runtime-value", f"{ROUTE}:4:10")
    got = run(tmp_path, generic("post(TAVUS_URL, {})", params="req: Request",
                                pre="const { TAVUS_URL } = await req.json();"))
    assert one_unresolved(got) == (f"{ROUTE}:4:10: a request to Tavus whose path is not known (data the client sends "
                                   "(req.json())) (through lib/http.ts:1:53)", "client-input", f"{ROUTE}:4:10")


def test_every_variable_that_fills_the_url_is_named(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const k = process.env.TAVUS_API_KEY;", "return fetch(`${process.env.TAVUS_A}/"
                                  "${process.env.TAVUS_B}`, { method: 'POST', body: '{}' });"))
    assert one_unresolved(got)[0] == (f"{ROUTE}:3:10: a request to Tavus whose path is not known ({{…}}/{{…}}: TAVUS_A, "
                                      "TAVUS_B has no value in the code or a committed env template)")


def test_a_method_a_caller_passes(tmp_path: Path) -> None:
    lib = f"export async function tv(m: string) {{\n  return fetch('{CREATE}', {{ method: m, body: '{{}}' }});\n}}\n"
    call = "import { tv } from '../../../lib/tavus';\nexport const POST = () => tv('{m}');\n"
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: call.replace("{m}", "POST")})
    assert one_unresolved(got) == (f"{ROUTE}:2:27: the request body (not an object) (through lib/tavus.ts:2:10)",
                                   "unmodelled", f"{ROUTE}:2:27")
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: call.replace("{m}", "GET")})
    assert (got.status, got.message) == NO_CREATE


def test_each_unresolved_entry_has_the_kind_of_what_is_unknown(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route("const j = await req.json();",
                                  f"return fetch('{CREATE}', {{ ...j.o, body: JSON.stringify({{}}) }});"))
    assert one_unresolved(got) == (f"{ROUTE}:3:10: the method of the request to {CREATE} (method from an unknown "
                                   "spread)", "open-object", f"{ROUTE}:3:10")
    # The URL's own kind (a call's result), not where the caller search stopped (the framework's request).
    got = run(tmp_path, raw_route("const k = process.env.TAVUS_API_KEY;", "const cfg = await getConfig();",
                                  "return fetch(cfg.TAVUS_URL, { method: 'POST', body: '{}' });"))
    assert one_unresolved(got) == (f"{ROUTE}:4:10: a request to Tavus whose path is not known (the result of "
                                   "getConfig(): POST() is called by the framework: its arguments are the request)",
                                   "call-result", f"{ROUTE}:4:10")


def test_missing_limits_a_spread_of_something_unknown_may_bring(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(f"return fetch('{CREATE}', {{ method: 'POST', "
                                  "body: JSON.stringify({ properties: { ...someGlobal } }) });"))
    assert one_unresolved(got) == (f"{ROUTE}:2:10: {ALL} may come from a spread of unknown properties", "open-object",
                                   f"{ROUTE}:2:10")


def test_a_create_is_counted_whatever_requests_follow_it(tmp_path: Path) -> None:
    got = run(tmp_path, raw_route(f"await fetch('{CREATE}', {{ method: 'POST', body: '{{}}' }});",
                                  "return fetch('https://tavusapi.com/v2/personas');"))
    assert one_unresolved(got)[0] == f"{ROUTE}:2:9: the request body (not an object)"


def test_a_url_that_is_not_text_is_no_create(tmp_path: Path) -> None:
    for before, url in (("const cfg = await getConfig();", "cfg.url"), ("", "window.foo")):
        got = run(tmp_path, raw_route("const k = process.env.TAVUS_API_KEY;", before,
                                      f"return fetch({url}, {{ method: 'POST', body: '{{}}' }});"))
        assert (got.status, got.message) == NO_CREATE, url


def test_a_create_settled_in_its_helper_is_judged_there(tmp_path: Path) -> None:
    # `${process.env.B}/v2/conversations` is the endpoint whatever B is: no caller is asked.
    lib = ("const k = process.env.TAVUS_API_KEY;\nexport async function tv() {\n"
           "  return fetch(`${process.env.B}/v2/conversations`, { method: 'POST', body: JSON.stringify({ a: 1 }) });\n}\n")
    got = run(tmp_path, {"lib/tavus.ts": lib, ROUTE: "import { tv } from '../../../lib/tavus';\n"
                                                     "export const POST = () => tv();\n"})
    assert one_finding(got) == ("missing-limits", "lib/tavus.ts", 3, 10, f"the conversation is created without {ALL}")


def test_odd_endpoint_options_are_split_into_host_and_path(tmp_path: Path) -> None:
    post = "return fetch({url}, {{ method: 'POST', body: '{{}}' }});"
    cases = [  # (endpoint option, the request's URL, judged as a create?)
        ("https://tavusapi.com/v2/boX/", "'https://tavusapi.com/v2/boX'", True),
        ("tavusapi.com/v2/conversations", "`${process.env.B}/v2/conversations`", True),
        ("https://tavusapi.com", "'https://tavusapi.com'", True),
        ("https://proxy.example/https://tavusapi.com/v2/conversations", "`${process.env.B}/v2/conversations`", False),
    ]
    for endpoint, url, create in cases:
        got = run(tmp_path, raw_route("const k = process.env.TAVUS_API_KEY;", post.format(url=url)),
                  **{"create-endpoint": endpoint})
        if create:
            assert one_unresolved(got)[0] == f"{ROUTE}:3:10: the request body (not an object)", endpoint
        else:
            assert (got.status, got.message) == NO_CREATE, endpoint
