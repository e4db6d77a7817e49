"""A non-editable install (what pre-commit does) carries the rule pack and its data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_wheel_install_lists_every_rule(tmp_path: Path) -> None:
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(REPO)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    if build.returncode != 0 and "No module named" in build.stderr:
        pytest.skip(f"cannot build here: {build.stderr.strip().splitlines()[-1]}")
    assert build.returncode == 0, build.stderr
    assert not (target / "sop_check_rules" / "__init__.py").is_symlink()
    assert (target / "sop_check_rules" / "pack.toml").is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import sop_check, sop_check_rules; from sop_check.cli import main; "
            "print(sop_check.__file__); print(sop_check_rules.__file__)")
    where = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    rules = subprocess.run([sys.executable, "-m", "sop_check", "rules"], capture_output=True, text=True,
                           env=env, cwd=tmp_path)
    assert rules.returncode == 0, rules.stderr
    from sop_check.registry import all_rules
    for code in all_rules():
        assert code in rules.stdout
    # The fixes' templates ship: the installed tool creates the end route (a missing template would
    # only show as "no fix offered" on a user's machine).
    for template in (REPO / "rules" / "templates").iterdir():
        assert (target / "sop_check_rules" / "templates" / template.name).is_file(), template.name
    from helpers import copy_fixture

    app = copy_fixture("no-end-route", tmp_path / "project")
    diff = subprocess.run([sys.executable, "-m", "sop_check", "check", str(app), "--diff"], capture_output=True,
                          text=True, env={**env, "CI": ""}, cwd=tmp_path)
    assert diff.returncode == 1 and "+++ b/app/api/tavus/end/route.ts\n" in diff.stdout, diff.stderr
    # The language server's package ships too (pygls comes with the extra; the checker needs none).
    assert (target / "sop_check" / "lsp" / "server.py").is_file()
    lsp = subprocess.run([sys.executable, "-c", "import sop_check.lsp.checker as c; print(c.__file__)"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert lsp.returncode == 0 and lsp.stdout.startswith(str(target)), lsp.stderr
