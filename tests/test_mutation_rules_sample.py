"""Checks of the rule pack that a seeded mutation sample (issue 12) found pinned by nothing: the
`on` prefix of a window listener property, a `server-only` mention that is not an import, a
comment before a cleanup function, a `var` beside a component, a fetch's options read through a
member, and where `import os` goes. Each case is one line of a rule that could change unnoticed."""

from __future__ import annotations

from pathlib import Path

import pytest

from fix_support import applied, findings
from helpers import index_for, verdicts, write
from sop_check.evaluate import Evaluator
from sop_check.model import Status
from sop_check_rules._examples import PAGE, PKG, ROUTE, UNLOAD_AVATAR, client_project
from sop_check_rules._listeners import unload_listeners
from sop_check_rules._security import client_modules

NEXT = '{"dependencies": {"next": "15"}}'
SENDS = "fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: '{}' })"


# -- rules/_listeners.py: `window.on<event> = handler` ---------------------------------------------
@pytest.mark.parametrize("prop, events", [
    ("onbeforeunload", ["beforeunload"]),
    ("xxbeforeunload", []),  # the event's name after two letters that are not `on`
    ("onload", []),  # an `on` property of another event
])
def test_a_window_property_is_a_listener_only_as_on_and_the_event(tmp_path: Path, prop: str,
                                                                   events: list[str]) -> None:
    source = f"'use client';\nexport function arm() {{\n  window.{prop} = () => {{ {SENDS}; }};\n}}\n"
    write(tmp_path, {"package.json": NEXT, "lib/unload.js": source,
                     "app/page.js": "import '../lib/unload';\nexport default function Page() { return null; }\n"})
    index = index_for(tmp_path)
    found = unload_listeners(index, Evaluator(index), ["beforeunload"])
    assert [lst.event for lst in found] == events


# -- rules/_security.py: a module marked server-only ------------------------------------------------
@pytest.mark.parametrize("lib, shipped", [
    ("import 'server-only';\nexport const k = () => process.env.TAVUS_API_KEY;\n", False),
    # the words in a comment do not keep the module off the client
    ("// this is not server-only yet\nexport const k = () => process.env.TAVUS_API_KEY;\n", True),
])
def test_only_an_import_of_server_only_keeps_a_module_on_the_server(tmp_path: Path, lib: str,
                                                                    shipped: bool) -> None:
    root = write(tmp_path, {"package.json": NEXT, "lib/key.ts": lib,
                            "components/A.tsx": "'use client';\nimport { k } from '../lib/key';\nexport const a = k;\n"})
    assert ("lib/key.ts" in client_modules(index_for(root))) is shipped


# -- rules/_unload_fixes.py ---------------------------------------------------------------------------
AVATAR = "components/Avatar.tsx"
HEAD = "'use client';\nimport { useEffect } from 'react';\n"
NAMED = f"    const onLeave = () => {{ {SENDS}; }};\n    window.addEventListener('beforeunload', onLeave);\n"


def _fixed(tmp_path: Path, avatar: str, kind: str, page: str = PAGE) -> str | None:
    root = write(tmp_path, {"package.json": PKG, "app/page.tsx": page, "app/api/tavus/end/route.ts": ROUTE,
                            AVATAR: avatar})
    [finding] = findings(root, "TAV003", kind)
    return None if finding.fix is None else applied(root, finding.fix)[AVATAR]


def _effect(body: str) -> str:
    return (HEAD + "export default function Avatar() {\n  useEffect(() => {\n" + body +
            "  }, []);\n  return <div>tavus avatar</div>;\n}\n")


def test_a_comment_before_the_cleanup_function_does_not_hide_it(tmp_path: Path) -> None:
    cleanup = "    return /* leaving */ () => console.log('bye');\n"
    assert _fixed(tmp_path, _effect(NAMED + cleanup), "never-removed") == _effect(NAMED + cleanup.replace(
        "() => console.log('bye');",
        "() => { console.log('bye'); window.removeEventListener('beforeunload', onLeave); };"))


MODULE_LEVEL = f"function onLeave() {{ {SENDS}; }}\nwindow.addEventListener('beforeunload', onLeave);\n"
WRAPPED = ("  useEffect(() => {\n    window.addEventListener('beforeunload', onLeave);\n"
           "    return () => window.removeEventListener('beforeunload', onLeave);\n  });\n")
ARROW = "export const Avatar = () => {\n  const x = 1;\n  return <div>tavus avatar</div>;\n};\n"


@pytest.mark.parametrize("beside", [
    "var Other = () => <p />;\n",  # a `var` is not read as a second component
    "const n = 1;\nexport { n };\n",  # an export without a declaration
], ids=["var-arrow", "export-list"])
def test_a_module_level_listener_moves_into_the_one_component_beside_other_statements(
        tmp_path: Path, beside: str) -> None:
    page = PAGE.replace("import Avatar from", "import { Avatar } from")
    text = _fixed(tmp_path, HEAD + MODULE_LEVEL + beside + ARROW, "outside-effect", page=page)
    assert text == HEAD + f"function onLeave() {{ {SENDS}; }}\n" + beside + ARROW.replace(
        "  const x = 1;\n", WRAPPED + "  const x = 1;\n")


# -- rules/_fixes.py: set_option on options read through a member -----------------------------------
def test_keepalive_is_spread_into_options_read_through_a_member(tmp_path: Path) -> None:
    body = ("    const cfg = { init: { method: 'POST', body: '{}' } };\n"
            "    const onLeave = () => { fetch('/api/tavus/end', cfg.init); };\n"
            "    window.addEventListener('beforeunload', onLeave);\n"
            "    return () => window.removeEventListener('beforeunload', onLeave);\n")
    root = write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                            AVATAR: _effect(body)})
    [finding] = findings(root, "TAV004", "no-keepalive")
    assert finding.fix is not None
    assert applied(root, finding.fix)[AVATAR] == _effect(body.replace(
        "fetch('/api/tavus/end', cfg.init)", "fetch('/api/tavus/end', { ...cfg.init, keepalive: true })"))


# -- rules/_python_call_fixes.py ------------------------------------------------------------------------
PY = "api/tavus/end.py"
PY_ROUTE = '''HEAD
class handler:
    def do_POST(self):
        cid = self.body.get('conversation_id')
        if not cid:
            self.send_response(400)
            return
        CALL
'''


def _py_fixed(tmp_path: Path, head: str, call: str, kind: str) -> tuple[str, str | None]:
    source = PY_ROUTE.replace("HEAD\n", head).replace("CALL", call)
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', PY: source})
    [finding] = findings(root, "TAV002", kind)
    return source, None if finding.fix is None else applied(root, finding.fix)[PY]


def test_import_os_goes_right_before_the_first_import_not_after_the_docstring(tmp_path: Path) -> None:
    call = ("requests.post(f'https://tavusapi.com/v2/conversations/{cid}/end', "
            "headers={'x-api-key': 'abcdef0123456789'})")
    source, text = _py_fixed(tmp_path, "'''End route.'''\n\nimport requests\n", call, "hardcoded-key")
    assert text == source.replace("\nimport requests\n", "\nimport os\nimport requests\n").replace(
        "'abcdef0123456789'", "os.environ['TAVUS_API_KEY']")


def test_a_line_of_spaces_inside_the_call_is_not_realigned(tmp_path: Path) -> None:
    pad = " " * len("        requests.delete(")
    key = "headers={'x-api-key': os.environ['TAVUS_API_KEY']}"
    url = "f'https://tavusapi.com/v2/conversations/{cid}'"
    source, text = _py_fixed(tmp_path, "import os\nimport requests\n",
                             f"requests.delete({url},\n{pad}{key},\n{pad}\n{pad}timeout=5)", "wrong-endpoint")
    new_pad = " " * len("        requests.post(")
    assert text == source.replace(
        f"requests.delete({url},\n{pad}{key},\n{pad}\n{pad}timeout=5)",
        f"requests.post({url[:-1]}/end',\n{new_pad}{key},\n{pad}\n{new_pad}timeout=5)")


# -- rules/_end_route_fixes.py: a request the recipe does not edit -------------------------------------
def test_no_key_header_fix_for_an_axios_call_and_no_recipe_failure(tmp_path: Path) -> None:
    """The recipe edits fetch calls only: for axios it offers nothing, without raising (findings()
    fails on a recipe that raised)."""
    source = ("import axios from 'axios';\nexport async function POST(request: Request) {\n"
              "  const { conversation_id } = await request.json();\n"
              "  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
              "  await axios.post(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, {}, "
              "{ headers: { Authorization: `Bearer ${process.env.TAVUS_API_KEY}` } });\n"
              "  return Response.json({ ok: true });\n}\n")
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0", "axios": "1"}}',
                            "app/api/tavus/end/route.ts": source})
    [finding] = findings(root, "TAV002", "bearer-auth")
    assert finding.fix is None


# -- rules/_python.py: urllib's Request with its method in a name ---------------------------------------
def test_a_urllib_method_named_by_a_module_constant_is_read(tmp_path: Path) -> None:
    head = "import os\nimport urllib.request\nMETHOD = 'GET'\n"
    call = ("urllib.request.urlopen(urllib.request.Request(f'https://tavusapi.com/v2/conversations/{cid}/end', "
            "headers={'x-api-key': os.environ['TAVUS_API_KEY']}, method=METHOD))")
    source = PY_ROUTE.replace("HEAD\n", head).replace("CALL", call)
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', PY: source})
    [finding] = findings(root, "TAV002", "wrong-method")
    assert finding.location.path == PY and finding.location.line == 10


# -- rules/_unload.py: a listener that also sends a request the route refuses ---------------------------
def test_a_listener_whose_post_reaches_the_route_passes_despite_an_earlier_refused_get(tmp_path: Path) -> None:
    """The route answers the POST, so the session ends; the GET before it (a 405) changes nothing."""
    post = "      fetch('/api/tavus/end', {\n"
    avatar = UNLOAD_AVATAR.replace(post, "      fetch('/api/tavus/end', { method: 'GET', keepalive: true });\n" + post)
    assert avatar != UNLOAD_AVATAR
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is Status.PASS and got.findings == [], [f.kind for f in got.findings]


def test_no_effect_is_written_into_a_function_without_a_name(tmp_path: Path) -> None:
    """A component is known by its capitalised name (as React's rules of hooks know it): an
    anonymous default export is not known to be one, so no effect is written into it."""
    avatar = (HEAD + "export default function () {\n" + f"  const onLeave = () => {{ {SENDS}; }};\n"
              "  window.addEventListener('beforeunload', onLeave);\n  return <div>tavus avatar</div>;\n}\n")
    assert _fixed(tmp_path, avatar, "outside-effect") is None


# -- the second seeded sample (seed 2, at f8e89de) ---------------------------------------------------
FLASK_END = '''import os
from flask import Flask, jsonify, request
import httpx

app = Flask(__name__)


@app.DECORATOR
def end():
    BODY
'''
FLASK_BODY = '''cid = (request.get_json() or {}).get("conversation_id")
    if not cid:
        return jsonify(error="Missing ID"), 400
    httpx.post("https://tavusapi.com/v2/conversations/" + cid + "/end",
               headers={"x-api-key": os.getenv("TAVUS_API_KEY")})
    return jsonify(ok=True)'''


@pytest.mark.parametrize("decorator, served", [
    ('api_route("/api/tavus/end", methods=["POST"])', True),
    ('api_route("/api/tavus/end", methods=["GET"])', False),
    ('route("/api/tavus/end", methods=["POST"])', True),
    ('post("/api/tavus/end")', True),
], ids=["api-route-post", "api-route-get", "route-post", "post"])
def test_a_python_post_handler_is_found_by_each_decorator(tmp_path: Path, decorator: str, served: bool) -> None:
    source = FLASK_END.replace("DECORATOR", decorator).replace("BODY", FLASK_BODY)
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', PY: source})
    got = verdicts(tmp_path, "TAV001")["TAV001"]
    assert (got.status is Status.PASS) is served, (got.status, got.message)


def test_a_400_inside_a_try_block_is_read(tmp_path: Path) -> None:
    body = ("try:\n        " + FLASK_BODY.replace("\n    ", "\n        ") +
            "\n    except ValueError:\n        return jsonify(error='bad'), 500")
    source = FLASK_END.replace("DECORATOR", 'route("/api/tavus/end", methods=["POST"])').replace("BODY", body)
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', PY: source})
    got = verdicts(tmp_path, "TAV002")["TAV002"]
    assert got.status is Status.PASS and got.findings == [], [f.kind for f in got.findings]


TS_ROUTE = "app/api/tavus/end/route.ts"


@pytest.mark.parametrize("url", ["`https://tavusapi.com/v2/conversations/${id}?force=1`",
                                 "`https://tavusapi.com/v2/conversations/${id}#x`"], ids=["query", "fragment"])
def test_no_end_url_is_appended_after_a_query_or_fragment(tmp_path: Path, url: str) -> None:
    source = ("export async function POST(request: Request) {\n  const { conversation_id: id } = await request.json();\n"
              "  if (!id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
              f"  await fetch({url}, {{ method: 'DELETE', headers: {{ 'x-api-key': process.env.TAVUS_API_KEY || '' }} }});\n"
              "  return Response.json({ ok: true });\n}\n")
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', TS_ROUTE: source})
    [finding] = findings(root, "TAV002", "wrong-endpoint")
    fixed = applied(root, finding.fix)[TS_ROUTE] if finding.fix is not None else source
    assert "/end" not in fixed.replace("/api/tavus/end", ""), fixed


def test_realigned_lines_stop_at_the_end_of_the_call(tmp_path: Path) -> None:
    pad = " " * len("        requests.delete(")
    key = "headers={'x-api-key': os.environ['TAVUS_API_KEY']}"
    url = "f'https://tavusapi.com/v2/conversations/{cid}'"
    call = f"requests.delete({url},\n{pad}{key})\n        x = [1,\n{pad}2]"
    source, text = _py_fixed(tmp_path, "import os\nimport requests\n", call, "wrong-endpoint")
    new_pad = " " * len("        requests.post(")
    assert text == source.replace(f"requests.delete({url},\n{pad}{key})",
                                  f"requests.post({url[:-1]}/end',\n{new_pad}{key})")


def test_tav002_says_what_it_could_not_verify(tmp_path: Path) -> None:
    source = ("import { endUrl } from './missing';\nexport async function POST(request: Request) {\n"
              "  const { conversation_id } = await request.json();\n"
              "  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
              "  await fetch(endUrl, { method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });\n"
              "  return Response.json({ ok: true });\n}\n")
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', TS_ROUTE: source})
    got = verdicts(tmp_path, "TAV002")["TAV002"]
    assert got.status is Status.UNKNOWN and got.message == "could not verify the end route's upstream call", \
        (got.status, got.message)


def test_a_comment_naming_the_method_inside_a_guard_is_not_a_read_of_it(tmp_path: Path) -> None:
    """Comments are not statements of the guard's blocks: one that mentions `req.method` would
    otherwise be read as code that reads the method, and the guard as undecided."""
    from sop_check.context import app_evaluator
    from sop_check.evaluate import Func
    from sop_check_rules._method_guard import Guard, pages_guard

    path = "pages/api/tavus/end.ts"
    source = ("export default async function handler(req: any, res: any) {\n"
              "  // req.method is checked first\n  if (req.method !== 'POST') {\n"
              "    // refuse any req.method but POST\n    return res.status(405).end();\n  }\n"
              "  res.status(200).json({});\n}\n")
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', path: source})
    ev = app_evaluator(index_for(tmp_path))
    func = ev.module_export(path, "default")
    assert isinstance(func, Func), func
    assert pages_guard(ev, func) == Guard(frozenset({"POST"}), line=3)
