"""GitHub Actions workflow commands, most important first (GitHub shows only ~10 per step),
and the Markdown job summary."""

from __future__ import annotations

from sop_check.model import Report, Severity, Status
from sop_check.report.fixnote import fix_note, outcome_note


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, path: str, line: int, col: int, title: str, message: str) -> str:
    props = f"file={_escape_prop(path)},line={line},col={col},title={_escape_prop(title)}"
    return f"::{kind} {props}::{_escape_data(message)}"


def render(report: Report) -> str:
    errors: list[str] = []
    warnings: list[str] = []
    for app, r in report.all_results():
        title = f"{r.rule} {r.name}"
        kind = "error" if r.severity is Severity.ERROR else "warning"
        if r.status is Status.FAIL:
            for f in r.active_findings:
                msg = f.message + (f" (fix: {f.hint})" if f.hint else "") + f" [autofix: {fix_note(f)}]"
                (errors if kind == "error" else warnings).append(
                    _command(kind, f.location.path, f.location.line, f.location.column, title, msg))
        elif r.status is Status.UNKNOWN:
            anchor = r.findings[0].location if r.findings else None
            path = anchor.path if anchor else (f"{app.root}/package.json" if app.root != "." else "package.json")
            msg = f"could not verify: {r.message}" + (f" ({'; '.join(r.unresolved[:3])})" if r.unresolved else "")
            warnings.append(_command("warning", path, anchor.line if anchor else 1, anchor.column if anchor else 1,
                                     title, msg))
        elif r.status is Status.ERROR:
            path = f"{app.root}/package.json" if app.root != "." else "package.json"
            errors.append(_command("error", path, 1, 1, title, f"rule failed to run: {r.message}"))
    notes = [f"::warning file={_escape_prop(d.path)}::{_escape_data(d.message)}" for d in report.diagnostics]
    notes += [_command("notice" if o.status == "applied" else "warning", o.location.path, o.location.line,
                       o.location.column, f"{o.rule} {o.kind}", outcome_note(o)) for o in report.fix_outcomes or []]
    notes += [_command("warning", r.location.path, r.location.line, r.location.column, "sop-check policy relaxation",
                       r.message) for r in report.relaxations]
    return "\n".join(errors + warnings + notes) + ("\n" if errors or warnings or notes else "")


_ICONS = {Status.PASS: "✅ pass", Status.FAIL: "❌ fail", Status.UNKNOWN: "❔ unknown", Status.SKIP: "⏭ skip",
          Status.ERROR: "💥 error"}


def _cell(text: str) -> str:
    """Table cell text: no column breaks, no line breaks, and `<button>` shown, not parsed as HTML."""
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def step_summary(report: Report) -> str:
    """The job summary, ordered as the text report: the apps that use Tavus first, the others in
    one collapsed list, an app x rule matrix when several apps were checked, then the counts."""
    from sop_check.report.overview import group_apps, matrix, rule_codes, without_tavus_line
    from sop_check.report.text import summary_line

    groups = group_apps(report)
    out = ["## sop-check: Tavus CVI SOP", "", f"**{summary_line(report, groups)}**", ""]
    for app in groups.checked:
        out += [f"### app `{app.root}`", "", "| rule | name | status | message |", "|---|---|---|---|"]
        for r in app.results:
            out.append(f"| {r.rule} | {r.name} | {_ICONS[r.status]} | {_cell(r.message)} |")
        findings = [(r, f) for r in app.results for f in r.findings]
        if findings:
            out += ["", "Findings:", ""]
            for r, f in findings:
                mark = f" _(suppressed: {f.suppression.reason})_" if f.suppression else ""
                note = "" if f.suppression else f" _(autofix: {_cell(fix_note(f))})_"
                out.append(f"- `{f.location}` **{r.rule}** {_cell(f.message)}{mark}{note}")
        out.append("")
    for app in groups.skipped_other:
        out += [f"### app `{app.root}` (skipped: {app.skipped_reason})", ""]
    if groups.without_tavus:
        out += [f"<details><summary>{without_tavus_line(len(groups.without_tavus))}</summary>", ""]
        out += [f"- `{a.root}`" for a in groups.without_tavus] + ["", "</details>", ""]
    if len(groups.checked) > 1:
        codes = rule_codes(groups.checked)
        out += ["### app × rule", "", "| app | " + " | ".join(codes) + " |",
                "|---|" + "---|" * len(codes)]
        for root, statuses in matrix(groups.checked):
            cells = " | ".join(_ICONS[s].split()[0] if s else "–" for s in statuses)
            out.append(f"| `{root}` | {cells} |")
        out.append("")
    if report.fix_outcomes:
        out += ["### Fixes", ""] + [f"- {_cell(outcome_note(o))}" for o in report.fix_outcomes] + [""]
    if report.relaxations:
        out += ["### Policy relaxations", "", "These weaken the gate (`--locked` refuses those from the repository):", ""]
        out += [f"- `{r.location.path}:{r.location.line}` {r.message}" for r in report.relaxations]
        out.append("")
    out.append(f"_sop-check {report.tool_version}, rule pack {report.pack_version} ({report.sop_version}), "
               f"config: {report.config_path or 'defaults'}_")
    return "\n".join(out) + "\n"
