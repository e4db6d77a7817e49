"""Markdown: the GitHub job summary as a format of its own (for `--extra-output`, PR comments and
the GitHub Action when its main format is not `github`)."""

from __future__ import annotations

from sop_check.model import Report


def render(report: Report) -> str:
    from sop_check.report.github import step_summary

    return step_summary(report)
