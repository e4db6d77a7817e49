"""The policy lock: what in a repository's config weakens the gate, and what `--locked` does about it.

A pull request controls the repository's `sop-check.toml` / `[tool.sop-check]` and its
comments, so it could switch off the very gate that judges it. Every relaxation is found
here, each with the config line that makes it:

- without --locked, each one in effect is listed in every report ("policy relaxations"),
  so a reviewer sees a PR that weakens the gate;
- under --locked (`SOP_CHECK_LOCKED=1`), a relaxation from the repository is not applied
  and is a `LOCK001` finding that fails the run; what makes the run stricter still applies.

A config the user names with `--config` outside the repository is trusted (it is the
workflow's, not the PR's): its relaxations apply and are listed, never refused.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from sop_check.config import Config, Pack
from sop_check.model import Location, Message, Relaxation, RuleInfo, Severity

LOCK_CODE = "LOCK001"
REFUSED = "refused-relaxation"  # the one kind of LOCK001 finding
LOCK_RULE = RuleInfo(
    code=LOCK_CODE,
    name="policy-lock",
    summary="Under --locked the repository's config and comments may only make the gate stricter",
    severity=Severity.ERROR,
    docs="""
## What it does
Runs only with `--locked` (or `SOP_CHECK_LOCKED=1`), the mode for CI gates. Every setting
in the repository's own config, and every inline `sop-check-ignore`, that would make the
run weaker than its defaults is refused: ignoring or deselecting a rule, downgrading a
severity, a waiver, excluding files, choosing the apps, switching the Vercel check off or
choosing its project, lowering the size limit, and changing an option in a way that
accepts more. Each attempt is a finding at its line, and the run fails.

## Why
The gate judges the pull request that carries the config: a PR must not be able to
switch off the check that would reject it.

## How to fix
Remove the relaxation from the pull request, or move it into a config file the workflow
names with `--config` outside the repository (the workflow is trusted, the PR is not).
""".strip(),
    messages={REFUSED: Message("refused under --locked: {relaxation}",
                               "remove it from the pull request, or put it in a config the workflow names with "
                               "--config outside the repository")},
)

DEFAULT_MAX_FILE_SIZE = 2_000_000


def find_relaxations(config: Config, pack: Pack, infos: list[RuleInfo], config_text: str, *,
                     cli_select: list[str] | None, cli_ignore: list[str] | None, cli_preview: bool,
                     origin: str) -> list[Relaxation]:
    """Every setting of `config` that makes the run weaker than the pack's defaults, with its line."""
    if config.path is None:
        return []
    lines = TomlLines(config_text, pyproject=config.path.name == "pyproject.toml")
    path = str(config.path)
    found: list[Relaxation] = []

    def add(kind: str, subject: str, message: str, line: int) -> None:
        found.append(Relaxation(kind, subject, message, Location(path, line, 1), origin))

    severities = {i.code: i.severity for i in infos}
    for code in dropped_codes(config, infos, cli_select, cli_ignore, cli_preview):
        if any(s == "ALL" or code.startswith(s) for s in config.ignore) and cli_ignore is None:
            add("ignore", code, f"`ignore` switches off {code} ({severities[code]})", lines.find((), "ignore"))
        else:
            add("select", code, f"`select` leaves out {code} ({severities[code]})", lines.find((), "select"))
    for code, level in config.severity.items():
        if level == "warning" and severities.get(code) is Severity.ERROR:
            add("severity", code, f"`severity` downgrades {code} from error to warning",
                lines.find(("severity",), code))
    for n, waiver in enumerate(config.active_waivers()):
        add("waiver", waiver.rule, f"waiver of {waiver.rule} findings on '{waiver.path}': {waiver.reason}",
            lines.find_array_table("waivers", n))
    for pattern in config.exclude:
        add("exclude", "exclude", f"`exclude` hides files matching '{pattern}' from every rule",
            lines.find((), "exclude"))
    if config.apps:
        add("apps", "apps", f"`apps` chooses which apps are checked ({', '.join(config.apps)})", lines.find((), "apps"))
    found.extend(_vercel(config, pack, lines, path, origin))
    if config.max_file_size is not None and config.max_file_size < DEFAULT_MAX_FILE_SIZE:
        add("max-file-size", "max-file-size", f"`max-file-size` skips files over {config.max_file_size} bytes "
            f"(default {DEFAULT_MAX_FILE_SIZE}): they are never looked at", lines.find((), "max-file-size"))
    growing = _stricter_when_added(pack)
    for key, value in config.options.items():
        if _relaxes(key, value, pack.options.get(key), growing):
            add("option", key, f"option '{key}' changed from the pack's default", lines.find(("options",), key))
    for code, table in config.rule_options.items():
        defaults = pack.rule_options.get(code, {})
        for key, value in table.items():
            default = defaults.get(key, pack.options.get(key))
            if _relaxes(key, value, default, growing):
                add("option", f"{code}.{key}", f"option '{key}' of {code} changed from the pack's default",
                    lines.find(("rule-options", code), key))
    return found


def _vercel(config: Config, pack: Pack, lines: "TomlLines", path: str, origin: str) -> list[Relaxation]:
    out: list[Relaxation] = []
    v = config.vercel

    def add(subject: str, message: str, key: str) -> None:
        out.append(Relaxation("vercel", subject, message, Location(path, lines.find(("vercel",), key), 1), origin))

    if v.enabled is False:
        add("TAV007", f"the Vercel check (TAV007) is switched off: {v.reason}", "enabled")
    if v.project or v.team:
        add("TAV007", "`vercel.project`/`vercel.team` choose which Vercel project vouches for the variables",
            "project" if v.project else "team")
    default_targets = pack.rule_options.get("TAV007", {}).get("targets", ["production"])
    if v.targets and not set(default_targets) <= set(v.targets):
        add("TAV007", f"`vercel.targets` checks only {', '.join(v.targets)} (default: {', '.join(default_targets)})",
            "targets")
    return out


def _stricter_when_added(pack: Pack) -> frozenset[str]:
    lock = pack.raw.get("lock", {})
    names = lock.get("stricter-when-added", []) if isinstance(lock, dict) else []
    return frozenset(n for n in names if isinstance(n, str))


def _relaxes(key: str, value: Any, default: Any, growing: frozenset[str]) -> bool:
    """Does this option value accept more than the default? Only growing a list (or table) the pack
    marks as "stricter when added" is not a relaxation; any other change is."""
    if value == default:
        return False
    if key in growing and isinstance(value, list) and isinstance(default, list):
        return not set(default) <= set(value)
    if key in growing and isinstance(value, dict) and isinstance(default, dict):
        return any(value.get(k) != v for k, v in default.items())
    return True


def dropped_codes(config: Config, infos: list[RuleInfo], cli_select: list[str] | None,
                  cli_ignore: list[str] | None, cli_preview: bool) -> list[str]:
    """Rules the defaults (with the command line's selection) would run and the config's selection does not."""
    base = Config()
    base.preview = cli_preview or config.preview
    default = base.selected_codes(infos, cli_select, cli_ignore)
    chosen = set(config.selected_codes(infos, cli_select, cli_ignore))
    return [c for c in default if c not in chosen]


def locked_codes(config: Config, infos: list[RuleInfo], cli_select: list[str] | None,
                 cli_ignore: list[str] | None, cli_preview: bool) -> list[str]:
    """Under --locked: the config may add rules (extend-select, preview) but not remove any."""
    base = Config()
    base.preview = cli_preview or config.preview
    keep = set(base.selected_codes(infos, cli_select, cli_ignore)) | set(
        config.selected_codes(infos, cli_select, cli_ignore))
    return [i.code for i in infos if i.code in keep]


def locked_config(config: Config, pack: Pack, relaxations: Iterable[Relaxation]) -> Config:
    """A copy of `config` without its relaxations: only what makes the run stricter stays."""
    refused = {(r.kind, r.subject) for r in relaxations}
    kinds = {kind for kind, _ in refused}
    out = Config(path=config.path, select=config.select, extend_select=list(config.extend_select),
                 ignore=list(config.ignore), preview=config.preview, strict=config.strict,
                 require_vercel=config.require_vercel, jobs=config.jobs, warnings=list(config.warnings),
                 env_from_process=config.env_from_process)
    out.severity = {c: lvl for c, lvl in config.severity.items() if ("severity", c) not in refused}
    out.options = {k: v for k, v in config.options.items() if ("option", k) not in refused}
    out.rule_options = {code: {k: v for k, v in table.items() if ("option", f"{code}.{k}") not in refused}
                        for code, table in config.rule_options.items()}
    if "max-file-size" not in kinds:
        out.max_file_size = config.max_file_size
    if "vercel" not in kinds:
        out.vercel = config.vercel
    else:
        out.vercel.enabled = config.vercel.enabled if config.vercel.enabled is not False else None
        default_targets = pack.rule_options.get("TAV007", {}).get("targets", ["production"])
        out.vercel.targets = sorted(set(config.vercel.targets) | set(default_targets)) if config.vercel.targets else []
    # waivers, exclude and apps never survive the lock: each one only ever removes something.
    return out


# -- where a key is written -----------------------------------------------------------------
# Config lines are hostile: no lazy quantifier before blanks (`[` + 50,000 blanks + `a]` is valid
# TOML and made `\s*([^\]]+?)\s*\]` quadratic); the name is stripped in Python instead.
_HEADER = re.compile(r"\s*(\[\[?)([^\]\n]*)\]")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _path(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


class TomlLines:
    """Line numbers of tables and keys in a config's text (tomllib keeps none).

    A lookup that finds nothing answers line 1: the finding still names the file.
    """

    def __init__(self, text: str, *, pyproject: bool = False) -> None:
        self.base: tuple[str, ...] = ("tool", "sop-check") if pyproject else ()
        self.entries: list[tuple[int, tuple[str, ...], tuple[str, ...], bool]] = []  # line, table, key, array
        table: tuple[str, ...] = ()
        array = False
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                table, array = _path(header.group(2).strip()), header.group(1) == "[["
                self.entries.append((number, table, (), array))
                continue
            key = _KEY.match(line)
            if key:
                self.entries.append((number, table, _path(key.group(1)), array))

    def find(self, table: tuple[str, ...], key: str) -> int:
        want = self.base + table + (key,)
        for number, tbl, key_path, _ in self.entries:
            if key_path and tbl + key_path == want:
                return number
        for number, tbl, key_path, _ in self.entries:  # an inline table: `severity = { TAV005 = ... }`
            if key_path and tbl + key_path == want[:-1] and want[:-1] != self.base:
                return number
        for number, tbl, key_path, _ in self.entries:  # at least the table's header
            if not key_path and tbl == self.base + table and table:
                return number
        return 1

    def find_array_table(self, name: str, index: int) -> int:
        headers = [n for n, tbl, key, array in self.entries if not key and array and tbl == self.base + (name,)]
        if index < len(headers):
            return headers[index]
        return self.find((), name)


def explicit_config_is_trusted(config_file: Any, repository: Any) -> bool:
    """A `--config` file outside the scanned repository is the workflow's (trusted); one inside it
    is the pull request's, whoever names it."""
    from pathlib import Path

    if config_file is None:
        return False
    try:
        Path(config_file).resolve().relative_to(Path(repository).resolve())
    except ValueError:
        return True
    return False


def lock_requested(flag: bool, environ: Mapping[str, str]) -> bool:
    return flag or environ.get("SOP_CHECK_LOCKED", "").strip().lower() in ("1", "true", "yes")
