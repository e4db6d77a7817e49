"""Input problems are reported in path order, whatever order the rules asked for the files (which
can follow set iteration, so differ from run to run with the hash seed): a report must be the
same bytes each run for golden files and code-scanning baselines."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from helpers import write
from sop_check.cli import main

BROKEN = "export const x = (;\n"


def test_input_problems_are_listed_in_path_order(tmp_path: Path) -> None:
    write(tmp_path, {
        "package.json": '{"dependencies": {"next": "15"}}',
        "app/api/tavus/end/route.ts": "export async function POST( {\n",  # read first, by TAV001
        "app/page.tsx": ("'use client';\nimport { end } from '../a/first';\nimport '../lib/tavus';\n"
                         "export default function P() { return <button onClick={end}>End Session</button>; }\n"),
        "a/first.tsx": "'use client';\nexport const end = () => fetch('/api/tavus/end', { method: 'POST' });\n" + BROKEN,
        "lib/tavus.ts": "'use client';\nwindow.addEventListener('beforeunload', () => fetch('/api/tavus/end'));\n" + BROKEN,
    })
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "json"], env={"CI": ""},
                                catch_exceptions=False)
    paths = [d["path"] for d in json.loads(result.stdout)["diagnostics"]]
    assert paths == ["a/first.tsx", "app/api/tavus/end/route.ts", "lib/tavus.ts"]  # read: route, lib, a
