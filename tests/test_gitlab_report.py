"""`--format gitlab`: GitLab Code Quality issues, valid against the schema written from GitLab's
documentation, with severities from the rule's severity and status, repo-relative paths, and
fingerprints that are unique and survive re-runs and line moves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from sop_check.cli import main
from sop_check.model import (AppReport, Finding, Location, Report, RuleInfo, RuleResult, Severity, Status,
                             Suppression)
from sop_check.report.gitlab import issues, render
from test_fixtures import FIXTURES, copy_fixture

REPO = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((REPO / "docs" / "gitlab-codequality-schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def gitlab(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path), "--format", "gitlab", *args], env={"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, result.stdout


def assert_valid(text: str) -> list[dict[str, object]]:
    assert not text.startswith("\ufeff"), "GitLab refuses a byte order mark"
    data = json.loads(text)
    errors = list(VALIDATOR.iter_errors(data))
    assert not errors, errors[0].message
    fingerprints = [i["fingerprint"] for i in data]
    assert len(fingerprints) == len(set(fingerprints)), "GitLab shows issues with one fingerprint as one"
    return data


def test_the_schema_is_a_valid_schema_and_rejects_what_gitlab_would() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    good = {"description": "d", "check_name": "TAV004", "fingerprint": "0" * 32, "severity": "major",
            "location": {"path": "app/page.tsx", "lines": {"begin": 3}}}
    assert VALIDATOR.is_valid([good])
    for broken in ({**good, "severity": "error"}, {**good, "location": {"path": "/abs/page.tsx", "lines": {"begin": 1}}},
                   {**good, "location": {"path": "app/page.tsx"}}, {k: v for k, v in good.items() if k != "fingerprint"}):
        assert not VALIDATOR.is_valid([broken]), broken


@pytest.mark.parametrize("name", sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml")))
def test_every_fixture_report_is_valid(name: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path)
    code, out = gitlab(project, "--preview")
    data = assert_valid(out)
    sarif = json.loads(CliRunner().invoke(main, ["check", str(project), "--format", "sarif", "--preview"],
                                          env={"CI": ""}).stdout)
    located = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                     for run in sarif["runs"] for r in run["results"])
    # One GitLab issue per SARIF result: nothing dropped, nothing invented; the same files.
    assert sorted((i["check_name"], i["location"]["path"]) for i in data) == located
    assert (code == 1) == any(i["severity"] in ("critical", "major") for i in data)


def test_keepalive_false_is_one_critical_issue_at_the_fetch(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    code, out = gitlab(project, "--select", "TAV004")
    [issue] = assert_valid(out)
    assert code == 1
    assert issue["check_name"] == "TAV004" and issue["severity"] == "critical"
    assert issue["location"] == {"path": "components/InteractiveAvatar.tsx", "lines": {"begin": 22, "end": 26}}
    assert issue["description"].startswith("TAV004 unload-keepalive: ")


def test_paths_are_relative_to_the_repository_root_when_an_app_is_checked(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    project = copy_fixture("keepalive-false", repo / "apps").rename(repo / "apps" / "web")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _, out = gitlab(project, "--select", "TAV004")
    [issue] = assert_valid(out)
    assert issue["location"]["path"] == "apps/web/components/InteractiveAvatar.tsx"


def test_fingerprints_survive_reruns_and_line_moves(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    _, first = gitlab(project)
    _, again = gitlab(project)
    assert first == again
    component = project / "components" / "InteractiveAvatar.tsx"
    component.write_text("// moved\n" * 7 + component.read_text(encoding="utf-8"), encoding="utf-8")
    _, moved = gitlab(project)
    before = {i["fingerprint"]: i for i in json.loads(first)}
    after = {i["fingerprint"]: i for i in json.loads(moved)}
    assert before.keys() == after.keys()
    tav004 = next(fp for fp, i in before.items() if i["check_name"] == "TAV004")
    assert after[tav004]["location"]["lines"]["begin"] == before[tav004]["location"]["lines"]["begin"] + 7


# Reporters are pure functions of a Report: the severity table and the numbering of equal
# findings are pinned on reports built by hand.

def _report(*results: RuleResult) -> Report:
    infos = [RuleInfo(r.rule, r.name, "summary", r.severity, "docs", tags=("tavus", "security") if r.rule == "TAV101"
                      else ("tavus",)) for r in results]
    return Report("0", "1", "sop", "/repo", ".", None, infos, apps=[AppReport("apps/web", True, list(results))])


def _finding(line: int, message: str = "the End button does not call the end route", code: str = "TAV005",
             suppressed: bool = False) -> Finding:
    return Finding(code, "never-calls-end", message, Location("apps/web/components/Call.tsx", line, 3),
                   suppression=Suppression("inline", "kiosk mode has no End button") if suppressed else None)


@pytest.mark.parametrize("status,severity,expected", [
    (Status.FAIL, Severity.ERROR, "critical"),
    (Status.FAIL, Severity.WARNING, "minor"),
    (Status.UNKNOWN, Severity.ERROR, "major"),
    (Status.UNKNOWN, Severity.WARNING, "info"),
    (Status.ERROR, Severity.ERROR, "blocker"),
    (Status.ERROR, Severity.WARNING, "blocker"),
])
def test_severity_comes_from_rule_severity_and_status(status: Status, severity: Severity, expected: str) -> None:
    findings = [_finding(4)] if status is Status.FAIL else []
    result = RuleResult("TAV005", "end-button", severity, status, "message", findings, unresolved=["props.onEnd"])
    [issue] = issues(_report(result))
    assert issue["severity"] == expected
    if status is not Status.FAIL:  # nothing located: anchored on the app's package.json
        assert issue["location"] == {"path": "apps/web/package.json", "lines": {"begin": 1}}
    if status is Status.UNKNOWN:
        assert "could not verify: message (props.onEnd)" in str(issue["description"])


def test_suppressed_findings_stay_as_info_with_their_reason() -> None:
    result = RuleResult("TAV005", "end-button", Severity.ERROR, Status.PASS, "suppressed", [_finding(4, suppressed=True)])
    [issue] = issues(_report(result))
    assert issue["severity"] == "info"
    assert str(issue["description"]).endswith("[suppressed: kiosk mode has no End button]")


def test_equal_findings_get_distinct_fingerprints_that_survive_moves() -> None:
    def fingerprints(shift: int) -> list[str]:
        result = RuleResult("TAV005", "end-button", Severity.ERROR, Status.FAIL, "m",
                            [_finding(40 + shift), _finding(12 + shift)])
        data = issues(_report(result))
        return [str(i["fingerprint"]) for i in sorted(data, key=lambda i: i["location"]["lines"]["begin"])]

    assert len(set(fingerprints(0))) == 2
    assert fingerprints(0) == fingerprints(9)
    assert_valid(render(_report(RuleResult("TAV005", "end-button", Severity.ERROR, Status.FAIL, "m",
                                           [_finding(40), _finding(12)]))))


def test_positions_in_messages_do_not_move_fingerprints() -> None:
    def fingerprint(line: int) -> str:
        msg = f"the unload request (fetch at apps/web/components/Call.tsx:{line}:7) has no keepalive"
        result = RuleResult("TAV004", "unload-keepalive", Severity.ERROR, Status.FAIL, "m", [_finding(line, msg, "TAV004")])
        return str(issues(_report(result))[0]["fingerprint"])

    assert fingerprint(22) == fingerprint(31)


def test_security_rules_are_in_the_security_category() -> None:
    result = RuleResult("TAV101", "key-not-public", Severity.ERROR, Status.FAIL, "m", [_finding(2, code="TAV101")])
    assert issues(_report(result))[0]["categories"] == ["Security"]


def test_written_with_output_and_as_an_extra_output(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    target, extra = tmp_path / "gl-code-quality-report.json", tmp_path / "also.json"
    code, _ = gitlab(project, "--output", str(target), "--extra-output", f"gitlab={extra}")
    assert code == 1
    assert target.read_bytes() == extra.read_bytes()
    assert_valid(target.read_text(encoding="utf-8"))


def test_module_cli_spelling_works() -> None:
    out = subprocess.run([sys.executable, "-m", "sop_check", "check", "--help"], capture_output=True, text=True)
    assert "gitlab" in out.stdout and "--extra-output" in out.stdout
