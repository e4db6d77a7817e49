"""What `check PATH` checks, tried as a new user would: a missing route, a route deleted but still
in the index, PATH a folder or a file inside an app, a monorepo, the edge of the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sop_check.cli import main
from test_fixtures import copy_fixture

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
ROUTE = "app/api/tavus/end/route.ts"


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def check_json(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", *args], env={"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def results(report: dict[str, Any], app: str = ".") -> dict[str, dict[str, Any]]:
    apps = {a["root"]: a for a in report["apps"]}
    assert app in apps, f"app {app} not in {sorted(apps)}"
    return {r["rule"]: r for r in apps[app]["results"]}


def diagnostics(report: dict[str, Any]) -> list[str]:
    return [f"{d['path']}: {d['message']}" for d in report["diagnostics"]]


# -- a missing route is absent, not "disappeared" -------------------------------------------

def test_missing_end_route_is_a_finding_and_no_input_problem(tmp_path: Path) -> None:
    project = copy_fixture("no-end-route", tmp_path)
    code, report = check_json(project, "--select", "TAV001,TAV002")
    got = results(report)
    assert got["TAV001"]["status"] == "fail" and got["TAV002"]["status"] == "fail"
    assert [(f["path"], f["message"]) for f in got["TAV001"]["findings"]] == [
        (ROUTE, "no route file serves POST /api/tavus/end")]
    # The finding points at where the route belongs; nothing tried to read that path.
    assert diagnostics(report) == []
    assert code == 1


def test_missing_route_in_src_layout_reads_nothing_either(tmp_path: Path) -> None:
    project = copy_fixture("src-route-group-compliant", tmp_path)
    for route in project.rglob("route.ts"):
        route.unlink()
    _, report = check_json(project, "--select", "TAV001,TAV002,TAV003,TAV004,TAV005")
    assert results(report)["TAV001"]["status"] == "fail"
    assert not any("disappeared" in d for d in diagnostics(report)), diagnostics(report)


# -- a route deleted in the work tree but still in the index ---------------------------------

@needs_git
def test_route_deleted_on_disk_but_still_in_the_index_fails(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    git(project, "init", "-q")
    git(project, "add", "-A")
    (project / ROUTE).unlink()  # deleted, not `git rm`: the index still lists it
    code, report = check_json(project, "--select", "TAV001,TAV002")
    got = results(report)
    assert got["TAV001"]["status"] == "fail", got["TAV001"]
    assert got["TAV002"]["status"] == "fail", got["TAV002"]
    assert got["TAV001"]["findings"][0]["message"] == "no route file serves POST /api/tavus/end"
    assert diagnostics(report) == []
    assert code == 1
    # What the commit would contain still has the route: --staged reads it from the index.
    code, staged = check_json(project, "--select", "TAV001,TAV002", "--staged")
    assert {k: r["status"] for k, r in results(staged).items()} == {"TAV001": "pass", "TAV002": "pass"}
    assert code == 0


