"""The real pre-commit framework runs sop-check as a hook in a scratch repository (no network:
a `repo: local` hook pointing at this interpreter's sop-check)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_fixtures import copy_fixture

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _pre_commit() -> list[str]:
    exe = Path(sys.executable).with_name("pre-commit")
    if exe.exists():
        return [str(exe)]
    pytest.importorskip("pre_commit")
    return [sys.executable, "-m", "pre_commit"]


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "CI": "",
           "PRE_COMMIT_HOME": str(repo.parent / ".pre-commit-home")}
    env.pop("CI")
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    project = copy_fixture("app-router-compliant", tmp_path)
    _git(project, "init", "-q")
    (project / ".gitignore").write_text(".env*.local\n")
    (project / ".pre-commit-config.yaml").write_text(f"""repos:
  - repo: local
    hooks:
      - id: sop-check
        name: Tavus CVI SOP (sop-check)
        entry: {sys.executable} -m sop_check check
        language: unsupported
        pass_filenames: false
        always_run: true
        require_serial: true
""")
    subprocess.run([*_pre_commit(), "install"], cwd=project, check=True, capture_output=True,
                   env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".pre-commit-home")})
    return project


def test_breaking_commit_is_blocked_and_fix_passes(repo: Path) -> None:
    _git(repo, "add", "-A")
    first = _git(repo, "commit", "-qm", "compliant app", check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    avatar = repo / "components" / "InteractiveAvatar.tsx"
    good = avatar.read_text()
    avatar.write_text(good.replace("keepalive: true", "keepalive: false"))
    _git(repo, "add", "-A")
    blocked = _git(repo, "commit", "-qm", "break keepalive", check=False)
    assert blocked.returncode != 0
    assert "TAV004" in blocked.stdout + blocked.stderr
    avatar.write_text(good + "// keepalive restored after review\n")
    _git(repo, "add", "-A")
    fixed = _git(repo, "commit", "-qm", "restore keepalive", check=False)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_commit_deleting_the_route_is_checked(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "compliant app")
    _git(repo, "rm", "-q", "app/api/tavus/end/route.ts")
    blocked = _git(repo, "commit", "-qm", "drop the end route", check=False)
    assert blocked.returncode != 0 and "TAV001" in blocked.stdout + blocked.stderr


def test_untracked_route_does_not_count_under_pre_commit(repo: Path) -> None:
    route = repo / "app" / "api" / "tavus" / "end" / "route.ts"
    _git(repo, "add", "-A")
    _git(repo, "reset", "-q", "--", str(route))  # the route exists on disk but is not staged
    blocked = _git(repo, "commit", "-qm", "without the route", check=False)
    assert blocked.returncode != 0 and "TAV001" in blocked.stdout + blocked.stderr
