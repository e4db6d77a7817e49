"""TAV007 (vercel env) pinned branch by branch (mutation survivors in rules/tav007_vercel_env.py):
when it runs at all, what it says is missing, where the project and team come from (and not from
the tree under --locked), and how the variables are matched to the targets. Against the local
fake of the Vercel API (tests/vercel_fake.py); its token is a test constant, not a secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import PACK, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import Report, RuleResult, Status
from sop_check.registry import all_rules
from sop_check.vercel import TEST_API_ENV
from vercel_fake import TOKEN, FakeVercel

PKG = '{"dependencies": {"next": "15"}}'
LINKED = json.dumps({"projectId": "prj_123", "orgId": "team_9"})
PROJECT_ID = "the project id (.vercel/project.json from `vercel link`, or [vercel] project in config)"
BOTH = [{"key": "TAVUS_API_KEY", "target": ["production"], "type": "encrypted"},
        {"key": "TAVUS_PERSONA_ID", "target": ["production", "preview"], "type": "encrypted"}]


def report(root: Path, files: dict[str, str], environ: dict[str, str], targets: list[str] | None = None,
           **settings: Any) -> Report:
    write(root, {"package.json": PKG, "lib/t.ts": "process.env.TAVUS_API_KEY\n", **files})

    def opts(code: str) -> dict[str, Any]:
        return {**options_for(code), **({"targets": targets} if targets else {})}

    return run_check(root, RunOptions(rules=[all_rules()["TAV007"]], options_for=opts,
                                      settings=Settings(**settings), environ=environ, pack=PACK))


def run(root: Path, files: dict[str, str], environ: dict[str, str], targets: list[str] | None = None,
        **settings: Any) -> RuleResult:
    return report(root, files, environ, targets, **settings).apps[0].results[0]


def test_disabled_in_config_skips_with_the_reason_unless_required(tmp_path: Path) -> None:
    r = run(tmp_path / "a", {}, {}, ci=True, vercel=False, vercel_reason="deployed on Netlify")
    assert (r.status, r.message) == (Status.SKIP, "the Vercel check is disabled in config: deployed on Netlify")
    required = run(tmp_path / "b", {}, {}, vercel=False, require_vercel=True)
    assert required.status is Status.UNKNOWN


def test_not_asked_for_locally_it_skips_saying_how_to_run_it(tmp_path: Path) -> None:
    r = run(tmp_path, {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN})
    assert (r.status, r.message) == (
        Status.SKIP, "not checked: run with --vercel and VERCEL_TOKEN set to verify the variables on Vercel")


@pytest.mark.parametrize(("files", "environ", "what"), [
    ({}, {}, f"VERCEL_TOKEN in the environment and {PROJECT_ID}"),
    ({}, {"VERCEL_TOKEN": TOKEN}, PROJECT_ID),
    ({".vercel/project.json": LINKED}, {"VERCEL_TOKEN": "  "}, "VERCEL_TOKEN in the environment"),
])
def test_what_is_missing_is_named(tmp_path: Path, files: dict[str, str], environ: dict[str, str],
                                  what: str) -> None:
    ci = run(tmp_path / "ci", files, environ, ci=True)
    assert (ci.status, ci.message, ci.unresolved) == (Status.UNKNOWN, "could not check the variables on Vercel",
                                                      [f"set {what}"])
    required = run(tmp_path / "req", files, environ, require_vercel=True)
    assert required.status is Status.UNKNOWN
    local = run(tmp_path / "local", files, environ, vercel=True)
    assert (local.status, local.message) == (Status.SKIP, f"not checked: set {what}")


def test_under_locked_the_project_comes_only_from_the_workflow(tmp_path: Path) -> None:
    r = run(tmp_path / "a", {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN}, ci=True, locked=True,
            vercel_project="prj_123")
    assert r.status is Status.UNKNOWN
    assert r.unresolved == ["set VERCEL_PROJECT_ID (and VERCEL_ORG_ID) in the workflow's environment: under "
                            "--locked the project is not taken from the repository"]
    with FakeVercel(BOTH) as fake:
        ok = run(tmp_path / "b", {".vercel/project.json": json.dumps({"projectId": "prj_other"})},
                 {"VERCEL_TOKEN": TOKEN, "VERCEL_PROJECT_ID": " prj_123 ", "VERCEL_ORG_ID": " team_9 ",
                  TEST_API_ENV: fake.url}, ci=True, locked=True)
    assert ok.status is Status.PASS, ok.unresolved
    assert [e.location.path for e in ok.evidence] == ["package.json", "package.json"]


@pytest.mark.parametrize(("files", "environ", "settings", "anchor"), [
    ({".vercel/project.json": LINKED}, {}, {}, ".vercel/project.json"),
    ({}, {"VERCEL_PROJECT_ID": "prj_123", "VERCEL_ORG_ID": "team_9"}, {}, "package.json"),
    ({}, {}, {"vercel_project": "prj_123", "vercel_team": "team_9"}, "package.json"),
    # the workflow's ids win over config and the file
    ({".vercel/project.json": json.dumps({"projectId": "prj_x", "orgId": "team_x"})},
     {"VERCEL_PROJECT_ID": "prj_123", "VERCEL_ORG_ID": "team_9"}, {"vercel_project": "prj_y"}, ".vercel/project.json"),
    # config wins over the file
    ({".vercel/project.json": json.dumps({"projectId": "prj_x", "orgId": "team_x"})}, {},
     {"vercel_project": "prj_123", "vercel_team": "team_9"}, ".vercel/project.json"),
    ({".vercel/project.json": json.dumps({"orgId": "team_9"})}, {"VERCEL_PROJECT_ID": "prj_123"}, {},
     ".vercel/project.json"),
])
def test_the_project_and_team_are_found_in_order(tmp_path: Path, files: dict[str, str], environ: dict[str, str],
                                                 settings: dict[str, Any], anchor: str) -> None:
    with FakeVercel(BOTH) as fake:
        r = run(tmp_path, files, {"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url, **environ}, vercel=True, **settings)
    assert (r.status, r.message) == (Status.PASS, "every required variable is set on Vercel for production")
    assert [(e.message, e.location.path) for e in r.evidence] == [
        ("TAVUS_API_KEY is set on Vercel for production", anchor),
        ("TAVUS_PERSONA_ID is set on Vercel for production", anchor)]


def test_a_project_file_of_the_wrong_shape_is_diagnosed_and_not_used(tmp_path: Path) -> None:
    rep = report(tmp_path, {".vercel/project.json": "[1]"}, {"VERCEL_TOKEN": TOKEN}, ci=True)
    assert rep.apps[0].results[0].unresolved == [f"set {PROJECT_ID}"]
    assert [(d.path, d.message) for d in rep.diagnostics] == [(".vercel/project.json", "not a JSON object; not used")]


def test_targets_are_matched_per_variable_across_entries(tmp_path: Path) -> None:
    envs = [{"key": "TAVUS_API_KEY", "target": ["production"], "type": "encrypted"},
            {"key": "TAVUS_API_KEY", "target": ["preview"], "type": "encrypted"},  # the same name, another target
            {"key": "TAVUS_PERSONA_ID", "target": ["production"], "type": "encrypted"}]
    with FakeVercel(envs) as fake:
        r = run(tmp_path / "a", {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url},
                targets=["production", "preview", "development"], vercel=True)
    assert (r.status, r.message) == (Status.FAIL, "required variables are missing on Vercel")
    assert [(f.kind, f.location.path, f.data["name"], f.data["targets"]) for f in r.findings] == [
        ("missing-on-vercel", ".vercel/project.json", "TAVUS_API_KEY", "development"),
        ("missing-on-vercel", ".vercel/project.json", "TAVUS_PERSONA_ID", "preview, development")]
    assert r.findings[1].message == ("TAVUS_PERSONA_ID is not set on Vercel for preview, development "
                                     "(required by the SOP)")


def test_an_api_error_is_unknown_with_its_cause(tmp_path: Path) -> None:
    with FakeVercel(BOTH) as fake:
        fake.faults = [(404, {}, b"{}")]
        r = run(tmp_path, {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url},
                vercel=True)
    assert (r.status, r.message) == (Status.UNKNOWN, "could not read the project's variables from Vercel")
    assert len(r.unresolved) == 1 and "prj_123" in r.unresolved[0]


def test_a_variable_absent_from_vercel_is_missing_for_every_target(tmp_path: Path) -> None:
    with FakeVercel(BOTH[:1]) as fake:
        r = run(tmp_path, {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url},
                targets=["production", "preview"], vercel=True)
    assert [(f.data["name"], f.data["targets"]) for f in r.findings] == [
        ("TAVUS_API_KEY", "preview"), ("TAVUS_PERSONA_ID", "production, preview")]


def test_a_hung_api_times_out_into_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule bounds each call (the gate must not stall): the bound shortened here, the API slower."""
    import sop_check_rules.tav007_vercel_env as rule

    monkeypatch.setattr(rule, "TIMEOUT_SECONDS", 0.2)
    with FakeVercel(BOTH) as fake:
        fake.hang = 1.0
        r = run(tmp_path, {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url},
                vercel=True)
    assert r.status is Status.UNKNOWN and r.message == "could not read the project's variables from Vercel"
    assert "within 0.2 s" in r.unresolved[0]


def test_a_pass_names_every_target(tmp_path: Path) -> None:
    envs = [{"key": k, "target": ["production", "preview"], "type": "encrypted"}
            for k in ("TAVUS_API_KEY", "TAVUS_PERSONA_ID")]
    with FakeVercel(envs) as fake:
        r = run(tmp_path, {".vercel/project.json": LINKED}, {"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url},
                targets=["production", "preview"], vercel=True)
    assert r.message == "every required variable is set on Vercel for production, preview"
    assert [e.message for e in r.evidence] == ["TAVUS_API_KEY is set on Vercel for production, preview",
                                               "TAVUS_PERSONA_ID is set on Vercel for production, preview"]
