"""GitLab Code Quality: the subset of the Code Climate issue format that GitLab reads
(docs/gitlab-codequality-schema.json, written from GitLab's "Implement a custom tool" table).

One issue per located problem: every finding of a failing rule, one per `unknown` or crashed
rule, suppressed findings too (as `info`, marked, so the report hides nothing). GitLab compares
fingerprints between the merge request and its target to tell new issues from fixed ones, and
shows issues with one fingerprint as one: a fingerprint is stable across runs and line moves (no
line or column goes into it) and unique within a report (equal keys are numbered in order).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sop_check.model import AppReport, Finding, Location, Report, RuleInfo, RuleResult, Severity, Status
from sop_check.report.fixnote import fix_note

# Severity from the rule's severity and its status: a confirmed violation that fails the gate is
# critical, an unverified one that fails it is major, a rule that could not run is a blocker.
_SEVERITY = {
    (Status.FAIL, Severity.ERROR): "critical",
    (Status.FAIL, Severity.WARNING): "minor",
    (Status.UNKNOWN, Severity.ERROR): "major",
    (Status.UNKNOWN, Severity.WARNING): "info",
    (Status.ERROR, Severity.ERROR): "blocker",
    (Status.ERROR, Severity.WARNING): "blocker",
}
SUPPRESSED_SEVERITY = "info"
_POSITION = re.compile(r":\d+(?::\d+)?")


def severity_of(result: RuleResult, finding: Finding | None) -> str:
    if finding is not None and finding.suppressed:
        return SUPPRESSED_SEVERITY
    return _SEVERITY.get((result.status, result.severity), "info")


def _anchor(app: AppReport) -> Location:
    return Location(path="package.json" if app.root == "." else f"{app.root}/package.json")


def _identity(result: RuleResult, finding: Finding | None, path: str) -> str:
    """What the problem is and where, without positions: the fingerprint's input."""
    if finding is None:
        return f"{result.rule}\0{path}\0{result.status.value}"
    return f"{result.rule}\0{path}\0{_POSITION.sub('', finding.message)}"


def _description(result: RuleResult, finding: Finding | None) -> str:
    head = f"{result.rule} {result.name}: "
    if result.status is Status.UNKNOWN:
        detail = "; ".join(result.unresolved[:5])
        return f"{head}could not verify: {result.message}" + (f" ({detail})" if detail else "")
    if result.status is Status.ERROR or finding is None:
        return f"{head}rule failed to run: {result.message}"
    text = head + finding.message + (f". Fix: {finding.hint}" if finding.hint else "") + f". Autofix: {fix_note(finding)}"
    if finding.suppression is not None:
        text += f" [suppressed: {finding.suppression.reason}]"
    return text


def _issue(result: RuleResult, finding: Finding | None, app: AppReport, info: RuleInfo | None) -> dict[str, Any]:
    loc = finding.location if finding is not None else _anchor(app)
    lines: dict[str, int] = {"begin": max(1, loc.line)}
    if loc.end_line is not None and loc.end_line > lines["begin"]:
        lines["end"] = loc.end_line
    security = info is not None and "security" in info.tags
    return {
        "type": "issue",
        "check_name": result.rule,
        "description": _description(result, finding),
        "categories": ["Security" if security else "Bug Risk"],
        "severity": severity_of(result, finding),
        "fingerprint": _identity(result, finding, loc.path),  # hashed and numbered in render()
        "location": {"path": loc.path, "lines": lines},
    }


def _issues_of(app: AppReport, infos: dict[str, RuleInfo]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in app.results:
        info = infos.get(r.rule)
        if r.status is Status.FAIL or (r.status is Status.PASS and r.findings):
            out.extend(_issue(r, f, app, info) for f in r.findings)
        elif r.status is Status.UNKNOWN:
            out.append(_issue(r, r.findings[0] if r.findings else None, app, info))
        elif r.status is Status.ERROR:
            out.append(_issue(r, None, app, info))
    return out


def _fingerprint(identity: str, occurrence: int) -> str:
    return hashlib.sha256(f"{identity}\0{occurrence}".encode()).hexdigest()[:32]


def issues(report: Report) -> list[dict[str, Any]]:
    infos = {i.code: i for i in report.rules}
    found = [issue for app in report.apps if not app.skipped_reason for issue in _issues_of(app, infos)]
    # Equal identities (two End buttons with the same problem in one file) are numbered in the
    # order of their lines, so each keeps its fingerprint when code above them moves.
    found.sort(key=lambda i: (i["fingerprint"], i["location"]["lines"]["begin"]))
    seen: dict[str, int] = {}
    for issue in found:
        identity = issue["fingerprint"]
        seen[identity] = seen.get(identity, 0) + 1
        issue["fingerprint"] = _fingerprint(identity, seen[identity])
    found.sort(key=lambda i: (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]))
    return found


def render(report: Report) -> str:
    # No byte order mark: GitLab's parser refuses one.
    return json.dumps(issues(report), indent=2, ensure_ascii=False) + "\n"
