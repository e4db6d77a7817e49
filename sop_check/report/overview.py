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

