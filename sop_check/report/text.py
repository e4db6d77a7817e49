"""The report a person reads in a terminal: the apps that use Tavus first, each with its table and
findings; the others in one line; an app x rule matrix when several apps were checked; one
summary line that counts apps and rule results apart."""

from __future__ import annotations

from sop_check.model import AppReport, Report, Status
from sop_check.report.fixnote import fix_note, snippet_lines
from sop_check.report.overview import (AppGroups, group_apps, matrix, plural, rule_codes, summary_counts,
                                       without_tavus_line)

_COLORS = {Status.PASS: "32", Status.FAIL: "31", Status.UNKNOWN: "33", Status.SKIP: "2", Status.ERROR: "35"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def render(report: Report, *, color: bool = False, quiet: bool = False, verbose: bool = False) -> str:
    groups = group_apps(report)
    out: list[str] = []
    for app in groups.checked:
        out += _app_block(app, color=color, quiet=quiet, verbose=verbose)
        out.append("")
    for app in groups.skipped_other:
        out += [f"{_paint(f'app {app.root}', '1', color)}: skipped, {app.skipped_reason}", ""]
    if not quiet:
        out += _without_tavus(groups.without_tavus, color=color, verbose=verbose)
    if len(groups.checked) > 1:
        out += _matrix_lines(groups, color=color)
    if report.diagnostics and not quiet:
        out.append("input problems:")
        out.extend(f"  {d}" for d in report.diagnostics)
        out.append("")
    if report.fix_outcomes is not None:
        from sop_check.fixing.run import outcome_lines

        out += outcome_lines(report) + [""]
    for n in report.notices:
        out.append(f"note: {n}")
    for f in report.unused_suppressions:
        out.append(f"{f.location} unused sop-check-ignore {f.rule}: {f.message}")
    out.extend(relaxation_lines(report))
    out.append(_paint(summary_line(report, groups), "1", color))
    if not quiet:
        out.append(provenance(report))
    return "\n".join(out) + "\n"


def _app_block(app: AppReport, *, color: bool, quiet: bool, verbose: bool) -> list[str]:
    out = [_paint(f"app {app.root}", "1", color)]
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
            code = _paint(r.rule, _COLORS.get(r.status, '0'), color)
            out.append(f"{f.location} {code} {f.kind}: {f.message}{mark}")
            if f.hint and not f.suppressed:
                out.append(f"    fix: {f.hint}")
            if not f.suppressed:
                out.append(f"    autofix: {fix_note(f)}")
                out.extend(snippet_lines(f))
        if r.status is Status.UNKNOWN:
            for u in r.unresolved:
                out.append(f"  {r.rule} could not resolve: {u}")
    if verbose:
        for r in app.results:
            for e in r.evidence:
                out.append(f"  {r.rule} evidence {e.location}: {e.message}")
    return out


def _without_tavus(apps: tuple[AppReport, ...], *, color: bool, verbose: bool) -> list[str]:
    """One line for all of them; one app is named, --verbose names them all."""
    if not apps:
        return []
    if len(apps) == 1:
        return [f"{_paint(f'app {apps[0].root}', '1', color)}: skipped, {apps[0].skipped_reason}", ""]
    if not verbose:
        return [f"{without_tavus_line(len(apps))} (--verbose lists them)", ""]
    return [f"{without_tavus_line(len(apps))}:", *(f"  {a.root}" for a in apps), ""]


def _matrix_lines(groups: AppGroups, *, color: bool) -> list[str]:
    codes = rule_codes(groups.checked)
    rows = matrix(groups.checked)
    app_width = max(len("app"), *(len(root) for root, _ in rows))
    cell = max(7, *(len(c) for c in codes)) if codes else 7
    out = ["app x rule:", ("  " + "app".ljust(app_width) + "".join(f"  {c:<{cell}}" for c in codes)).rstrip()]
    for root, statuses in rows:
        cells = ""
        for status in statuses:
            text = f"{(status.value if status else '-'):<{cell}}"
            cells += "  " + (_paint(text, _COLORS[status], color) if status else text)
        out.append(("  " + root.ljust(app_width) + cells).rstrip())
    return out + [""]


def summary_line(report: Report, groups: AppGroups | None = None) -> str:
    groups = groups or group_apps(report)
    c = summary_counts(report)
    apps = f"{plural(c['apps_checked'], 'app')} checked"
    if c["apps_skipped"]:
        why = " (no Tavus)" if len(groups.without_tavus) == c["apps_skipped"] else ""
        apps += f", {c['apps_skipped']} skipped{why}"
    return (f"{apps}; {plural(c['rules'], 'rule result')}: {c['pass']} passed, {c['fail']} failed, "
            f"{c['unknown']} unknown, {c['skip']} skipped, {plural(c['error'], 'error')}; "
            f"{plural(c['findings'], 'finding')}" + (f", {c['suppressed']} suppressed" if c["suppressed"] else ""))


def provenance(report: Report) -> str:
    return (f"sop-check {report.tool_version}, rule pack {report.pack_version} ({report.sop_version}), "
            f"config: {report.config_path or 'none (defaults)'}")


def relaxation_lines(report: Report) -> list[str]:
    """The policy relaxations in effect: a reviewer must see a change that weakens the gate."""
    if not report.relaxations:
        return []
    head = "policy relaxations (they weaken the gate; --locked refuses those from the repository):"
    return [head, *(f"  {r.location.path}:{r.location.line}: {r.message}"
                    for r in report.relaxations)]
