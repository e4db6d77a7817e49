"""TAV002 on a TypeScript end route, by reason: what the upstream request's options, headers and
method say, and what cannot be read (each unresolved entry names the value, its kind and place).
Found by mutation testing of rules/tav002_end_route_terminates.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import verdicts, write
from sop_check.model import RuleResult, Status

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
ROUTE = "app/api/tavus/end/route.ts"
URL = "`https://tavusapi.com/v2/conversations/${conversation_id}/end`"
OPTIONS = "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } }"


def _route(fetch: str, before: str = "") -> str:
    return (before +
            "export async function POST(request: Request) {\n"
            "  const { conversation_id } = await request.json();\n"
            "  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
            f"  const r = await {fetch};\n"
            "  return Response.json({ success: r.ok });\n"
            "}\n")


def _tav002(tmp_path: Path, fetch: str, before: str = "") -> RuleResult:
    write(tmp_path, {"package.json": PKG, ROUTE: _route(fetch, before)})
    return verdicts(tmp_path, "TAV002")["TAV002"]


def test_the_sop_request_passes_with_its_evidence(tmp_path: Path) -> None:
    got = _tav002(tmp_path, f"fetch({URL}, {OPTIONS})")
    assert got.status is Status.PASS
    assert [(e.message, e.location.line) for e in got.evidence if e.location] == [
        ("end request to https://tavusapi.com/v2/conversations/{…}/end", 4),
        ("x-api-key from the environment (TAVUS_API_KEY)", 4),
        ("400 answer when the id is missing", 3)]


@pytest.mark.parametrize("fetch, kinds", [
    (f"fetch({URL})", ["no-api-key", "wrong-method"]),  # no options: a GET without the key
    (f"fetch({URL}, {{ method: 'POST', headers: 'x-api-key' }})", ["no-api-key"]),  # headers that are no object
    (f"fetch({URL}, {{ method: 'POST', headers: {{ 'content-type': 'application/json' }} }})", ["no-api-key"]),
    (f"fetch({URL}, {{ method: 'POST', headers: {{ Authorization: `Bearer ${{process.env.TAVUS_API_KEY}}` }} }})",
     ["bearer-auth"]),
])
def test_an_end_request_without_the_key_fails_at_the_request(tmp_path: Path, fetch: str, kinds: list[str]) -> None:
    got = _tav002(tmp_path, fetch)
    assert sorted((f.kind, f.location.path, f.location.line) for f in got.findings) == \
        [(k, ROUTE, 4) for k in kinds]
    key = next(f for f in got.findings if f.kind != "wrong-method")
    assert key.data == {"header": "x-api-key", "env": "TAVUS_API_KEY"}


@pytest.mark.parametrize("fetch, before, says, kind", [
    (f"fetch({URL}, requestOptions())", "", "request options (the result of requestOptions())", "call-result"),
    (f"fetch({URL}, {{ method: 'POST', headers: makeHeaders() }})", "",
     "request headers (the result of makeHeaders())", "call-result"),
    (f"fetch({URL}, {{ method: 'POST', headers: {{ ...extra, 'content-type': 'x' }} }})",
     "declare const extra: Record<string, string>;\n", "headers come partly from an unknown spread", "open-object"),
    (f"fetch(endpoint(), {OPTIONS})", "", "request URL (the result of endpoint())", "call-result"),
])
def test_an_end_request_that_cannot_be_read_is_unknown_naming_the_value(tmp_path: Path, fetch: str, before: str,
                                                                       says: str, kind: str) -> None:
    got = _tav002(tmp_path, fetch, before)
    line = 4 + before.count("\n")
    assert got.status is Status.UNKNOWN and not got.findings, [(f.kind, f.message) for f in got.findings]
    entries = {u.split(": ", 1)[1]: u for u in got.unresolved}  # after `path:line:col: `
    assert says in entries, got.unresolved
    entry = entries[says]
    assert entry.kind == kind
    assert entry.location is not None and (entry.location.path, entry.location.line) == (ROUTE, line)
    assert entry.startswith(f"{ROUTE}:{line}:")


def test_an_end_request_whose_method_cannot_be_read_is_unknown(tmp_path: Path) -> None:
    fetch = f"fetch({URL}, {{ method: verb(), headers: {{ 'x-api-key': process.env.TAVUS_API_KEY || '' }} }})"
    got = _tav002(tmp_path, fetch)
    assert got.status is Status.UNKNOWN and not got.findings
    [entry] = got.unresolved
    assert entry == f"{ROUTE}:4:19: method chosen at run time" and entry.kind == "runtime-value"
    assert entry.location is not None and entry.location.line == 4


def test_a_request_to_another_service_is_not_taken_for_a_wrong_tavus_call(tmp_path: Path) -> None:
    got = _tav002(tmp_path, "fetch('https://api.example.com/log', { method: 'POST' })")
    assert [(f.kind, f.location.line) for f in got.findings] == [("never-calls-end", 1)]  # at the handler


@pytest.mark.parametrize("key, says, kind", [
    ("getKey()", "the x-api-key value (the result of getKey())", "call-result"),
    ("`k-${conversation_id}`", "the x-api-key value (a value built at run time)", "runtime-value"),
])
def test_a_key_value_that_cannot_be_read_is_unknown(tmp_path: Path, key: str, says: str, kind: str) -> None:
    got = _tav002(tmp_path, f"fetch({URL}, {{ method: 'POST', headers: {{ 'x-api-key': {key} }} }})")
    assert got.status is Status.UNKNOWN and not got.findings
    [entry] = got.unresolved
    assert entry == f"{ROUTE}:4:19: {says}" and entry.kind == kind
    assert entry.location is not None and entry.location.line == 4


def test_a_key_from_another_variable_names_it(tmp_path: Path) -> None:
    got = _tav002(tmp_path, f"fetch({URL}, {{ method: 'POST', headers: {{ 'x-api-key': process.env.OTHER_KEY }} }})")
    [finding] = got.findings
    assert finding.kind == "key-wrong-env" and finding.location.line == 4
    assert finding.data == {"name": "OTHER_KEY", "header": "x-api-key", "env": "TAVUS_API_KEY"}


def test_a_wrong_tavus_request_whose_method_is_unknown_is_named_without_one(tmp_path: Path) -> None:
    got = _tav002(tmp_path, "fetch('https://tavusapi.com/v2/conversations/' + conversation_id, { method: verb() })")
    [finding] = got.findings
    assert finding.kind == "wrong-endpoint"
    assert finding.data == {"request": "https://tavusapi.com/v2/conversations/{…}",
                            "endpoint": "https://tavusapi.com/v2/conversations/{id}/end"}


def test_a_route_module_with_a_syntax_error_is_no_evidence(tmp_path: Path) -> None:
    got = _tav002(tmp_path, f"fetch({URL}, {OPTIONS})", before="const broken = (;\n")
    assert got.status is Status.UNKNOWN and not got.findings
    [entry] = got.unresolved
    assert entry == f"{ROUTE} has a syntax error; code there is not evidence" and entry.kind == "syntax-error"
    assert entry.location is not None and (entry.location.path, entry.location.line) == (ROUTE, 2)  # the handler
