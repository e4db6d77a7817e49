"""Each point of design/decisions.md that earlier tests do not pin already, as a test that could fail."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sop_check.cli import main
from sop_check.textpos import location_from_bytes
from test_fixtures import copy_fixture

REPO = Path(__file__).resolve().parents[1]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env={"CI": "", **(env or {})}, catch_exceptions=False)


def test_severity_override_and_strict(tmp_path: Path) -> None:
    project = copy_fixture("keepalive-false", tmp_path)
    (project / "sop-check.toml").write_text('[severity]\nTAV004 = "warning"\n')
    assert invoke("check", str(project)).exit_code == 0  # a failing warning does not fail the gate
    assert invoke("check", str(project), "--strict").exit_code == 1
    sarif = json.loads(invoke("check", str(project), "--format", "sarif").stdout)
    levels = {r["ruleId"]: r["level"] for run in sarif["runs"] for r in run["results"]}
    assert levels["TAV004"] == "warning"


def test_unknown_is_a_sarif_warning_that_says_could_not_verify(tmp_path: Path) -> None:
    project = copy_fixture("end-route-syntax-error", tmp_path)
    sarif = json.loads(invoke("check", str(project), "--format", "sarif").stdout)
    tav002 = [r for run in sarif["runs"] for r in run["results"] if r["ruleId"] == "TAV002"]
    assert tav002 and tav002[0]["level"] == "warning"
    assert tav002[0]["message"]["text"].startswith("could not verify")


def test_config_waiver_suppresses_a_finding_on_a_file_without_comments(tmp_path: Path) -> None:
    project = copy_fixture("env-template-incomplete", tmp_path)
    assert invoke("check", str(project)).exit_code == 1
    (project / "sop-check.toml").write_text('[[waivers]]\nrule = "TAV006"\npath = ".env.example"\n'
                                            'reason = "the template lives in the platform"\nuntil = "2999-01-01"\n')
    data = json.loads(invoke("check", str(project), "--format", "json").stdout)
    tav006 = next(r for r in data["apps"][0]["results"] if r["rule"] == "TAV006")
    assert tav006["status"] == "pass" and tav006["findings"][0]["suppression"]["kind"] == "config"
    assert data["summary"]["suppressed"] == 1
    (project / "sop-check.toml").write_text('[[waivers]]\nrule = "TAV006"\npath = ".env.example"\n'
                                            'reason = "expired"\nuntil = "2001-01-01"\n')
    result = invoke("check", str(project))
    assert result.exit_code == 1 and "expired" in result.output


def test_base_path_changes_the_url_the_client_must_call(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / "next.config.mjs").write_text("export default { basePath: '/demo' };\n")
    without = json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV003").stdout)
    assert without["apps"][0]["results"][0]["status"] == "fail"  # /api/tavus/end is a 404 under /demo
    avatar = project / "components" / "InteractiveAvatar.tsx"
    avatar.write_text(avatar.read_text().replace("'/api/tavus/end'", "'/demo/api/tavus/end'"))
    data = json.loads(invoke("check", str(project), "--format", "json").stdout)
    statuses = {r["rule"]: r["status"] for r in data["apps"][0]["results"]}
    assert statuses["TAV003"] == "pass" and statuses["TAV005"] == "pass"


def test_page_extensions_decide_what_a_route_file_is(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / "next.config.js").write_text("module.exports = { pageExtensions: ['page.tsx', 'page.ts'] };\n")
    assert json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV001").stdout)[
        "apps"][0]["results"][0]["status"] == "fail"  # route.ts is not a route any more
    route = project / "app" / "api" / "tavus" / "end" / "route.ts"
    route.rename(route.with_name("route.page.ts"))
    assert json.loads(invoke("check", str(project), "--format", "json", "--select", "TAV001").stdout)[
        "apps"][0]["results"][0]["status"] == "pass"


def test_columns_count_characters_and_utf16_units() -> None:
    source = "const s = '😀é'; fetch('/x');\n".encode()
    offset = source.index(b"fetch")
    loc = location_from_bytes(source, "a.ts", offset)
    assert loc.line == 1 and loc.column == 17 and loc.column_utf16 == 18


def test_this_repository_does_not_trip_its_own_secret_rules() -> None:
    data = json.loads(invoke("check", str(REPO), "--format", "json", "--select", "TAV102,TAV103").stdout)
    bad = [(a["root"], r["rule"], [f["message"] for f in r["findings"]]) for a in data["apps"]
           for r in a["results"] if r["status"] in ("fail", "unknown", "error")]
    assert not bad, bad


def test_no_prefilter_parses_every_app_in_workers_with_the_same_verdicts(tmp_path: Path) -> None:
    project = copy_fixture("monorepo", tmp_path)
    (project / "apps" / "docs" / "app" / "broken.tsx").write_text("export default function ( {\n")
    runs = {}
    for jobs in ("1", "2"):
        data = json.loads(invoke("check", str(project), "--format", "json", "--no-prefilter", "--jobs", jobs).stdout)
        runs[jobs] = data
        assert any(d["path"] == "apps/docs/app/broken.tsx" and "syntax error" in d["message"]
                   for d in data["diagnostics"]), data["diagnostics"]
    strip = lambda d: [(a["root"], [(r["rule"], r["status"]) for r in a["results"]]) for a in d["apps"]]  # noqa: E731
    assert strip(runs["1"]) == strip(runs["2"])
    default = json.loads(invoke("check", str(project), "--format", "json").stdout)
    assert not any("broken.tsx" in d["path"] for d in default["diagnostics"])  # the prefilter never parsed it
