"""`check --fix / --unsafe-fixes / --diff / --fix-only` after the check: plan, then print or write.

- `--diff` prints the unified diff of what `--fix` would write and writes nothing (exit 1 when
  there is something to fix, 0 when not, as Ruff's `--diff`).
- `--fix` writes the fixes the re-check proved, then checks again from the files as written:
  the report shows what was fixed and what remains, and the exit code is that of what remains.
- `--fix-only` does the same and prints only what was fixed (exit 0 unless an error).
- `--exit-non-zero-on-fix`: exit 1 when a file was written (the fix pre-commit hook: a commit
  whose files a fix changed stops, as with a formatter, so the change can be reviewed and staged).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sop_check.fixes import Applicability
from sop_check.fixing.diff import unified_diff
from sop_check.fixing.session import FixPlan, FixSession
from sop_check.fixing.write import WriteRefused, write_fixed
from sop_check.model import FixOutcome, Report
from sop_check.report.overview import plural

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.engine import RunOptions


def plan_fixes(path: Path, opts: RunOptions, report: Report, *, unsafe: bool) -> FixPlan:
    return FixSession(path, opts, unsafe=unsafe).run(report)


def diff_text(plan: FixPlan) -> str:
    return "".join(unified_diff(c.path, c.checked, c.new, plan.secrets)
                   for _, c in sorted(plan.changes.items()))


def diff_summary(plan: FixPlan) -> str:
    fixes = [o for o in plan.outcomes if o.status == "applied"]
    if not fixes:
        return "no fix to apply" + _hidden(plan.hidden_unsafe)
    return (f"{plural(len(fixes), 'fix', 'fixes')} would change {plural(len(plan.changes), 'file')} "
            f"(sop-check check --fix{' --unsafe-fixes' if any(o.applicability == 'unsafe' for o in fixes) else ''})"
            + _hidden(plan.hidden_unsafe))


def write_plan(plan: FixPlan) -> list[str]:
    """Write every changed file; a file that cannot be written takes its fixes back (their outcome
    says why). Returns the repository-relative paths written."""
    written: list[str] = []
    refused: dict[int, str] = {}
    for path, change in sorted(plan.changes.items()):
        try:
            write_fixed(change.app_root, change.target, change.checked, change.new)
        except WriteRefused as exc:
            for cand in change.fixes:
                refused[id(cand.finding)] = f"{path} not written: {exc}"
            continue
        written.append(path)
    if refused:
        plan.outcomes = [_refused(o, plan, refused) for o in plan.outcomes]
    return written


def _refused(outcome: FixOutcome, plan: FixPlan, refused: dict[int, str]) -> FixOutcome:
    for change in plan.changes.values():
        for cand in change.fixes:
            if id(cand.finding) in refused and cand.finding.location == outcome.location and \
                    cand.finding.kind == outcome.kind and outcome.status == "applied":
                return FixOutcome(outcome.rule, outcome.kind, outcome.location, outcome.title,
                                  outcome.applicability, "not-applied", refused[id(cand.finding)], outcome.files)
    return outcome


def outcome_lines(report: Report, *, written: bool = True) -> list[str]:
    """What --fix did, for people: the fixes applied, then each one refused with its reason."""
    outcomes = report.fix_outcomes or []
    done = [o for o in outcomes if o.status == "applied"]
    lines = []
    if done:
        verb = "fixed" if written else "would fix"
        staged = bool((report.options or {}).get("staged"))
        where = " in the work tree (not staged yet: the report below reads the index)" if staged and written else ""
        lines.append(f"{verb} {plural(len(done), 'finding')}{where}:")
        lines += [f"  {o.location} {o.rule} {o.kind}: {o.title} ({o.applicability})" for o in done]
    for o in outcomes:
        if o.status == "not-applied":
            lines.append(f"fix not applied: {o.location} {o.rule} {o.kind}: {o.title} ({o.applicability}): {o.reason}")
    if not lines:
        lines.append("nothing to fix")
    return lines


def fixable_notice(report: Report, *, after_fix: bool = False) -> str | None:
    """Ruff's "[*] N fixable with the --fix option", for every run that has fixable findings."""
    # Tried in this run: refused (--fix would not do better), or written to the work tree while the
    # report reads the index (--staged: what is left to do is `git add`, not another --fix).
    tried = {(o.rule, o.kind, o.location.path, o.location.line) for o in report.fix_outcomes or []}
    safe = unsafe = 0
    for _, r in report.all_results():
        for f in r.active_findings:
            if (f.rule, f.kind, f.location.path, f.location.line) in tried:
                continue
            if f.fix is not None and f.fix.applicable:
                if f.fix.applicability is Applicability.SAFE:
                    safe += 1
                else:
                    unsafe += 1
    if not safe and not unsafe:
        return None
    careful = "may change behaviour: review --diff --unsafe-fixes first"
    if not safe:
        text = f"{plural(unsafe, 'finding')} can be fixed with --unsafe-fixes ({careful})"
    else:
        text = f"{plural(safe, 'finding')} can be fixed with --fix"
        if unsafe:
            text += f", {unsafe} more with --unsafe-fixes ({careful})"
    return ("still: " if after_fix else "") + text


def _hidden(count: int) -> str:
    return f"; {plural(count, 'more fix', 'more fixes')} with --unsafe-fixes" if count else ""
