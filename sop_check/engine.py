"""discover -> index -> rules -> report. One rule's crash is that rule's `error`, never the run's."""

from __future__ import annotations

from dataclasses import field
from sop_check.records import record
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from sop_check import __version__, hardexit
from sop_check.context import CheckContext, Settings
from sop_check.discover import App, Project, discover
from sop_check.walk import rel as _rel
from sop_check.index import AppIndex
from sop_check.model import AppReport, Diagnostic, Location, Relaxation, Report, RuleResult, Severity, Status, Unresolved
from sop_check.overlay import Overlay
from sop_check.resolve import ModuleResolver
from sop_check.routes import entry_files
from sop_check.rule import Rule, RuleDefinitionError, run_order
from sop_check.suppress import apply_suppressions
from sop_check.usage import TAVUS_NEEDLE, TavusUsage, tavus_usage

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.parallel import SyntaxPass



@record
class Waiver:
    rule: str
    path: str  # glob, relative to the repository root
    reason: str


@record
class RunOptions:
    rules: list[type[Rule]]
    options_for: Callable[[str], Mapping[str, Any]]
    settings: Settings
    environ: Mapping[str, str]
    pack: Mapping[str, Any]
    explicit_apps: list[Path] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    config_path: str | None = None
    report_unused_ignores: bool = False
    relaxations: list[Relaxation] = field(default_factory=list)  # config relaxations in effect (listed)
    lock_violations: list[Relaxation] = field(default_factory=list)  # --locked: refused, each a LOCK001 finding
    notes: list[Diagnostic] = field(default_factory=list)  # problems found before discovery (config apps)


def run_check(path: Path, opts: RunOptions, overlay: Overlay | None = None, only: Path | None = None) -> Report:
    """Check PATH. The language server adds `overlay` (its open buffers win over the disk) and
    `only` (of the apps found under PATH, check just the one at this folder)."""
    project = discover(path, staged=opts.settings.staged, explicit_apps=opts.explicit_apps or None,
                       exclude=opts.exclude or None, overlay=overlay)
    if only is not None:
        project.apps = [app for app in project.apps if app.root == only]
    try:
        return _run_project(project, opts)
    finally:
        project.source.close()


def _run_project(project: Project, opts: RunOptions) -> Report:
    pack_info = opts.pack.get("pack", {})
    report = Report(
        tool_version=__version__,
        pack_version=str(pack_info.get("version", "")),
        sop_version=str(pack_info.get("sop", "")),
        repo_root=str(project.repo_root),
        scanned_path=_rel(project.scan_root, project.repo_root),
        config_path=opts.config_path,
        rules=[r.info() for r in opts.rules],
        diagnostics=[*opts.notes, *project.diagnostics],
        notices=list(project.notices),
        relaxations=[_repo_relative(r, project.repo_root) for r in opts.relaxations],
        locked=opts.settings.locked,
    )
    opts.lock_violations = [_repo_relative(r, project.repo_root) for r in opts.lock_violations]
    if report.locked:
        from sop_check.policy import LOCK_RULE

        report.rules.append(LOCK_RULE)
    needles = _needles(opts.rules)
    indexes = [(app, build_index(project, app, opts, needles)) for app in project.apps]
    usage = {id(app): _tavus_usage(index, app, project, opts) for app, index in indexes}
    using = {key: u.tavus for key, u in usage.items()}
    # --no-prefilter: files of apps the rules will not look at are parsed in worker
    # processes while the main process checks the apps that use Tavus.
    pending = None
    if not opts.settings.prefilter:
        from sop_check.parallel import start_syntax_pass

        skipped = [str(app.root / f) for app, index in indexes
                   if not using[id(app)] and not app.named_explicitly for f in index.code_files()]
        pending = start_syntax_pass(skipped, opts.settings.max_file_size, opts.settings.jobs,
                                    project.source if project.source.staged else None)
    for app, index in indexes:
        report.apps.append(_check_app(index, app, opts, report, using[id(app)], usage[id(app)]))
        # Files are parsed in the order rules ask for them, which can follow set iteration: sorted,
        # so that a report is the same bytes from run to run (golden files, SARIF baselines).
        report.diagnostics.extend(sorted(index.diagnostics, key=lambda d: (d.path, d.message)))
        if index is not indexes[-1][1] or not hardexit.park(index):  # the console script exits without
            index.release()  # freeing the last one (sop_check.hardexit)
    if pending is not None:
        _collect_syntax_pass(pending, report, project)
    return report


def _collect_syntax_pass(pending: SyntaxPass, report: Report, project: Project) -> None:
    from sop_check.model import Diagnostic

    for path, problem in pending.results():
        report.diagnostics.append(Diagnostic(_rel(Path(path), project.repo_root), problem,
                                             "notice" if problem.startswith("skipped") else "warning"))


def _tavus_usage(index: AppIndex, app: App, project: Project, opts: RunOptions) -> TavusUsage:
    prefix = _rel(app.root, project.scan_root)
    return tavus_usage(index, app.package, project.tavus_files, "" if prefix == "." else prefix + "/",
                       str(opts.options_for("").get("end-route", "")))


def build_index(project: Project, app: App, opts: RunOptions, needles: tuple[str, ...]) -> AppIndex:
    shared = opts.options_for("")
    return AppIndex(
        root=app.root, rel_root=app.rel_root, repo_root=project.repo_root, files=app.files,
        env_names=app.env_files, find_entries=entry_files,
        make_resolver=lambda: ModuleResolver(app.root, project.repo_root, set(app.files), project.workspace_packages,
                                             project.source),
        source=project.source,
        non_evidence_patterns=list(shared.get("non-evidence", [])), needles=needles,
        max_file_size=opts.settings.max_file_size, prefilter=opts.settings.prefilter,
        git_root=project.repo_root if project.in_git else None,
    )


def _needles(rules: list[type[Rule]]) -> tuple[str, ...]:
    out = {TAVUS_NEEDLE, "sop-check-ignore"}
    for r in rules:
        out.update(n.lower() for n in r.needles)
    return tuple(sorted(out))


def uses_tavus(index: AppIndex, package: Mapping[str, Any], known: set[str] | None = None,
               prefix: str = "") -> bool:
    """Does the app reference the Tavus API, TAVUS_* variables or a Tavus package? (see sop_check.usage)

    `known` is the set of files that mention Tavus when git already answered (paths
    relative to the scanned folder; `prefix` is the app's folder there).
    """
    return tavus_usage(index, package, known, prefix).tavus


NOT_NEXT = "no Next.js app found here (no package.json depending on next, no next.config.*)"


def _check_app(index: AppIndex, app: App, opts: RunOptions, report: Report, using: bool,
               usage: TavusUsage | None = None) -> AppReport:
    app_report = AppReport(root=app.rel_root, uses_tavus=using)
    if not using and not app.named_explicitly:
        app_report.skipped_reason = (f"{NOT_NEXT}, and nothing here uses Tavus" if not app.next_app else
                                     "does not use Tavus (no Tavus API, TAVUS_* variable or Tavus package found)")
        for rule in opts.rules:
            app_report.results.append(RuleResult(rule.code, rule.name, _severity(rule, opts), Status.SKIP,
                                                 app_report.skipped_reason))
        lock = _policy_lock([], index, opts.lock_violations) if opts.settings.locked else None
        if lock is not None:
            app_report.results.append(lock)
        return app_report
    runnable = opts.rules if app.next_app else _outside_next(app, opts, report, app_report)
    if usage is not None and not usage.cvi and not app.named_explicitly:
        runnable = _without_cvi(runnable, usage, opts, app_report)
    results: dict[str, RuleResult] = {}
    for rule_class in run_order(runnable):
        results[rule_class.code] = _run_rule(rule_class(), index, opts, results)
    ordered = [results[r.code] for r in runnable]
    if app_report.results:  # the rules that could not run (or do not apply) keep their place in the pack's order
        ordered = sorted(ordered + app_report.results, key=lambda r: [x.code for x in opts.rules].index(r.rule))
    locked = opts.settings.locked
    apply_suppressions(ordered, index, opts.waivers, inline=opts.settings.inline_suppressions and not locked,
                       unused=report.unused_suppressions if opts.report_unused_ignores else None)
    lock = _policy_lock(ordered, index, opts.lock_violations) if locked else None
    if lock is not None:
        ordered.append(lock)
    if not locked:
        report.relaxations.extend(_inline_relaxations(ordered))
    app_report.results = ordered
    return app_report


def _outside_next(app: App, opts: RunOptions, report: Report, app_report: AppReport) -> list[type[Rule]]:
    """A folder that uses Tavus but is not a Next.js app (a Vite app, a plain folder).

    Every SOP item still applies to it. Rules that do not rely on Next.js conventions (the
    pack's `outside-next` list) run; the others cannot see routes, pages or client code
    here and are `unknown`, never a silent pass, with what to verify by hand.
    """
    allowed = set(opts.pack.get("outside-next", {}).get("rules", []))
    runnable = [r for r in opts.rules if r.code in allowed]
    for rule in opts.rules:
        if rule.code not in allowed:
            app_report.results.append(RuleResult(
                rule.code, rule.name, _severity(rule, opts), Status.UNKNOWN,
                "not a Next.js app: this SOP item still applies; verify it by hand",
                unresolved=[Unresolved("the routes, pages and client code of a project that is not a Next.js app "
                                       "(sop-check reads Next.js conventions only)", kind="unmodelled",
                                       location=Location(_package_json(app)))]))
    if runnable:
        judged = f"sop-check can judge only {', '.join(r.code for r in runnable)} here"
    else:
        judged = f"sop-check can judge only {', '.join(sorted(allowed))} here (select them, or add --preview)"
    report.notices.append(f"{app.rel_root}: {NOT_NEXT}, but it uses Tavus, so every SOP item still applies. "
                          f"{judged}; the others are unknown: verify them by hand, or check the Next.js app "
                          "that serves the end route (--app DIR)")
    return runnable


def _package_json(app: App) -> str:
    """Where an app's manifest is (relative to the repository root), or its folder when it has none."""
    if not (app.root / "package.json").is_file():
        return app.rel_root
    return "package.json" if app.rel_root == "." else f"{app.rel_root}/package.json"
def _without_cvi(runnable: list[type[Rule]], usage: TavusUsage, opts: RunOptions,
                 app_report: AppReport) -> list[type[Rule]]:
    """An app that uses Tavus but not its Conversational Video Interface (video generation only):
    the SOP is the CVI's, so the conversation-session rules (the pack's `cvi-only` list) are
    skipped with the reason; the key's safety still applies."""
    cvi_only = set(opts.pack.get("cvi-only", {}).get("rules", []))
    reason = f"does not apply: {usage.why}"
    for rule in runnable:
        if rule.code in cvi_only:
            app_report.results.append(RuleResult(rule.code, rule.name, _severity(rule, opts), Status.SKIP, reason))
    return [r for r in runnable if r.code not in cvi_only]


def _repo_relative(r: Relaxation, root: Path) -> Relaxation:
    """A relaxation's config path as every path is reported: relative to the repository root."""
    from sop_check.model import Location

    path = Path(r.location.path)
    if not path.is_absolute():
        return r
    rel_path = _rel(path.resolve(), root)
    return Relaxation(r.kind, r.subject, r.message, Location(rel_path, r.location.line, r.location.column), r.origin)


def _inline_relaxations(results: list[RuleResult]) -> list[Relaxation]:
    """Each inline suppression in effect, listed so a reviewer sees the gate weakened."""
    return [Relaxation("suppression", r.rule, f"sop-check-ignore {r.rule}: {f.suppression.reason}",
                       f.suppression.location or f.location, "repository")
            for r in results for f in r.findings if f.suppression is not None and f.suppression.kind == "inline"]


def _policy_lock(results: list[RuleResult], index: AppIndex, config: list[Relaxation]) -> RuleResult | None:
    """LOCK001 for one app: the config's refused relaxations and this app's suppression comments
    (None when nothing was attempted: the lock adds no result to a clean run)."""
    from sop_check.model import Finding, Severity
    from sop_check.policy import LOCK_RULE, REFUSED
    from sop_check.suppress import directive_matches

    attempts = list(config)
    for directive, finding in directive_matches(results, index):
        attempts.append(Relaxation("suppression", finding.rule, f"sop-check-ignore {finding.rule} would suppress: "
                                   f"{finding.message}", directive.location, "repository"))
    template = LOCK_RULE.messages[REFUSED]
    findings = [Finding(rule=LOCK_RULE.code, kind=REFUSED, message=template.text.format(relaxation=a.message),
                        location=a.location, hint=template.hint, data={"relaxation": a.message})
                for a in attempts]
    if not findings:
        return None
    return RuleResult(LOCK_RULE.code, LOCK_RULE.name, Severity.ERROR, Status.FAIL,
                      f"{len(findings)} attempt(s) to weaken the gate from the repository", findings)


def _severity(rule: type[Rule], opts: RunOptions) -> Severity:
    override = opts.options_for(rule.code).get("__severity__")
    return Severity(override) if override else rule.severity


def _run_rule(rule: Rule, index: AppIndex, opts: RunOptions, results: Mapping[str, RuleResult]) -> RuleResult:
    severity = _severity(type(rule), opts)
    try:
        ctx = CheckContext(index, rule_options(type(rule), opts.options_for(rule.code)), opts.settings,
                           opts.environ, _results_for(type(rule), results))
        result = rule.check(ctx)
    except RecursionError:
        result = RuleResult(rule.code, rule.name, severity, Status.ERROR,
                            "rule failed: code nests too deeply to analyse")
    except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the others
        cause = str(exc).splitlines()[0][:200] if str(exc) else ""
        result = RuleResult(rule.code, rule.name, severity, Status.ERROR,
                            f"rule failed: {type(exc).__name__}{': ' + cause if cause else ''}")
    result = ctx.settle(result)  # an analysis cut short by the step budget decides nothing
    result.severity = severity
    if type(rule).fixes and result.findings:
        from sop_check.fixing.recipe import attach_fixes

        attach_fixes(rule.code, type(rule).fixes, ctx, result)  # same context: the analyses the check made are reused
    return result


def rule_options(rule: type[Rule], merged: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the options the rule declares, from the pack's defaults and the config merged."""
    missing = [n for n in rule.option_names() if n not in merged]
    if missing:
        raise RuleDefinitionError(f"{rule.code} declares option(s) {', '.join(missing)} but nothing gives a value")
    return {n: merged[n] for n in rule.option_names()}


def _results_for(rule: type[Rule], results: Mapping[str, RuleResult]) -> Callable[[str], RuleResult | None]:
    """`ctx.result_of`: the verdicts of the rules this one declares it requires, and no others."""

    def result_of(code: str) -> RuleResult | None:
        if code not in rule.requires:
            raise RuleDefinitionError(f"{rule.code} reads the verdict of {code} without declaring it in `requires`")
        return results.get(code)

    return result_of
