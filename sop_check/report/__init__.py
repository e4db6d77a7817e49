"""Reporters: one pure function `Report -> str` per format."""

from __future__ import annotations

from typing import Any, Callable

from sop_check.model import Report


_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github", "junit": "junit",
            "markdown": "markdown", "gitlab": "gitlab"}


def _renderer(fmt: str) -> Callable[..., str]:
    """Import only the reporter asked for: start-up stays lean."""
    import importlib

    renderer: Callable[..., str] = importlib.import_module(f"sop_check.report.{_MODULES[fmt]}").render
    return renderer


def render(fmt: str, report: Report, **kwargs: Any) -> str:
    """The report in `fmt`, inert: strings from the scanned tree cleaned, no workflow command possible."""
    from sop_check.report.inert import neutralise_commands, sanitized

    renderer = _renderer(fmt)
    if fmt != "text":
        for key in ("color", "quiet", "verbose"):
            kwargs.pop(key, None)
    text: str = renderer(sanitized(report, markdown=fmt == "markdown"), **kwargs)
    return neutralise_commands(text, _COMMAND_STYLE.get(fmt, "text"))


_COMMAND_STYLE = {"json": "json", "sarif": "json", "gitlab": "json", "junit": "xml", "github": "github"}


def github_step_summary(report: Report) -> str:
    from sop_check.report.github import step_summary
    from sop_check.report.inert import neutralise_commands, sanitized

    return neutralise_commands(step_summary(sanitized(report, markdown=True)))


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
