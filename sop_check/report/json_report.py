"""JSON output; its schema is docs/report-schema.json (`schema_version` bumps on breaking changes)."""

from __future__ import annotations

import json
from typing import Any

from sop_check.model import Finding, Location, Report
from sop_check.report.overview import summary_counts

SCHEMA_VERSION = 1


def _loc(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "line": loc.line, "column": loc.column, "end_line": loc.end_line,
            "end_column": loc.end_column}


def _finding(f: Finding) -> dict[str, Any]:
    return {**_loc(f.location), "rule": f.rule, "kind": f.kind, "message": f.message, "hint": f.hint, "suppressed": f.suppressed,
            "suppression": {"kind": f.suppression.kind, "reason": f.suppression.reason} if f.suppression else None}


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "version": report.tool_version,
        "pack_version": report.pack_version,
        "sop_version": report.sop_version,
        "config": report.config_path,
        "scanned_path": report.scanned_path,
        "apps": [{
            "root": app.root,
            "uses_tavus": app.uses_tavus,
            "skipped_reason": app.skipped_reason,
            "results": [{
                "rule": r.rule, "name": r.name, "severity": r.severity.value, "status": r.status.value,
                "message": r.message, "unresolved": list(r.unresolved),
                "evidence": [{"message": e.message, **_loc(e.location)} for e in r.evidence],
                "findings": [_finding(f) for f in r.findings],
            } for r in app.results],
        } for app in report.apps],
        "diagnostics": [{"path": d.path, "message": d.message, "level": d.level} for d in report.diagnostics],
        "notices": list(report.notices),
        "unused_suppressions": [_finding(f) for f in report.unused_suppressions],
        "policy": {"locked": report.locked, "relaxations": [
            {"kind": r.kind, "subject": r.subject, "message": r.message, "origin": r.origin, **_loc(r.location)}
            for r in report.relaxations]},
        "summary": summary_counts(report),
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
