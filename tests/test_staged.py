"""`--staged` judges what the commit will contain: the blobs in the index, not the work tree.

Husky, lefthook and plain git hooks run the hook on a work tree that still holds unstaged
changes (only the pre-commit framework stashes them), so a half-staged file must be read
from the index: code, env templates, package.json, tsconfig.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sop_check import git as sop_git
from sop_check.cli import main
from sop_check.discover import discover
from test_fixtures import copy_fixture

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
AVATAR = "components/InteractiveAvatar.tsx"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("PRE_COMMIT", None)
    return subprocess.run(["git", *args], cwd=repo, env=env, check=check, capture_output=True, text=True)


def check_json(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", *args], env={"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {r["rule"]: r["status"] for a in report["apps"] for r in a["results"]}


def findings(report: dict[str, Any], rule: str) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["message"]) for a in report["apps"] for r in a["results"] if r["rule"] == rule
            for f in r["findings"]]


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    project = copy_fixture("app-router-compliant", tmp_path)
    (project / ".gitignore").write_text(".env*.local\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "compliant app")
    return project


def _stage_edit(repo: Path, path: str, staged: str, worktree: str) -> None:
    (repo / path).write_text(staged)
    git(repo, "add", path)
    (repo / path).write_text(worktree)


def test_half_staged_file_is_judged_by_its_staged_version(repo: Path) -> None:
    good = (repo / AVATAR).read_text()
    broken = good.replace("        keepalive: true,\n", "")
    assert broken != good
    _stage_edit(repo, AVATAR, staged=broken, worktree=good)  # the fix is on disk, not staged
    code, report = check_json(repo, "--staged", "--select", "TAV004")
    assert statuses(report) == {"TAV004": "fail"}
    assert findings(report, "TAV004")[0][:2] == (AVATAR, 21)
    assert "does not use keepalive: true" in findings(report, "TAV004")[0][2]
    assert ("pre-commit mode: what the commit will contain is checked (the files and contents staged in the git "
            "index, not the work tree)") in report["notices"]
    assert code == 1
    # The work tree itself is fine: outside --staged it passes.
    code, report = check_json(repo, "--select", "TAV004")
    assert statuses(report) == {"TAV004": "pass"} and code == 0


def test_staged_fix_passes_while_the_work_tree_is_broken(repo: Path) -> None:
    good = (repo / AVATAR).read_text()
    _stage_edit(repo, AVATAR, staged=good + "// reviewed\n", worktree=good.replace("keepalive: true", "keepalive: false"))
    code, report = check_json(repo, "--staged", "--select", "TAV004")
    assert statuses(report) == {"TAV004": "pass"} and code == 0
    assert statuses(check_json(repo, "--select", "TAV004")[1]) == {"TAV004": "fail"}


def test_pre_commit_env_var_reads_the_index_too(repo: Path) -> None:
    good = (repo / AVATAR).read_text()
    _stage_edit(repo, AVATAR, staged=good.replace("keepalive: true", "keepalive: false"), worktree=good)
    result = CliRunner().invoke(main, ["check", str(repo), "--select", "TAV004"], env={"CI": "", "PRE_COMMIT": "1"})
    assert result.exit_code == 1 and "keepalive" in result.stdout


def test_staged_env_template_counts_not_the_one_on_disk(repo: Path) -> None:
    _stage_edit(repo, ".env.example", staged="TAVUS_API_KEY=\n", worktree="TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n")
    _, report = check_json(repo, "--staged", "--select", "TAV006")
    assert statuses(report) == {"TAV006": "fail"}
    assert (".env.example", 1, ".env.example does not declare TAVUS_PERSONA_ID (required by the SOP)") in \
        findings(report, "TAV006")
    # .env.local is ignored by git, never committed: it still counts, read from disk.
    assert not any("TAVUS_API_KEY" in m for _, _, m in findings(report, "TAV006"))
    assert statuses(check_json(repo, "--select", "TAV006")[1]) == {"TAV006": "pass"}


def test_tracked_env_local_is_read_from_the_index_commented_line_included(repo: Path) -> None:
    local = repo / ".env.local"
    local.write_text("TAVUS_API_KEY=k\n# TAVUS_PERSONA_ID=p\n")
    git(repo, "add", "-f", ".env.local")  # staged by mistake: its staged version is what commits
    local.write_text("TAVUS_API_KEY=k\nTAVUS_PERSONA_ID=p\n")
    _, report = check_json(repo, "--staged", "--select", "TAV006")
    assert statuses(report) == {"TAV006": "fail"}
    assert findings(report, "TAV006") == [
        (".env.local", 2, "TAVUS_PERSONA_ID is commented out in .env.local (required by the SOP)")]
    assert statuses(check_json(repo, "--select", "TAV006")[1]) == {"TAV006": "pass"}


def test_unstaged_new_template_does_not_count(repo: Path) -> None:
    git(repo, "rm", "-q", "--cached", ".env.example")
    (repo / ".env.example").write_text("TAVUS_API_KEY=\n")  # incomplete, but not part of the commit
    _, report = check_json(repo, "--staged", "--select", "TAV006")
    assert statuses(report) == {"TAV006": "pass"}, findings(report, "TAV006")
    _, report = check_json(repo, "--select", "TAV006")
    assert [f[0] for f in findings(report, "TAV006")] == [".env.example"]


def test_staged_package_json_and_tsconfig_are_read_from_the_index(repo: Path) -> None:
    # Staged: the page imports the avatar through a tsconfig alias. On disk the alias is gone.
    page = repo / "app" / "page.tsx"
    page.write_text(page.read_text().replace("'../components/InteractiveAvatar'", "'@/components/InteractiveAvatar'"))
    (repo / "tsconfig.json").write_text('{"compilerOptions": {"paths": {"@/*": ["./*"]}}}\n')
    git(repo, "add", "-A")
    (repo / "tsconfig.json").write_text("{}\n")
    assert statuses(check_json(repo, "--staged", "--select", "TAV005")[1]) == {"TAV005": "pass"}
    assert statuses(check_json(repo, "--select", "TAV005")[1]) == {"TAV005": "fail"}
    # Staged package.json without next: not a Next.js app in the commit, whatever the disk says.
    pkg = repo / "package.json"
    _stage_edit(repo, "package.json", staged='{"name": "demo"}\n', worktree=pkg.read_text())
    project = discover(repo, staged=True)
    try:
        assert [a.next_app for a in project.apps] == [False]
    finally:
        project.source.close()
    project = discover(repo)
    assert [a.next_app for a in project.apps] == [True]


def test_staged_symlink_is_not_followed(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "outside.ts"
    secret.write_text("export const k = 'tavus';\n")
    (repo / "lib.ts").symlink_to(secret)
    git(repo, "add", "lib.ts")
    project = discover(repo, staged=True)
    try:
        data, problem = project.source.read(repo / "lib.ts", 1000)
    finally:
        project.source.close()
    assert data is None and problem == "cannot read: symbolic link (not followed)"


def test_blob_over_the_size_limit_is_skipped_and_reading_goes_on(repo: Path) -> None:
    entries = sop_git.index_entries(repo)
    assert entries is not None
    reader = sop_git.BlobReader(repo)
    try:
        big, size = reader.read(entries[AVATAR].oid, 10)
        assert big is None and size == (repo / AVATAR).stat().st_size
        small, _ = reader.read(entries["package.json"].oid, 10_000)  # a new process after the stop
        assert small == (repo / "package.json").read_bytes()
        assert reader.read("0" * 40, 10_000) == (None, None)  # missing object
    finally:
        reader.close()


def test_a_plain_git_hook_blocks_a_half_staged_commit(repo: Path) -> None:
    """What husky/lefthook do: run the command in the work tree, unstaged changes in place."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} -m sop_check check --staged --select TAV004 .\n")
    hook.chmod(0o755)
    good = (repo / AVATAR).read_text()
    _stage_edit(repo, AVATAR, staged=good.replace("keepalive: true", "keepalive: false"), worktree=good)
    blocked = git(repo, "commit", "-qm", "break keepalive", check=False)
    assert blocked.returncode != 0 and "TAV004" in blocked.stdout + blocked.stderr
    (repo / AVATAR).write_text(good + "// keepalive stays\n")
    git(repo, "add", AVATAR)
    fixed = git(repo, "commit", "-qm", "keep keepalive", check=False)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_staged_config_is_read_from_the_index(repo: Path) -> None:
    good = (repo / AVATAR).read_text()
    (repo / "sop-check.toml").write_text("select = ['TAV004']\n")
    git(repo, "add", "sop-check.toml")
    (repo / "sop-check.toml").write_text("select = ['TAV004']\nignore = ['TAV004']\n")  # unstaged relaxation
    _stage_edit(repo, AVATAR, staged=good.replace("keepalive: true", "keepalive: false"), worktree=good)
    code, report = check_json(repo, "--staged")
    assert statuses(report) == {"TAV004": "fail"} and code == 1
    # An explicit --config is the user's choice for the run: read from disk.
    code = CliRunner().invoke(main, ["check", str(repo), "--staged", "--config", str(repo / "sop-check.toml")],
                              env={"CI": ""}).exit_code
    assert code == 2  # the disk version ignores the only selected rule: nothing left to run


def test_staged_outside_git_says_it_reads_the_disk(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    code, report = check_json(project, "--staged", "--select", "TAV004")
    assert statuses(report) == {"TAV004": "pass"} and code == 0
    assert "--staged outside a git repository: checking the files on disk" in report["notices"]


def test_parent_next_config_counts_only_when_staged(repo: Path) -> None:
    # A monorepo-style app whose next.config lives in the parent folder (Next.js looks upwards).
    app = repo / "web"
    app.mkdir()
    for name in ("app", "components", "package.json", ".env.example"):
        (repo / name).rename(app / name)
    git(repo, "add", "-A")
    (repo / "next.config.mjs").write_text("export default { basePath: '/docs' };\n")  # on disk, not staged
    _, worktree = check_json(repo / "web", "--select", "TAV004")
    _, staged = check_json(repo / "web", "--select", "TAV004", "--staged")
    assert statuses(staged) == {"TAV004": "pass"}  # the commit has no basePath: /api/tavus/end is served
    assert statuses(worktree) != {"TAV004": "pass"}  # on disk the basePath moves the route
