"""A request to the end route counts only if a route answers its method there (issue 13).

`route_serves` reads the route table's methods: App Router exports (HEAD with GET, OPTIONS with
any handler), Pages Router `ANY`, Python functions' POST. TAV003, TAV005 and TAV105 use it: a
POST to a GET-only route, or a plain fetch (GET) to the SOP's POST-only route, gets a 405.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project
from sop_check_rules._routes import route_serves

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'


@pytest.mark.parametrize("files, method, served", [
    ({"app/api/tavus/end/route.ts": "export async function GET() { return Response.json({}); }\n"}, "POST", False),
    ({"app/api/tavus/end/route.ts": "export async function GET() { return Response.json({}); }\n"}, "GET", True),
    ({"app/api/tavus/end/route.ts": "export async function GET() { return Response.json({}); }\n"}, "HEAD", True),
    ({"app/api/tavus/end/route.ts": "export async function POST() { return Response.json({}); }\n"}, "GET", False),
    ({"app/api/tavus/end/route.ts": "const h = async () => Response.json({});\nexport { h as POST };\n"}, "POST", True),
    ({"pages/api/tavus/end.ts": "export default function handler(req: any, res: any) { res.end(); }\n"}, "GET", True),
    ({"pages/api/tavus/end.ts": "export default function handler(req: any, res: any) { res.end(); }\n"}, "POST", True),
    ({"api/tavus/end.py": "from http.server import BaseHTTPRequestHandler\nclass handler(BaseHTTPRequestHandler):\n"
                          "    def do_POST(self):\n        pass\n"}, "POST", True),
])
def test_route_serves_reads_the_methods_of_the_route_file(tmp_path: Path, files: dict[str, str], method: str,
                                                           served: bool) -> None:
    write(tmp_path, {"package.json": PKG, "lib/k.ts": "export const k = process.env.TAVUS_API_KEY;\n", **files})
    got = route_serves(index_for(tmp_path), "/api/tavus/end", method)
    assert got.served is served
    if not served:
        assert "exports only" in got.detail and got.routed


def test_a_route_that_reexports_from_a_package_cannot_be_told(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "app/api/tavus/end/route.ts": "export * from 'some-handlers';\n"})
    got = route_serves(index_for(tmp_path), "/api/tavus/end", "POST")
    assert got.served is None and "cannot tell" in got.detail


def test_no_route_at_all_is_not_routed(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "lib/k.ts": "export const k = process.env.TAVUS_API_KEY;\n"})
    got = route_serves(index_for(tmp_path), "/api/tavus/end", "POST")
    assert got.served is False and not got.routed


GET_ONLY = "export async function GET() { return Response.json({ ok: true }); }\n"


def test_an_unload_post_to_a_get_only_route_fails_tav003(tmp_path: Path) -> None:
    project = client_project(UNLOAD_AVATAR)
    write(tmp_path, {**project, "app/api/tavus/end/route.ts": GET_ONLY})
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is Status.FAIL and kinds(got) == ["method-not-served"]
    assert "exports only GET" in got.findings[0].message


def test_an_unload_post_to_a_route_that_exports_both_passes(tmp_path: Path) -> None:
    project = client_project(UNLOAD_AVATAR)
    write(tmp_path, {**project, "app/api/tavus/end/route.ts": GET_ONLY + project["app/api/tavus/end/route.ts"]})
    assert verdicts(tmp_path, "TAV003")["TAV003"].status is Status.PASS


BUTTON = """'use client';
export default function Avatar({ id }: { id: string }) {
  return <button onClick={() => fetch(`/api/tavus/end?conversation_id=${id}`)}>End Session</button>;
}
"""


def test_a_plain_fetch_to_the_post_only_route_fails_tav005_and_tav105(tmp_path: Path) -> None:
    write(tmp_path, client_project(BUTTON))
    got = verdicts(tmp_path, "TAV005,TAV105")
    assert kinds(got["TAV005"]) == ["method-not-served"] and "sends GET" in got["TAV005"].findings[0].message
    assert kinds(got["TAV105"]) == ["end-not-served"]


def test_a_missing_route_is_tav001s_finding_not_the_buttons(tmp_path: Path) -> None:
    """No route file at all: TAV001 says so; the End button that POSTs the SOP's request passes."""
    project = client_project(BUTTON.replace("fetch(`/api/tavus/end?conversation_id=${id}`)",
                                            "fetch('/api/tavus/end', { method: 'POST', body: id })"))
    del project["app/api/tavus/end/route.ts"]
    write(tmp_path, {**project, "lib/k.ts": "export const k = process.env.TAVUS_API_KEY;\n"})
    got = verdicts(tmp_path, "TAV001,TAV005")
    assert got["TAV001"].status is Status.FAIL and got["TAV005"].status is Status.PASS
