"""TAV102 (env files untracked) pinned branch by branch (mutation survivors in
rules/tav102_env_files_untracked.py): which env files are checked, tracked before ignored, paths
from the repository root in a monorepo, an unsaved .gitignore buffer, and both fixes. The env
files hold placeholder values only."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fix_support import applied
from helpers import PACK, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.fixes import Applicability
from sop_check.model import RuleResult, Status
from sop_check.overlay import Overlay
from sop_check.registry import all_rules

PKG = '{"dependencies": {"next": "15"}}'


def repo(root: Path, files: dict[str, str], app: str = "") -> Path:
    write(root, {f"{app}package.json": PKG, f"{app}lib/t.ts": "// tavus\n",
                 **{f"{app}{k}": v for k, v in files.items()}})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root / app if app else root


def check(root: Path, overlay: Overlay | None = None) -> RuleResult:
    report = run_check(root, RunOptions(rules=[all_rules()["TAV102"]], options_for=options_for,
                                        settings=Settings(), environ={}, pack=PACK), overlay=overlay)
    return report.apps[0].results[0]


def where(result: RuleResult) -> list[tuple[str, str, str]]:
    return [(f.kind, f.location.path, f.data["name"]) for f in result.findings]


def test_only_local_env_files_with_a_tavus_variable_are_checked(tmp_path: Path) -> None:
    root = repo(tmp_path, {".gitignore": "node_modules/\n", ".env": "tavus_persona_id=p\n",
                           ".env.local": "A=1\nTAVUS_API_KEY=v\n", ".env.test.local": "MyTavusKey=v\n",
                           ".env.development.local": "OTHER=1\n", ".env.production": "TAVUS_API_KEY=v\n",
                           ".env.example": "TAVUS_API_KEY=\n", ".envrc.local.bak": "TAVUS_API_KEY=v\n"})
    r = check(root)
    assert r.status is Status.FAIL and r.message == "an env file with the Tavus key can be committed"
    assert sorted(where(r)) == [("not-ignored", ".env", ".env"), ("not-ignored", ".env.local", ".env.local"),
                                ("not-ignored", ".env.test.local", ".env.test.local")]
    assert r.findings[0].message.endswith("holds Tavus variables and is not covered by .gitignore")


def test_no_env_file_with_a_tavus_variable_passes(tmp_path: Path) -> None:
    root = repo(tmp_path, {".env.local": "OTHER=1\n", ".env.example": "TAVUS_API_KEY=\n"})
    r = check(root)
    assert (r.status, r.message, r.findings) == (Status.PASS, "no env file with Tavus variables to protect", [])


def test_ignored_files_pass_with_what_was_seen(tmp_path: Path) -> None:
    root = repo(tmp_path, {".gitignore": ".env*.local\n.env\n", ".env": "TAVUS_API_KEY=v\n",
                           ".env.local": "TAVUS_API_KEY=v\n"})
    r = check(root)
    assert (r.status, r.message) == (Status.PASS, "env files with Tavus variables are ignored and untracked")
    assert sorted((e.message, e.location.path) for e in r.evidence) == [
        (".env is ignored and untracked", ".env"), (".env.local is ignored and untracked", ".env.local")]


def test_in_a_monorepo_paths_are_from_the_repository_root(tmp_path: Path) -> None:
    app = repo(tmp_path, {".env.local": "TAVUS_API_KEY=v\n", ".env": "TAVUS_API_KEY=v\n"}, app="apps/web/")
    write(tmp_path, {".gitignore": "apps/web/.env\n"})
    subprocess.run(["git", "add", "apps/web/.env.local"], cwd=tmp_path, check=True)
    r = check(app)
    assert where(r) == [("tracked", "apps/web/.env.local", ".env.local")]
    finding = r.findings[0]
    assert finding.data["path"] == "apps/web/.env.local"
    assert finding.message == ".env.local holds Tavus variables and is tracked by git"
    assert finding.fix is not None and finding.fix.edits == ()
    assert finding.fix.applicability is Applicability.DISPLAY_ONLY
    assert finding.fix.title == ("run `git rm --cached -- apps/web/.env.local`, ignore it (--fix adds it to "
                                 ".gitignore once it is untracked) and rotate the key")


def test_tracked_wins_over_ignored(tmp_path: Path) -> None:
    root = repo(tmp_path, {".gitignore": ".env*.local\n", ".env.local": "TAVUS_API_KEY=v\n"})
    subprocess.run(["git", "add", "-f", ".env.local"], cwd=root, check=True)
    assert where(check(root)) == [("tracked", ".env.local", ".env.local")]


def test_the_ignore_fix_adds_the_pattern_for_the_file(tmp_path: Path) -> None:
    root = repo(tmp_path, {".env": "TAVUS_API_KEY=v\n", ".env.local": "TAVUS_API_KEY=v\n"})
    fixes = {f.data["name"]: f.fix for f in check(root).findings}
    env, local = fixes[".env"], fixes[".env.local"]
    assert env is not None and local is not None
    assert (env.title, env.applicability) == ("add .env to .gitignore", Applicability.SAFE)
    assert applied(root, env) == {".gitignore": ".env\n"}  # created when there is none
    assert local.title == "add .env*.local to .gitignore"
    assert applied(root, local) == {".gitignore": ".env*.local\n"}


def test_an_unsaved_gitignore_buffer_counts(tmp_path: Path) -> None:
    root = repo(tmp_path, {".gitignore": "node_modules/\n", ".env.local": "TAVUS_API_KEY=v\n",
                           ".env": "TAVUS_API_KEY=v\n"})
    r = check(root, Overlay({root / ".gitignore": b"node_modules/\n.env*.local\n"}))
    assert where(r) == [("not-ignored", ".env", ".env")]
    undecodable = check(root, Overlay({root / ".gitignore": b"\xff\xfe\n.env*.local\n"}))  # an editor's bytes
    assert where(undecodable) == [("not-ignored", ".env", ".env")]
    negated = check(root, Overlay({root / ".gitignore": b".env*\n!.env\n"}))
    assert where(negated) == [("not-ignored", ".env", ".env")]
    other_buffer = check(root, Overlay({root / "lib/t.ts": b"// tavus\n"}))
    assert sorted(where(other_buffer)) == [("not-ignored", ".env", ".env"), ("not-ignored", ".env.local", ".env.local")]


def test_no_ignore_fix_through_a_symlinked_gitignore(tmp_path: Path) -> None:
    """The fix would write wherever the link points: none is offered (the finding stays)."""
    root = repo(tmp_path, {".env.local": "TAVUS_API_KEY=v\n", "elsewhere.txt": "node_modules/\n"})
    (root / ".gitignore").symlink_to(root / "elsewhere.txt")
    assert [(f.kind, f.fix) for f in check(root).findings] == [("not-ignored", None)]
