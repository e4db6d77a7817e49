"""What every human-facing report shows first on a monorepo: the apps that use Tavus, then the
rest in one line, then (with several Tavus apps) an app x rule matrix, as Checkov and Ruff
summarise many targets. Apps and rule results are counted separately, so 39 skipped apps are
not 273 "skipped" rule results.

Machine formats (JSON, SARIF, JUnit) keep every app in discovery order; this module only
decides the order and the counts the text report and the job summary print.
"""

from __future__ import annotations

from sop_check.model import AppReport, Report, Status
from sop_check.records import record


@record(frozen=True)
class AppGroups:
    checked: tuple[AppReport, ...]  # apps whose rules ran: Tavus apps and apps named with --app
    without_tavus: tuple[AppReport, ...]  # skipped because nothing in them uses Tavus
    skipped_other: tuple[AppReport, ...]  # skipped for another reason (listed one by one)


def group_apps(report: Report) -> AppGroups:
    """Checked apps first (Tavus users before apps named explicitly), each group in discovery order."""
    checked = [a for a in report.apps if not a.skipped_reason]
    checked.sort(key=lambda a: not a.uses_tavus)  # stable: discovery order within each group
    without = [a for a in report.apps if a.skipped_reason and not a.uses_tavus]
    other = [a for a in report.apps if a.skipped_reason and a.uses_tavus]
    return AppGroups(tuple(checked), tuple(without), tuple(other))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def without_tavus_line(count: int) -> str:
    verb = "does" if count == 1 else "do"
    return f"{plural(count, 'app')} {verb} not use Tavus"


def rule_codes(apps: tuple[AppReport, ...]) -> list[str]:
    """The rule codes of the matrix's columns, in the order the rules ran."""
    codes: list[str] = []
    for app in apps:
        for r in app.results:
            if r.rule not in codes:
                codes.append(r.rule)
    return codes


def matrix(apps: tuple[AppReport, ...]) -> list[tuple[str, list[Status | None]]]:
    """One row per app: the status of each rule of :func:`rule_codes` (None: not run there)."""
    codes = rule_codes(apps)
    rows = []
    for app in apps:
        by_code = {r.rule: r.status for r in app.results}
        rows.append((app.root, [by_code.get(c) for c in codes]))
    return rows


def summary_counts(report: Report) -> dict[str, int]:
    """Apps and rule results counted apart: rule results of skipped apps are not counted (a
    monorepo's 39 apps without Tavus are 39 skipped apps, not 273 skipped rule results)."""
    skipped_apps = [app for app in report.apps if app.skipped_reason]
    counts = {"apps": len(report.apps), "apps_checked": len(report.apps) - len(skipped_apps),
              "apps_skipped": len(skipped_apps), "rules": 0, "pass": 0, "fail": 0, "unknown": 0, "skip": 0,
              "error": 0, "findings": 0, "suppressed": 0}
    for app, r in report.all_results():
        if app.skipped_reason:
            continue
        counts["rules"] += 1
        counts[r.status.value] += 1
        counts["findings"] += len(r.active_findings)
        counts["suppressed"] += sum(1 for f in r.findings if f.suppressed)
    return counts
