"""`check --fix / --unsafe-fixes / --diff / --fix-only / --exit-non-zero-on-fix` from the command line:
exit codes, what each format says, the gate's --locked mode, --staged, secrets, the fix hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from helpers import copy_fixture, validate_sarif
from sop_check.cli import main

REPO = Path(__file__).resolve().parents[1]
COMPONENT = "components/InteractiveAvatar.tsx"
KEY = "hard-coded-example-key-for-fixture"  # the fixture's literal key: never printed


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["check", *args], env=env or {"CI": ""}, catch_exceptions=False)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_diff_exits_1_with_something_to_fix_0_without_and_never_writes(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    before = tree(project)
    result = cli(str(project), "--diff")
    assert result.exit_code == 1 and result.stdout.startswith(f"--- a/{COMPONENT}\n+++ b/{COMPONENT}\n")
    assert tree(project) == before
    clean = copy_fixture("app-router-compliant", tmp_path)
    result = cli(str(clean), "--diff")
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_reports_what_was_fixed_and_what_remains_and_exits_on_what_remains(tmp_path: Path) -> None:
    project = copy_fixture("env-access-gate-without-token", tmp_path)
    result = cli(str(project), "--fix")
    out = result.stdout
    assert "fixed 1 finding:\n  .env.example:1:1 TAV006 not-in-template: declare DEMO_ACCESS_TOKEN= (empty) in " \
           ".env.example (safe)\n" in out
    assert ".env.local:1:1 TAV006 not-defined" in out  # what remains: .env.local is never written
    assert result.exit_code == 1
    assert (project / ".env.example").read_text().endswith("DEMO_ACCESS_TOKEN=\n")


def test_fix_only_prints_only_the_fixes_and_exit_non_zero_on_fix_stops_a_commit(tmp_path: Path) -> None:
    project = copy_fixture("env-access-gate-without-token", tmp_path)
    result = cli(str(project), "--fix-only")
    assert result.stdout == ("fixed 1 finding:\n  .env.example:1:1 TAV006 not-in-template: declare "
                             "DEMO_ACCESS_TOKEN= (empty) in .env.example (safe)\n")
    assert result.exit_code == 0  # what remains is not reported, so it does not fail the run
    assert cli(str(project), "--fix-only").stdout == "nothing to fix\n"
    again = copy_fixture("keepalive-missing", tmp_path / "2")
    assert cli(str(again), "--fix", "--exit-non-zero-on-fix").exit_code == 1  # fixed: clean, but a file changed
    assert cli(str(again), "--fix", "--exit-non-zero-on-fix").exit_code == 0  # nothing left to change


@pytest.mark.parametrize("args, given", [
    (("--diff", "--format", "json"), "--format json"),
    (("--diff", "--output", "fix.diff"), "--output"),
    (("--diff", "--extra-output", "sarif=r.sarif"), "--extra-output"),
    (("--fix-only", "--format", "sarif"), "--format sarif"),
])
def test_a_report_option_that_diff_or_fix_only_would_ignore_is_a_usage_error(args: tuple[str, ...], given: str,
                                                                            tmp_path: Path) -> None:
    """Found trying it as a user: `--diff --format json` printed a diff and no JSON, and `--output`
    went unused; now the run stops (exit 2) before anything is written and says what to use."""
    project = copy_fixture("keepalive-missing", tmp_path)
    before = tree(project)
    result = CliRunner().invoke(main, ["check", str(project), *args], env={"CI": ""})
    assert result.exit_code == 2
    assert f"takes no {given}" in result.stderr and "use --format json or sarif" in result.stderr
    assert result.stdout == "" and tree(project) == before


def test_unsafe_fixes_alone_or_with_diff_writes_nothing(tmp_path: Path) -> None:
    """`--unsafe-fixes` without --fix only says which findings it could fix; `--fix --diff` is a diff."""
    project = copy_fixture("end-route-bearer-auth", tmp_path)
    before = tree(project)
    alone = cli(str(project), "--unsafe-fixes")
    assert alone.exit_code == 1 and "can be fixed with --unsafe-fixes" in alone.stdout
    both = cli(str(project), "--fix", "--diff", "--unsafe-fixes")
    assert both.exit_code == 1 and both.stdout.startswith("--- a/app/api/tavus/end/route.ts\n")
    assert tree(project) == before


def test_a_locked_run_never_writes(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    before = tree(project)
    for args, env in ((("--fix", "--locked"), None), (("--fix-only",), {"CI": "", "SOP_CHECK_LOCKED": "1"})):
        result = CliRunner().invoke(main, ["check", str(project), *args], env=env or {"CI": ""})
        assert result.exit_code == 2 and "--locked run never writes" in result.stderr
    assert cli(str(project), "--diff", "--locked").exit_code == 1
    assert tree(project) == before


def test_the_hard_coded_key_is_never_printed_in_any_output(tmp_path: Path) -> None:
    project = copy_fixture("end-route-hardcoded-key", tmp_path)
    route = project / "app/api/tavus/end/route.ts"
    assert KEY in route.read_text()
    outputs = [cli(str(project), "--diff", "--unsafe-fixes").output]
    for fmt in ("text", "json", "sarif", "github", "junit", "markdown", "gitlab"):
        outputs.append(cli(str(project), "--format", fmt).output)
    outputs.append(cli(str(project), "--fix", "--unsafe-fixes", "--format", "json").output)
    assert all(KEY not in out for out in outputs)
    assert "<redacted, 34 chars>" in outputs[0]
    assert KEY not in route.read_text() and "process.env.TAVUS_API_KEY || ''" in route.read_text()


@pytest.mark.parametrize("line", [
    "        headers: { 'x-api-key': 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' },",  # named a key
    "        headers: { Authorization: `Bearer sk_live_0123456789abcdef` },",  # after Bearer
    "        signature: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',",  # a key's shape, whatever its name
])
def test_a_key_in_the_context_lines_of_a_diff_is_masked_even_when_no_rule_named_it(tmp_path: Path, line: str) -> None:
    """The keepalive fix's context quotes three lines around the edit; a literal key among them
    (TAV103 not selected, so no finding names it) must not be printed."""
    project = copy_fixture("keepalive-missing", tmp_path)
    component = project / COMPONENT
    text = component.read_text()
    anchor = "        method: 'POST',\n"
    component.write_text(text.replace(anchor, anchor + line + "\n", 1))
    secret = line.split("'")[-2] if "'" in line else line.split("Bearer ")[1].split("`")[0]
    result = cli(str(project), "--diff", "--select", "TAV004")
    assert result.exit_code == 1 and "+        keepalive: true," in result.stdout
    assert line.strip().split(":")[0] in result.stdout  # the line is there as context ...
    assert secret not in result.output  # ... its key is not
    assert f"<redacted, {len(secret)} chars>" in result.stdout


def test_env_values_in_a_template_are_masked_in_the_diff(tmp_path: Path) -> None:
    project = copy_fixture("env-template-incomplete", tmp_path)
    (project / ".env.example").write_text("TAVUS_API_KEY=sk-live-0123456789\n")
    result = cli(str(project), "--diff")
    assert "sk-live" not in result.output
    assert " TAVUS_API_KEY=<value hidden>\n+TAVUS_PERSONA_ID=\n" in result.stdout


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for a in report["apps"] for r in a["results"] for f in r["findings"]]


def test_json_and_sarif_carry_the_edits_and_validate(tmp_path: Path) -> None:
    project = copy_fixture("no-end-route", tmp_path)
    report = json.loads(cli(str(project), "--format", "json").stdout)
    jsonschema.validate(report, json.loads((REPO / "docs" / "report-schema.json").read_text()))
    [edit] = _findings(report)[0]["fix"]["edits"]
    assert (edit["path"], edit["start"], edit["end"]) == ("app/api/tavus/end/route.ts", 0, 0)
    assert edit["content"].startswith("import { NextResponse } from 'next/server';\n")
    sarif = json.loads(cli(str(project), "--format", "sarif").stdout)
    validate_sarif(sarif)
    results = sarif["runs"][0]["results"]
    fixes = [r["fixes"][0] for r in results if "fixes" in r]
    change = fixes[0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "app/api/tavus/end/route.ts"
    assert change["replacements"][0]["deletedRegion"] == {"startLine": 1, "startColumn": 1, "endLine": 1,
                                                          "endColumn": 1}
    assert {r["properties"]["fix"] for r in results} == {"safe"}
    fixed = json.loads(cli(str(project), "--fix", "--format", "json").stdout)
    jsonschema.validate(fixed, json.loads((REPO / "docs" / "report-schema.json").read_text()))
    assert {o["status"] for o in fixed["fixes"]} == {"applied"} and _findings(fixed) == []


def test_every_format_says_whether_a_finding_has_a_fix(tmp_path: Path) -> None:
    project = copy_fixture("end-button-no-handler", tmp_path)
    for fmt, needle in (("text", "autofix: suggestion (display-only, never applied)"),
                        ("github", "[autofix: suggestion (display-only, never applied)"),
                        ("junit", "[autofix: suggestion (display-only, never applied)"),
                        ("markdown", "_(autofix: suggestion (display-only, never applied)"),
                        ("gitlab", "Autofix: suggestion (display-only, never applied)"),
                        ("json", '"applicability": "display-only"'),
                        ("sarif", '"fix": "display-only"')):
        assert needle in cli(str(project), "--format", fmt).stdout, fmt
    sarif = json.loads(cli(str(project), "--format", "sarif").stdout)
    assert all("fixes" not in r for r in sarif["runs"][0]["results"])  # a suggestion is not a fix to apply
    text = cli(str(project)).stdout
    assert "      | <button onClick={endSession}>End Session</button>\n" in text


def test_a_fix_under_staged_is_checked_against_the_staged_text(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = copy_fixture("keepalive-missing", tmp_path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "x")):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    target = project / COMPONENT
    target.write_text(target.read_text() + "// not staged\n")
    result = cli(str(project), "--staged", "--fix", "--format", "json")
    [outcome] = json.loads(result.stdout)["fixes"]
    assert outcome["status"] == "not-applied" and "differs from its staged version" in outcome["reason"]
    assert target.read_text().endswith("// not staged\n") and "keepalive: true" not in target.read_text()


def test_a_half_staged_fix_says_to_stage_it_not_to_run_fix_again(tmp_path: Path) -> None:
    """Found trying it as a user: the broken file staged, another file edited and not staged.
    `--staged --fix` writes the fix to the work tree; the report (the index) still fails, and it
    must say "stage it", not "can be fixed with --fix" (a second --fix would refuse: the file now
    differs from its staged version). Once staged, the commit passes."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = copy_fixture("keepalive-missing", tmp_path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    page = next(p for p in project.rglob("page.tsx"))
    page.write_text(page.read_text() + "// not staged\n")
    result = cli(str(project), "--staged", "--fix")
    out = result.stdout
    assert "fixed 1 finding in the work tree (not staged yet: the report below reads the index):\n" \
           f"  {COMPONENT}:22:7 TAV004 no-keepalive:" in out
    assert "stage them (git add)" in out
    assert "can be fixed with --fix" not in out
    assert result.exit_code == 1  # the commit as staged still fails
    assert "keepalive: true" in (project / COMPONENT).read_text()
    git("add", COMPONENT)
    after = json.loads(cli(str(project), "--staged", "--format", "json").stdout)
    assert {r["rule"]: r["status"] for r in after["apps"][0]["results"]}["TAV004"] == "pass"
    assert page.read_text().endswith("// not staged\n")  # the unstaged edit is untouched


def test_the_fix_hook_is_declared_for_pre_commit() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    fix = hooks["sop-check-fix"]
    assert fix["entry"] == "sop-check check --fix --exit-non-zero-on-fix"
    assert (fix["pass_filenames"], fix["always_run"], fix["require_serial"]) == (False, True, True)


def test_the_fix_hook_fixes_then_stops_the_commit_and_the_next_commit_passes(tmp_path: Path) -> None:
    """The real pre-commit framework with the sop-check-fix hook (a `repo: local` copy of it)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pre_commit = Path(sys.executable).with_name("pre-commit")
    command = [str(pre_commit)] if pre_commit.exists() else [sys.executable, "-m", "pre_commit"]
    pytest.importorskip("pre_commit")
    project = copy_fixture("keepalive-missing", tmp_path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "PRE_COMMIT_HOME": str(tmp_path / ".pre-commit-home")}
    env.pop("CI", None)
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    fix = next(h for h in hook if h["id"] == "sop-check-fix")
    (project / ".gitignore").write_text(".env*.local\n")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [{
        "id": fix["id"], "name": fix["name"], "language": "unsupported", "pass_filenames": False,
        "always_run": True, "require_serial": True,
        "entry": fix["entry"].replace("sop-check", f"{sys.executable} -m sop_check", 1)}]}]}))

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=project, env=env, capture_output=True, text=True)

    git("init", "-q")
    subprocess.run([*command, "install"], cwd=project, env=env, check=True, capture_output=True)
    git("add", "-A")
    stopped = git("commit", "-qm", "keepalive missing")
    assert stopped.returncode != 0, stopped.stdout + stopped.stderr
    assert "fixed 1 finding" in stopped.stdout + stopped.stderr, stopped.stderr
    assert "keepalive: true" in (project / COMPONENT).read_text()
    git("add", "-A")
    passed = git("commit", "-qm", "keepalive fixed by the hook")
    assert passed.returncode == 0, passed.stdout + passed.stderr
