"""A finished run as LSP diagnostics, file by file.

Every file of the app gets its findings, whichever file was edited: a change to
`route.ts` can add or clear a finding shown in the component. Mapping, as the other
reporters do it (design/decisions.md):

- a failing rule's findings: the rule's severity (error or warning);
- `unknown`: a warning that starts with "could not verify", at its finding, else at the
  file its first unresolved item names, else at the app's `package.json` (as SARIF);
- a rule that crashed: an error at `package.json`;
- suppressed findings are not shown (the config and `sop-check-ignore` comments are
  honoured); a suppression comment that matches nothing is a hint, greyed out;
- problems with the input (a file that cannot be parsed): information at line 1.

The code links to the rule's documentation (`codeDescription.href`) and `data.kind` names the
finding's kind (stable, as in JSON and SARIF); the fix hint is the
last line of the message; related locations (the finding's own, then the evidence the rule
gathered) become `relatedInformation`. Messages quote the scanned tree, so they pass through
the same cleaner as every other output (no control or bidi characters reach the editor).
"""

from __future__ import annotations

import os
import re
from dataclasses import field
from pathlib import Path
from typing import Callable

from lsprotocol import types

from sop_check.files import read_source
from sop_check.lsp.checker import AppCheck
from sop_check.lsp.positions import Lines
from sop_check.model import AppReport, Evidence, Finding, Location, RuleResult, Severity, Status
from sop_check.records import record
from sop_check.report.inert import clean

SOURCE = "sop-check"
MAX_RELATED = 8
_MAX_TEXT_BYTES = 10_000_000
# "path: ..." or "path:line:col: ...": where an unresolved item says it is.
_LEADING_PLACE = re.compile(r"^([^\s:][^:\n]{0,500}?)(?::(\d+):(\d+))?: ")


@record
class Published:
    """One diagnostic and the finding it shows (None for unknown/error/input notes)."""

    path: Path  # absolute, real
    diagnostic: types.Diagnostic
    finding: Finding | None = None


class Texts:
    """The text each location refers to, as the run saw it: the open buffer it read, else the disk."""

    def __init__(self, check: AppCheck) -> None:
        self._check = check
        self._lines: dict[Path, Lines] = {}

    def data(self, path: Path) -> bytes | None:
        buffered = self._check.snapshot.buffers.get(path)
        if buffered is not None:
            return buffered
        data, _problem = read_source(path, _MAX_TEXT_BYTES)
        return data

    def lines(self, path: Path) -> Lines:
        if path not in self._lines:
            data = self.data(path)
            self._lines[path] = Lines(data.decode("utf-8", "replace") if data is not None else None)
        return self._lines[path]


@record
class DiagnosticsBuilder:
    check: AppCheck
    encoding: str
    uri_of: Callable[[Path], str]
    texts: Texts | None = None
    out: dict[Path, list[Published]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.texts = self.texts or Texts(self.check)
        rules = self.check.report.rules
        self._help = {r.code: r.help_uri for r in rules if r.help_uri}

    # -- positions ---------------------------------------------------------------------------
    def path_of(self, loc: Location) -> Path:
        return self.check.repo_root / loc.path

    def lsp_range(self, loc: Location) -> types.Range:
        assert self.texts is not None
        (sl, sc), (el, ec) = self.texts.lines(self.path_of(loc)).range_of(loc, self.encoding)
        return types.Range(types.Position(sl, sc), types.Position(el, ec))

    def lsp_location(self, loc: Location) -> types.Location:
        return types.Location(uri=self.uri_of(self.path_of(loc)), range=self.lsp_range(loc))

    # -- building ----------------------------------------------------------------------------
    def add(self, loc: Location, message: str, severity: types.DiagnosticSeverity, *, code: str | None = None,
            related: list[Evidence] | None = None, finding: Finding | None = None,
            tags: list[types.DiagnosticTag] | None = None) -> None:
        own = self.lsp_range(loc)
        info = []
        for ev in related or []:
            where = self.lsp_location(ev.location)
            if where.uri == self.uri_of(self.path_of(loc)) and where.range == own:
                continue  # the diagnostic's own place says nothing more
            info.append(types.DiagnosticRelatedInformation(location=where, message=clean(ev.message)))
        href = self._help.get(code or "")
        diagnostic = types.Diagnostic(
            range=own, message="\n".join(clean(line) for line in message.split("\n")), severity=severity, code=code, source=SOURCE,
            code_description=types.CodeDescription(href=href) if href else None,
            related_information=info[:MAX_RELATED] or None, tags=tags or None,
            data={"kind": finding.kind} if finding is not None else None,  # which of the rule's findings
        )
        self.out.setdefault(self.path_of(loc), []).append(Published(self.path_of(loc), diagnostic, finding))

    def build(self) -> dict[Path, list[Published]]:
        app = self.check.app_report()
        if app is not None:
            for result in app.results:
                self._result(app, result)
            self._unused_suppressions(app)
        self._input_problems(app)
        return self.out

    def _result(self, app: AppReport, r: RuleResult) -> None:
        active = r.active_findings
        if r.status is Status.FAIL or (r.status is Status.PASS and active):
            level = types.DiagnosticSeverity.Error if r.severity is Severity.ERROR else types.DiagnosticSeverity.Warning
            for f in active:
                self.add(f.location, _with_hint(f.message, f.hint), level, code=r.rule,
                         related=[*f.related, *r.evidence], finding=f)
        elif r.status is Status.UNKNOWN:
            detail = "; ".join(r.unresolved[:5])
            if active:
                for f in active:
                    self.add(f.location, f"could not verify: {f.message}" + (f" ({detail})" if detail else ""),
                             types.DiagnosticSeverity.Warning, code=r.rule,
                             related=[*f.related, *r.evidence], finding=f)
            elif not r.findings:  # every finding suppressed (with a reason): nothing to show
                where, related = self._unknown_place(app, r)
                self.add(where, f"could not verify: {r.message}" + (f" ({detail})" if detail else ""),
                         types.DiagnosticSeverity.Warning, code=r.rule, related=[*related, *r.evidence])
        elif r.status is Status.ERROR:
            self.add(_package_json(app), f"rule failed to run: {r.message}", types.DiagnosticSeverity.Error,
                     code=r.rule)

    def _unknown_place(self, app: AppReport, r: RuleResult) -> tuple[Location, list[Evidence]]:
        """Where an unknown without findings shows: the file its unresolved items name, if any."""
        places = [(loc, item) for item in r.unresolved if (loc := self._named_place(app, item)) is not None]
        if not places:
            return _package_json(app), []
        return places[0][0], [Evidence(item, loc) for loc, item in places[1:]]

    def _named_place(self, app: AppReport, item: str) -> Location | None:
        match = _LEADING_PLACE.match(item)
        if match is None:
            return None
        name, line, column = match.group(1), match.group(2), match.group(3)
        prefix = "" if app.root == "." else app.root + "/"
        for candidate in (prefix + name, name):  # app-relative, then repository-relative
            path = self.check.repo_root / candidate
            if inside(self.check.target.root, path) and (path.is_file() or path in self.check.snapshot.buffers):
                return Location(candidate, int(line or 1), int(column or 1))
        return None

    def _unused_suppressions(self, app: AppReport) -> None:
        prefix = "" if app.root == "." else app.root + "/"
        for f in self.check.report.unused_suppressions:
            if f.location.path.startswith(prefix):
                self.add(f.location, f.message, types.DiagnosticSeverity.Hint, code=f.rule.split(",")[0] or None,
                         tags=[types.DiagnosticTag.Unnecessary])

    def _input_problems(self, app: AppReport | None) -> None:
        root = self.check.target.root
        for d in self.check.report.diagnostics:
            if inside(root, self.check.repo_root / d.path):
                self.add(Location(d.path, 1, 1), d.message, types.DiagnosticSeverity.Information)


def inside(root: Path, path: Path) -> bool:
    """Is `path` (perhaps with `..` in it) inside the folder `root`? Paths from a report are
    joined to the repository root unresolved; `..` must not walk out of the app."""
    return Path(os.path.normpath(path)).is_relative_to(root) and Path(os.path.normpath(path)) != root


def _with_hint(message: str, hint: str) -> str:
    """The message, and the fix hint on a line of its own (each line is cleaned on its own)."""
    return f"{message}\nfix: {hint}" if hint else message


def _package_json(app: AppReport) -> Location:
    return Location(path="package.json" if app.root == "." else f"{app.root}/package.json", line=1, column=1)


def diagnostics_by_file(check: AppCheck, encoding: str, uri_of: Callable[[Path], str]) -> dict[Path, list[Published]]:
    """Every diagnostic of the run, by the absolute path of its file."""
    return DiagnosticsBuilder(check, encoding, uri_of).build()
