"""Fix recipes on the shapes the fixtures do not cover: other routers and languages, the file's own
style (quotes, semicolons, indentation, line endings), inline handlers, existing cleanups. Each
case runs `check --fix` for real and then checks the rule on what was written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import copy_fixture, write
from sop_check_rules._examples import PAGE, PKG, UNLOAD_AVATAR
from sop_check.cli import main


def run(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--preview", *args],
                                env={"CI": ""}, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {r["rule"]: r["status"] for a in report["apps"] for r in a["results"]}


def applied(report: dict[str, Any]) -> list[str]:
    return [f"{o['rule']} {o['kind']}" for o in report["fixes"] or [] if o["status"] == "applied"]


def fixed(root: Path, *flags: str, select: str) -> tuple[dict[str, Any], dict[str, str]]:
    """`--fix` then a fresh check of what was written: (the fix run's report, statuses after)."""
    _, report = run(root, "--fix", "--select", select, *flags)
    _, after = run(root, "--select", select)
    return report, statuses(after)


# -- TAV001: the created route -------------------------------------------------------------------
PAGES_CLIENT = ("'use client';\nexport default function P() {\n  return <button onClick={() => "
                "fetch('/api/tavus/end', { method: 'POST' })}>End</button>;\n}\n")


@pytest.mark.parametrize("files, created", [
    ({"package.json": PKG, "app/page.tsx": PAGE, "components/Avatar.tsx": UNLOAD_AVATAR},
     "app/api/tavus/end/route.ts"),
    ({"package.json": PKG, "src/app/page.tsx": PAGE.replace("../", "../../"), "components/Avatar.tsx": UNLOAD_AVATAR},
     "src/app/api/tavus/end/route.ts"),
    ({"package.json": PKG, "pages/index.tsx": PAGES_CLIENT, "lib/tavus.ts": "export const T = 'tavus';\n"},
     "pages/api/tavus/end.ts"),
    ({"package.json": PKG, "pages/index.jsx": PAGES_CLIENT, "lib/tavus.js": "export const T = 'tavus';\n"},
     "pages/api/tavus/end.js"),
    ({"package.json": PKG, "app/page.jsx": PAGE, "components/Avatar.jsx": UNLOAD_AVATAR.replace(
        "{ conversation }: { conversation: { conversation_id: string } }", "{ conversation }")},
     "app/api/tavus/end/route.js"),
    ({"package.json": PKG, "next.config.js": "module.exports = { pageExtensions: ['page.tsx', 'api.ts'] };\n",
      "app/page.page.tsx": PAGE, "components/Avatar.tsx": UNLOAD_AVATAR}, "app/api/tavus/end/route.api.ts"),
], ids=["app-ts", "src-app", "pages-ts", "pages-js", "app-js", "page-extensions"])
def test_the_end_route_is_created_for_the_apps_router_language_and_layout(files: dict[str, str], created: str,
                                                                            tmp_path: Path) -> None:
    write(tmp_path, files)
    report, after = fixed(tmp_path, select="TAV001,TAV002")
    assert "TAV001 missing-route" in applied(report)
    assert (tmp_path / created).is_file()
    assert after == {"TAV001": "pass", "TAV002": "pass"}
    text = (tmp_path / created).read_text()
    assert ("Request" in text or "NextApiRequest" in text) == created.endswith(".ts")


def test_the_created_route_follows_the_apps_quotes_semicolons_and_indentation(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("'", '"').replace(";\n", "\n").replace("  ", "    ")
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "components/Avatar.tsx": avatar})
    fixed(tmp_path, select="TAV001")
    text = (tmp_path / "app/api/tavus/end/route.ts").read_text()
    assert "import { NextResponse } from \"next/server\"\n" in text
    assert "\n    if (!conversation_id) {\n        return NextResponse.json({ error: \"Missing ID\" }" in text
    assert ";" not in text.replace("'", "")  # no statement semicolons (none in strings either)


def test_the_route_is_never_created_over_a_file_that_exists(tmp_path: Path) -> None:
    """An end route that git ignores (so discovery does not list it) exists all the same: not overwritten."""
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "components/Avatar.tsx": UNLOAD_AVATAR,
                     ".gitignore": "app/api/\n", "app/api/tavus/end/route.ts": "// mine\n"})
    report, _ = fixed(tmp_path, select="TAV001")
    assert applied(report) == []
    assert (tmp_path / "app/api/tavus/end/route.ts").read_text() == "// mine\n"


# -- TAV002 ----------------------------------------------------------------------------------------
PAGES_ROUTE = """export default async function handler(req, response) {
  const { conversationId } = req.body
  const r = await fetch(`https://tavusapi.com/v2/conversations/${conversationId}/end`, {
    method: "POST",
    headers: { "x-api-key": process.env.TAVUS_API_KEY },
  })
  response.status(200).json({ ok: r.ok })
}
"""


def test_the_400_guard_in_a_pages_handler_uses_its_response_and_id_names_in_the_files_style(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "pages/api/tavus/end.js": PAGES_ROUTE})
    report, after = fixed(tmp_path, select="TAV002")
    assert applied(report) == ["TAV002 no-400"]
    assert after == {"TAV002": "pass"}
    assert "  const { conversationId } = req.body\n  if (!conversationId) return response.status(400).json(" \
           "{ error: \"Missing ID\" })\n  const r" in (tmp_path / "pages/api/tavus/end.js").read_text()


def test_without_nextresponse_imported_the_guard_answers_with_response_json(tmp_path: Path) -> None:
    route = ("export async function POST(req: Request) {\n  const body = await req.json();\n"
             "  const id = body.id;\n  const r = await fetch(`https://tavusapi.com/v2/conversations/${id}/end`, "
             "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });\n"
             "  return Response.json({ ok: r.ok });\n}\n")
    write(tmp_path, {"package.json": PKG, "app/api/tavus/end/route.ts": route})
    report, after = fixed(tmp_path, select="TAV002")
    assert applied(report) == ["TAV002 no-400"] and after == {"TAV002": "pass"}
    assert "  const id = body.id;\n  if (!id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n" \
           in (tmp_path / "app/api/tavus/end/route.ts").read_text()


@pytest.mark.parametrize("body, after_statement", [
    # Declared bare, assigned in a try whose catch answers bad JSON: after the try, not after `let`
    # (there the id is always undefined and every request would get 400).
    ("  let conversation_id: string;\n  try {\n    ({ conversation_id } = await req.json());\n  } catch {\n"
     "    return Response.json({ error: 'bad json' }, { status: 400 });\n  }\n", "  }\n"),
    ("  let conversation_id;\n  const body = await req.json();\n  conversation_id = body.conversation_id;\n",
     "  conversation_id = body.conversation_id;\n"),
])
def test_the_400_guard_goes_where_the_id_has_its_value_not_after_a_bare_declaration(
        body: str, after_statement: str, tmp_path: Path) -> None:
    route = ("export async function POST(req: Request) {\n" + body +
             "  const r = await fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, "
             "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });\n"
             "  return Response.json({ ok: r.ok });\n}\n")
    write(tmp_path, {"package.json": PKG, "app/api/tavus/end/route.ts": route})
    report, after = fixed(tmp_path, select="TAV002")
    assert applied(report) == ["TAV002 no-400"] and after == {"TAV002": "pass"}
    text = (tmp_path / "app/api/tavus/end/route.ts").read_text()
    guard = "  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
    assert text.count(guard) == 1
    at = text.index(guard)
    assert text[:at].endswith(after_statement) and text[at + len(guard):].startswith("  const r = await fetch(")


def test_an_id_declared_and_never_assigned_gets_no_guard(tmp_path: Path) -> None:
    route = ("export async function POST(req: Request) {\n  let conversation_id: string | undefined;\n"
             "  const r = await fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, "
             "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });\n"
             "  return Response.json({ ok: r.ok });\n}\n")
    write(tmp_path, {"package.json": PKG, "app/api/tavus/end/route.ts": route})
    _, report = run(tmp_path, "--select", "TAV002")
    no_400 = [f for a in report["apps"] for r in a["results"] for f in r["findings"] if f["kind"] == "no-400"]
    assert no_400 and all(f["fix"] is None for f in no_400)


# -- TAV002 in a Python route (libcst reads it; the guard is a text insertion in its style) ----------
PY_HANDLER = """import json
import os
from http.server import BaseHTTPRequestHandler

import requests


class handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get('content-length', 0))
        body = json.loads(self.rfile.read(length) or b'{}')
        conversation_id = body.get('conversation_id')
        r = requests.post(f'https://tavusapi.com/v2/conversations/{conversation_id}/end',
                          headers={'x-api-key': os.environ['TAVUS_API_KEY']})
        self.send_response(200 if r.ok else 502)
        self.end_headers()
"""
PY_FLASK = """import os
from flask import Flask, request
import httpx

app = Flask(__name__)


@app.route("/api/tavus/end", methods=["POST"])
def end():
\tdata = request.get_json(silent=True) or {}
\tcid = data.get("conversation_id")
\thttpx.post("https://tavusapi.com/v2/conversations/" + str(cid) + "/end",
\t           headers={"x-api-key": os.getenv("TAVUS_API_KEY")})
\treturn {"ok": True}
"""
PY_FASTAPI = """import os
from fastapi import FastAPI, HTTPException, Request
import httpx

app = FastAPI()


@app.post("/api/tavus/end")
async def end(request: Request):
    data = await request.json()
    cid = data.get("conversation_id")
    httpx.post(f"https://tavusapi.com/v2/conversations/{cid}/end", headers={"x-api-key": os.environ["TAVUS_API_KEY"]})
    return {"ok": True}
"""


@pytest.mark.parametrize("source, guard, after", [
    (PY_HANDLER, "        if not conversation_id:\n            self.send_response(400)\n            self.end_headers()\n"
                 "            return\n", "        conversation_id = body.get('conversation_id')\n"),
    (PY_FLASK, '\tif not cid:\n\t\treturn {"error": "Missing ID"}, 400\n', '\tcid = data.get("conversation_id")\n'),
    (PY_FASTAPI, '    if not cid:\n        raise HTTPException(status_code=400, detail="Missing ID")\n',
     '    cid = data.get("conversation_id")\n'),
], ids=["http.server", "flask-tabs", "fastapi"])
def test_the_400_guard_in_a_python_route_answers_as_its_framework_does(source: str, guard: str, after: str,
                                                                       tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "api/tavus/end.py": source})
    report, statuses_after = fixed(tmp_path, select="TAV002")
    assert applied(report) == ["TAV002 no-400"] and statuses_after == {"TAV002": "pass"}
    text = (tmp_path / "api/tavus/end.py").read_text()
    assert text == source.replace(after, after + guard, 1)  # one insertion, the rest byte-identical


def test_the_python_guard_after_a_try_that_reads_the_id(tmp_path: Path) -> None:
    """The guard goes after the whole `try` (its `except` gives `cid` a blank), and the re-check
    accepts it: the missing-id check weighs every assignment of `cid`, not only the last."""
    source = PY_FLASK.replace('\tdata = request.get_json(silent=True) or {}\n\tcid = data.get("conversation_id")\n',
                              '\ttry:\n\t\tcid = request.get_json()["conversation_id"]\n\texcept (KeyError, TypeError):\n'
                              '\t\tcid = None\n')
    write(tmp_path, {"package.json": PKG, "api/tavus/end.py": source})
    report, statuses_after = fixed(tmp_path, select="TAV002")
    assert applied(report) == ["TAV002 no-400"] and statuses_after == {"TAV002": "pass"}
    after_try = "\t\tcid = None\n"
    assert (tmp_path / "api/tavus/end.py").read_text() == source.replace(
        after_try, after_try + '\tif not cid:\n\t\treturn {"error": "Missing ID"}, 400\n', 1)


def test_a_python_framework_whose_status_a_guard_would_not_set_gets_no_fix(tmp_path: Path) -> None:
    """FastAPI without HTTPException imported: `return {...}, 400` would be sent as a 200 list."""
    write(tmp_path, {"package.json": PKG,
                     "api/tavus/end.py": PY_FASTAPI.replace("FastAPI, HTTPException, Request", "FastAPI, Request")})
    _, report = run(tmp_path, "--select", "TAV002")
    no_400 = [f for a in report["apps"] for r in a["results"] for f in r["findings"] if f["kind"] == "no-400"]
    assert no_400 and all(f["fix"] is None for f in no_400)


def test_unsafe_fixes_are_not_applied_without_the_flag_and_the_report_says_how(tmp_path: Path) -> None:
    project = copy_fixture("end-route-bearer-auth", tmp_path)
    before = (project / "app/api/tavus/end/route.ts").read_bytes()
    result = CliRunner().invoke(main, ["check", str(project), "--fix", "--select", "TAV002"], env={"CI": ""})
    assert result.exit_code == 1
    assert (project / "app/api/tavus/end/route.ts").read_bytes() == before
    assert "autofix: unsafe fix (--unsafe-fixes): send the key as x-api-key" in result.stdout
    assert "note: 1 finding can be fixed with --unsafe-fixes" in result.stdout


def test_a_bearer_literal_gets_no_key_header_fix_so_no_diff_prints_the_key(tmp_path: Path) -> None:
    """Only a hard-coded-key fix's text is masked in diffs: replacing `Authorization: 'Bearer <key>'`
    would print the key as the removed line."""
    project = copy_fixture("end-route-bearer-auth", tmp_path)
    route = project / "app/api/tavus/end/route.ts"
    route.write_text(route.read_text().replace("`Bearer ${process.env.TAVUS_API_KEY}`", "'Bearer sk_fake_0123456789'"))
    _, report = run(project, "--select", "TAV002")
    bearer = [f for a in report["apps"] for r in a["results"] for f in r["findings"] if f["kind"] == "bearer-auth"]
    assert bearer and bearer[0]["fix"] is None
    result = CliRunner().invoke(main, ["check", str(project), "--diff", "--unsafe-fixes"], env={"CI": ""})
    assert "sk_fake_0123456789" not in result.stdout + result.stderr


# -- TAV003 ----------------------------------------------------------------------------------------
INLINE = UNLOAD_AVATAR.replace("""    const handleBeforeUnload = () => {
      if (!conversation?.conversation_id) return;
      fetch('/api/tavus/end', {
        method: 'POST',
        body: JSON.stringify({ conversation_id: conversation.conversation_id }),
        keepalive: true,
      });
    };
    window.addEventListener('beforeunload', handleBeforeUnload);
    return () => window.removeEventListener('beforeunload', handleBeforeUnload);
""", """    window.addEventListener('beforeunload', () => {
      fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: '{}' });
    }, { capture: true });
""")


def test_an_inline_handler_is_named_so_that_the_cleanup_removes_the_same_function(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts":
                     "export async function POST() { return Response.json({}); }\n", "components/Avatar.tsx": INLINE})
    report, after = fixed(tmp_path, select="TAV003,TAV004")
    assert applied(report) == ["TAV003 never-removed"] and after == {"TAV003": "pass", "TAV004": "pass"}
    text = (tmp_path / "components/Avatar.tsx").read_text()
    assert "    const handleBeforeUnload = () => {\n      fetch(" in text
    assert "    window.addEventListener('beforeunload', handleBeforeUnload, { capture: true });\n" \
           "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, { capture: true });\n" in text


@pytest.mark.parametrize("cleanup, expected", [
    ("    return () => { console.log('bye'); };\n",
     "    return () => { console.log('bye'); window.removeEventListener('beforeunload', handleBeforeUnload);"),
    ("    return () => console.log('bye');\n",
     "    return () => { console.log('bye'); window.removeEventListener('beforeunload', handleBeforeUnload); };"),
], ids=["block", "expression"])
def test_an_existing_cleanup_gets_the_removal(cleanup: str, expected: str, tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n",
                                   cleanup)
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts":
                     "export async function POST() { return Response.json({}); }\n", "components/Avatar.tsx": avatar})
    report, after = fixed(tmp_path, select="TAV003")
    assert applied(report) == ["TAV003 never-removed"] and after == {"TAV003": "pass"}
    text = (tmp_path / "components/Avatar.tsx").read_text()
    assert expected.replace("{ console.log('bye'); window", "{ console.log('bye');\n      window") in text \
        or expected in text


def test_a_module_level_listener_moves_into_the_components_effect_with_react_imported(tmp_path: Path) -> None:
    avatar = ("'use client';\nimport { useState } from 'react';\n\n"
              "function onLeave() {\n  fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: '{}' });\n}\n"
              "window.addEventListener('beforeunload', onLeave);\n\n"
              "export default function Avatar() {\n  const [x] = useState(0);\n  return <div>tavus {x}</div>;\n}\n")
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts":
                     "export async function POST() { return Response.json({}); }\n", "components/Avatar.tsx": avatar})
    report, after = fixed(tmp_path, "--unsafe-fixes", select="TAV003")
    assert applied(report) == ["TAV003 outside-effect"] and after == {"TAV003": "pass"}
    text = (tmp_path / "components/Avatar.tsx").read_text()
    assert "import { useEffect, useState } from 'react';" in text
    assert "}\n\nexport default function Avatar() {\n  useEffect(() => {\n    window.addEventListener(" \
           "'beforeunload', onLeave);\n    return () => window.removeEventListener('beforeunload', onLeave);\n" \
           "  });\n  const [x]" in text
    assert text.count("addEventListener") == 1


# -- line endings and encodings ---------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["crlf", "utf-8-bom", "utf-16"])
def test_line_endings_and_encoding_are_kept(encoding: str, tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    target = project / "components/InteractiveAvatar.tsx"
    text = target.read_text(encoding="utf-8")
    if encoding == "crlf":
        target.write_bytes(text.replace("\n", "\r\n").encode())
    elif encoding == "utf-8-bom":
        target.write_bytes(b"\xef\xbb\xbf" + text.encode())
    else:
        target.write_bytes(text.encode("utf-16"))
    _, report = run(project, "--fix", "--select", "TAV004")
    assert applied(report) == ["TAV004 no-keepalive"]
    data = target.read_bytes()
    if encoding == "crlf":
        assert b"\r\n        keepalive: true,\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    elif encoding == "utf-8-bom":
        assert data.startswith(b"\xef\xbb\xbf") and b"keepalive: true," in data
    else:
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff") and "keepalive: true," in data.decode("utf-16")
    _, again = run(project, "--select", "TAV004")
    assert statuses(again) == {"TAV004": "pass"}


def test_a_file_that_is_not_valid_utf8_is_not_rewritten(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    target = project / "components/InteractiveAvatar.tsx"
    target.write_bytes(target.read_bytes().replace(b"// ", b"// \xff ", 1))
    before = target.read_bytes()
    _, report = run(project, "--fix", "--select", "TAV004")
    assert [o["status"] for o in report["fixes"]] == ["not-applied"]
    assert "not valid UTF-8" in report["fixes"][0]["reason"]
    assert target.read_bytes() == before


def test_template_lines_follow_crlf_and_a_missing_final_newline(tmp_path: Path) -> None:
    project = copy_fixture("env-template-incomplete", tmp_path)
    (project / ".env.example").write_bytes(b"# keys\r\nTAVUS_API_KEY=")
    _, report = run(project, "--fix", "--select", "TAV006")
    assert applied(report) == ["TAV006 not-in-template"]
    assert (project / ".env.example").read_bytes() == b"# keys\r\nTAVUS_API_KEY=\r\nTAVUS_PERSONA_ID=\r\n"
