"""`check --fix` on every fixture that has a fixable finding (issue 15, "done when").

For each fixture whose findings carry a fix that a tool may apply (safe, or unsafe):
- `--diff` prints exactly `expected.fix.diff` (the golden diff; `pytest --update-golden` rewrites
  it: review it like code) and writes nothing;
- `--fix` (with `--unsafe-fixes` when the fixture's expected.toml says `[fix] unsafe = true`, which
  must agree with the fixes offered) removes every one of those findings, and each rule whose
  findings were all fixable then passes; what it writes is what the diff showed;
- a second `--fix` changes nothing.
A fix the re-check refuses fails this test unless expected.toml lists it under `[fix] refused`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURES, copy_fixture
from sop_check.fixing.diff import unified_diff
from test_fixtures import CASES, run_cli, run_json

GOLDEN = "expected.fix.diff"
APPLIED = ("safe", "unsafe")


def fixable(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for a in report["apps"] for r in a["results"] for f in r["findings"]
            if f["fix"] is not None and f["fix"]["applicability"] in APPLIED and not f["suppressed"]]


def fix_table(name: str) -> dict[str, Any]:
    data = tomllib.loads((FIXTURES / name / "expected.toml").read_text(encoding="utf-8"))
    table: dict[str, Any] = data.get("fix", {})
    return table


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `root`: bytes, mode, mtime (ns): what `--diff` must leave exactly as it was."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".git" not in p.parts:
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (p.read_bytes(), st.st_mode, st.st_mtime_ns)
    return out


def _flags(name: str) -> list[str]:
    return ["--unsafe-fixes"] if fix_table(name).get("unsafe") else []


def _site(f: dict[str, Any]) -> str:
    return f"{f['rule']} {f['kind']}"


FIXABLE = [name for name in CASES if "fix" in tomllib.loads((FIXTURES / name / "expected.toml").read_text("utf-8"))]


@pytest.mark.parametrize("name", CASES)
def test_a_fixture_with_a_fixable_finding_has_a_golden_diff_and_says_if_it_is_unsafe(name: str,
                                                                                     tmp_path: Path) -> None:
    _, report = run_json(copy_fixture(name, tmp_path))
    offered = fixable(report)
    declared = name in FIXABLE
    if not offered:
        assert not declared and not (FIXTURES / name / GOLDEN).exists(), f"{name}: a [fix] table but nothing to fix"
        return
    unsafe = any(f["fix"]["applicability"] == "unsafe" for f in offered)
    assert declared, (f"{name}: {', '.join(map(_site, offered))} can be fixed: add `[fix]` with "
                      f"`unsafe = {str(unsafe).lower()}` to its expected.toml, then run "
                      "`pytest tests/test_fix_fixtures.py --update-golden` and review expected.fix.diff")
    assert bool(fix_table(name).get("unsafe")) == unsafe, \
        f"{name}: set `[fix] unsafe = {str(unsafe).lower()}` in expected.toml (its fixes need --unsafe-fixes: {unsafe})"
    assert (FIXTURES / name / GOLDEN).exists(), f"{name}: run `pytest tests/test_fix_fixtures.py --update-golden`"


@pytest.mark.parametrize("name", FIXABLE)
def test_diff_is_golden_and_writes_nothing(name: str, tmp_path: Path, update_golden: bool) -> None:
    project = copy_fixture(name, tmp_path)
    before = snapshot(project)
    code, out = run_cli(project, "--diff", *_flags(name))
    assert snapshot(project) == before, "--diff wrote to the project"
    golden = FIXTURES / name / GOLDEN
    if update_golden:
        golden.write_text(out, encoding="utf-8")
        return
    assert code == (1 if out else 0)
    assert out == golden.read_text(encoding="utf-8"), \
        f"{name}: the fix changed; if intended, rerun with --update-golden and review the diff"


@pytest.mark.parametrize("name", FIXABLE)
def test_fix_removes_the_fixable_findings_its_rules_then_pass_and_a_second_fix_changes_nothing(
        name: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path)
    _, before_report = run_json(project)
    offered = fixable(before_report)
    refused = set(fix_table(name).get("refused", []))
    original = snapshot(project)
    code, after_report = run_json(project, "--fix", *_flags(name))
    outcomes = {(o["rule"], o["kind"], o["path"], o["line"]): o for o in after_report["fixes"]}
    for f in offered:
        o = outcomes[(f["rule"], f["kind"], f["path"], f["line"])]
        want = "not-applied" if _site(f) in refused else "applied"
        assert o["status"] == want, f"{name}: {_site(f)}: {o['status']} ({o['reason']})"
    remaining = {(_site(f), f["path"]) for f in fixable(after_report)} | {
        (_site(f), f["path"]) for a in after_report["apps"] for r in a["results"] for f in r["findings"]}
    fixed = [f for f in offered if _site(f) not in refused]
    for f in fixed:
        assert (_site(f), f["path"]) not in remaining or _same_kind_twice(offered, f), \
            f"{name}: {_site(f)} is still reported after --fix"
    results = {r["rule"]: r for a in after_report["apps"] for r in a["results"]}
    for rule in {f["rule"] for f in fixed}:
        own = [f for a in before_report["apps"] for r in a["results"] if r["rule"] == rule for f in r["findings"]]
        if all(f in fixed for f in own):
            assert results[rule]["status"] == "pass", f"{name}: {rule} is {results[rule]['status']} after --fix"
    assert code == (1 if any(r["status"] in ("fail", "unknown") and r["severity"] == "error"
                             for r in results.values()) else 0), "the exit code must say what remains"
    _written_is_what_the_diff_showed(name, project, original)
    fixed_tree = snapshot(project)
    code2, again = run_json(project, "--fix", *_flags(name))
    assert [o for o in again["fixes"] if o["status"] == "applied"] == []
    assert {p: v[0] for p, v in snapshot(project).items()} == {p: v[0] for p, v in fixed_tree.items()}


def _same_kind_twice(offered: list[dict[str, Any]], f: dict[str, Any]) -> bool:
    return sum(1 for g in offered if (_site(g), g["path"]) == (_site(f), f["path"])) > 1


def _written_is_what_the_diff_showed(name: str, project: Path, original: dict[str, tuple[bytes, int, int]]) -> None:
    now = snapshot(project)
    golden = (FIXTURES / name / GOLDEN).read_text(encoding="utf-8")
    secrets = [] if "<redacted" not in golden else _removed_literals(original, now)
    text = ""
    for path in sorted(set(now) | set(original)):
        old = original.get(path)
        new = now.get(path)
        if new is None:
            pytest.fail(f"{name}: --fix removed {path}")
        if old is None or old[0] != new[0]:
            text += unified_diff(path, old[0] if old else None, new[0], secrets)
            if old is not None:
                assert new[1] == old[1], f"{name}: --fix changed the mode of {path}"
    assert text == golden, f"{name}: --fix wrote something else than --diff showed"


def _removed_literals(original: dict[str, tuple[bytes, int, int]], now: dict[str, tuple[bytes, int, int]]) -> list[str]:
    gone = []
    for path, (data, _, _) in original.items():
        after = now.get(path, (b"", 0, 0))[0].decode("utf-8", "replace")
        for lit in re.findall(r"'([^'\n]{8,})'", data.decode("utf-8", "replace")):
            if lit not in after:
                gone.append(lit)
    return gone
