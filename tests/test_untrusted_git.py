"""Git runs nothing: a hostile `.git` in the scanned tree cannot make any git call of ours run a command.

Each attack is built on the bundled example and first fired with plain git (the control: the
marker file appears, so the attack is real and the test can fail), then sop-check runs on the
same repository, in the normal and the `--staged` path, and the marker must not appear.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

import pytest

from sop_check import git as sop_git
from untrusted import ALL_PASS, check, commit_all, example, git


def _missing_blob(repo: Path, path: str) -> None:
    """Delete the object of a committed file: reading it makes git fetch it from the promisor remote."""
    oid = git(repo, "rev-parse", f":{path}").stdout.decode().strip()
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()


def _promisor(repo: Path, url: str, **config: str) -> None:
    git(repo, "config", "core.repositoryformatversion", "1")
    git(repo, "config", "extensions.partialClone", "origin")
    git(repo, "config", "remote.origin.promisor", "true")
    git(repo, "config", "remote.origin.url", url)
    for key, value in config.items():
        git(repo, "config", key, value)


def _ext_command(marker: Path) -> str:
    # In ext:: URLs `% ` is an escaped space.
    return f"ext::sh -c touch% {marker}% >&2"


def _repo_with_docs(tmp_path: Path) -> Path:
    repo = example(tmp_path)
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.md").write_text("tavus notes\n")
    commit_all(repo)
    return repo


def promisor_ext_sparse_tree(repo: Path, marker: Path) -> list[str]:
    """The issue's attack: sparse index + missing tree + ext:: promisor; `git ls-files` fetches."""
    git(repo, "sparse-checkout", "init", "--cone", "--sparse-index")
    git(repo, "sparse-checkout", "set", "app", "components")
    tree = git(repo, "rev-parse", "HEAD:docs").stdout.decode().strip()
    (repo / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    _promisor(repo, _ext_command(marker), **{"protocol.ext.allow": "always"})
    return ["ls-files"]


def promisor_ext_missing_blob(repo: Path, marker: Path) -> list[str]:
    """The `--staged` path: `git grep --cached` reads a missing blob and fetches it."""
    _missing_blob(repo, "docs/notes.md")
    _promisor(repo, _ext_command(marker), **{"protocol.ext.allow": "always"})
    return ["grep", "--cached", "-l", "tavus"]


def promisor_ssh_command(repo: Path, marker: Path) -> list[str]:
    """Variation: no dangerous protocol needed; ssh is allowed by default and core.sshCommand runs."""
    _missing_blob(repo, "docs/notes.md")
    # The repo's per-protocol setting beats a command-line `protocol.allow=never`.
    _promisor(repo, "ssh://git.invalid/x", **{"core.sshCommand": f"touch {marker}; false",
                                              "protocol.ssh.allow": "always"})
    return ["grep", "--cached", "-l", "tavus"]


def promisor_local_uploadpack(repo: Path, marker: Path) -> list[str]:
    """Variation: a local-path remote runs `remote.<name>.uploadpack` as a command."""
    _missing_blob(repo, "docs/notes.md")
    _promisor(repo, str(repo), **{"remote.origin.uploadpack": f"touch {marker}; false",
                                  "protocol.file.allow": "always"})
    return ["grep", "--cached", "-l", "tavus"]


def fsmonitor_hook(repo: Path, marker: Path) -> list[str]:
    """Variation: a configured fsmonitor hook runs on every `git ls-files`."""
    hook = repo / ".git" / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    git(repo, "config", "core.fsmonitor", str(hook))
    return ["ls-files"]


def textconv_driver(repo: Path, marker: Path) -> list[str]:
    """Variation: a diff driver's textconv program from .gitattributes, which `git grep` can run."""
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("* diff=evil filter=evil\n")
    git(repo, "config", "diff.evil.textconv", f"sh -c 'touch {marker}; cat'")
    git(repo, "config", "filter.evil.clean", f"sh -c 'touch {marker}; cat'")
    git(repo, "config", "filter.evil.smudge", f"sh -c 'touch {marker}; cat'")
    return ["grep", "--cached", "--textconv", "-l", "tavus"]


ATTACKS: list[Callable[[Path, Path], list[str]]] = [
    promisor_ext_sparse_tree, promisor_ext_missing_blob, promisor_ssh_command, promisor_local_uploadpack,
    fsmonitor_hook, textconv_driver,
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__ for a in ATTACKS])
@pytest.mark.parametrize("staged", [False, True], ids=["worktree", "staged"])
def test_repo_configured_command_never_runs(tmp_path: Path, attack: Callable[[Path, Path], list[str]],
                                            staged: bool) -> None:
    repo = _repo_with_docs(tmp_path)
    marker = tmp_path / "MARKER"
    control = attack(repo, marker)
    git(repo, *control, check=False)
    assert marker.exists(), "control: plain git runs the repo's command, so this attack is real"
    marker.unlink()

    run = check(repo, "--format", "json", *(["--staged"] if staged else []))
    assert not marker.exists(), "a command configured by the scanned repo ran"
    assert run.sop_statuses() == ALL_PASS, run.json
    assert run.code == 0


@pytest.mark.parametrize("attack", [promisor_ext_missing_blob, promisor_ssh_command, promisor_local_uploadpack])
def test_blob_reads_through_the_helper_run_nothing(tmp_path: Path, attack: Callable[[Path, Path], list[str]]) -> None:
    """The staged-blob reader (`git cat-file --batch`) goes through the same helper."""
    repo = _repo_with_docs(tmp_path)
    marker = tmp_path / "MARKER"
    attack(repo, marker)
    oid = git(repo, "ls-files", "-s", "docs/notes.md").stdout.split()[1]
    proc = sop_git.popen_git(repo, "cat-file", "--batch", stdin=True)
    assert proc is not None
    out, _ = proc.communicate(oid + b"\n", timeout=60)
    assert out.strip().endswith(b"missing")
    assert not marker.exists()


@pytest.mark.parametrize("attack", [promisor_ext_missing_blob, promisor_ssh_command, promisor_local_uploadpack])
def test_the_staged_blob_reader_runs_nothing(tmp_path: Path, attack: Callable[[Path, Path], list[str]]) -> None:
    """What --staged reads file contents with (`BlobReader`, `staged_blob`): a missing blob fetches nothing."""
    repo = _repo_with_docs(tmp_path)
    marker = tmp_path / "MARKER"
    attack(repo, marker)
    assert sop_git.staged_blob(repo, "docs/notes.md", 1_000_000) is None
    reader = sop_git.BlobReader(repo)
    try:
        oid = git(repo, "ls-files", "-s", "docs/notes.md").stdout.split()[1].decode()
        assert reader.read(oid, 1_000_000) == (None, None)
    finally:
        reader.close()
    assert not marker.exists()


def test_partial_listing_from_a_broken_repo_falls_back_to_the_walk(tmp_path: Path) -> None:
    """`git ls-files` with a missing tree exits 0 with a partial list; its stderr makes it a failure."""
    repo = _repo_with_docs(tmp_path)
    promisor_ext_sparse_tree(repo, tmp_path / "MARKER")
    assert sop_git.list_files(repo) is None
    run = check(repo, "--format", "json")
    assert any("walking the folder instead" in n for n in run.json["notices"]), run.json["notices"]


def test_the_environment_turns_every_transport_off() -> None:
    env = sop_git.git_env({"GIT_DIR": "/elsewhere", "GIT_SSH_COMMAND": "x", "GIT_ALLOW_PROTOCOL": "ext:file"})
    assert env["GIT_ALLOW_PROTOCOL"] == sop_git.NO_TRANSPORT and env["GIT_NO_LAZY_FETCH"] == "1"
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_PAGER"] == "cat"
    assert "GIT_DIR" not in env and "GIT_SSH_COMMAND" not in env
    argv = sop_git.git_command("ls-files")
    assert "--no-pager" in argv and "core.fsmonitor=false" in argv
    assert not any(a.startswith("safe.directory") for a in argv)


@pytest.mark.parametrize("worktree", ["/", "elsewhere"])
def test_a_repo_that_moves_its_work_tree_is_not_used(tmp_path: Path, worktree: str) -> None:
    """core.worktree=/ would list the whole machine; a work tree elsewhere describes another folder."""
    repo = example(tmp_path)
    commit_all(repo)
    (tmp_path / "elsewhere").mkdir()
    git(repo, "config", "core.worktree", worktree if worktree == "/" else str(tmp_path / "elsewhere"))
    run = check(repo, "--format", "json", bound=20)
    assert run.sop_statuses() == ALL_PASS
    assert any("not using git" in n for n in run.json["notices"]), run.json["notices"]


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing a folder's owner needs root (CI runs as root)")


@needs_root
def test_repo_owned_by_another_user_is_refused_and_walked(tmp_path: Path) -> None:
    """safe.directory is git's to decide: no `*` override; the walk still checks the app."""
    repo = example(tmp_path)
    commit_all(repo)
    os.chown(repo, 4242, 4242)
    run = check(repo, "--format", "json", env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    assert run.sop_statuses() == ALL_PASS
    assert any("owned by another user" in n for n in run.json["notices"]), run.json["notices"]
    # The workflow (trusted) can still opt in through git's own configuration.
    trusted = check(repo, "--format", "json", env={
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": str(repo)})
    assert not any("owned by another user" in n for n in trusted.json["notices"])


@needs_root
def test_a_parent_repo_planted_by_another_user_does_not_decide_the_listing(tmp_path: Path) -> None:
    """A `.git` above the checkout, owned by someone else, whose excludes would hide the End button."""
    parent = tmp_path / "parent"
    parent.mkdir()
    git(parent, "init", "-q")
    (parent / ".git" / "info").mkdir(exist_ok=True)
    (parent / ".git" / "info" / "exclude").write_text("components/\n")
    app = example(parent, "app")
    os.chown(parent, 4242, 4242)
    run = check(app, "--format", "json", env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    assert run.sop_statuses() == ALL_PASS, run.json
