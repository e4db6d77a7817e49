"""The GitHub Action's run step (action.yml): one `sop-check check`, several reports.

action.yml runs this file by path, from the action's own checkout, with the Python of the
private virtual environment its install step made: `python -I .../sop_check/github_action.py`.
It therefore imports only the standard library (it must work with whatever sop-check release
the `version` input installed) and talks to sop-check through its command line.

It runs the check once with the chosen format on the log, and from the same run writes the
JSON report (for the counts), the SARIF file (for upload-sarif) and the Markdown job summary;
it writes the step outputs and appends the summary itself (so the summary appears exactly once,
whatever the format), then exits with sop-check's exit code: the step is the gate.

Inputs arrive as environment variables set by action.yml (never interpolated into a script,
so an input cannot inject shell code); `args` is split like a shell would, without expansion.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

# Step outputs taken from the JSON report's summary (output name -> summary key).
COUNT_OUTPUTS = {
    "passed": "pass", "failed": "fail", "unknown": "unknown", "skipped": "skip", "errors": "error",
    "findings": "findings", "suppressed": "suppressed", "apps-checked": "apps_checked",
    "apps-skipped": "apps_skipped",
}
TRUE = ("true", "yes", "1", "on")
FALSE = ("false", "no", "0", "off", "")


class InputError(Exception):
    """A bad action input: reported as one `::error::` line, exit 2 (a usage error)."""


@dataclass
class Plan:
    command: list[str]
    report_json: Path
    summary_md: Path
    sarif_file: Path | None
    env: dict[str, str] = field(default_factory=dict)


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise InputError(f"input '{name}' must be true or false, got {value!r}")


def _sarif_target(value: str, work: Path, workspace: Path) -> Path | None:
    """'true': a file under RUNNER_TEMP; 'false' or empty: none; anything else: that path."""
    lowered = value.strip().lower()
    if lowered in FALSE:
        return None
    if lowered in TRUE:
        return work / "sop-check.sarif"
    target = Path(value.strip())
    return target if target.is_absolute() else workspace / target


def plan(environ: Mapping[str, str]) -> Plan:
    """The command and files of this run, from the inputs action.yml passes in the environment."""
    venv = Path(environ["SOP_CHECK_VENV"])
    workspace = Path(environ.get("GITHUB_WORKSPACE") or os.getcwd())
    work = Path(environ.get("RUNNER_TEMP") or workspace) / f"sop-check-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True, exist_ok=True)
    fmt = environ.get("SOP_CHECK_FORMAT", "github").strip() or "github"
    try:
        extra = shlex.split(environ.get("SOP_CHECK_ARGS", ""))
    except ValueError as exc:
        raise InputError(f"input 'args' cannot be split like a shell would: {exc}") from None
    sarif = _sarif_target(environ.get("SOP_CHECK_SARIF", "true"), work, workspace)
    report_json, summary_md = work / "report.json", work / "summary.md"
    command = [str(venv / "bin" / "sop-check"), "check", environ.get("SOP_CHECK_PATH", ".") or ".",
               "--format", fmt]
    if _flag("locked", environ.get("SOP_CHECK_LOCKED", "false")):
        command.append("--locked")  # an older sop-check without it stops with a usage error, never ignores it
    command += extra
    command += ["--extra-output", f"json={report_json}", "--extra-output", f"markdown={summary_md}"]
    if sarif is not None:
        sarif.parent.mkdir(parents=True, exist_ok=True)
        command += ["--extra-output", f"sarif={sarif}"]
    # The job summary is appended below, once, whatever the format: sop-check itself must not.
    env = {k: v for k, v in environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return Plan(command, report_json, summary_md, sarif, env)


def counts(report_json: Path) -> dict[str, int]:
    try:
        summary = json.loads(report_json.read_text(encoding="utf-8"))["summary"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no report (a usage error): only exit-code is set
    return {name: int(summary.get(key, 0)) for name, key in COUNT_OUTPUTS.items()}


def write_outputs(path: str, outputs: Mapping[str, str]) -> None:
    """GITHUB_OUTPUT in the multi-line form, so no value can end a line and set another output."""
    with open(path, "a", encoding="utf-8") as fh:
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def run(environ: Mapping[str, str]) -> int:
    try:
        p = plan(environ)
    except InputError as exc:
        print(f"::error title=sop-check::{exc}", flush=True)
        return 2
    print(f"sop-check: {shlex.join(p.command[1:])}", flush=True)
    code = subprocess.run(p.command, env=p.env, check=False).returncode
    outputs = {"exit-code": str(code), "sarif-file": str(p.sarif_file) if p.sarif_file and p.sarif_file.is_file() else ""}
    outputs.update({k: str(v) for k, v in counts(p.report_json).items()})
    if environ.get("GITHUB_OUTPUT"):
        write_outputs(environ["GITHUB_OUTPUT"], outputs)
    summary_path = environ.get("GITHUB_STEP_SUMMARY")
    if summary_path and p.summary_md.is_file():
        with open(summary_path, "a", encoding="utf-8") as fh:
            fh.write(p.summary_md.read_text(encoding="utf-8"))
    return code


if __name__ == "__main__":
    sys.exit(run(os.environ))
