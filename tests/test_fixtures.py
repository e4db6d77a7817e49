"""Every fixture project under fixtures/ gets the verdicts its expected.toml names, the findings its
annotations name (both ways), and the text report its expected.txt holds, through the CLI.

Fixtures keep `.env.local` as `env.local.fixture` (git would ignore the real name); the copy in a
temporary folder gets the real name.

Annotations (Semgrep style): a comment `expect: TAV002 bearer-auth` marks the *next* line as the
place of a finding of that rule and kind (several: `expect: TAV005 hidden, TAV105 exit-without-end`).
Findings on a line that cannot follow a comment (line 1, a file that must not exist, JSON) are
listed in expected.toml as `findings = ["path:line TAV001 missing-route", ...]`. The check runs
both ways: every finding is annotated and every annotation is found, at that line.

`expected.txt` is the text report (`--verbose`, so evidence too), with the tool's version
masked. `pytest --update-golden` rewrites them; review the diff like code.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import FIXTURES, META, RENAMES, copy_fixture
from sop_check import __version__
from sop_check.cli import main

__all__ = ["FIXTURES", "copy_fixture", "run_json"]  # other test modules import these from here

ANNOTATION = re.compile(r"\bexpect:(.*)")
ITEM = re.compile(r"(TAV\d{3})(?:[ \t]+([a-z][a-z0-9]*(?:-[a-z0-9]+)*))?")
LISTED = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+) (?P<rule>TAV\d{3}) (?P<kind>[a-z][a-z0-9-]*)$")

Site = tuple[str, int, str, str]  # path, line, rule, kind


def run_cli(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path), "--preview", *args], env=env or {"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, result.stdout


def run_json(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    code, out = run_cli(path, "--format", "json", *args, env=env)
    return code, json.loads(out)


def annotations(root: Path) -> list[Site]:
    """The findings a fixture's comments and expected.toml say must be reported."""
    out: list[Site] = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name in META:
            continue
        rel = "/".join(RENAMES.get(part, part) for part in p.relative_to(root).as_posix().split("/"))
        for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            m = ANNOTATION.search(line)
            if m is None:
                continue
            items = ITEM.findall(m.group(1))
            assert items, f"{rel}:{i}: `expect:` names no rule"
            for code, kind in items:
                assert kind, f"{rel}:{i}: `expect: {code}` needs the finding's kind (`expect: {code} some-kind`)"
                out.append((rel, i + 1, code, kind))
    for entry in _expected(root).get("findings", []):
        m = LISTED.match(entry)
        assert m is not None, f"{root.name}/expected.toml: {entry!r} is not 'path:line TAVnnn kind'"
        out.append((m["path"], int(m["line"]), m["rule"], m["kind"]))
    return out


def reported(report: dict[str, Any]) -> list[Site]:
    return [(f["path"], f["line"], r["rule"], f["kind"])
            for a in report["apps"] for r in a["results"] for f in r["findings"]]


def pinned_both_ways(expected: list[Site], found: list[Site]) -> list[str]:
    """What differs between the annotated findings and the reported ones (empty when they agree)."""
    want, got = Counter(expected), Counter(found)
    problems = [f"not reported: {p}:{line} {rule} {kind}" for (p, line, rule, kind) in sorted(want - got)]
    problems += [f"reported but not annotated: {p}:{line} {rule} {kind}" for (p, line, rule, kind) in sorted(got - want)]
    return problems


def golden_text(path: Path) -> str:
    """The text report as a person reads it, without what changes from release to release."""
    _, out = run_cli(path, "--verbose", "--no-color")
    return out.replace(f"sop-check {__version__},", "sop-check <version>,")


def _expected(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / "expected.toml").read_text(encoding="utf-8"))


CASES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml"))


@pytest.mark.parametrize("name", CASES)
def test_fixture_verdicts(name: str, tmp_path: Path) -> None:
    expected = _expected(FIXTURES / name)["expect"]
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
                f"findings={[(f['path'], f['line'], f['kind']) for f in got['findings']]}; "
                f"unresolved={got['unresolved']}")
    failing = any(r["status"] in ("fail", "unknown") and r["severity"] == "error"
                  for a in report["apps"] for r in a["results"])  # warnings fail only with --strict
    assert code == (1 if failing else 0)


@pytest.mark.parametrize("name", CASES)
def test_fixture_findings_are_annotated_both_ways(name: str, tmp_path: Path) -> None:
    _, report = run_json(copy_fixture(name, tmp_path))
    problems = pinned_both_ways(annotations(FIXTURES / name), reported(report))
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", CASES)
def test_fixture_text_report_is_golden(name: str, tmp_path: Path, update_golden: bool) -> None:
    text = golden_text(copy_fixture(name, tmp_path))
    golden = FIXTURES / name / "expected.txt"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} is missing: run `pytest tests/test_fixtures.py --update-golden`"
    assert text == golden.read_text(encoding="utf-8"), \
        f"{name}: the text report changed; if the change is intended, rerun with --update-golden and review the diff"


def test_both_way_check_catches_a_missing_and_an_extra_finding() -> None:
    """The comparison itself: an annotation nobody reports, a finding nobody annotated, a second
    finding of the same kind on one line, and the wrong kind at the right line all count."""
    site = ("a.ts", 3, "TAV002", "bearer-auth")
    assert pinned_both_ways([site], [site]) == []
    assert pinned_both_ways([site], []) == ["not reported: a.ts:3 TAV002 bearer-auth"]
    assert pinned_both_ways([], [site]) == ["reported but not annotated: a.ts:3 TAV002 bearer-auth"]
    assert len(pinned_both_ways([site], [site, site])) == 1
    assert len(pinned_both_ways([site], [("a.ts", 3, "TAV002", "no-api-key")])) == 2


def test_annotation_without_a_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "expected.toml").write_text("[expect]\n")
    (tmp_path / "route.ts").write_text("// expect: TAV002\nfetch(x);\n")
    with pytest.raises(AssertionError, match="needs the finding's kind"):
        annotations(tmp_path)
    (tmp_path / "route.ts").write_text("{/* expect: TAV005 hidden, TAV105 exit-without-end */}\n<b/>\n")
    assert annotations(tmp_path) == [("route.ts", 2, "TAV005", "hidden"), ("route.ts", 2, "TAV105", "exit-without-end")]
