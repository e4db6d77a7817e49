"""In-process fix checks for the recipe tests (tests/test_mutation_*_fixes.py): a project's
findings with the fixes the engine attached, and the exact text a fix's edits make of each file.
No CLI, no writing: the recipe's own answer, pinned byte for byte."""

from __future__ import annotations

from pathlib import Path

from helpers import PACK, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.fixes import Fix
from sop_check.fixing.apply import apply_edits
from sop_check.model import Finding
from sop_check.registry import all_rules


def findings(root: Path, code: str, kind: str | None = None) -> list[Finding]:
    """The rule's findings (of `kind`), with their fixes; a recipe that raised fails the test (the
    engine turns it into "no fix" and a diagnostic, which would hide a crash behind a refusal)."""
    report = run_check(root, RunOptions(rules=[all_rules()[code]], options_for=options_for, settings=Settings(),
                                        environ={}, pack=PACK))
    failed = [d.message for d in report.diagnostics if "the fix failed" in d.message]
    assert not failed, failed
    [result] = [r for app in report.apps for r in app.results if r.rule == code]
    return [f for f in result.findings if kind is None or f.kind == kind]


def fix_of(root: Path, code: str, kind: str) -> Fix | None:
    """The fix of the one finding of `kind` (the test fails when there is not exactly one)."""
    [finding] = findings(root, code, kind)
    return finding.fix


def applied(root: Path, fix: Fix) -> dict[str, str]:
    """Each edited file's text after the fix's edits (paths relative to `root`)."""
    out = {}
    for path in sorted({e.path for e in fix.edits}):
        target = root / path
        data = target.read_bytes() if target.exists() else b""
        out[path] = apply_edits(data, [e for e in fix.edits if e.path == path]).decode("utf-8")
    return out


def fixed_text(tmp_path: Path, files: dict[str, str], code: str, kind: str, path: str) -> str | None:
    """The text of `path` after the fix of the one `kind` finding, or None when it has no fix."""
    root = write(tmp_path, files)
    fix = fix_of(root, code, kind)
    if fix is None:
        return None
    return applied(root, fix).get(path)
