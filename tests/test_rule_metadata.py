"""Rule metadata is the single source: finding kinds, options, dependencies, test modules, docs.

These tests keep the declarations honest: a rule gets only the options it declares, reads only
the verdicts it declares, reports only the kinds it declares; the pack's defaults fit the
declarations; every kind is exercised by an example, a fixture or the rule's test module; the
generated docs match the metadata and every SARIF help link lands on a heading that exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest

from helpers import FIXTURES, PACK, copy_fixture, options_for, write
from sop_check import REPOSITORY_URL
from sop_check.config import ConfigError, load_config
from sop_check.context import CheckContext, Settings
from sop_check.docs import drifted
from sop_check.engine import RunOptions, run_check
from sop_check.model import Location, Message, RuleResult, Status
from sop_check.registry import all_rules, pack_problems
from sop_check.rule import Rule, RuleDefinitionError, run_order
from test_fixtures import CASES, annotations, run_cli

ROOT = Path(__file__).resolve().parents[1]
PKG = '{"dependencies": {"next": "15.0.0"}}'


def test_pack_defaults_fit_the_declarations() -> None:
    assert pack_problems() == []


def test_every_declared_kind_is_exercised() -> None:
    """By an example naming it, a fixture annotating it, or (for rules tested elsewhere) its test module."""
    seen = {(r, k) for name in CASES for _, _, r, k in annotations(FIXTURES / name)}
    for code, rule in all_rules().items():
        seen.update((code, k) for ex in rule.examples for k in ex.kinds)
        for module in rule.tested_in:
            text = (ROOT / "tests" / module).read_text()
            seen.update((code, k) for k in rule.messages if f'"{k}"' in text)
    missing = [f"{code} {k}" for code, rule in all_rules().items() for k in rule.messages if (code, k) not in seen]
    assert not missing, f"kinds no test exercises: {missing}"


def test_annotated_kinds_are_declared() -> None:
    rules = all_rules()
    for name in CASES:
        for path, line, code, kind in annotations(FIXTURES / name):
            assert kind in rules[code].messages, f"{name}/{path}:{line}: {code} has no kind {kind!r}"


# -- the engine feeds rules from their declarations --------------------------------------------
class _Probe(Rule):
    code = "TAV990"
    name = "probe"
    summary = "test rule"
    shared_options = ("end-route",)
    requires = ("TAV991",)
    messages: ClassVar[dict[str, Message]] = {"seen": Message("options {names}; TAV991 said {status}")}
    undeclared: ClassVar[str | None] = None  # a verdict it reads without declaring it

    def check(self, ctx: CheckContext) -> RuleResult:
        if self.undeclared:
            ctx.result_of(self.undeclared)
        dep = ctx.result_of("TAV991")
        return self.failed("probe", [self.report("seen", ctx.app.location("package.json"),
                                                 names=",".join(sorted(ctx.options)),
                                                 status=dep.status.value if dep else "nothing")])


class _Dependency(Rule):
    code = "TAV991"
    name = "dependency"
    summary = "test rule"

    def check(self, ctx: CheckContext) -> RuleResult:
        return self.passed("fine")


def _run_probe(tmp_path: Path, rules: list[type[Rule]]) -> dict[str, RuleResult]:
    write(tmp_path, {"package.json": PKG, "lib/t.ts": "// process.env.TAVUS_API_KEY\n"})
    report = run_check(tmp_path, RunOptions(rules=rules, options_for=options_for, settings=Settings(), environ={},
                                            pack=PACK))
    return {r.rule: r for r in report.apps[0].results}


def test_a_rule_gets_exactly_its_options_and_its_dependency_runs_first(tmp_path: Path) -> None:
    results = _run_probe(tmp_path, [_Probe, _Dependency])  # listed before its dependency
    assert results["TAV990"].findings[0].message == "options end-route; TAV991 said pass"
    assert [r.code for r in run_order([_Probe, _Dependency])] == ["TAV991", "TAV990"]
    alone = _run_probe(tmp_path / "b", [_Probe])  # the dependency not selected: None, not a crash
    assert alone["TAV990"].findings[0].message.endswith("TAV991 said nothing")


def test_reading_an_undeclared_verdict_is_the_rules_error(tmp_path: Path) -> None:
    class Sneaky(_Probe):
        undeclared = "TAV001"

    result = _run_probe(tmp_path, [Sneaky, _Dependency])["TAV990"]
    assert result.status is Status.ERROR and "without declaring it" in result.message


def test_dependency_cycles_are_refused() -> None:
    class A(_Dependency):
        code = "TAV992"
        requires = ("TAV993",)

    class B(_Dependency):
        code = "TAV993"
        requires = ("TAV992",)

    with pytest.raises(RuleDefinitionError, match="cycle"):
        run_order([A, B])


def test_report_renders_declared_kinds_only_and_fills_every_placeholder() -> None:
    probe = _Probe()
    loc = Location("a.ts", 3)
    finding = probe.report("seen", loc, names="x", status="{not a placeholder}")
    assert (finding.kind, finding.message) == ("seen", "options x; TAV991 said {not a placeholder}")
    assert finding.data == {"names": "x", "status": "{not a placeholder}"}
    with pytest.raises(RuleDefinitionError, match="does not declare"):
        probe.report("other", loc)
    with pytest.raises(RuleDefinitionError, match="does not fill"):
        probe.report("seen", loc, names="x")
    with pytest.raises(RuleDefinitionError, match="does not fill"):
        probe.report("seen", loc, names="x", status="y", extra="z")


def test_kinds_and_placeholders_are_checked_when_the_rule_is_defined() -> None:
    with pytest.raises(RuleDefinitionError, match="kebab-case"):
        type("Bad", (Rule,), {"messages": {"Bad_Kind": Message("x")}})
    with pytest.raises(RuleDefinitionError, match="plain name"):
        type("Bad", (Rule,), {"messages": {"ok": Message("{a.__class__}")}})


def test_verdict_accumulator_precedence() -> None:
    loc = Location("a.ts")

    def result(found: bool, unresolved: bool, unresolved_first: bool = False) -> RuleResult:
        v = _Probe().verdict()
        v.saw("looked here", loc)
        if found:
            v.report("seen", loc, names="n", status="s")
        if unresolved:
            v.could_not_resolve("a value")
        return v.result(passed="p", failed="f", unknown="u", unresolved_first=unresolved_first)

    assert (result(False, False).status, result(False, False).evidence[0].message) == (Status.PASS, "looked here")
    assert result(True, True).status is Status.FAIL
    assert result(False, True).status is Status.UNKNOWN
    any_of = result(True, True, unresolved_first=True)
    assert any_of.status is Status.UNKNOWN and any_of.findings and any_of.unresolved == ["a value"]


# -- config is validated against the declarations -----------------------------------------------
def _config(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "sop-check.toml"
    path.write_text(text)
    return load_config(path, known_rules={c: r.info() for c, r in all_rules().items()})


def test_config_is_checked_against_the_declared_options(tmp_path: Path) -> None:
    cfg = _config(tmp_path, '[rule-options.TAV005]\nlabels = ["quit"]\n')  # a shared option TAV005 reads
    assert cfg.rule_options["TAV005"] == {"labels": ["quit"]}
    with pytest.raises(ConfigError, match="key 'events' is not allowed"):
        _config(tmp_path, '[rule-options.TAV005]\nevents = ["unload"]\n')  # TAV005 does not read it
    with pytest.raises(ConfigError, match="'required-properties' must be a list of strings, got a string"):
        _config(tmp_path, '[rule-options.TAV104]\nrequired-properties = "max_call_duration"\n')
    with pytest.raises(ConfigError, match="'required-env-if' must be a table of strings"):
        _config(tmp_path, "[options]\nrequired-env-if = { A = 1 }\n")


def test_vercel_targets_reach_tav007_through_its_declared_config_key(tmp_path: Path) -> None:
    cfg = _config(tmp_path, '[vercel]\ntargets = ["preview"]\n')
    assert cfg.keyed_options(all_rules()["TAV007"].options) == {"targets": ["preview"]}
    assert cfg.keyed_options(all_rules()["TAV006"].options) == {}


# -- docs and links -----------------------------------------------------------------------------
def _slugs(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for m in re.finditer(r"^#{1,6} (.+)$", markdown, re.M):
        out.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out


def test_generated_docs_have_not_drifted() -> None:
    assert drifted(ROOT) == [], "run `python -m sop_check.docs --write` and commit the result"


def test_sarif_help_links_land_on_existing_anchors(tmp_path: Path) -> None:
    slugs = _slugs((ROOT / "docs" / "rules.md").read_text(encoding="utf-8"))
    _, out = run_cli(copy_fixture("end-route-bearer-auth", tmp_path), "--format", "sarif")
    sarif = json.loads(out)
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == REPOSITORY_URL
    assert {r["id"] for r in driver["rules"]} == set(all_rules())
    for rule in driver["rules"]:
        base, _, fragment = rule["helpUri"].partition("#")
        assert base == f"{REPOSITORY_URL}/blob/main/docs/rules.md" and fragment in slugs, rule["helpUri"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for fragment in re.findall(r"\(docs/rules\.md#([^)]+)\)", readme):
        assert fragment in slugs


def test_sarif_message_id_is_the_kind_with_its_message_string(tmp_path: Path) -> None:
    _, out = run_cli(copy_fixture("end-route-bearer-auth", tmp_path), "--format", "sarif")
    run = json.loads(out)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    [result] = [r for r in run["results"] if r["ruleId"] == "TAV002"]
    message = result["message"]
    assert message["id"] == "bearer-auth"
    template = rules["TAV002"]["messageStrings"]["bearer-auth"]["text"]
    assert template == "the end request authenticates with Authorization: Bearer, not {0}"
    assert message["arguments"] == ["x-api-key"]
    assert message["text"].startswith(template.format(*message["arguments"]))


def test_text_and_json_reports_show_the_kind(tmp_path: Path) -> None:
    project = copy_fixture("end-route-bearer-auth", tmp_path)
    _, text = run_cli(project, "--no-color")
    assert "app/api/tavus/end/route.ts:8:26 TAV002 bearer-auth: the end request authenticates" in text
    _, out = run_cli(project, "--format", "json")
    [finding] = [f for a in json.loads(out)["apps"] for r in a["results"] for f in r["findings"]]
    assert (finding["rule"], finding["kind"], finding["line"]) == ("TAV002", "bearer-auth", 8)


def test_rules_command_prints_the_reference_and_explain_prints_one_section() -> None:
    from click.testing import CliRunner

    from sop_check.cli import main

    runner = CliRunner()
    reference = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert runner.invoke(main, ["rules", "--format", "markdown"]).stdout == reference
    section = runner.invoke(main, ["explain", "TAV002"]).stdout
    assert section.startswith("## TAV002 end-route-terminates\n") and section in reference
    assert "| `bearer-auth` |" in section


def test_declared_options_are_honoured_from_config(tmp_path: Path) -> None:
    """Options that were once in the pack but read by nobody: now declared, each changes a verdict."""
    project = copy_fixture("client-hook-beacon-compliant", tmp_path)
    assert _statuses(project)["TAV004"] == ("pass", [])  # its unload request is a sendBeacon
    (project / "sop-check.toml").write_text('[rule-options.TAV004]\nmechanisms = ["fetch-keepalive"]\n')
    assert _statuses(project)["TAV004"] == ("fail", ["no-keepalive"])
    app = copy_fixture("app-router-compliant", tmp_path / "b")
    (app / "sop-check.toml").write_text('[rule-options.TAV006]\nlocal-files = [".env"]\n')  # .env.local not read
    assert _statuses(app)["TAV006"] == ("fail", ["not-defined", "not-defined"])


def _statuses(project: Path) -> dict[str, tuple[str, list[str]]]:
    _, out = run_cli(project, "--format", "json")
    return {r["rule"]: (r["status"], sorted(f["kind"] for f in r["findings"]))
            for a in json.loads(out)["apps"] for r in a["results"]}
