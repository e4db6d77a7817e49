"""`sop-check check` from flags to exit code: config, rule selection, the run, the report."""

from __future__ import annotations

import os
import sys
from dataclasses import field
from sop_check.records import record
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from sop_check.context import Settings
from sop_check.model import exit_code
from sop_check.policy import lock_requested

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.config import Config
    from sop_check.engine import RunOptions
    from sop_check.model import Report
    from sop_check.rule import Rule

EXIT_USAGE = 2


@record
class CheckRequest:
    path: Path
    fmt: str = "text"
    output: Path | None = None
    extra_outputs: list[tuple[str, Path]] = field(default_factory=list)  # (format, file): more reports of this run
    select: list[str] | None = None
    ignore: list[str] | None = None
    apps: list[Path] = field(default_factory=list)
    config_file: Path | None = None
    env_from_process: bool | None = None
    vercel: bool | None = None
    require_vercel: bool | None = None
    staged: bool = False
    strict: bool | None = None
    preview: bool = False
    exit_zero: bool = False
    inline_suppressions: bool = True
    report_unused_ignores: bool = False
    prefilter: bool = True
    jobs: int | None = None
    quiet: bool = False
    verbose: bool = False
    color: bool | None = None
    # A run in which no rule applied to any app exits 1 instead of 0 (always in CI). The gate's
    # --locked mode sets it: a gate that checked nothing must not pass.
    fail_if_nothing_checked: bool = False
    locked: bool = False  # --locked / SOP_CHECK_LOCKED=1: the repository may only make the run stricter
    fix: bool = False  # --fix (and --fix-only): write the fixes the re-check proved
    unsafe_fixes: bool = False  # also the fixes that may change behaviour
    diff: bool = False  # print what --fix would change, write nothing
    fix_only: bool = False  # print only what was fixed
    exit_non_zero_on_fix: bool = False  # exit 1 when a fix changed a file (the fix pre-commit hook)


def say(message: str) -> None:
    """One line on stderr. It may quote the scanned tree (a config key, a path), so it is made inert."""
    from sop_check.report.inert import clean, neutralise_commands

    click.echo(neutralise_commands(f"sop-check: {clean(message)}"), err=True)


def _pick(flag: Any, configured: Any, default: Any) -> Any:
    if flag is not None:
        return flag
    if configured is not None:
        return configured
    return default


class RunSetupError(Exception):
    """The config or the rule selection cannot run (exit 2); the message is one line to show."""


def plan_run(req: CheckRequest, env: dict[str, str], warn: Callable[[str], None] | None = None) -> RunOptions:
    """Everything a run needs, from the request, the config and the rule pack: the same for
    `check` and the language server. Raises RunSetupError for a bad config or an empty selection."""
    from sop_check.config import ConfigError, find_config, load_config, load_pack
    from sop_check.engine import RunOptions, Waiver
    from sop_check.registry import all_rules

    rules = all_rules()
    try:
        pack = load_pack()
        config_path = find_config(req.path if req.path.is_dir() else req.path.parent, req.config_file)
        config = load_config(config_path, known_rules={c: r.info() for c, r in rules.items()},
                             staged=_staged_config(config_path, req))
        config.preview = config.preview or req.preview
        codes = config.selected_codes([r.info() for r in rules.values()], req.select, req.ignore)
    except ConfigError as exc:
        raise RunSetupError(f"config error: {exc}") from None
    if not codes:
        raise RunSetupError(f"error: {_empty_selection(config, rules, req)}")
    for warning in config.warnings:
        (warn or say)(f"warning: {warning}")
    locked = lock_requested(req.locked, env)
    if locked and req.fix and not req.diff:
        raise RunSetupError("error: --fix writes files and a --locked run never writes; use --diff to see the fixes")
    config, codes, relaxations, refused = _apply_policy(config, pack, codes, req, locked)

    vercel_cfg = config.vercel
    settings = Settings(
        ci=bool(env.get("CI")) and env.get("CI", "").lower() not in ("0", "false"),
        staged=req.staged,
        env_from_process=bool(_pick(req.env_from_process, config.env_from_process, False)),
        vercel=_pick(req.vercel, vercel_cfg.enabled, None),
        vercel_reason=vercel_cfg.reason or "",
        require_vercel=bool(_pick(req.require_vercel, config.require_vercel, False)),
        vercel_project=vercel_cfg.project,
        vercel_team=vercel_cfg.team,
        strict=bool(_pick(req.strict, config.strict, False)),
        inline_suppressions=req.inline_suppressions,
        prefilter=req.prefilter,
        jobs=_pick(req.jobs, config.jobs, 0),
        max_file_size=min(config.max_file_size or 2_000_000, MAX_FILE_SIZE_CAP),
        locked=locked,
    )

    def options_for(code: str) -> dict[str, Any]:
        opts = dict(config.options_for(code, pack)) if code else dict(config.options_for("", pack))
        if code and code in config.severity:
            opts["__severity__"] = config.severity[code]
        if code in rules:
            opts.update(config.keyed_options(rules[code].options))
        return opts

    base = config.path.parent if config.path else Path.cwd()
    config_apps, notes = _config_apps(config, base, req.path)
    opts = RunOptions(
        rules=[rules[c] for c in codes],
        options_for=options_for,
        settings=settings,
        environ=env,
        pack=pack.raw if hasattr(pack, "raw") else {"pack": {"version": pack.version, "sop": pack.sop}},
        explicit_apps=list(req.apps) or config_apps,
        exclude=list(config.exclude),
        waivers=[Waiver(w.rule, w.path, w.reason) for w in config.active_waivers()],
        config_path=str(config.path) if config.path else None,
        report_unused_ignores=req.report_unused_ignores,
        relaxations=relaxations,
        lock_violations=refused,
        notes=notes,
    )
    return opts


def execute(req: CheckRequest, environ: dict[str, str] | None = None) -> int:
    from sop_check.discover import DiscoveryError
    from sop_check.engine import run_check

    env = dict(os.environ if environ is None else environ)
    try:
        opts = plan_run(req, env)
    except RunSetupError as exc:
        say(str(exc))
        return EXIT_USAGE
    settings, locked = opts.settings, opts.settings.locked
    try:
        report = run_check(req.path, opts)
    except DiscoveryError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    report.options = {"strict": settings.strict, "ci": settings.ci, "staged": settings.staged}
    fixed: list[str] | None = None
    if req.fix or req.diff:
        from sop_check.fixing.run import diff_summary, diff_text, plan_fixes, write_plan

        plan = plan_fixes(req.path, opts, report, unsafe=req.unsafe_fixes)
        if req.diff:
            click.echo(diff_text(plan), nl=False)
            say(diff_summary(plan))
            return 2 if exit_code(report) == 2 else (1 if plan.changes else 0)
        fixed = write_plan(plan)
        if fixed:
            report = run_check(req.path, opts)  # what remains, read back from the files as written
            report.options = {"strict": settings.strict, "ci": settings.ci, "staged": settings.staged}
            if settings.staged:
                report.notices.append("--staged: the fixes were written to the work tree; stage them "
                                      "(git add) so that the commit holds them")
        report.fix_outcomes = plan.outcomes
    _fixable_notice(report, after_fix=bool(fixed))
    if req.fix_only:
        from sop_check.fixing.run import outcome_lines

        click.echo("\n".join(outcome_lines(report)))
        code = 2 if exit_code(report) == 2 else 0
        return 1 if code == 0 and fixed and req.exit_non_zero_on_fix else code
    nothing = nothing_checked(report)
    gate = req.fail_if_nothing_checked or locked or settings.ci
    if nothing:
        report.notices.append(f"nothing was checked: {nothing}" + (
            "; a gate that checked nothing does not pass (exit 1)" if gate and not req.exit_zero else ""))
    _emit(report, req, env)
    if nothing and req.fmt != "text":
        say(report.notices[-1])
    if not _write_extra_outputs(report, req):
        return EXIT_USAGE
    code = exit_code(report, strict=settings.strict, exit_zero=req.exit_zero)
    if nothing and gate and code == 0 and not req.exit_zero:
        code = EXIT_NOTHING_CHECKED
    if fixed and req.exit_non_zero_on_fix and code == 0:
        code = 1  # a fix changed files: stop, as a formatter's hook does, so the change is reviewed
    return code


def _fixable_notice(report: Report, *, after_fix: bool) -> None:
    from sop_check.fixing.run import fixable_notice

    notice = fixable_notice(report, after_fix=after_fix)
    if notice:
        report.notices.append(notice)


def _staged_config(path: Path | None, req: CheckRequest) -> bytes | None:
    """Under --staged, a config file found in the repository is read as staged (None: read the disk).

    A config named with --config is the user's choice for this run and is read from disk, as
    is one git does not track (local setup, not part of the commit).
    """
    from sop_check import git

    if not req.staged or path is None or req.config_file is not None:
        return None
    top = git.toplevel(path.parent)
    if top is None:
        return None
    try:
        relpath = path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None
    return git.staged_blob(top, relpath, 1_000_000)


EXIT_NOTHING_CHECKED = 1  # like `unknown`: the gate could not confirm anything, so it does not pass


def nothing_checked(report: Report) -> str | None:
    """Why no rule applied to any app (every result a skip, or no app at all), or None."""
    from sop_check.model import Status

    if any(r.status is not Status.SKIP for _, r in report.all_results()):
        return None
    if not report.apps:
        return "no app was found"
    why = []
    for app in report.apps[:_NAMED_APPS]:
        if app.skipped_reason:
            why.append(f"{app.root}: {app.skipped_reason}")
        else:
            skips = "; ".join(f"{r.rule} {r.message}" for r in app.results) or "no rule selected"
            why.append(f"{app.root}: every rule was skipped ({skips})")
    more = len(report.apps) - _NAMED_APPS
    return "no rule applies to any app (" + "; ".join(why) + (f"; and {more} more app(s)" if more > 0 else "") + ")"


_NAMED_APPS = 3  # a monorepo of fifty apps without Tavus needs one line, not fifty reasons


def _empty_selection(config: Config, rules: dict[str, type[Rule]], req: CheckRequest) -> str:
    """Why the selection runs no rule, with the way out: a gate that runs nothing is a usage error."""
    infos = [r.info() for r in rules.values()]
    was = config.preview
    config.preview = True
    with_preview = config.selected_codes(infos, req.select, req.ignore)
    config.preview = was
    if with_preview:
        return (f"the selection runs no rule: it matches only preview rules ({', '.join(with_preview)}); "
                "add --preview or name the codes")
    return "the selection runs no rule: every selected rule is also ignored"


MAX_FILE_SIZE_CAP = 10_000_000  # a config cannot make us read (and parse) bigger files than this


def _apply_policy(config: Any, pack: Any, codes: list[str], req: CheckRequest,
                  locked: bool) -> tuple[Any, list[str], list[Any], list[Any]]:
    """(config, codes, relaxations in effect, relaxations refused) for this run (sop_check.policy)."""
    from sop_check.config import repository_boundary
    from sop_check.policy import explicit_config_is_trusted, find_relaxations, locked_codes, locked_config
    from sop_check.registry import all_rules

    if config.path is None:
        return config, codes, [], []
    infos = [r.info() for r in all_rules().values()]
    start = req.path if req.path.is_dir() else req.path.parent
    trusted = explicit_config_is_trusted(req.config_file, repository_boundary(start))
    found = find_relaxations(config, pack, infos, config.source_text, cli_select=req.select, cli_ignore=req.ignore,
                             cli_preview=req.preview, origin="--config" if trusted else "repository")
    if not locked or trusted:
        return config, codes, found, []
    codes = locked_codes(config, infos, req.select, req.ignore, req.preview)
    return locked_config(config, pack, found), codes, [], found


def _config_apps(config: Any, base: Path, scan: Path) -> tuple[list[Path], list[Any]]:
    """The config's `apps`, each inside the repository; one that resolves outside it is refused."""
    from sop_check.config import repository_boundary
    from sop_check.model import Diagnostic

    boundary = repository_boundary(scan if scan.is_dir() else scan.parent)
    apps: list[Path] = []
    notes: list[Diagnostic] = []
    for entry in config.apps:
        folder = (base / entry).resolve()
        try:
            folder.relative_to(boundary)
        except ValueError:
            notes.append(Diagnostic(str(config.path.name if config.path else "config"),
                                    f"apps: '{entry}' resolves outside the repository; not checked"))
            continue
        apps.append(folder)
    return apps, notes


def _emit(report: Any, req: CheckRequest, env: dict[str, str]) -> None:
    from sop_check.report import github_step_summary, render

    color = req.color
    if color is None:
        color = req.output is None and sys.stdout.isatty() and "NO_COLOR" not in env
    kwargs: dict[str, Any] = {"color": bool(color), "quiet": req.quiet, "verbose": req.verbose}
    text = render(req.fmt, report, **kwargs)
    if req.output is not None:
        req.output.write_text(text, encoding="utf-8", errors="backslashreplace")
    else:
        click.echo(text, nl=not text.endswith("\n"), color=bool(color))
    for d in report.diagnostics if req.fmt not in ("text",) else []:
        say(f"{d}")
    summary_path = env.get("GITHUB_STEP_SUMMARY")
    if req.fmt == "github" and summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as fh:
                fh.write(github_step_summary(report))
        except OSError as exc:
            click.echo(f"sop-check: warning: cannot write the job summary ({exc.strerror})", err=True)


def _write_extra_outputs(report: Any, req: CheckRequest) -> bool:
    from sop_check.report import render

    for fmt, target in req.extra_outputs:
        try:
            target.write_text(render(fmt, report), encoding="utf-8")
        except OSError as exc:
            click.echo(f"sop-check: error: cannot write the {fmt} report to {target} "
                       f"({(exc.strerror or str(exc)).lower()})", err=True)
            return False
    return True
