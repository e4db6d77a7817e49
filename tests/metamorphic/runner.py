"""Verdicts of a project held in memory: written to a fresh folder and checked in-process with
every rule (preview ones included), as `check --preview` would."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import Report, RuleResult
from sop_check.registry import all_rules, pack_data

from metamorphic.source import Project

PACK = pack_data()
# Hundreds of small projects are written and removed: in memory where the machine has a tmpfs.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def _options_for(code: str) -> dict[str, object]:
    opts = dict(PACK["options"])
    opts.update(PACK.get("rule-options", {}).get(code, {}))
    return opts


Verdict = tuple[str, tuple[str, ...]]  # status, sorted finding kinds


@dataclass(frozen=True)
class Outcome:
    report: Report
    project: Project  # what was checked (its files were written to a folder removed since)

    def results(self) -> list[tuple[str, RuleResult]]:
        return [(app.root, r) for app in self.report.apps for r in app.results]

    def verdicts(self) -> dict[tuple[str, str], Verdict]:
        return {(app, r.rule): (r.status.value, tuple(sorted(f.kind for f in r.findings)))
                for app, r in self.results()}


def run(project: Project) -> Outcome:
    """Check `project` as `sop-check check --preview` would, outside CI, without reading the machine's env."""
    opts = RunOptions(rules=list(all_rules().values()), options_for=_options_for, settings=Settings(),
                      environ={}, pack=PACK)
    with tempfile.TemporaryDirectory(prefix="sop-metamorphic-", dir=SCRATCH) as folder:
        root = project.write(Path(folder) / "project")
        return Outcome(run_check(root, opts), project)
