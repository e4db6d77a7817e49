"""Configuration: found, parsed and validated strictly, so a typo is an error and not a silent default.

Where: `--config FILE`; else walking up from PATH, the first folder holding
`sop-check.toml`, `.sop-check.toml`, or a `pyproject.toml` with a
`[tool.sop-check]` table (a pyproject without that table is not ours: Ruff's rule).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
from dataclasses import field
from sop_check.parse.limits import toml_depth, too_deep
from sop_check.records import record
from pathlib import Path
from typing import Any, Iterable, Mapping

from sop_check.config_keys import TOP_LEVEL_KEYS, VERCEL_TARGETS
from sop_check.options import Option, OptionError, check_table
from sop_check.options import kind_of as _kind
from sop_check.selectors import matching_codes, selects_nothing

CONFIG_NAMES = ("sop-check.toml", ".sop-check.toml")
MAX_CONFIG_BYTES = 1_000_000


class ConfigError(Exception):
    """A bad config: the message is one line naming the file, the key and what is allowed."""


@record
class Pack:
    name: str
    version: str
    sop: str
    options: dict[str, Any]
    rule_options: dict[str, dict[str, Any]]
    raw: dict[str, Any]


def load_pack() -> Pack:
    from sop_check.registry import pack_data

    raw = pack_data()
    info = raw.get("pack", {})
    return Pack(str(info.get("name", "")), str(info.get("version", "")), str(info.get("sop", "")),
                dict(raw.get("options", {})), {k: dict(v) for k, v in raw.get("rule-options", {}).items()}, raw)


@record
class VercelConfig:
    enabled: bool | None = None
    reason: str = ""
    project: str | None = None
    team: str | None = None
    targets: list[str] = field(default_factory=list)


@record
class WaiverConfig:
    rule: str
    path: str
    reason: str
    until: _dt.date | None = None


@record
class Config:
    path: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    apps: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    env_from_process: bool | None = None
    strict: bool | None = None
    require_vercel: bool | None = None
    vercel: VercelConfig = field(default_factory=VercelConfig)
    waivers: list[WaiverConfig] = field(default_factory=list)
    max_file_size: int | None = None
    jobs: int | None = None
    preview: bool = False
    warnings: list[str] = field(default_factory=list)
    source_text: str = ""  # the file as read (staged or on disk): where each key is, for the policy lock
    # Values of top-level keys that also set a rule option (`vercel.targets` -> TAV007 `targets`).
    keyed: dict[str, Any] = field(default_factory=dict)

    def active_waivers(self, today: _dt.date | None = None) -> list[WaiverConfig]:
        today = today or _dt.date.today()
        return [w for w in self.waivers if w.until is None or w.until >= today]

    def selected_codes(self, rules: Iterable[Any], cli_select: list[str] | None = None,
                       cli_ignore: list[str] | None = None) -> list[str]:
        """Rule codes to run, in code order. CLI select/ignore replace the config's."""
        infos = list(rules)
        codes = [r.code for r in infos]
        preview = {r.code for r in infos if getattr(r, "preview", False)}
        select = cli_select if cli_select is not None else self.select
        explicit: set[str] = set()
        if select is None:
            chosen = {c for c in codes if c not in preview or self.preview}
        else:
            chosen = set()
            for s in select:
                hits = matching_codes(s, codes)
                explicit.update(c for c in hits if c == s)
                chosen.update(c for c in hits if c not in preview or self.preview or c == s)
        for s in self.extend_select:
            chosen.update(c for c in matching_codes(s, codes) if c not in preview or self.preview or c == s)
        for s in (cli_ignore if cli_ignore is not None else self.ignore):
            chosen.difference_update(matching_codes(s, codes))
        return [c for c in codes if c in chosen]

    def options_for(self, code: str, pack: Pack) -> dict[str, Any]:
        """Shared options, then the rule's own, then the config's overrides of both."""
        opts = dict(pack.options)
        opts.update(self.options)
        if code:
            opts.update(pack.rule_options.get(code, {}))
            opts.update(self.rule_options.get(code, {}))
        return opts

    def keyed_options(self, declared: Iterable[Option]) -> dict[str, Any]:
        """Options a rule declares as also set by a top-level key (its `config_key`), when set here."""
        return {o.name: self.keyed[o.config_key] for o in declared if o.config_key and o.config_key in self.keyed}


def find_config(start: Path, explicit: Path | None = None) -> Path | None:
    """The config for a run from `start`: `explicit` (trusted: the user named it), else the nearest
    config file from `start` up to the repository root (a folder holding `.git`); never above it,
    because a folder above the repository is not the repository's to configure."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return explicit
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for d in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if _candidate(d / name):
                return d / name
        py = d / "pyproject.toml"
        if _candidate(py) and _has_our_table(py):
            return py
        if os.path.lexists(d / ".git"):
            break  # the repository root: its config is the last one that can apply
    return None


def repository_boundary(start: Path) -> Path:
    """The folder at or above `start` that holds `.git`, or `start` itself outside a repository."""
    folder = start.resolve()
    for d in (folder, *folder.parents):
        if os.path.lexists(d / ".git"):
            return d
    return folder


def _candidate(path: Path) -> bool:
    """A config file found in the tree; a symbolic link is refused (it could name any file)."""
    if path.is_symlink():
        raise ConfigError(f"{path}: the config file is a symbolic link; not followed (name the file with --config)")
    return path.is_file()


def _has_our_table(path: Path) -> bool:
    from sop_check.files import read_source

    data, _ = read_source(path, MAX_CONFIG_BYTES)
    return data is not None and b"[tool.sop-check" in data


# Top-level keys and the words their errors use: the table shared with the JSON Schema.
_TOP_KEYS = {key.name: key.allowed for key in TOP_LEVEL_KEYS}


def load_config(path: Path | None, *, known_rules: Mapping[str, Any],
                shared: Mapping[str, Option] | None = None, staged: bytes | None = None) -> Config:
    """The config at `path`, checked against the rules (`RuleInfo`s: codes and declared options)
    and the shared option declarations (default: the installed pack's). `staged`: the file's
    contents as staged in the git index (`--staged` reads what will be committed)."""
    if path is None:
        return Config()
    name = str(path)
    try:
        text = staged.decode("utf-8") if staged is not None else _read_config_text(path)
        problem = too_deep(toml_depth(text))
        if problem:
            raise ConfigError(f"{name}: {problem}")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read ({(exc.strerror or str(exc)).lower()})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        if path.name == "pyproject.toml" and not _has_our_table(path):
            cfg = Config(path=None)
            cfg.warnings.append(f"{name}: not valid TOML ({exc}); using defaults")
            return cfg
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("sop-check", {})
    if shared is None:
        from sop_check.registry import shared_options

        shared = shared_options()
    cfg = _validate(data, name, path, known_rules, shared)
    cfg.source_text = text
    return cfg


def _read_config_text(path: Path) -> str:
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; not a config file")
    return path.read_text(encoding="utf-8")


def _validate(data: dict[str, Any], name: str, path: Path, known: Mapping[str, Any],
              shared: Mapping[str, Option]) -> Config:
    cfg = Config(path=path)
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"{name}: key '{key}' is not allowed; allowed keys: {', '.join(_TOP_KEYS)}")
    codes = sorted(known)

    def code_list(key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name}: '{key}' must be {_TOP_KEYS[key]}, got {_kind(value)}")
        for v in value:
            problem = selects_nothing(v, codes)
            if problem:
                raise ConfigError(f"{name}: {problem} in '{key}'; known codes: {', '.join(codes)}")
        return list(value)

    if "select" in data:
        cfg.select = code_list("select")
    cfg.extend_select = code_list("extend-select")
    cfg.ignore = code_list("ignore")
    cfg.apps = _str_list(data, "apps", name)
    cfg.exclude = _str_list(data, "exclude", name)
    cfg.options = _options(data.get("options", {}), shared, f"{name}: options")
    rule_opts = data.get("rule-options", {})
    if not isinstance(rule_opts, dict):
        raise ConfigError(f"{name}: 'rule-options' must be {_TOP_KEYS['rule-options']}, got {_kind(rule_opts)}")
    for code, table in rule_opts.items():
        if code not in known:
            raise ConfigError(f"{name}: unknown rule code '{code}' in 'rule-options'; known codes: {', '.join(codes)}")
        info = known[code]
        allowed = {n: shared[n] for n in info.shared_options if n in shared}
        allowed.update((o.name, o) for o in info.options)
        cfg.rule_options[code] = _options(table, allowed, f"{name}: rule-options.{code}")
    sev = data.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(f"{name}: 'severity' must be {_TOP_KEYS['severity']}, got {_kind(sev)}")
    for code, level in sev.items():
        if code not in known:
            raise ConfigError(f"{name}: unknown rule code '{code}' in 'severity'; known codes: {', '.join(codes)}")
        if level not in ("error", "warning"):
            raise ConfigError(f"{name}: severity.{code} must be \"error\" or \"warning\", got {level!r}")
        cfg.severity[code] = level
    cfg.env_from_process = _bool(data, "env-from-process", name)
    cfg.strict = _bool(data, "strict", name)
    cfg.require_vercel = _bool(data, "require-vercel", name)
    cfg.preview = bool(_bool(data, "preview", name))
    cfg.vercel = _vercel(data.get("vercel"), name)
    if cfg.vercel.targets:
        cfg.keyed["vercel.targets"] = list(cfg.vercel.targets)
    cfg.waivers = _waivers(data.get("waivers", []), name, known, cfg)
    for key, attr, minimum in (("max-file-size", "max_file_size", 1), ("jobs", "jobs", 0)):
        if key in data:
            v = data[key]
            if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
                raise ConfigError(f"{name}: '{key}' must be {_TOP_KEYS[key]}, got {v!r}")
            setattr(cfg, attr, v)
    return cfg


def _str_list(data: dict[str, Any], key: str, name: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name}: '{key}' must be {_TOP_KEYS[key]}, got {_kind(value)}")
    return list(value)


def _bool(data: dict[str, Any], key: str, name: str) -> bool | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, bool):
        raise ConfigError(f"{name}: '{key}' must be true or false, got {_kind(value)}")
    return value


# Keys that decide where a credential goes: never from a file in the scanned tree (SECURITY.md).
_TRUSTED_ONLY = {
    "api-base": "the Vercel API endpoint is fixed (the token must not go where the repository says)",
}


def _options(table: Any, allowed: Mapping[str, Option], where: str) -> dict[str, Any]:
    if isinstance(table, dict):
        for key in table:
            if key in _TRUSTED_ONLY:
                raise ConfigError(f"{where}: '{key}' cannot be set in a config file: {_TRUSTED_ONLY[key]}")
    try:
        return check_table(table, allowed, where)
    except OptionError as exc:
        raise ConfigError(str(exc)) from None


def _vercel(value: Any, name: str) -> VercelConfig:
    if value is None:
        return VercelConfig()
    if value is True:
        return VercelConfig(enabled=True)
    if value is False:
        raise ConfigError(f"{name}: 'vercel = false' needs a reason: write [vercel] enabled = false, "
                          "reason = \"why the Vercel check does not apply\"")
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: 'vercel' must be {_TOP_KEYS['vercel']}, got {_kind(value)}")
    allowed = {"enabled", "reason", "project", "team", "targets"}
    for key in value:
        if key not in allowed:
            raise ConfigError(f"{name}: vercel: key '{key}' is not allowed; allowed keys: {', '.join(sorted(allowed))}")
    for key in ("reason", "project", "team"):
        if key in value and not isinstance(value[key], str):
            raise ConfigError(f"{name}: vercel.{key} must be a string, got {_kind(value[key])}")
    if not isinstance(value.get("targets", []), list):
        raise ConfigError(f"{name}: vercel.targets must be a list, got {_kind(value['targets'])}")
    cfg = VercelConfig(enabled=value.get("enabled"), reason=str(value.get("reason", "")),
                       project=value.get("project"), team=value.get("team"),
                       targets=list(value.get("targets", [])))
    if cfg.enabled is not None and not isinstance(cfg.enabled, bool):
        raise ConfigError(f"{name}: vercel.enabled must be true or false")
    if cfg.enabled is False and not cfg.reason.strip():
        raise ConfigError(f"{name}: vercel.enabled = false needs a non-empty vercel.reason")
    for t in cfg.targets:
        if t not in VERCEL_TARGETS:
            raise ConfigError(f"{name}: vercel.targets: '{t}' is not one of production, preview, development")
    return cfg


def _waivers(value: Any, name: str, known: Mapping[str, Any], cfg: Config) -> list[WaiverConfig]:
    if not isinstance(value, list):
        raise ConfigError(f"{name}: 'waivers' must be {_TOP_KEYS['waivers']}, got {_kind(value)}")
    out = []
    for i, w in enumerate(value):
        where = f"{name}: waivers[{i}]"
        if not isinstance(w, dict):
            raise ConfigError(f"{where} must be a table {{rule, path, reason, until}}")
        extra = set(w) - {"rule", "path", "reason", "until"}
        if extra:
            raise ConfigError(f"{where}: key '{sorted(extra)[0]}' is not allowed; allowed keys: rule, path, reason, until")
        rule, path, reason = w.get("rule"), w.get("path"), w.get("reason")
        if not isinstance(rule, str) or rule not in known:  # a list here raised TypeError
            raise ConfigError(f"{where}: unknown rule code {rule!r}; known codes: {', '.join(sorted(known))}")
        if not isinstance(path, str) or not path:
            raise ConfigError(f"{where}: 'path' must be a path or glob relative to the repository root")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{where}: 'reason' is required")
        until = w.get("until")
        if until is not None:
            if isinstance(until, str):
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):  # fromisoformat also takes 20270131
                    raise ConfigError(f"{where}: 'until' must be a date YYYY-MM-DD, got {until!r}")
                try:
                    until = _dt.date.fromisoformat(until)
                except ValueError:
                    raise ConfigError(f"{where}: 'until' must be a date YYYY-MM-DD, got {until!r}") from None
            elif not isinstance(until, _dt.date) or isinstance(until, _dt.datetime):
                raise ConfigError(f"{where}: 'until' must be a date YYYY-MM-DD")
            if until < _dt.date.today():
                cfg.warnings.append(f"{where}: waiver for {rule} expired on {until}; it no longer applies")
        out.append(WaiverConfig(str(rule), path, reason, until))
    return out
