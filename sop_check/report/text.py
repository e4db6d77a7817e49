"""The report a person reads in a terminal: per app a table, then findings, then one summary line."""

from __future__ import annotations

from sop_check.model import Report, Status

_COLORS = {Status.PASS: "32", Status.FAIL: "31", Status.UNKNOWN: "33", Status.SKIP: "2", Status.ERROR: "35"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def render(report: Report, *, color: bool = False, quiet: bool = False, verbose: bool = False) -> str:
    from sop_check.report import summary_counts

    out: list[str] = []
    for app in report.apps:
        title = f"app {app.root}"
        if app.skipped_reason:
            out.append(f"{_paint(title, '1', color)}: skipped, {app.skipped_reason}")
            out.append("")
            continue
        out.append(_paint(title, "1", color))
        width = max((len(r.name) for r in app.results), default=10)
        for r in app.results:
            if quiet and r.status in (Status.PASS, Status.SKIP):
                continue
            label = _paint(f"{r.status.value.upper():<7}", _COLORS[r.status], color)
            out.append(f"  {r.rule}  {r.name:<{width}}  {label}  {r.message}")
        for r in app.results:
            for f in r.findings:
                if quiet and f.suppressed:
                    continue
                mark = f" [suppressed: {f.suppression.reason}]" if f.suppression else ""
                out.append(f"{f.location} {_paint(r.rule, _COLORS.get(r.status, '0'), color)} {f.message}{mark}")
                if f.hint and not f.suppressed:
                    out.append(f"    fix: {f.hint}")
            if r.status is Status.UNKNOWN:
                for u in r.unresolved:
                    out.append(f"  {r.rule} could not resolve: {u}")

        if verbose:
            for r in app.results:
                for e in r.evidence:
                    out.append(f"  {r.rule} evidence {e.location}: {e.message}")
        out.append("")
    if report.diagnostics and not quiet:
        out.append("input problems:")
        out.extend(f"  {d}" for d in report.diagnostics)
        out.append("")
    for n in report.notices:
        out.append(f"note: {n}")
    for f in report.unused_suppressions:
        out.append(f"{f.location} unused sop-check-ignore {f.rule}: {f.message}")
    c = summary_counts(report)
    line = (f"{c['apps']} app(s), {c['rules']} rule result(s): {c['pass']} passed, {c['fail']} failed, "
            f"{c['unknown']} unknown, {c['skip']} skipped, {c['error']} errors; {c['findings']} finding(s)"
            + (f", {c['suppressed']} suppressed" if c["suppressed"] else ""))
    out.append(_paint(line, "1", color))
    if not quiet:
        out.append(provenance(report))
    return "\n".join(out) + "\n"


def provenance(report: Report) -> str:
    return (f"sop-check {report.tool_version}, rule pack {report.pack_version} ({report.sop_version}), "
            f"config: {report.config_path or 'none (defaults)'}")
