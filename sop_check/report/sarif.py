"""SARIF 2.1.0 as GitHub code scanning accepts it (see field notes): every result has a real file
location; columns are UTF-16 code units; one run per app so each app has its own category."""

from __future__ import annotations

import hashlib
import json
import re
import string
from typing import Any
from urllib.parse import quote

from sop_check import REPOSITORY_URL
from sop_check.fixes import Fix
from sop_check.model import AppReport, Finding, Location, Message, Report, RuleResult, Severity, Status
from sop_check.report.fixnote import fix_note, outcome_note, outcomes_in
from sop_check.report.inert import json_inert, path_bytes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = REPOSITORY_URL


def _uri(path: str) -> str:
    # Spaces, '#', non-ASCII and a name's undecodable bytes percent-encoded, from the name's bytes
    # (the report's paths arrive escaped by sop_check.report.inert).
    return quote(path_bytes(path), safe="/")


def _location(loc: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, loc.line), "startColumn": max(1, loc.utf16_column())}
    if loc.end_line is not None:
        region["endLine"] = max(loc.end_line, region["startLine"])
        if loc.end_column_utf16 is not None:
            end_col = loc.end_column_utf16
            if region["endLine"] == region["startLine"]:
                end_col = max(end_col, region["startColumn"])
            region["endColumn"] = max(1, end_col)
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(loc.path), "uriBaseId": "%SRCROOT%"},
                                 "region": region}}


def _fingerprint(rule: str, path: str, message: str) -> str:
    # Stable across runs and line shifts: no line numbers, no positions in the key.
    stable = re.sub(r":\d+(:\d+)?", "", message)
    return hashlib.sha256(f"{rule}\0{path}\0{stable}".encode()).hexdigest()[:32]


def _message_string(template: str) -> tuple[str, list[str]]:
    """A `{named}` template as a SARIF message string (`{0}`, `{1}`, literal braces doubled),
    with the names in argument order."""
    names: list[str] = []
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            if name not in names:
                names.append(name)
            out.append("{" + str(names.index(name)) + "}")
    return "".join(out), names


def _message_strings(messages: dict[str, Message]) -> dict[str, dict[str, str]]:
    return {kind: {"text": _message_string(m.text)[0]} for kind, m in sorted(messages.items())}


def _rule(info: Any) -> dict[str, Any]:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.summary},
        "help": {"text": info.docs or info.summary, "markdown": info.docs or info.summary},
        "helpUri": info.help_uri or INFO_URI,
        "defaultConfiguration": {"level": "error" if info.severity is Severity.ERROR else "warning"},
        "properties": {"tags": list(info.tags) or ["tavus"], "precision": "high"},
        "messageStrings": _message_strings(info.messages),
    }


def _anchor(app: AppReport) -> Location:
    return Location(path="package.json" if app.root == "." else f"{app.root}/package.json", line=1, column=1)


def _result(r: RuleResult, f: Finding | None, app: AppReport, rule_index: dict[str, int],
            messages: dict[str, dict[str, Message]]) -> dict[str, Any]:
    if r.status is Status.UNKNOWN:
        detail = "; ".join(r.unresolved[:5])
        text = f"could not verify: {r.message}" + (f" ({detail})" if detail else "")
        level = "warning"
    elif r.status is Status.ERROR:
        text, level = f"rule failed to run: {r.message}", "error"
    else:
        text = f.message if f is not None else r.message
        level = "error" if r.severity is Severity.ERROR else "warning"
    if f is not None and f.hint and r.status is not Status.UNKNOWN:
        text = f"{text}. Fix: {f.hint}"
    loc = f.location if f is not None else _anchor(app)
    message: dict[str, Any] = {"text": text}
    if f is not None and r.status is not Status.UNKNOWN and f.kind in messages.get(r.rule, {}):
        # The kind is the message's id (a key of the rule's messageStrings): stable where text is not.
        names = _message_string(messages[r.rule][f.kind].text)[1]
        message.update(id=f.kind, arguments=[f.data.get(n, "") for n in names])
    result: dict[str, Any] = {
        "ruleId": r.rule,
        "ruleIndex": rule_index.get(r.rule, 0),
        "level": level,
        "message": message,
        "locations": [_location(loc)],
        "partialFingerprints": {"sopCheck/v1": _fingerprint(r.rule, loc.path, text if f is None else f.message)},
    }
    if f is not None and f.suppression is not None:
        kind = "inSource" if f.suppression.kind == "inline" else "external"
        result["suppressions"] = [{"kind": kind, "justification": f.suppression.reason}]
    if f is not None and r.status is not Status.UNKNOWN:
        result["properties"] = {"fix": str(f.fix.applicability) if f.fix is not None else "none",
                                "fixDescription": fix_note(f)}
        if f.fix is not None and f.fix.applicable:
            result["fixes"] = [_fix(f.fix)]
    return result


def _fix(fix: Fix) -> dict[str, Any]:
    """SARIF's fix: the edits as replacements of regions (lines and UTF-16 columns, as the run's
    columnKind says), grouped by file; an insertion deletes an empty region."""
    changes: dict[str, list[dict[str, Any]]] = {}
    for e in fix.edits:
        region = e.region or Location(e.path)
        deleted: dict[str, Any] = {"startLine": region.line, "startColumn": region.utf16_column()}
        if region.end_line is not None and region.end_column_utf16 is not None:
            deleted.update(endLine=region.end_line, endColumn=region.end_column_utf16)
        else:
            deleted.update(endLine=region.line, endColumn=region.utf16_column())
        changes.setdefault(e.path, []).append({"deletedRegion": deleted, "insertedContent": {"text": e.content}})
    return {"description": {"text": f"{fix.title} ({fix.applicability})"},
            "artifactChanges": [{"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"},
                                 "replacements": replacements} for path, replacements in changes.items()]}


def _results(app: AppReport, rule_index: dict[str, int],
             messages: dict[str, dict[str, Message]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in app.results:
        if r.status is Status.FAIL or (r.status is Status.PASS and r.findings):
            out.extend(_result(r, f, app, rule_index, messages) for f in r.findings)
        elif r.status is Status.UNKNOWN:
            first = r.findings[0] if r.findings else None
            out.append(_result(r, first, app, rule_index, messages))
        elif r.status is Status.ERROR:
            out.append(_result(r, None, app, rule_index, messages))
    return out


def _fix_notifications(report: Report, app_root: str) -> list[dict[str, Any]]:
    """After --fix: each fix tried, as a notification of the run (a fixed finding is no longer a
    result; a refused one still is, and this says why its fix was not written)."""
    return [{"level": "note" if o.status == "applied" else "warning",
             "descriptor": {"id": "fix/applied" if o.status == "applied" else "fix/not-applied"},
             "message": {"text": outcome_note(o)}, "locations": [_location(o.location)]}
            for o in outcomes_in(report, app_root)]


def render(report: Report) -> str:
    rules = [_rule(i) for i in report.rules]
    rule_index = {i.code: n for n, i in enumerate(report.rules)}
    messages = {i.code: i.messages for i in report.rules}
    runs = []
    for app in report.apps or [AppReport(root=report.scanned_path, uses_tavus=False)]:
        runs.append({
            "tool": {"driver": {"name": "sop-check", "version": report.tool_version, "semanticVersion":
                                report.tool_version, "informationUri": INFO_URI, "rules": rules}},
            "automationDetails": {"id": f"sop-check/{app.root}/"},
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root"}}},
            "invocations": [{
                "executionSuccessful": not any(r.status is Status.ERROR for r in app.results),
                "properties": {"config": report.config_path, "packVersion": report.pack_version,
                               "sopVersion": report.sop_version, "appRoot": app.root,
                               "usesTavus": app.uses_tavus},
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": d.message},
                     "locations": [_location(Location(path=d.path))]}
                    for d in report.diagnostics if d.path.startswith("" if app.root == "." else app.root + "/")
                ] + _fix_notifications(report, app.root),
                # Policy relaxations in effect: each weakens the gate (a reviewer must see them).
                "toolConfigurationNotifications": [
                    {"level": "warning", "descriptor": {"id": f"policy-relaxation/{r.kind}"},
                     "message": {"text": f"policy relaxation: {r.message}"},
                     "locations": [_location(r.location)]}
                    for r in report.relaxations
                ],
            }],
            "results": _results(app, rule_index, messages),
        })
    return json_inert(json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": runs}, indent=2,
                                 ensure_ascii=False)) + "\n"
