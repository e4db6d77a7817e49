"""The command line: `sop-check check`, `rules`, `routes`, `explain`, `init`, `schema`, `server`.

Heavy modules (tree-sitter, the rule pack, reporters) are imported inside the
commands, so `--version` and `--help` start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from sop_check import __version__

EXIT_USAGE = 2


def _fail_usage(message: str) -> NoReturn:
    click.echo(f"sop-check: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _codes(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    """`--select`/`--ignore`: codes or prefixes, each of which must match a rule (a usage error otherwise)."""
    if value is None:
        return None
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    if not codes:
        raise click.BadParameter("names no rule code (give codes or prefixes such as TAV001,TAV1)")
    from sop_check.selectors import selects_nothing
    from sop_check.registry import all_rules

    known = list(all_rules())
    for code in codes:
        problem = selects_nothing(code, known)
        if problem:
            raise click.BadParameter(f"{problem}; known codes: {', '.join(known)}, or ALL")
    return codes


FORMATS = ("text", "json", "sarif", "github", "junit", "markdown", "gitlab")


def _extra_outputs(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, Path]]:
    """`FORMAT=FILE` pairs: one run, several reports (the GitHub Action writes SARIF and JSON beside
    its annotations; GitLab jobs write Code Quality and JUnit beside the log)."""
    pairs = []
    for value in values:
        fmt, sep, target = value.partition("=")
        if not sep or fmt not in FORMATS or not target:
            raise click.BadParameter(f"'{value}' is not FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}")
        pairs.append((fmt, Path(target)))
    return pairs


def entry() -> None:
    """The console script: `main`; a `check` ends with a hard exit once its output is flushed
    (`sop_check.hardexit`: freeing what the run built costs time and gives nothing back)."""
    from sop_check import hardexit

    if sys.argv[1:2] == ["check"]:
        hardexit.enable()
    try:
        main()
    except SystemExit as done:
        if sys.argv[1:2] == ["check"] and (done.code is None or isinstance(done.code, int)):
            hardexit.leave(done.code or 0)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sop-check")
def main() -> None:
    """Check a Next.js project against the Tavus CVI integration SOP."""


@main.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(FORMATS), help="Output format.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--extra-output", "extra_outputs", multiple=True, metavar="FORMAT=FILE", callback=_extra_outputs,
              help="Also write the report of this run as FORMAT to FILE (repeatable), e.g. sarif=sop-check.sarif.")
@click.option("--select", callback=_codes, help="Comma-separated rule codes or prefixes to run (overrides config).")
@click.option("--ignore", callback=_codes, help="Comma-separated rule codes or prefixes to skip.")
@click.option("--app", "apps", multiple=True, type=click.Path(path_type=Path),
              help="Check this app folder (repeatable); nothing is skipped then.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
@click.option("--env-from-process", is_flag=True, default=None,
              help="Required env vars may come from the process environment (CI secrets).")
@click.option("--vercel/--no-vercel", default=None, help="Verify the variables on Vercel (needs VERCEL_TOKEN).")
@click.option("--require-vercel", is_flag=True, default=None, help="Fail when the Vercel check cannot run.")
@click.option("--staged", is_flag=True, default=False,
              help="Only what is staged for commit counts (set automatically under pre-commit).")
@click.option("--strict", is_flag=True, default=None, help="Warnings fail the run too.")
@click.option("--preview", is_flag=True, default=False, help="Also run preview rules (new rules, opt-in for a release).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when rules fail (2 still means an error).")
@click.option("--no-inline-suppressions", is_flag=True, help="Ignore sop-check-ignore comments (audits).")
@click.option("--report-unused-ignores", is_flag=True, help="Report sop-check-ignore comments that match nothing.")
@click.option("--no-prefilter", is_flag=True, help="Parse every file, even those no rule can care about.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None, help="Worker processes (0: automatic).")
@click.option("--quiet", "-q", is_flag=True, help="Text format: only failing rules and findings.")
@click.option("--verbose", "-v", is_flag=True, help="Text format: also the evidence behind every verdict.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("--locked", is_flag=True, default=False,
              help="Gate mode: the repository's config and comments may only make the run stricter "
                   "(also SOP_CHECK_LOCKED=1).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes (each proved by a re-check first); report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also the fixes that may change behaviour.")
@click.option("--diff", is_flag=True, help="Print the diff of what --fix would change and write nothing "
                                           "(exit 1 when there is something to fix).")
@click.option("--fix-only", is_flag=True, help="Apply the fixes and print only what was fixed (exit 0).")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix: exit 1 when a file was changed.")
def check(path: Path, fmt: str, output: Path | None, select: list[str] | None, ignore: list[str] | None,
          apps: tuple[Path, ...], config_file: Path | None, env_from_process: bool | None,
          vercel: bool | None, require_vercel: bool | None, staged: bool, strict: bool | None,
          preview: bool, exit_zero: bool, no_inline_suppressions: bool, report_unused_ignores: bool,
          no_prefilter: bool, jobs: int | None, quiet: bool, verbose: bool, color: bool | None,
          extra_outputs: list[tuple[str, Path]], locked: bool, fix: bool, unsafe_fixes: bool, diff: bool,
          fix_only: bool, exit_non_zero_on_fix: bool) -> None:
    """Audit PATH (default: the current folder), one app or a monorepo."""
    from sop_check.run import CheckRequest, execute

    _fix_modes_print_text(diff, fix_only, fmt, output, extra_outputs)

    request = CheckRequest(
        path=path, fmt=fmt, output=output, select=select, ignore=ignore, apps=list(apps),
        config_file=config_file, env_from_process=env_from_process, vercel=vercel,
        require_vercel=require_vercel, staged=staged or os.environ.get("PRE_COMMIT") == "1",
        strict=strict, preview=preview, exit_zero=exit_zero, inline_suppressions=not no_inline_suppressions,
        report_unused_ignores=report_unused_ignores, prefilter=not no_prefilter, jobs=jobs, quiet=quiet, verbose=verbose,
        color=color, extra_outputs=extra_outputs, locked=locked,
        fix=fix or fix_only, unsafe_fixes=unsafe_fixes, diff=diff, fix_only=fix_only,
        exit_non_zero_on_fix=exit_non_zero_on_fix,
    )
    sys.exit(execute(request))


def _fix_modes_print_text(diff: bool, fix_only: bool, fmt: str, output: Path | None,
                          extra_outputs: list[tuple[str, Path]]) -> None:
    """--diff prints a unified diff and --fix-only the list of fixes, both on stdout: a --format,
    --output or --extra-output given with them would be silently ignored, so it is a usage error
    (exit 2) that says what to use instead."""
    mode = "--diff" if diff else "--fix-only" if fix_only else None
    if mode is None:
        return
    if fmt != "text" or output is not None or extra_outputs:
        given = f"--format {fmt}" if fmt != "text" else "--output" if output is not None else "--extra-output"
        raise click.UsageError(f"{mode} prints {'a unified diff' if diff else 'the fixes it made'} to stdout and "
                               f"takes no {given}; for a report with each fix's edits use --format json or sarif "
                               "(with --fix, the report also lists what was fixed)")


@main.command("rules")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json", "markdown"]),
              help="markdown: the rule reference (docs/rules.md), generated from the rule metadata.")
def rules_cmd(fmt: str) -> None:
    """List the rules of the pack."""
    import json

    from sop_check.registry import all_rules

    if fmt == "markdown":
        from sop_check.docs import rules_markdown
        from sop_check.registry import pack_data, shared_options

        click.echo(rules_markdown(list(all_rules().values()), shared_options(), pack_data()), nl=False)
        return

    infos = [r.info() for r in all_rules().values()]
    if fmt == "json":
        click.echo(json.dumps([{"code": i.code, "name": i.name, "severity": str(i.severity), "summary": i.summary,
                                "preview": i.preview, "kinds": list(i.messages), "help_uri": i.help_uri,
                                "fixes": {kind: applicability for kind, (applicability, _) in i.fixes.items()}}
                               for i in infos], indent=2))
        return
    width = max((len(i.name) for i in infos), default=10)
    for i in infos:
        flag = " (preview)" if i.preview else ""
        click.echo(f"{i.code}  {i.name:<{width}}  {str(i.severity):<7}  {i.summary}{flag}")


@main.command("routes")
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json"]),
              help="Output format.")
@click.option("--app", "apps", multiple=True, type=click.Path(path_type=Path),
              help="List this app folder's routes (repeatable).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
def routes_cmd(path: Path, fmt: str, apps: tuple[Path, ...], config_file: Path | None) -> None:
    """Print the route table: URL, methods, file, router, and why a file is not served."""
    from sop_check.config import ConfigError
    from sop_check.discover import DiscoveryError
    from sop_check.routes_report import list_routes

    from sop_check.report.inert import neutralise_commands
    from sop_check.run import say

    try:
        text, diagnostics = list_routes(path, fmt, list(apps), config_file)
    except ConfigError as exc:
        say(f"config error: {exc}")
        sys.exit(EXIT_USAGE)
    except DiscoveryError as exc:
        _fail_usage(str(exc))
        return
    # Names from the tree: no line may be a workflow command (`##[...]` counts anywhere in a line).
    text = neutralise_commands(text, "json" if fmt == "json" else "text")
    click.echo(text, nl=not text.endswith("\n"))
    for d in diagnostics:
        say(f"{d}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print a rule's documentation: what it does, why, an example, how to fix."""
    from sop_check.registry import all_rules

    rules = all_rules()
    rule = rules.get(code.upper()) or next((r for r in rules.values() if r.name == code.lower()), None)
    if rule is None:
        from sop_check.selectors import closest_code

        close = closest_code(code, list(rules))
        hint = f" (did you mean {close}?)" if close else ""
        _fail_usage(f"unknown rule '{code}'{hint}; known rules: {', '.join(rules)}")
    from sop_check.docs import rule_section
    from sop_check.registry import pack_data, shared_options

    click.echo(rule_section(rule, shared_options(), pack_data()), nl=False)


@main.command()
@click.option("--path", "target", default="sop-check.toml", type=click.Path(path_type=Path),
              show_default=True, help="Where to write the starter config.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(target: Path, force: bool) -> None:
    """Write a commented starter config with the pack's defaults."""
    from sop_check.config import load_pack
    from sop_check.config_starter import starter_config_text

    if target.exists() and not force:
        _fail_usage(f"{target} exists; use --force to overwrite")
    target.write_text(starter_config_text(load_pack()), encoding="utf-8")
    click.echo(f"wrote {target}")


@main.command()
@click.option("--pyproject", is_flag=True, help="The schema of a pyproject.toml holding [tool.sop-check].")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the schema to FILE instead of stdout.")
def schema(pyproject: bool, output: Path | None) -> None:
    """Print the JSON Schema of the configuration, for editors (Taplo / Even Better TOML)."""
    import json

    from sop_check.config_schema import installed_schema

    text = json.dumps(installed_schema(pyproject), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail_usage(f"cannot write {output} ({(exc.strerror or str(exc)).lower()})")
    click.echo(f"wrote {output}")


@main.command()
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
@click.option("--debounce", type=click.IntRange(min=0, max=60_000), default=300, show_default=True,
              metavar="MS", help="Quiet time after a change before its app is checked again.")
def server(stdio: bool, debounce: int) -> None:
    """Run the language server (LSP over stdio) for editors; needs `pip install 'sop-check[lsp]'`."""
    try:
        from sop_check.lsp.server import serve
    except ImportError as exc:  # pygls is an optional extra: the core install stays lean
        _fail_usage(f"the language server needs the lsp extra (pip install 'sop-check[lsp]'): {exc}")
        return
    serve(debounce=debounce / 1000)


if __name__ == "__main__":  # pragma: no cover
    main()
