"""How every format says whether a finding has a fix, and of which applicability (issue 15)."""

from __future__ import annotations

from sop_check.fixes import Applicability
from sop_check.model import Finding, FixOutcome, Report
from sop_check.report.inert import clean

_FLAG = {Applicability.SAFE: "--fix", Applicability.UNSAFE: "--unsafe-fixes"}


def fix_note(f: Finding) -> str:
    """`safe fix (--fix): set keepalive: true ...`, `suggestion (display-only, never applied): ...`
    or `no automatic fix`."""
    fix = f.fix
    if fix is None:
        return "no automatic fix"
    if fix.applicability is Applicability.DISPLAY_ONLY or not fix.edits:
        return f"suggestion (display-only, never applied): {fix.title}"
    return f"{fix.applicability} fix ({_FLAG[fix.applicability]}): {fix.title}"


def snippet_lines(f: Finding, indent: str = "      ") -> list[str]:
    """A display-only fix's text (a snippet to adapt), each line made inert for a terminal."""
    fix = f.fix
    if fix is None or fix.applicability is not Applicability.DISPLAY_ONLY:
        return []
    out = []
    for e in fix.edits:
        out.append(f"{indent}in {e.path}:")
        out += [f"{indent}| {clean(line)}".rstrip() for line in e.content.replace("\r\n", "\n").rstrip("\n").split("\n")]
    return out


def outcome_note(o: FixOutcome) -> str:
    """One fix `--fix` tried, as every format states it: `fixed: <where> TAV004 no-keepalive: <title>
    (safe)` or `fix not applied: ... : <why>`."""
    head = f"{o.location} {o.rule} {o.kind}: {clean(o.title)} ({o.applicability})"
    return f"fixed: {head}" if o.status == "applied" else f"fix not applied: {head}: {clean(o.reason)}"


def outcomes_in(report: Report, app_root: str) -> list[FixOutcome]:
    """The fixes tried in one app (by the finding's path), for the formats that report per app."""
    prefix = "" if app_root == "." else app_root.rstrip("/") + "/"
    return [o for o in report.fix_outcomes or [] if o.location.path.startswith(prefix)]
