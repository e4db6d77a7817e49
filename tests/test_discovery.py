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


# -- PATH inside an app ----------------------------------------------------------------------

def _statuses(report: dict[str, Any], app: str = ".") -> dict[str, str]:
    return {k: r["status"] for k, r in results(report, app).items()}


@pytest.mark.parametrize("inside", ["components", "components/InteractiveAvatar.tsx", "app/api/tavus",
                                    "package.json"])
def test_path_inside_an_app_checks_the_enclosing_app(tmp_path: Path, inside: str) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    _, whole = check_json(project)
    code, report = check_json(project / inside)
    assert [a["root"] for a in report["apps"]] == ["."]
    assert _statuses(report) == _statuses(whole)
    assert _statuses(report)["TAV001"] == "pass"  # not "components/app/api/tavus/end/route.ts is missing"
    if inside != "package.json":
        assert any(n.startswith(f"{inside} is inside the Next.js app") for n in report["notices"]), report["notices"]
    assert code == 0


def test_path_inside_an_app_from_a_subfolder_as_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    monkeypatch.chdir(project / "components")
    code, report = check_json(Path("."))
    assert _statuses(report)["TAV005"] == "pass" and code == 0
    assert any("is inside the Next.js app" in n for n in report["notices"])


@needs_git
@pytest.mark.parametrize("inside", ["apps/web/components", "apps/web/app/page.tsx"])
def test_path_inside_a_monorepo_app_checks_that_app_only(tmp_path: Path, inside: str) -> None:
    repo = copy_fixture("monorepo", tmp_path)
    git(repo, "init", "-q")
    code, report = check_json(repo / inside)
    assert [a["root"] for a in report["apps"]] == ["apps/web"]
    assert _statuses(report, "apps/web")["TAV001"] == "pass"
    assert f"{inside} is inside the Next.js app apps/web: checking that app" in report["notices"]
    assert code == 0


@needs_git
def test_walking_up_stops_at_the_repository_root(tmp_path: Path) -> None:
    outer = copy_fixture("app-router-compliant", tmp_path)  # a Next.js app around the repository
    repo = outer / "vendor" / "widget"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "index.ts").write_text("export const x = 1;\n")
    git(repo, "init", "-q")
    _, report = check_json(repo / "src")
    assert [a["root"] for a in report["apps"]] == ["src"]
    assert not any("is inside the Next.js app" in n for n in report["notices"])


def test_folder_holding_apps_is_not_walked_up(tmp_path: Path) -> None:
    repo = copy_fixture("monorepo", tmp_path)
    _, report = check_json(repo / "apps")
    assert sorted(a["root"] for a in report["apps"]) == ["docs", "web"]
    assert not any("is inside" in n for n in report["notices"])


def test_file_outside_any_app_checks_the_folder_it_is_in(tmp_path: Path) -> None:
    repo = copy_fixture("monorepo", tmp_path)
    (repo / "README.md").write_text("# monorepo\n")
    _, report = check_json(repo / "README.md")
    assert sorted(a["root"] for a in report["apps"]) == ["apps/docs", "apps/web"]
    assert not any("is inside" in n for n in report["notices"]), report["notices"]


# -- a folder that is not a Next.js app ------------------------------------------------------

def test_vite_app_using_tavus_is_not_audited_as_a_next_app(tmp_path: Path) -> None:
    project = copy_fixture("vite-app-with-tavus", tmp_path)
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json"], env={"CI": ""})
    report = json.loads(result.stdout)
    got = results(report)
    assert got["TAV001"]["status"] == "unknown"
    assert got["TAV001"]["message"] == "not a Next.js app: this SOP item still applies; verify it by hand"
    assert got["TAV001"]["findings"] == []  # no "create app/api/tavus/end/route.ts": App Router advice is wrong here
    assert "route.ts" not in result.stdout and "App Router" not in result.stdout
    note = next(n for n in report["notices"] if "no Next.js app found here" in n)
    assert note.startswith(".: no Next.js app found here (no package.json depending on next, no next.config.*), "
                           "but it uses Tavus, so every SOP item still applies")
    assert "TAV102, TAV103" in note
    assert result.exit_code == 1  # unknown does not pass a gate


def test_rules_that_do_not_need_next_still_judge_a_vite_app(tmp_path: Path) -> None:
    project = copy_fixture("vite-app-with-tavus", tmp_path)
    key = "tvs_" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    (project / "src" / "tavus.ts").write_text(f"export const TAVUS_API_KEY = '{key}';\n")
    _, report = check_json(project, "--select", "TAV103,TAV001")
    got = results(report)
    assert got["TAV103"]["status"] == "fail"
    assert [f["path"] for f in got["TAV103"]["findings"]] == ["src/tavus.ts"]
    assert got["TAV001"]["status"] == "unknown"
    note = next(n for n in report["notices"] if "no Next.js app found here" in n)
    assert "sop-check can judge only TAV103 here" in note


def test_folder_without_next_or_tavus_says_no_next_app_found(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    (folder / "src").mkdir(parents=True)
    (folder / "package.json").write_text('{"name": "lib", "dependencies": {"react": "18.0.0"}}')
    (folder / "src" / "index.ts").write_text("export const x = 1;\n")
    code, report = check_json(folder)
    app = report["apps"][0]
    assert app["skipped_reason"] == ("no Next.js app found here (no package.json depending on next, "
                                     "no next.config.*), and nothing here uses Tavus")
    assert code == 0


def test_named_non_next_folder_gets_the_same_treatment(tmp_path: Path) -> None:
    project = copy_fixture("vite-app-with-tavus", tmp_path)
    _, report = check_json(project, "--app", str(project), "--select", "TAV001")
    assert results(report)["TAV001"]["status"] == "unknown"


def test_next_config_alone_makes_a_next_app(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / "package.json").write_text('{"name": "demo"}')  # next installed globally, say
    (project / "next.config.mjs").write_text("export default {};\n")
    _, report = check_json(project, "--select", "TAV001")
    assert results(report)["TAV001"]["status"] == "pass"
    assert not any("no Next.js app" in n for n in report["notices"])
