"""The CLI as users drive it: exit codes, formats, config errors, selection, suppressions, decisions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from sop_check.cli import main
from test_fixtures import FIXTURES, copy_fixture

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
CANARY = "canary-7f3a9c1e-secret-value"
FORMATS = ("text", "json", "sarif", "github", "junit")


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env={"CI": "", **(env or {})}, catch_exceptions=False)


def test_version_and_rules() -> None:
    assert invoke("--version").output.startswith("sop-check, version ")
    listed = invoke("rules").stdout
    for code in ("TAV001", "TAV002", "TAV003", "TAV004", "TAV005", "TAV006"):
        assert code in listed
    assert "## How to fix" in invoke("explain", "TAV004").stdout
    assert invoke("explain", "TAV999").exit_code == 2


def test_exit_codes(tmp_path: Path) -> None:
    good = copy_fixture("app-router-compliant", tmp_path)
    assert invoke("check", str(good)).exit_code == 0
    bad = copy_fixture("keepalive-false", tmp_path)
    assert invoke("check", str(bad)).exit_code == 1
    assert invoke("check", str(bad), "--exit-zero").exit_code == 0
    assert invoke("check", str(bad), "--ignore", "TAV004").exit_code == 0
    assert invoke("check", str(tmp_path / "missing")).exit_code == 2
    assert invoke("check", str(good / "package.json")).exit_code == 0  # a file checks its enclosing app


def test_select_limits_the_rules(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    data = json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV001,TAV004").stdout)
    assert [r["rule"] for r in data["apps"][0]["results"]] == ["TAV001", "TAV004"]


@pytest.mark.parametrize("config, fragment", [
    ("selct = ['TAV001']\n", "key 'selct' is not allowed"),
    ("select = 'TAV001'\n", "'select' must be"),
    ("select = ['TAV999']\n", "unknown rule code 'TAV999'"),
    ("[rule-options.TAV005]\nlabels = 'end'\n", "'labels' must be a list"),
    ("vercel = false\n", "needs a reason"),
    ("not toml [[[", "not valid TOML"),
])
def test_bad_config_exits_2_naming_file_and_key(tmp_path: Path, config: str, fragment: str) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / "sop-check.toml").write_text(config)
    result = invoke("check", str(project))
    assert result.exit_code == 2
    assert "sop-check.toml" in result.output and fragment in result.output
    assert "Traceback" not in result.stdout


def test_config_options_change_policy(tmp_path: Path) -> None:
    project = copy_fixture("client-hook-beacon-compliant", tmp_path)
    (project / "sop-check.toml").write_text("[rule-options.TAV005]\nlabels = ['disconnect']\n")
    data = json.loads(invoke("check", str(project), "--format", "json").stdout)
    tav005 = next(r for r in data["apps"][0]["results"] if r["rule"] == "TAV005")
    assert tav005["status"] == "fail"  # "Leave" is no longer an accepted label


def test_sarif_validates_and_paths_are_repo_relative(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (../shared is absent)")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    web = copy_fixture("keepalive-false", tmp_path)
    web.rename(repo / "apps")
    (repo / "apps").rename(repo / "web")
    (repo / "apps").mkdir()
    (repo / "web").rename(repo / "apps" / "web")
    out = invoke("check", str(repo / "apps" / "web"), "--format", "sarif").stdout
    sarif = json.loads(out)
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in sarif["runs"] for res in run["results"] for loc in res["locations"]]
    assert uris and all(u.startswith("apps/web/") for u in uris)
    again = json.loads(invoke("check", str(repo / "apps" / "web"), "--format", "sarif").stdout)
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == \
        [r["partialFingerprints"] for r in sarif["runs"][0]["results"]]


def test_every_fixture_sarif_is_schema_valid(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (../shared is absent)")
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    for name in sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml")):
        project = copy_fixture(name, tmp_path / "s")
        sarif = json.loads(invoke("check", str(project), "--format", "sarif").stdout)
        errors = list(validator.iter_errors(sarif))
        assert not errors, f"{name}: {errors[0].message}"
        for run in sarif["runs"]:
            for res in run["results"]:
                assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        import shutil
        shutil.rmtree(tmp_path / "s")


def test_github_annotations_and_summary(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    summary = tmp_path / "summary.md"
    out = invoke("check", str(project), "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}).stdout
    line = next(x for x in out.splitlines() if "TAV004" in x)
    assert line.startswith("::error file=components/InteractiveAvatar.tsx,line=22,col=")
    assert "title=TAV004 unload-keepalive::" in line
    assert "| TAV004 | unload-keepalive | ❌ fail |" in summary.read_text()


def test_junit_parses_with_stdlib_and_junitparser(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    out = invoke("check", str(project), "--format", "junit").stdout
    root = ET.fromstring(out.encode())
    cases = root.findall(".//testcase")
    default_rules = [x for x in invoke("rules").output.strip().splitlines() if "(preview)" not in x]
    assert len(cases) == len(default_rules)  # preview rules run only when asked for
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["TAV004 unload-keepalive"]
    junitparser = pytest.importorskip("junitparser")
    path = tmp_path / "r.xml"
    path.write_text(out)
    xml = junitparser.JUnitXml.fromfile(str(path))
    assert sum(s.failures for s in xml) == 1


def test_canary_secret_never_in_any_output(tmp_path: Path) -> None:
    project = copy_fixture("env-commented-and-empty", tmp_path)
    (project / ".env.local").write_text(f"TAVUS_API_KEY={CANARY}\n# TAVUS_PERSONA_ID={CANARY}\n"
                                        f"OTHER=\"{CANARY}\nmulti\"\n")
    (project / ".env").write_text(f"export TAVUS_PERSONA_ID='{CANARY}'\nBROKEN LINE {CANARY}\n")
    for fmt in FORMATS:
        result = invoke("check", str(project), "--format", fmt, env={"TAVUS_API_KEY": CANARY})
        assert CANARY not in result.output, fmt
        assert CANARY[:12] not in result.output, fmt


def test_rule_crash_is_that_rules_error_exit_2(tmp_path: Path, monkeypatch) -> None:
    from sop_check_rules import tav004_unload_keepalive as mod

    def boom(self, ctx):
        raise ValueError("injected failure")

    monkeypatch.setattr(mod.UnloadKeepalive, "check", boom)
    project = copy_fixture("app-router-compliant", tmp_path)
    result = invoke("check", str(project), "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    statuses = {r["rule"]: r["status"] for r in data["apps"][0]["results"]}
    assert statuses["TAV004"] == "error" and statuses["TAV003"] == "pass"
    assert "injected failure" in data["apps"][0]["results"][3]["message"]


def test_inline_suppression_needs_a_reason_and_unused_ones_are_reported(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    avatar = project / "components" / "InteractiveAvatar.tsx"
    text = avatar.read_text()
    avatar.write_text(text.replace("      // expect: TAV004 no-keepalive\n", "      // sop-check-ignore TAV004: the page is a kiosk\n"))
    data = json.loads(invoke("check", str(project), "--format", "json").stdout)
    tav004 = next(r for r in data["apps"][0]["results"] if r["rule"] == "TAV004")
    assert tav004["status"] == "pass" and tav004["findings"][0]["suppressed"]
    assert tav004["findings"][0]["suppression"]["reason"] == "the page is a kiosk"
    assert invoke("check", str(project), "--no-inline-suppressions").exit_code == 1
    avatar.write_text(text.replace("      // expect: TAV004 no-keepalive\n", "      // sop-check-ignore TAV004\n"))
    assert invoke("check", str(project)).exit_code == 1  # no reason: not honoured
    avatar.write_text(text.replace("      // expect: TAV004 no-keepalive\n", "").replace(
        "export default", "// sop-check-ignore TAV005: nothing here\nexport default"))
    data = json.loads(invoke("check", str(project), "--format", "json", "--report-unused-ignores").stdout)
    assert [f["rule"] for f in data["unused_suppressions"]] == ["TAV005"]


def test_ci_without_env_local_is_unknown_not_a_false_fail(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / ".env.local").unlink()
    result = invoke("check", str(project), "--format", "json", env={"CI": "true"})
    tav006 = next(r for r in json.loads(result.stdout)["apps"][0]["results"] if r["rule"] == "TAV006")
    assert tav006["status"] == "unknown" and "env-from-process" in " ".join(tav006["unresolved"])
    assert result.exit_code == 1
    env = {"CI": "true", "TAVUS_API_KEY": "x", "TAVUS_PERSONA_ID": "y"}
    no_vercel = invoke("check", str(project), "--env-from-process", "--format", "json", env=env)
    tav007 = next(r for r in json.loads(no_vercel.stdout)["apps"][0]["results"] if r["rule"] == "TAV007")
    assert tav007["status"] == "unknown" and "VERCEL_TOKEN" in tav007["unresolved"][0]
    assert no_vercel.exit_code == 1  # CI never passes a check it could not run
    (project / "sop-check.toml").write_text('[vercel]\nenabled = false\nreason = "deployed on Netlify"\n')
    ok = invoke("check", str(project), "--env-from-process", env=env)
    assert ok.exit_code == 0, ok.stdout


def test_init_writes_a_config_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "sop-check.toml"
    assert invoke("init", "--path", str(target)).exit_code == 0
    project = copy_fixture("app-router-compliant", tmp_path)
    target.rename(project / "sop-check.toml")
    assert invoke("check", str(project)).exit_code == 0
    assert invoke("init", "--path", str(project / "sop-check.toml")).exit_code == 2


def test_python_m_entry_point_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "sop_check", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "sop-check" in out.stdout


def test_preview_rules_run_only_when_asked(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    default = {r["rule"] for r in json.loads(invoke("check", str(project), "--format", "json").stdout)["apps"][0]["results"]}
    assert "TAV101" not in default and "TAV001" in default
    picked = json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV101").stdout)
    assert [r["rule"] for r in picked["apps"][0]["results"]] == ["TAV101"]
    (project / "sop-check.toml").write_text("preview = true\n")
    with_preview = json.loads(invoke("check", str(project), "--format", "json").stdout)
    statuses = {r["rule"]: r["status"] for r in with_preview["apps"][0]["results"]}
    assert statuses["TAV101"] == "pass" and statuses["TAV103"] == "pass"


def test_json_matches_its_documented_schema_and_reports_provenance(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "report-schema.json").read_text())
    for name in ("keepalive-false", "monorepo", "end-route-syntax-error"):
        project = copy_fixture(name, tmp_path / name)
        data = json.loads(invoke("check", str(project), "--format", "json", "--preview").stdout)
        jsonschema.validate(data, schema)
        assert data["schema_version"] == 1 and data["version"] and data["pack_version"] and data["sop_version"]
    text = invoke("check", str(project)).stdout
    assert "rule pack" in text.splitlines()[-1] and "config:" in text.splitlines()[-1]


def test_named_app_is_checked_even_without_tavus(tmp_path: Path) -> None:
    project = copy_fixture("next-app-without-tavus", tmp_path)
    skipped = json.loads(invoke("check", str(project), "--format", "json").stdout)
    assert skipped["apps"][0]["skipped_reason"]
    named = json.loads(invoke("check", str(project), "--format", "json", "--app", str(project)).stdout)
    assert named["apps"][0]["skipped_reason"] is None
    assert {r["rule"]: r["status"] for r in named["apps"][0]["results"]}["TAV001"] == "fail"


def test_colour_only_when_asked_or_on_a_terminal(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    assert "\x1b[" not in invoke("check", str(project)).stdout  # CliRunner is not a terminal
    assert "\x1b[" in invoke("check", str(project), "--color").stdout
    out = tmp_path / "report.txt"
    assert invoke("check", str(project), "--output", str(out)).stdout == ""
    assert "TAV004" in out.read_text() and "\x1b[" not in out.read_text()


def test_role_button_counts_as_a_control(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    avatar = project / "components" / "InteractiveAvatar.tsx"
    avatar.write_text(avatar.read_text().replace("<button onClick={endSession}>End Session</button>",
                                                 '<div role="button" tabIndex={0} onClick={endSession}>Disconnect</div>'))
    data = json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV005").stdout)
    assert data["apps"][0]["results"][0]["status"] == "pass"


def test_env_file_suppression_with_hash_comment(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / ".env.local").write_text("TAVUS_API_KEY=x\n# sop-check-ignore TAV006: injected by the platform at boot\n"
                                        "TAVUS_PERSONA_ID=\n")
    data = json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV006").stdout)
    result = data["apps"][0]["results"][0]
    assert result["status"] == "pass" and result["findings"][0]["suppressed"]
    assert invoke("check", str(project), "--select", "TAV006", "--no-inline-suppressions").exit_code == 1
