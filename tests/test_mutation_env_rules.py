"""TAV006 (env vars) pinned branch by branch (mutation survivors in rules/tav006_env_vars.py and
rules/_required.py): which file wins, where each finding points, what the process environment
counts for, and every way out of the CI path. Values in env files are placeholders; the only
thing asserted about them is that they never appear in what is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fix_support import applied
from helpers import PACK, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import RuleResult, Status
from sop_check.registry import all_rules
from sop_check.vercel import TEST_API_ENV
from vercel_fake import TOKEN, FakeVercel

PKG = '{"dependencies": {"next": "15"}}'
CODE = "export const key = process.env.TAVUS_API_KEY;\n"
BOTH = "TAVUS_API_KEY=v1\nTAVUS_PERSONA_ID=v2\n"
TEMPLATE = "TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n"
SOP = "required by the SOP"


def run(root: Path, files: dict[str, str], *, environ: dict[str, str] | None = None, codes: str = "TAV006",
        options: dict[str, Any] | None = None, **settings: Any) -> RuleResult:
    write(root, {"package.json": PKG, "lib/t.ts": CODE, **files})

    def opts(code: str) -> dict[str, Any]:
        return {**options_for(code), **(options or {})}

    rules = [r for c, r in all_rules().items() if c in codes.split(",")]
    report = run_check(root, RunOptions(rules=rules, options_for=opts, settings=Settings(**settings),
                                        environ=environ or {}, pack=PACK))
    return {r.rule: r for r in report.apps[0].results}["TAV006"]


def where(result: RuleResult) -> list[tuple[str, str, int, str]]:
    return [(f.kind, f.location.path, f.location.line, f.data.get("name", "")) for f in result.findings]


def seen(result: RuleResult) -> list[tuple[str, str, int]]:
    return [(e.message, e.location.path, e.location.line) for e in result.evidence]


def test_defined_locally_passes_with_where_each_variable_is(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": "# keys\nTAVUS_API_KEY=v1\n\nTAVUS_PERSONA_ID=v2\n"})
    assert r.status is Status.PASS and r.message == "every required environment variable is defined"
    assert seen(r) == [("TAVUS_API_KEY is defined in .env.local:2", ".env.local", 2),
                       ("TAVUS_PERSONA_ID is defined in .env.local:4", ".env.local", 4)]


def test_the_first_local_file_that_defines_a_key_wins(tmp_path: Path) -> None:
    """Next.js's order: .env.development.local, .env.local, .env.development, .env."""
    empty_first = run(tmp_path / "a", {".env.development.local": "X=1\nTAVUS_API_KEY=\n", ".env.local": BOTH})
    assert empty_first.status is Status.FAIL
    assert where(empty_first) == [("empty-value", ".env.development.local", 2, "TAVUS_API_KEY")]
    assert empty_first.findings[0].message == f"TAVUS_API_KEY is empty in .env.development.local ({SOP})"
    assert empty_first.message == "required environment variables are missing or not declared"
    filled_first = run(tmp_path / "b", {".env.development.local": BOTH, ".env.local": "TAVUS_API_KEY=\n"})
    assert filled_first.status is Status.PASS
    from_last = run(tmp_path / "c", {".env.local": "TAVUS_API_KEY=v1\n", ".env": "A=1\nTAVUS_PERSONA_ID=v2\n"})
    assert from_last.status is Status.PASS
    assert seen(from_last)[1] == ("TAVUS_PERSONA_ID is defined in .env:2", ".env", 2)


def test_a_file_not_in_local_files_does_not_count(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.production": BOTH, ".env.local": "TAVUS_API_KEY=v1\n"})
    assert where(r) == [("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]
    assert r.findings[0].data["files"] == ".env.local"


def test_commented_out_points_at_the_first_file_with_the_comment(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": "TAVUS_API_KEY=v1\nA=1\n# TAVUS_PERSONA_ID=v2\n",
                       ".env": "#TAVUS_PERSONA_ID=v3\n"})
    assert where(r) == [("commented-out", ".env.local", 3, "TAVUS_PERSONA_ID")]
    assert r.findings[0].message == f"TAVUS_PERSONA_ID is commented out in .env.local ({SOP})"
    later = run(tmp_path / "b", {".env.local": "TAVUS_API_KEY=v1\n", ".env": "A=1\n# TAVUS_PERSONA_ID=v3\n"})
    assert where(later) == [("commented-out", ".env", 2, "TAVUS_PERSONA_ID")]
    then_missing = run(tmp_path / "both", {".env.local": "# TAVUS_API_KEY=v1\n"})  # one commented, one absent
    assert where(then_missing) == [("commented-out", ".env.local", 1, "TAVUS_API_KEY"),
                                   ("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]
    defined_elsewhere = run(tmp_path / "c", {".env.local": "TAVUS_API_KEY=v1\n# TAVUS_PERSONA_ID=\n",
                                             ".env": "TAVUS_PERSONA_ID=v3\n"})
    assert defined_elsewhere.status is Status.PASS


def test_not_defined_names_every_local_file_read(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": "TAVUS_API_KEY=v1\n", ".env": "A=1\n"})
    assert where(r) == [("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]
    assert r.findings[0].data["files"] == ".env.local, .env"
    assert r.findings[0].message == f"TAVUS_PERSONA_ID is not defined in .env.local, .env ({SOP})"
    # .env.local is where a developer adds it, even when a file read before it exists
    dev = run(tmp_path / "dev", {".env.development.local": "TAVUS_API_KEY=v1\n", ".env.local": "A=1\n"})
    assert where(dev) == [("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]
    assert dev.findings[0].data["files"] == ".env.development.local, .env.local"
    none = run(tmp_path / "b", {})
    assert [f.data["files"] for f in none.findings] == [".env.local", ".env.local"]
    assert [f.data["why"] for f in none.findings] == [SOP, SOP]


def test_a_template_must_declare_every_required_variable(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": BOTH, ".env.example": "TAVUS_API_KEY=\n",
                       ".env.sample": "# TAVUS_API_KEY=\n", ".env.other": ""})
    assert r.status is Status.FAIL
    assert where(r) == [("not-in-template", ".env.example", 1, "TAVUS_PERSONA_ID"),
                        ("not-in-template", ".env.sample", 1, "TAVUS_API_KEY"),
                        ("not-in-template", ".env.sample", 1, "TAVUS_PERSONA_ID")]
    assert r.findings[0].data["template"] == ".env.example"
    assert r.findings[0].message == f".env.example does not declare TAVUS_PERSONA_ID ({SOP})"
    assert run(tmp_path / "ok", {".env.local": BOTH, ".env.template": TEMPLATE}).status is Status.PASS


def test_the_template_fix_appends_an_empty_declaration(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": BOTH, ".env.example": "TAVUS_API_KEY=\n"})
    fix = r.findings[0].fix
    assert fix is not None and fix.title == "declare TAVUS_PERSONA_ID= (empty) in .env.example"
    assert applied(tmp_path, fix) == {".env.example": "TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n"}


def test_no_template_fix_for_a_name_that_is_not_a_variable_name(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": BOTH, ".env.example": TEMPLATE},
            options={"required-env": ["TAVUS_API_KEY", "BAD NAME", "1X"]})
    assert [(f.kind, f.data["name"], f.fix) for f in r.findings if f.kind == "not-in-template"] == [
        ("not-in-template", "BAD NAME", None), ("not-in-template", "1X", None)]


def test_accessgate_requires_its_token_and_says_where_it_is_used(tmp_path: Path) -> None:
    gate = {"app/page.tsx": "import { AccessGate } from '../lib/gate';\n"
                            "export default function P() { return <AccessGate />; }\n",
            "lib/gate.tsx": "export function AccessGate() { return null; }\n"}
    r = run(tmp_path, {".env.local": BOTH, **gate})
    assert where(r) == [("not-defined", ".env.local", 1, "DEMO_ACCESS_TOKEN")]
    assert r.findings[0].data["why"] == "required because <AccessGate> is used at app/page.tsx:2:38"
    assert run(tmp_path / "b", {".env.local": BOTH + "DEMO_ACCESS_TOKEN=v3\n", **gate}).status is Status.PASS
    assert run(tmp_path / "c", {".env.local": BOTH}).status is Status.PASS  # no gate, no token


def test_the_process_environment_counts_only_with_the_flag_and_a_value(tmp_path: Path) -> None:
    environ = {"TAVUS_API_KEY": "v1", "TAVUS_PERSONA_ID": "v2"}
    r = run(tmp_path / "a", {".env.local": "A=1\n"}, environ=environ, env_from_process=True)
    assert r.status is Status.PASS
    assert seen(r) == [("TAVUS_API_KEY is set in the process environment", "package.json", 1),
                       ("TAVUS_PERSONA_ID is set in the process environment", "package.json", 1)]
    without_flag = run(tmp_path / "b", {".env.local": "A=1\n"}, environ=environ)
    assert [k for k, *_ in where(without_flag)] == ["not-defined", "not-defined"]
    blank = run(tmp_path / "c", {".env.local": "A=1\n"}, environ={**environ, "TAVUS_PERSONA_ID": "  "},
                env_from_process=True)
    assert where(blank) == [("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]
    over_empty = run(tmp_path / "d", {".env.local": "TAVUS_API_KEY=\n"}, environ={"TAVUS_API_KEY": "v1"},
                     env_from_process=True)  # the process wins over an empty line
    assert where(over_empty) == [("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]


# -- In CI without .env.local --------------------------------------------------------------------

def test_ci_with_env_local_checks_the_local_files(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": "TAVUS_API_KEY=v1\n", ".env.example": TEMPLATE}, ci=True)
    assert where(r) == [("not-defined", ".env.local", 1, "TAVUS_PERSONA_ID")]


def test_ci_without_a_template_is_unknown_naming_what_to_commit(tmp_path: Path) -> None:
    r = run(tmp_path, {".env": BOTH}, ci=True)
    assert r.status is Status.UNKNOWN and r.findings == []
    assert r.message == "in CI without .env.local, and no committed template declares the variables"
    assert r.unresolved == ["commit .env.example declaring TAVUS_API_KEY, TAVUS_PERSONA_ID, and verify the values "
                            "with --env-from-process (CI secrets) or the Vercel check (TAV007)"]


def test_ci_with_an_incomplete_template_fails_on_the_template(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.example": "TAVUS_API_KEY=\n"}, ci=True,
            environ={"TAVUS_API_KEY": "v1", "TAVUS_PERSONA_ID": "v2"}, env_from_process=True)
    assert r.status is Status.FAIL
    assert r.message == "the env template does not declare every required variable"
    assert where(r) == [("not-in-template", ".env.example", 1, "TAVUS_PERSONA_ID")]


def test_ci_passes_when_the_process_provides_every_value(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.sample": TEMPLATE, ".env.template": TEMPLATE}, ci=True, env_from_process=True,
            environ={"TAVUS_API_KEY": "v1", "TAVUS_PERSONA_ID": "v2"})
    assert r.status is Status.PASS
    assert r.message == "the template declares every variable and CI provides their values"
    assert seen(r) == [(".env.sample declares TAVUS_API_KEY, TAVUS_PERSONA_ID", ".env.sample", 1),
                       ("TAVUS_API_KEY is set in the process environment", ".env.sample", 1),
                       ("TAVUS_PERSONA_ID is set in the process environment", ".env.sample", 1)]


@pytest.mark.parametrize(("environ", "lacking"), [
    ({"TAVUS_API_KEY": "v1"}, "TAVUS_PERSONA_ID"),
    ({}, "TAVUS_API_KEY, TAVUS_PERSONA_ID"),
])
def test_ci_without_every_value_is_unknown_naming_the_lacking_ones(tmp_path: Path, environ: dict[str, str],
                                                                     lacking: str) -> None:
    r = run(tmp_path, {".env.example": TEMPLATE}, ci=True, env_from_process=True, environ=environ)
    assert r.status is Status.UNKNOWN and r.findings == []
    assert r.message == "in CI the values could not be verified (no .env.local here, as it should be)"
    assert r.unresolved == [f"{lacking}: provide them as CI secrets with --env-from-process, or enable the Vercel "
                            "check (TAV007, needs VERCEL_TOKEN)"]
    assert seen(r) == [(".env.example declares TAVUS_API_KEY, TAVUS_PERSONA_ID", ".env.example", 1)]


def _vercel_run(root: Path, envs: list[dict[str, Any]]) -> RuleResult:
    with FakeVercel(envs) as fake:
        return run(root, {".env.example": TEMPLATE,
                          ".vercel/project.json": json.dumps({"projectId": "prj_123", "orgId": "team_9"})},
                   codes="TAV006,TAV007", ci=True, environ={"VERCEL_TOKEN": TOKEN, TEST_API_ENV: fake.url})


def test_ci_passes_when_vercel_holds_every_value(tmp_path: Path) -> None:
    r = _vercel_run(tmp_path, [{"key": "TAVUS_API_KEY", "target": ["production"], "type": "encrypted"},
                               {"key": "TAVUS_PERSONA_ID", "target": ["production"], "type": "encrypted"}])
    assert r.status is Status.PASS
    assert r.message == "the template declares every variable and Vercel holds their values"
    assert seen(r) == [(".env.example declares TAVUS_API_KEY, TAVUS_PERSONA_ID", ".env.example", 1),
                       ("TAVUS_API_KEY is set on Vercel for production", ".vercel/project.json", 1),
                       ("TAVUS_PERSONA_ID is set on Vercel for production", ".vercel/project.json", 1)]


def test_ci_is_unknown_when_vercel_lacks_a_value(tmp_path: Path) -> None:
    r = _vercel_run(tmp_path, [{"key": "TAVUS_API_KEY", "target": ["production"], "type": "encrypted"}])
    assert r.status is Status.UNKNOWN and r.unresolved[0].startswith("TAVUS_API_KEY, TAVUS_PERSONA_ID: ")
