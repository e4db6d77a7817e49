"""TAV006 points a variable defined nowhere at a file that exists (code scanning drops a result
whose file is missing, and an editor cannot open it): `.env.local` when there is one, else the
env file Next.js reads, the committed template, or package.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import verdicts, write

PKG = '{"dependencies": {"next": "15"}}'
CODE = "export const key = process.env.TAVUS_API_KEY;\n"


@pytest.mark.parametrize(("files", "anchor"), [
    ({}, "package.json"),
    ({".env.example": "TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n"}, ".env.example"),
    ({".env": "OTHER=1\n", ".env.example": "TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n"}, ".env"),
    ({".env.local": "OTHER=1\n", ".env": "OTHER=2\n"}, ".env.local"),
])
def test_a_variable_defined_nowhere_is_reported_at_a_file_that_exists(tmp_path: Path, files: dict[str, str],
                                                                       anchor: str) -> None:
    write(tmp_path, {"package.json": PKG, "lib/t.ts": CODE, **files})
    result = verdicts(tmp_path, "TAV006")["TAV006"]
    found = [(f.kind, f.location.path, f.location.line) for f in result.findings if f.kind == "not-defined"]
    assert found == [("not-defined", anchor, 1)] * 2, found
    assert (tmp_path / anchor).is_file()
