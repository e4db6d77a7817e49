"""TAV103 reads Python files too: a Vercel Python function (`api/tavus/end.py`) or a script with
`TAVUS_API_KEY = "<key>"` passed TAV103, which looked only at TypeScript and JavaScript (TAV002
catches a literal key only where the end call sends it). Each shape a name gets a literal is
read; placeholders and env reads are not keys; the value is never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, verdicts, write
from sop_check.model import Status
from sop_check_rules._python_facts import py_facts, string_assignments

PKG = '{"dependencies": {"next": "15.0.0"}}'
KEY = "tvs_" + "0123456789abcdef0123456789abcdef"  # built at run time: this repo must not trip TAV103


@pytest.mark.parametrize("line, name", [
    (f'TAVUS_API_KEY = "{KEY}"', "TAVUS_API_KEY"),
    (f'TAVUS_API_KEY: str = "{KEY}"', "TAVUS_API_KEY"),
    (f'config.api_key = "{KEY}"', "api_key"),
    (f'settings["TAVUS_API_KEY"] = "{KEY}"', "TAVUS_API_KEY"),
    (f'headers = {{"x-api-key": "{KEY}"}}', "x-api-key"),
    (f'client = Tavus(api_key="{KEY}")', "api_key"),
    (f'a = b = "{KEY}"\nTAVUS_API_KEY = a', None),  # names other than the key's: not read
], ids=["assign", "annotated", "attribute", "subscript", "dict-entry", "keyword", "other-names"])
def test_each_way_a_python_file_writes_a_key(tmp_path: Path, line: str, name: str | None) -> None:
    write(tmp_path, {"package.json": PKG, "scripts/setup.py": f"import os\n{line}\n",
                     ".env.example": "TAVUS_API_KEY=\n"})  # the app uses Tavus
    got = verdicts(tmp_path, "TAV103")["TAV103"]
    if name is None:
        assert got.status is Status.PASS, [f.message for f in got.findings]
        return
    [finding] = got.findings
    assert (finding.kind, finding.location.path, finding.location.line) == ("hardcoded-key", "scripts/setup.py", 2)
    assert finding.message == f"{name} is a hard-coded key (<redacted, {len(KEY)} chars>)"
    assert KEY not in finding.message + finding.hint


@pytest.mark.parametrize("line", [
    'TAVUS_API_KEY = os.environ["TAVUS_API_KEY"]',
    'TAVUS_API_KEY = "your-api-key-here"',
    'TAVUS_API_KEY = ""',
    f'PERSONA = "{KEY}"',  # not named like a key
    f'# TAVUS_API_KEY = "{KEY}"',  # a comment is no assignment
], ids=["env", "placeholder", "empty", "other-name", "comment"])
def test_what_is_not_a_hardcoded_python_key(tmp_path: Path, line: str) -> None:
    write(tmp_path, {"package.json": PKG, "api/tavus/end.py": f"import os\n{line}\n"})
    got = verdicts(tmp_path, "TAV103")["TAV103"]
    assert got.status is Status.PASS and got.findings == [], [f.message for f in got.findings]


def test_the_literal_s_column_is_where_the_finding_points(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "api/tavus/end.py": f'import os\nheaders = {{"x-api-key": "{KEY}"}}\n'})
    [finding] = verdicts(tmp_path, "TAV103")["TAV103"].findings
    assert (finding.location.line, finding.location.column) == (2, len('headers = {"x-api-key": ') + 1)


def test_string_assignments_read_names_and_texts(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "api/x.py": "A = 'a'\nB: str = 'b'\no.c = 'c'\nd['e'] = 'e'\n"
                                                     "f = {'g': 'g', h: 'x', 'i': 1}\ncall(j='j', k=1)\nL = f'{A}'\n"})
    facts = py_facts(index_for(tmp_path), "api/x.py")
    assert facts is not None
    assert [(name, text) for name, text, _ in string_assignments(facts)] == [
        ("A", "a"), ("B", "b"), ("c", "c"), ("e", "e"), ("g", "g"), ("j", "j")]

