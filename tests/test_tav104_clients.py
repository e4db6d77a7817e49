"""TAV104 finds conversation creation through the app's own API client and never says `skip` while a
request to tavusapi.com with an undecided path exists (issue 13, corpus cause S1/S2)."""

from __future__ import annotations

from pathlib import Path

from helpers import verdicts, write

PKG = '{"dependencies": {"next": "15"}}'
LIMITS = "properties: { max_call_duration: 600, participant_left_timeout: 30 }"


def _tav104(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    write(tmp_path, {"package.json": PKG, **files})
    return verdicts(tmp_path, "TAV104")["TAV104"]


def test_a_generic_helper_in_a_module_that_never_names_tavus_is_read_with_the_callers_url(tmp_path: Path) -> None:
    http = "export const post = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) });\n"
    route = ("import { post } from '../../lib/http';\nexport async function POST() {\n"
             "  return post('https://tavusapi.com/v2/conversations', { persona_id: 'p' });\n}\n")
    result = _tav104(tmp_path, {"lib/http.ts": http, "app/session/route.ts": route})
    assert result.status.value == "fail", (result.message, result.unresolved)
    assert [(f.kind, f.location.path, f.location.line) for f in result.findings] == \
        [("missing-limits", "app/session/route.ts", 3)]
    write(tmp_path, {"app/session/route.ts": route.replace("{ persona_id: 'p' }", "{ persona_id: 'p', " + LIMITS + " }")})
    assert verdicts(tmp_path, "TAV104")["TAV104"].status.value == "pass"


def test_a_tavus_request_whose_path_no_caller_decides_is_unknown_never_skip(tmp_path: Path) -> None:
    lib = ("const BASE = 'https://tavusapi.com/v2';\n"
           "export function tavus(path: string, body: unknown) {\n"
           "  return fetch(`${BASE}${path}`, { method: 'POST', body: JSON.stringify(body) });\n}\n")
    route = ("import { tavus } from '../../lib/tavus';\nexport async function POST(request: Request) {\n"
             "  const { path } = await request.json();\n  return tavus(path, {});\n}\n")
    result = _tav104(tmp_path, {"lib/tavus.ts": lib, "app/r/route.ts": route})
    assert result.status.value == "unknown"
    assert result.unresolved == ["app/r/route.ts:4:10: a request to Tavus whose path is not known "
                                 "(https://tavusapi.com/v2{…}: POST() is called by the framework: its arguments are "
                                 "the request) (through lib/tavus.ts:3:10)"]
    # once the callers say which path, the verdict is decided; a path that is not the create endpoint is no create
    (tmp_path / "app" / "r" / "route.ts").unlink()
    write(tmp_path, {"app/x/route.ts": "import { tavus } from '../../lib/tavus';\n"
                                       "export const POST = () => tavus('/conversations/abc/end', {});\n"})
    assert verdicts(tmp_path, "TAV104")["TAV104"].status.value == "skip"
    write(tmp_path, {"app/y/route.ts": "import { tavus } from '../../lib/tavus';\n"
                                       f"export const POST = () => tavus('/conversations', {{ {LIMITS} }});\n"})
    assert verdicts(tmp_path, "TAV104")["TAV104"].status.value == "pass"


def test_a_create_helper_called_with_a_body_built_from_client_data_is_unknown(tmp_path: Path) -> None:
    lib = ("export async function createConversation(body: object) {\n"
           "  return fetch('https://tavusapi.com/v2/conversations', { method: 'POST', body: JSON.stringify(body) });\n}\n")
    route = ("import { createConversation } from '../../lib/tavus';\nexport async function POST(request: Request) {\n"
             "  const input = await request.json();\n  return createConversation({ ...input, " + LIMITS + " });\n}\n")
    result = _tav104(tmp_path, {"lib/tavus.ts": lib, "app/c/route.ts": route})
    assert result.status.value == "pass", (result.message, result.unresolved)  # limits written after the spread
    write(tmp_path, {"app/c/route.ts": route.replace("{ ...input, " + LIMITS + " }", "{ " + LIMITS + ", ...input }")})
    late = verdicts(tmp_path, "TAV104")["TAV104"]
    assert late.status.value == "unknown" and "data the client sends (request.json())" in late.unresolved[0]
