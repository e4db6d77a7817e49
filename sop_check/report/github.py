"""GitHub Actions workflow commands, most important first (GitHub shows only ~10 per step),
and the Markdown job summary."""

from __future__ import annotations

from sop_check.model import Report, Severity, Status


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
                msg = f.message + (f" (fix: {f.hint})" if f.hint else "")
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
    return "\n".join(errors + warnings + notes) + ("\n" if errors or warnings or notes else "")


def step_summary(report: Report) -> str:
    icons = {Status.PASS: "✅ pass", Status.FAIL: "❌ fail", Status.UNKNOWN: "❔ unknown", Status.SKIP: "⏭ skip",
             Status.ERROR: "💥 error"}
    out = ["## sop-check: Tavus CVI SOP", ""]
    for app in report.apps:
        out.append(f"### app `{app.root}`" + (f" (skipped: {app.skipped_reason})" if app.skipped_reason else ""))
        if app.skipped_reason:
            out.append("")
            continue
        out += ["", "| rule | name | status | message |", "|---|---|---|---|"]
        for r in app.results:
            msg = r.message.replace("|", "\\|").replace("\n", " ")
            out.append(f"| {r.rule} | {r.name} | {icons[r.status]} | {msg} |")
        findings = [(r, f) for r in app.results for f in r.findings]
        if findings:
            out += ["", "Findings:", ""]
            for r, f in findings:
                mark = f" _(suppressed: {f.suppression.reason})_" if f.suppression else ""
                out.append(f"- `{f.location}` **{r.rule}** {f.message}{mark}")
        out.append("")
    out.append(f"_sop-check {report.tool_version}, rule pack {report.pack_version} ({report.sop_version}), "
               f"config: {report.config_path or 'defaults'}_")
    return "\n".join(out) + "\n"
