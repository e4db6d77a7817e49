"""Which modules ship to the browser (TAV101; corpus K1): every module a client module imports for a
value, also when a route handler imports it too; not a type-only import; not a `server-only` module."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._security import client_modules

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
LIB = ("export type Row = { id: string };\n"
       "export const stop = (id: string) => fetch(`https://tavusapi.com/v2/conversations/${id}/end`, "
       "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });\n")
ROUTE = "import { stop } from '../../../lib/video';\nexport async function POST() { await stop('x'); return Response.json({}); }\n"


def _project(tmp_path: Path, client_import: str, lib: str = LIB) -> Path:
    return write(tmp_path, {
        "package.json": PKG, "lib/video.ts": lib, "app/api/other/route.ts": ROUTE,
        "app/page.tsx": "import Call from '../components/Call';\nexport default function P() { return <Call />; }\n",
        "components/Call.tsx": f"'use client';\n{client_import}\nexport default function Call() {{ return <div />; }}\n",
    })


@pytest.mark.parametrize("client_import, shipped", [
    ("import { stop } from '../lib/video';\nexport const s = stop;", True),
    ("import * as video from '../lib/video';\nexport const v = video;", True),
    ("import '../lib/video';", True),
    ("export { stop } from '../lib/video';", True),
    ("import type { Row } from '../lib/video';\nexport type R = Row;", False),
    ("import { type Row } from '../lib/video';\nexport type R = Row;", False),
])
def test_a_module_a_client_imports_for_a_value_ships(tmp_path: Path, client_import: str, shipped: bool) -> None:
    root = _project(tmp_path, client_import)
    assert ("lib/video.ts" in client_modules(index_for(root))) is shipped
    got = verdicts(root, "TAV101")["TAV101"]
    assert got.status is (Status.FAIL if shipped else Status.PASS), [f.message for f in got.findings]
    if shipped:
        assert set(kinds(got)) == {"key-in-client", "client-sends-key"}


def test_a_server_only_module_stays_on_the_server(tmp_path: Path) -> None:
    root = _project(tmp_path, "import { stop } from '../lib/video';\nexport const s = stop;",
                    lib="import 'server-only';\n" + LIB)
    assert "lib/video.ts" not in client_modules(index_for(root))
