"""Helpers shared by the tests: the pack's options, writing a project, building an index, verdicts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sop_check.context import Settings
from sop_check.discover import discover
from sop_check.engine import RunOptions, build_index, run_check
from sop_check.evaluate import Evaluator
from sop_check.index import AppIndex
from sop_check.jsmodule import Module
from sop_check.model import RuleResult
from sop_check.registry import all_rules, pack_data

PACK = pack_data()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Fixtures keep env files under names git does not ignore; a copy gets the real names.
RENAMES = {"env.local.fixture": ".env.local", "env.fixture": ".env"}
META = ("expected.toml", "expected.txt", "expected.fix.diff")  # a fixture's own expectations, not its project
# The SARIF 2.1.0 schema in ../shared, beside the repository; a clone without it (or mutmut's copy
# under mutants/) still runs every other assertion of a test that validates SARIF.
SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def validate_sarif(sarif: Any) -> None:
    """Validate a SARIF log against the schema when ../shared is there; without it, nothing to check."""
    if SARIF_SCHEMA.is_file():
        import json

        import jsonschema

        jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def options_for(code: str) -> dict[str, Any]:
    """The pack's defaults for one rule (shared options, then its own), as a run without config has them."""
    opts = dict(PACK["options"])
    opts.update(PACK.get("rule-options", {}).get(code, {}))
    return opts


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def copy_fixture(name: str, tmp_path: Path) -> Path:
    """A fixture project copied to `tmp_path/name`, env files renamed, its expectations left out."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    for fixture_name, real in RENAMES.items():
        for p in list(target.rglob(fixture_name)):
            p.rename(p.with_name(real))
    for meta in META:
        (target / meta).unlink(missing_ok=True)
    return target


def evaluated(root: Path, source: str, path: str = "m.ts", **more: str) -> tuple[Evaluator, Module]:
    """A Next.js project of one module at `path` (and `more` files, by path): an Evaluator over it
    and that module, parsed: what the evaluator-level tests ask questions of."""
    write(root, {"package.json": '{"dependencies": {"next": "15"}}', path: source, **more})
    ev = Evaluator(index_for(root))
    mod = ev.index.module(path)
    assert mod is not None, path
    return ev, mod


def index_for(root: Path, app: int = 0) -> AppIndex:
    project = discover(root)
    opts = RunOptions(rules=list(all_rules().values()), options_for=options_for, settings=Settings(),
                      environ={}, pack=PACK)
    needles = ("tavus", "beforeunload", "keepalive", "onclick", "button")
    return build_index(project, project.apps[app], opts, needles)


def verdicts(root: Path, codes: str, **settings: Any) -> dict[str, RuleResult]:
    rules = [r for c, r in all_rules().items() if c in codes.split(",")]
    report = run_check(root, RunOptions(rules=rules, options_for=options_for, settings=Settings(**settings),
                                        environ={}, pack=PACK))
    return {r.rule: r for app in report.apps for r in app.results}


def kinds(result: RuleResult) -> list[str]:
    """The kinds of a result's findings, sorted: what a test pins instead of message wording."""
    return sorted(f.kind for f in result.findings)
