"""Every fixture project under fixtures/ gets the verdicts its expected.toml names, through the CLI.

Fixtures keep `.env.local` as `env.local.fixture` (git would ignore the real name); the copy in a
temporary folder gets the real name. `expect: CODE` comments (Semgrep style) mark the line *before*
a line where a finding of that rule must be reported.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_check.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RENAMES = {"env.local.fixture": ".env.local", "env.fixture": ".env"}
ANNOTATION = re.compile(r"expect:\s*(TAV\d{3})")


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    for fixture_name, real in RENAMES.items():
        for p in list(target.rglob(fixture_name)):
            p.rename(p.with_name(real))
    (target / "expected.toml").unlink()
    return target


def run_json(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--preview", *args], env=env or {"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def _annotations(root: Path) -> list[tuple[str, int, str]]:
    out = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name == "expected.toml":
            continue
        rel = p.relative_to(root).as_posix()
        rel = "/".join(RENAMES.get(part, part) for part in rel.split("/"))
        for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            for code in ANNOTATION.findall(line):
                out.append((rel, i + 1, code))
    return out


CASES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml"))


@pytest.mark.parametrize("name", CASES)
def test_fixture_verdicts(name: str, tmp_path: Path) -> None:
    expected = tomllib.loads((FIXTURES / name / "expected.toml").read_text())["expect"]
    project = copy_fixture(name, tmp_path)
    code, report = run_json(project)
    apps = {a["root"]: a for a in report["apps"]}
    per_app = expected if all(isinstance(v, dict) for v in expected.values()) else {".": expected}
    for app_root, table in per_app.items():
        assert app_root in apps, f"app {app_root} not found; apps: {sorted(apps)}"
        results = {r["rule"]: r for r in apps[app_root]["results"]}
        for rule, status in table.items():
            got = results[rule]
            assert got["status"] == status, (
                f"{name} {app_root} {rule}: expected {status}, got {got['status']}: {got['message']}; "
                f"findings={[(f['path'], f['line'], f['message']) for f in got['findings']]}; "
                f"unresolved={got['unresolved']}")
    findings = {(f["path"], f["line"], r["rule"]) for a in report["apps"] for r in a["results"] for f in r["findings"]}
    for path, line, rule in _annotations(FIXTURES / name):
        assert (path, line, rule) in findings, f"{name}: expected a {rule} finding at {path}:{line}; got {sorted(findings)}"
    failing = any(r["status"] in ("fail", "unknown") and r["severity"] == "error"
                  for a in report["apps"] for r in a["results"])  # warnings fail only with --strict
    assert code == (1 if failing else 0)
