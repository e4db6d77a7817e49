"""The Pages Router handler's method guard decides which methods its route serves (issue 13,
metamorphic PAGES_METHOD_GUARD): Next.js calls a `pages/api` handler for every method, so
`if (req.method !== 'GET') return res.status(405).end()` is a route that serves no POST, as an App
Router file exporting only GET is. No guard at all: every method is served."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, verdicts, write
from sop_check.context import app_evaluator
from sop_check.evaluate import Func
from sop_check.model import Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project
from sop_check_rules._method_guard import pages_guard

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
UPSTREAM = ("  const r = await fetch(`https://tavusapi.com/v2/conversations/${req.body.conversation_id}/end`, "
            "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY as string } });\n"
            "  res.status(200).json({ ok: r.ok });\n")


def _handler(guard: str, head: str = "") -> str:
    return (f"{head}export default async function handler(req: any, res: any) {{\n  {guard}\n"
            "  if (!req.body?.conversation_id) return res.status(400).json({ error: 'Missing ID' });\n"
            f"{UPSTREAM}}}\n")


@pytest.mark.parametrize("guard, head, served", [
    ("if (req.method !== 'GET') return res.status(405).end();", "", {"GET"}),
    ("if (req.method != 'post') { res.setHeader('Allow', 'POST'); return res.status(405).end(); }", "", {"POST"}),
    ("if (req.method === 'OPTIONS') return res.status(204).end();\n"
     "  if (req.method !== 'POST') { res.status(405).json({}); return; }", "", {"OPTIONS", "POST"}),
    ("if (!ALLOWED.includes(req.method)) return res.status(405).end();", "const ALLOWED = ['POST', 'PUT'];\n",
     {"POST", "PUT"}),
    ("if (!['DELETE'].includes(req.method ?? '')) return res.status(405).end();", "", None),
    ("const { method } = req;\n  if (method?.toUpperCase() !== METHOD) throw new Error('no');", "const METHOD = 'POST';\n",
     {"POST"}),
    ("switch (req.method) {\n    case 'GET': return res.json({});\n    case 'PUT':\n    case 'POST': break;\n"
     "    default: return res.status(405).end();\n  }", "", {"GET", "PUT", "POST"}),
    ("try { if (req.method !== 'POST') { return res.status(405).end(); } } catch (e) { return; }", "", {"POST"}),
    ("", "", None),
], ids=["not GET", "allow header, lower case", "preflight then POST", "allow-list constant",
        "unread includes argument", "destructured, upper-cased, constant, throw", "switch with fall-through",
        "inside try", "no guard"])
def test_the_guard_is_read(tmp_path: Path, guard: str, head: str, served: set[str] | None) -> None:
    write(tmp_path, {"package.json": PKG, "pages/api/tavus/end.ts": _handler(guard, head)})
    ev = app_evaluator(index_for(tmp_path))
    handler = ev.module_export("pages/api/tavus/end.ts", "default")
    assert isinstance(handler, Func)
    got = pages_guard(ev, handler)
    if served is None and guard:
        assert got.methods is None and got.undecided and got.line == 2, got
    else:
        assert got.methods == (frozenset(served) if served is not None else None) and not got.undecided, got


def test_a_guard_that_refuses_post_is_no_post_handler(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG,
                     "pages/api/tavus/end.ts": _handler("if (req.method !== 'GET') return res.status(405).end();")})
    got = verdicts(tmp_path, "TAV001,TAV002")
    for code in ("TAV001", "TAV002"):
        assert got[code].status is Status.FAIL and kinds(got[code]) == ["no-post-handler"], got[code].message
        where = got[code].findings[0].location
        assert (where.path, where.line) == ("pages/api/tavus/end.ts", 1)


def test_a_guard_that_cannot_be_read_is_unknown_not_a_pass(tmp_path: Path) -> None:
    guard = "if (req.method !== 'POST' && !isAdmin(req)) return res.status(405).end();"
    write(tmp_path, {"package.json": PKG, "pages/api/tavus/end.ts": _handler(guard)})
    got = verdicts(tmp_path, "TAV001")["TAV001"]
    assert got.status is Status.UNKNOWN, got.message
    assert any("isAdmin" in u for u in got.unresolved), got.unresolved


PUT_AVATAR = UNLOAD_AVATAR.replace("method: 'POST'", "method: 'PUT'")


@pytest.mark.parametrize("guard, status, kind", [
    ("if (req.method !== 'POST') return res.status(405).end();", Status.FAIL, ["method-not-served"]),
    ("", Status.FAIL, ["wrong-method"]),  # no guard: the PUT is served, but it is not the SOP's POST
], ids=["guard refuses PUT", "no guard serves PUT"])
def test_an_unload_request_with_a_method_the_guard_refuses(tmp_path: Path, guard: str, status: Status,
                                                          kind: list[str]) -> None:
    files = client_project(PUT_AVATAR)
    del files["app/api/tavus/end/route.ts"]
    write(tmp_path, files | {"pages/api/tavus/end.ts": _handler(guard)})
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is status and kinds(got) == kind, (got.message, kinds(got))
    where = got.findings[0].location
    assert (where.path, where.line) == ("components/Avatar.tsx", 7)  # the fetch
