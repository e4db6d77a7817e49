"""TAV002's fix recipes for a TS/JS end route (rules/_end_route_fixes.py), pinned byte for byte:
the 400 guard (safe), the key header, the key from the environment and the end call (unsafe),
and the shapes where no fix may be offered.

Each case runs the rule in process and applies the attached fix's edits (tests/fix_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fix_support import applied, findings
from helpers import write
from sop_check.fixes import Applicability

PKG = '{"dependencies": {"next": "15.0.0"}}'
ROUTE = "app/api/tavus/end/route.ts"
KEY = "process.env.TAVUS_API_KEY || ''"
GUARD = "  if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });\n"
URL = "`https://tavusapi.com/v2/conversations/${conversation_id}/end`"


def route(call: str, head: str = "import { NextResponse } from 'next/server';\n",
          read: str = "  const { conversation_id } = await request.json();\n", guard: str = GUARD) -> str:
    return (head + "export async function POST(request: Request) {\n" + read + guard +
            f"  const r = await {call};\n  return Response.json({{ ok: r.ok }});\n}}\n")


CALL = f"fetch({URL}, {{ method: 'POST', headers: {{ 'x-api-key': {KEY} }} }})"


def fix_for(tmp_path: Path, source: str, kind: str, path: str = ROUTE) -> tuple[Applicability | None, str | None]:
    """(the fix's applicability, the route's text after it) for the one `kind` finding; (None, None): no fix."""
    root = write(tmp_path, {"package.json": PKG, path: source})
    [finding] = findings(root, "TAV002", kind)
    if finding.fix is None:
        return None, None
    return finding.fix.applicability, applied(root, finding.fix)[path]


def test_the_sops_route_has_nothing_to_fix(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, ROUTE: route(CALL)})
    assert findings(tmp_path, "TAV002") == []


# -- no-400 (safe) ---------------------------------------------------------------------------------
@pytest.mark.parametrize("head, read, guard", [
    ("import { NextResponse } from 'next/server';\n", "  const { conversation_id } = await request.json();\n", GUARD),
    ("", "  const { other, conversationId } = await request.json();\n",
     "  if (!conversationId) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"),
    # a name bound in a nested function is not the handler's: the guard follows the handler's own
    ("", "  const pick = (b: any) => { const id = b.x; return id; };\n  const id = pick(await request.json());\n",
     "  if (!id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"),
    # assigned twice: the guard follows the last assignment
    ("", "  let id;\n  const body = await request.json();\n  id = body.x;\n  id = body.conversation_id;\n",
     "  if (!id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"),
], ids=["next-response", "response-and-camel-case", "nested-function-skipped", "last-assignment"])
def test_the_guard_follows_where_the_id_gets_its_value_and_answers_with_the_modules_response(
        head: str, read: str, guard: str, tmp_path: Path) -> None:
    call = CALL.replace("conversation_id}", "conversationId}") if "conversationId" in read else \
        CALL.replace("conversation_id}", "id}") if "  const { conversation_id }" not in read else CALL
    applicability, text = fix_for(tmp_path, route(call, head, read, guard=""), "no-400")
    assert applicability is Applicability.SAFE
    assert text == route(call, head, read, guard)


def test_a_pages_handler_answers_through_its_second_parameter(tmp_path: Path) -> None:
    source = ("export default async function handler(req, res) {\n  const { id } = req.body;\n"
              f"  await fetch(`https://tavusapi.com/v2/conversations/${{id}}/end`, {{ method: 'POST', headers: "
              f"{{ 'x-api-key': {KEY} }} }});\n  res.status(200).end();\n}}\n")
    _, text = fix_for(tmp_path, source, "no-400", "pages/api/tavus/end.ts")
    assert text == source.replace("  const { id } = req.body;\n", "  const { id } = req.body;\n"
                                  "  if (!id) return res.status(400).json({ error: 'Missing ID' });\n")


def test_a_pages_handler_without_a_response_parameter_gets_no_guard(tmp_path: Path) -> None:
    source = ("export default async function handler({ body }) {\n  const { id } = body;\n"
              f"  await fetch(`https://tavusapi.com/v2/conversations/${{id}}/end`, {{ method: 'POST', headers: "
              f"{{ 'x-api-key': {KEY} }} }});\n}}\n")
    assert fix_for(tmp_path, source, "no-400", "pages/api/tavus/end.ts") == (None, None)


# -- bearer-auth -> the key header (unsafe) ------------------------------------------------------------
BEARER = f"fetch({URL}, {{ method: 'POST', headers: {{ AUTH: `Bearer ${{process.env.TAVUS_API_KEY}}` }} }})"


@pytest.mark.parametrize("auth", ["Authorization", "'authorization'"])
def test_the_bearer_header_becomes_the_key_header_in_the_files_quotes(auth: str, tmp_path: Path) -> None:
    source = route(BEARER.replace("AUTH", auth))
    applicability, text = fix_for(tmp_path, source, "bearer-auth")
    assert applicability is Applicability.UNSAFE
    assert text == route(CALL)
    double = source.replace("'", '"')
    assert fix_for(tmp_path / "double", double, "bearer-auth")[1] == route(CALL).replace("'", '"')


@pytest.mark.parametrize("call", [
    # the headers in a variable: not the call's own literal
    f"fetch({URL}, {{ method: 'POST', headers: h }})",
    # a shorthand `{ Authorization }`: the variable is what to change
    f"fetch({URL}, {{ method: 'POST', headers: {{ Authorization }} }})",
], ids=["headers-variable", "shorthand"])
def test_no_key_header_fix_where_the_header_is_not_written_in_the_call(call: str, tmp_path: Path) -> None:
    decl = "  const Authorization = `Bearer ${process.env.TAVUS_API_KEY}`;\n" \
           "  const h = { Authorization: `Bearer ${process.env.TAVUS_API_KEY}` };\n"
    source = route(call, read="  const { conversation_id } = await request.json();\n" + decl)
    assert fix_for(tmp_path, source, "bearer-auth") == (None, None)


# -- hardcoded-key / key-wrong-env -> process.env.TAVUS_API_KEY (unsafe) ------------------------------
@pytest.mark.parametrize("value, kind", [
    ("'sk_0123456789abcdef0123'", "hardcoded-key"),
    ("`sk_0123456789abcdef0123`", "hardcoded-key"),
    ("process.env.OTHER_KEY", "key-wrong-env"),
    ("process.env.OTHER_KEY || ''", "key-wrong-env"),
])
def test_the_key_value_is_read_from_the_packs_variable(value: str, kind: str, tmp_path: Path) -> None:
    source = route(CALL.replace("'x-api-key': " + KEY, "'X-API-Key': " + value))
    applicability, text = fix_for(tmp_path, source, kind)
    assert applicability is Applicability.UNSAFE
    assert text == route(CALL.replace("'x-api-key'", "'X-API-Key'"))


def test_a_hard_coded_key_in_a_constant_gets_no_fix_that_would_only_hide_it(tmp_path: Path) -> None:
    source = route(CALL.replace(KEY, "KEY"), head="const KEY = 'sk_0123456789abcdef0123';\n")
    assert fix_for(tmp_path, source, "hardcoded-key") == (None, None)


# -- wrong-endpoint / wrong-method -> POST .../{id}/end (unsafe) -------------------------------------
@pytest.mark.parametrize("call, written", [
    (CALL.replace("/end`", "`").replace("'POST'", "'DELETE'"), CALL),
    (CALL.replace("/end`", "/`").replace("'POST'", "'DELETE'"), CALL.replace("/end`", "/end`")),
    (CALL.replace("/end`", "`").replace("'POST'", "'post'"), CALL.replace("'POST'", "'post'")),
    (CALL.replace("method: 'POST', ", ""), CALL.replace("method: 'POST', ", "").replace(" } })", " }, method: 'POST' })")),
    (f"fetch({URL})", f"fetch({URL}, {{ method: 'POST' }})"),
    (f"fetch({URL}, opts)", f"fetch({URL}, {{ ...opts, method: 'POST' }})"),
    ("fetch('https://tavusapi.com/v2/conversations/' + conversation_id + '', { method: 'GET', headers: "
     f"{{ 'x-api-key': {KEY} }} }})", None),
], ids=["delete-no-end", "trailing-slash", "lowercase-post-kept", "no-method", "no-options", "options-variable",
        "concatenation"])
def test_the_end_call_is_a_post_to_the_end_url(call: str, written: str | None, tmp_path: Path) -> None:
    opts = "  const opts = { headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } };\n"
    read = "  const { conversation_id } = await request.json();\n" + (opts if "opts" in call else "")
    source = route(call, read=read)
    kinds = [f.kind for f in findings(write(tmp_path, {"package.json": PKG, ROUTE: source}), "TAV002")]
    kind = "wrong-endpoint" if "wrong-endpoint" in kinds else "wrong-method"
    applicability, text = fix_for(tmp_path, source, kind)
    if written is None:
        assert text is None
        return
    assert applicability is Applicability.UNSAFE
    assert text == route(written, read=read)
