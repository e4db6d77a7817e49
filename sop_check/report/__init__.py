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
