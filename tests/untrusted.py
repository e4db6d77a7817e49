"""Helpers for the untrusted-pull-request tests: the bundled example as a hostile PR would shape it.

Everything runs locally: fake servers bind 127.0.0.1, git remotes point at commands that only
create a marker file, and every run has a generous time bound that proves "does not hang".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sop_check.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tavus-avatar-app"
# The secrets a CI job would hold; the example reads them with --env-from-process.
SECRETS = {"TAVUS_API_KEY": "demo-key-untrusted", "TAVUS_PERSONA_ID": "demo-persona"}
SOP_RULES = ("TAV001", "TAV002", "TAV003", "TAV004", "TAV005", "TAV006")
GIT_ID = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]


def example(tmp_path: Path, name: str = "repo") -> Path:
    """A fresh copy of the bundled example (compliant: TAV001-TAV006 pass)."""
    target = tmp_path / name
    shutil.copytree(EXAMPLE, target)
    return target


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Plain git for building test repositories (not sop-check's hardened helper)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", *GIT_ID, *args], cwd=cwd, capture_output=True, check=check, env=env, timeout=60)


def commit_all(repo: Path) -> None:
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    def statuses(self, app: str | None = None) -> dict[str, str]:
        apps = self.json["apps"]
        chosen = apps[0] if app is None else next(a for a in apps if a["root"] == app)
        return {r["rule"]: r["status"] for r in chosen["results"]}

    def sop_statuses(self) -> dict[str, str]:
        return {k: v for k, v in self.statuses().items() if k in SOP_RULES}


ALL_PASS = dict.fromkeys(SOP_RULES, "pass")


def check(project: Path, *args: str, env: dict[str, str] | None = None, bound: float = 30.0,
          vercel: bool = False) -> Run:
    """`sop-check check PROJECT ARGS` in-process, as CI runs it; never a traceback, within `bound` s.

    Without `vercel`, TAV007 is switched off by flag (no fake API in the test), so the exit code
    speaks of TAV001-TAV006 and of the policy lock only.
    """
    full_env = {"CI": "true", **SECRETS, "GITHUB_STEP_SUMMARY": "", **(env or {})}
    flags = ["--env-from-process", *([] if vercel else ["--no-vercel"])]
    start = time.monotonic()
    result = CliRunner().invoke(main, ["check", str(project), *flags, *args], env=full_env, catch_exceptions=True)
    seconds = time.monotonic() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    assert seconds < bound, f"took {seconds:.1f} s (bound {bound} s)"
    return Run(result.exit_code, result.stdout, result.stderr, seconds)
