"""Inline suppressions (`// sop-check-ignore TAV005: reason`) and config waivers.

Directives are read from parsed comment nodes in code (prose in a string that
mentions the directive suppresses nothing) and from `#` lines in env and Python
files. A suppressed finding stays in every report, marked, with its reason.
"""

from __future__ import annotations

import fnmatch
import re
from sop_check.records import record
from typing import TYPE_CHECKING, Any

from sop_check.model import Finding, Location, RuleResult, Status, Suppression

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex

_DIRECTIVE = re.compile(r"sop-check-ignore\s+(?P<codes>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)\s*(?::\s*(?P<reason>.*))?$")


@record
class Directive:
    codes: tuple[str, ...]
    reason: str
    location: Location
    line: int  # the line the comment is on
    used: bool = False


def parse_directive(comment: str) -> tuple[tuple[str, ...], str] | None:
    body = comment.strip()
    for prefix in ("//", "/*", "#", "{/*"):
        if body.startswith(prefix):
            body = body[len(prefix):]
            break
    body = body.rstrip("*/} ").strip()
    m = _DIRECTIVE.match(body)
    if m is None:
        return None
    codes = tuple(c.strip() for c in m.group("codes").split(","))
    return codes, (m.group("reason") or "").strip()


def directives_in(index: "AppIndex", repo_path: str) -> list[Directive]:
    app_path = _app_path(index, repo_path)
    if app_path is None or not (index.has_file(app_path) or app_path in index.env_names):
        return []  # a finding on a missing file (where a route belongs) has no comments to read
    out: list[Directive] = []
    if app_path.endswith((".py",)) or app_path.split("/")[-1].startswith(".env"):
        data = index.read_bytes(app_path) if not app_path.split("/")[-1].startswith(".env") else _read(index, app_path)
        if data is None:
            return []
        for i, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            s = line.strip()
            if s.startswith("#"):
                d = parse_directive(s)
                if d:
                    out.append(Directive(d[0], d[1], Location(repo_path, i, 1), i))
        return out
    mod = index.module(app_path)
    if mod is None:
        return []
    for c in mod.comments:
        d = parse_directive(mod.text(c))
        if d:
            loc = mod.location(c)
            out.append(Directive(d[0], d[1], loc, loc.line))
    return out


def _read(index: "AppIndex", app_path: str) -> bytes | None:
    if app_path not in index.env_names:
        return None  # never read a file discovery did not list (a missing file's expected path)
    data, _ = index.source.read(index.root / app_path, 1_000_000)
    return data


def _app_path(index: "AppIndex", repo_path: str) -> str | None:
    if index.rel_root == ".":
        return repo_path
    prefix = index.rel_root + "/"
    return repo_path[len(prefix):] if repo_path.startswith(prefix) else None


def apply_suppressions(results: list[RuleResult], index: "AppIndex", waivers: list[Any], *, inline: bool,
                       unused: list[Finding] | None) -> None:
    cache: dict[str, list[Directive]] = {}

    def for_file(path: str) -> list[Directive]:
        if path not in cache:
            cache[path] = directives_in(index, path) if inline else []
        return cache[path]

    for result in results:
        for f in result.findings:
            if f.suppressed:
                continue
            waiver = next((w for w in waivers if w.rule == result.rule and fnmatch.fnmatch(f.location.path, w.path)),
                          None)
            if waiver is not None:
                f.suppression = Suppression("config", waiver.reason)
                continue
            for d in for_file(f.location.path):
                if result.rule in d.codes and d.line in (f.location.line - 1, f.location.line):
                    if not d.reason:
                        index.diagnose(_app_path(index, d.location.path) or d.location.path,
                                       f"line {d.line}: sop-check-ignore {','.join(d.codes)} has no reason; "
                                       "write `sop-check-ignore CODE: why` (the finding still counts)")
                        continue
                    d.used = True
                    f.suppression = Suppression("inline", d.reason, d.location)
                    break
        if result.status in (Status.FAIL, Status.UNKNOWN) and result.findings and \
                all(f.suppressed for f in result.findings):
            result.message = f"{result.message} (every finding suppressed)"
            result.status = Status.PASS
    if unused is not None and inline:
        _collect_unused(index, cache, unused)


def _collect_unused(index: "AppIndex", cache: dict[str, list[Directive]], unused: list[Finding]) -> None:
    for f in index.files:
        facts = index.facts(f) if f.endswith((".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")) else None
        if facts is None or "sop-check-ignore" not in facts.needles:
            continue
        path = index.repo_path(f)
        directives = cache.get(path)
        if directives is None:
            directives = directives_in(index, path)
        for d in directives:
            if not d.used:
                unused.append(Finding(rule=",".join(d.codes), kind="unused-suppression", message="unused suppression: it matches no finding",
                                      location=d.location, hint="remove the sop-check-ignore comment"))


def directive_matches(results: list[RuleResult], index: "AppIndex") -> list[tuple[Directive, Finding]]:
    """Inline directives (with a reason) that would suppress a finding, found without applying them:
    under --locked each one is an attempt to weaken the gate (SECURITY.md)."""
    cache: dict[str, list[Directive]] = {}
    out: list[tuple[Directive, Finding]] = []
    for result in results:
        for f in result.findings:
            if f.suppressed:
                continue
            if f.location.path not in cache:
                cache[f.location.path] = directives_in(index, f.location.path)
            for d in cache[f.location.path]:
                if result.rule in d.codes and d.line in (f.location.line - 1, f.location.line) and d.reason:
                    out.append((d, f))
                    break
    return out
