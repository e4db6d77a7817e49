"""A gate that checked nothing must not pass: unknown codes are usage errors, an empty selection
is one too, and a run in which no rule applied says so (and does not exit 0 in CI or when the
gate asks for it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sop_check.cli import main
from sop_check.run import CheckRequest, execute
from test_fixtures import copy_fixture


def invoke(*args: str, ci: str = "") -> Result:
    return CliRunner().invoke(main, list(args), env={"CI": ci, "VERCEL_TOKEN": ""}, catch_exceptions=False)


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return copy_fixture("app-router-compliant", tmp_path)


@pytest.fixture()
def no_tavus(tmp_path: Path) -> Path:
    return copy_fixture("next-app-without-tavus", tmp_path)


@pytest.mark.parametrize("flag, typed, hint", [
    ("--select", "TAV0O1", " (did you mean TAV001?)"),
    ("--select", "tav0o4", " (did you mean TAV004?)"),
    ("--ignore", "TAV00l", " (did you mean TAV001?)"),
    ("--ignore", "TAVlO1", " (did you mean TAV101?)"),
    ("--select", "TAVO0", " (did you mean TAV00?)"),
    ("--select", "TAV999", ""),
    ("--select", "TAV001,XYZ", ""),
])
def test_unknown_code_on_the_command_line_is_a_usage_error(good: Path, flag: str, typed: str, hint: str) -> None:
    result = invoke("check", str(good), flag, typed)
    assert result.exit_code == 2
    bad = [c.strip().upper() for c in typed.split(",") if not c.strip().upper().startswith("TAV001")][0]
    assert f"Invalid value for '{flag}': unknown rule code '{bad}'{hint}; known codes: TAV001, " in result.output
    assert "end-route" not in result.output  # nothing ran


def test_codes_and_prefixes_that_match_are_accepted(good: Path) -> None:
    assert invoke("check", str(good), "--select", "TAV00", "--ignore", "TAV006,TAV007").exit_code == 0
    assert invoke("check", str(good), "--select", "all", "--ignore", "TAV006,TAV007,TAV1").exit_code == 0
    data = json.loads(invoke("check", str(good), "--format", "json", "--select", "tav001, TAV004").stdout)
    assert [r["rule"] for r in data["apps"][0]["results"]] == ["TAV001", "TAV004"]


def test_empty_list_is_a_usage_error(good: Path) -> None:
    result = invoke("check", str(good), "--select", " , ")
    assert result.exit_code == 2 and "names no rule code" in result.output


def test_selection_that_runs_no_rule_is_a_usage_error(good: Path) -> None:
    preview_only = invoke("check", str(good), "--select", "TAV1")
    assert preview_only.exit_code == 2
    assert ("the selection runs no rule: it matches only preview rules (TAV101, TAV102, TAV103, TAV104, TAV105); "
            "add --preview or name the codes") in preview_only.stderr
    assert invoke("check", str(good), "--select", "TAV1", "--preview", "--ignore", "TAV102").exit_code in (0, 1)
    everything_ignored = invoke("check", str(good), "--ignore", "ALL")
    assert everything_ignored.exit_code == 2
    assert "every selected rule is also ignored" in everything_ignored.stderr


def test_typo_in_config_names_the_close_code(good: Path) -> None:
    (good / "sop-check.toml").write_text("ignore = ['TAV0O7']\n")
    result = invoke("check", str(good))
    assert result.exit_code == 2
    assert "unknown rule code 'TAV0O7' (did you mean TAV007?) in 'ignore'" in result.stderr


def test_explain_suggests_the_close_code() -> None:
    result = invoke("explain", "TAV0O4")
    assert result.exit_code == 2 and "unknown rule 'TAV0O4' (did you mean TAV004?)" in result.stderr


# -- runs in which no rule applied -----------------------------------------------------------

NO_TAVUS_NOTE = ("nothing was checked: no rule applies to any app (.: does not use Tavus (no Tavus API, TAVUS_* "
                 "variable or Tavus package found))")


def test_nothing_checked_is_said_and_passes_only_outside_ci(no_tavus: Path) -> None:
    local = invoke("check", str(no_tavus))
    assert local.exit_code == 0
    assert f"note: {NO_TAVUS_NOTE}\n" in local.stdout
    ci = invoke("check", str(no_tavus), ci="true")
    assert ci.exit_code == 1
    assert f"note: {NO_TAVUS_NOTE}; a gate that checked nothing does not pass (exit 1)" in ci.stdout
    assert invoke("check", str(no_tavus), "--exit-zero", ci="1").exit_code == 0
    assert invoke("check", str(no_tavus), ci="false").exit_code == 0


def test_nothing_checked_reaches_machine_formats(no_tavus: Path) -> None:
    result = invoke("check", str(no_tavus), "--format", "json", ci="1")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["notices"][-1].startswith(NO_TAVUS_NOTE)
    assert f"sop-check: {NO_TAVUS_NOTE}" in result.stderr


def _execute(path: Path, **kw: Any) -> int:
    return execute(CheckRequest(path=path, fmt="json", **kw), environ={"VERCEL_TOKEN": ""})


def test_the_gate_setting_fails_a_run_that_checked_nothing(no_tavus: Path, good: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _execute(no_tavus) == 0
    assert _execute(no_tavus, fail_if_nothing_checked=True) == 1  # what --locked sets
    # Every selected rule skipped on an app that uses Tavus is nothing checked too.
    assert _execute(good, select=["TAV007"]) == 0
    assert _execute(good, select=["TAV007"], fail_if_nothing_checked=True) == 1
    out = capsys.readouterr()
    assert "every rule was skipped (TAV007 not checked: run with --vercel" in out.out + out.err
    # One rule that ran is enough.
    assert _execute(good, select=["TAV001", "TAV007"], fail_if_nothing_checked=True) == 0


def test_something_checked_in_ci_keeps_its_verdicts(good: Path) -> None:
    result = invoke("check", str(good), "--select", "TAV001,TAV004", ci="1")
    assert result.exit_code == 0 and "nothing was checked" not in result.stdout


def test_typo_in_a_flag_name_is_a_usage_error_with_a_suggestion(good: Path) -> None:
    result = invoke("check", str(good), "--selct", "TAV001")
    assert result.exit_code == 2
    assert "No such option" in result.output and "'--select'" in result.output.split("--selct")[1]


def test_nothing_checked_in_a_large_monorepo_stays_one_short_line(tmp_path: Path) -> None:
    for i in range(6):
        app = tmp_path / "apps" / f"app{i}"
        app.mkdir(parents=True)
        (app / "package.json").write_text('{"dependencies": {"next": "15.0.0"}}')
    result = invoke("check", str(tmp_path), ci="1")
    assert result.exit_code == 1
    note = next(line for line in result.stdout.splitlines() if line.startswith("note: nothing was checked"))
    assert note.count("does not use Tavus") == 3 and "; and 3 more app(s))" in note
