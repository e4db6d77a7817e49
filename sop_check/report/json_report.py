"""JSON output; its schema is docs/report-schema.json (`schema_version` bumps on breaking changes)."""

from __future__ import annotations

import json
from typing import Any

from sop_check.fixes import Fix
from sop_check.model import Finding, FixOutcome, Location, Report
from sop_check.report.inert import json_inert
from sop_check.report.overview import summary_counts

SCHEMA_VERSION = 1


def _loc(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "line": loc.line, "column": loc.column, "end_line": loc.end_line,
            "end_column": loc.end_column}


def _finding(f: Finding) -> dict[str, Any]:
    return {**_loc(f.location), "rule": f.rule, "kind": f.kind, "message": f.message, "hint": f.hint, "suppressed": f.suppressed,
            "suppression": {"kind": f.suppression.kind, "reason": f.suppression.reason} if f.suppression else None,
            "fix": _fix(f.fix)}


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    """The repair: applicability, title, and its edits as byte ranges of the file's UTF-8 text as
    checked (BOM excluded) with their line/column region; `start == end` inserts, and an edit of
    a file that does not exist creates it."""
    if fix is None:
        return None
    return {"applicability": str(fix.applicability), "title": fix.title, "edits": [
        {"path": e.path, "start": e.start, "end": e.end, "content": e.content,
         "region": _loc(e.region) if e.region is not None else None} for e in fix.edits]}


def _outcome(o: FixOutcome) -> dict[str, Any]:
    return {**_loc(o.location), "rule": o.rule, "kind": o.kind, "title": o.title, "applicability": o.applicability,
            "status": o.status, "reason": o.reason, "files": list(o.files)}


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
        # --fix / --diff only: each fix tried and what came of it (null on a plain check).
        "fixes": None if report.fix_outcomes is None else [_outcome(o) for o in report.fix_outcomes],
    }


def render(report: Report) -> str:
    return json_inert(json.dumps(as_dict(report), indent=2, ensure_ascii=False)) + "\n"
