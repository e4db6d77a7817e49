"""The fix loop: choose the fixes, apply them in memory, prove them, and say what came of each.

For each app, in rounds (at most MAX_ROUNDS, as Ruff loops until nothing changes):
1. the fixes the run may apply (safe; unsafe too with --unsafe-fixes) of the findings still
   reported, minus those already refused; those that overlap a fix chosen before them wait;
2. their edits applied to the current text of each file (an overlay over the work tree or, under
   --staged, over the index: nothing is written yet);
3. every changed TS/JS/Python file parsed again: a fix may not add a syntax error;
4. the whole app checked again over the overlay (`run_check(..., overlay, only=app)`): a fix is
   kept only if its finding is gone, its rule then passes (or still fails on other findings
   only), and no rule got worse (a worse status, or a finding that was not there before).
A batch that passes as a whole is kept; otherwise each fix is tried alone, and a refused fix
is reported as "fix not applied: <why>". The next round derives the waiting fixes again from
the text as it now is, so their offsets always fit.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from sop_check.fixes import Applicability, Fix
from sop_check.fixing.apply import EditOverlap, apply_edits, choose, edits_by_file
from sop_check.fixing.write import WriteRefused, check_target
from sop_check.model import AppReport, Finding, FixOutcome, Report, RuleResult, Status
from sop_check.overlay import Overlay, buffer_key
from sop_check.records import record

from sop_check.source import FileSource

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.engine import RunOptions

MAX_ROUNDS = 5
_RANK = {Status.PASS: 0, Status.SKIP: 0, Status.UNKNOWN: 1, Status.FAIL: 2, Status.ERROR: 3}
_POSITION = re.compile(r":\d+(?::\d+)?")
_CODE = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")

FindingKey = tuple[str, str, str, tuple[tuple[str, str], ...]]


def finding_key(f: Finding) -> FindingKey:
    """A finding across re-checks: its rule, kind, file and data, without line numbers (the
    lines of a file shift when a fix inserts some)."""
    data = tuple(sorted((k, _POSITION.sub("", v)) for k, v in f.data.items()))
    return (f.rule, f.kind, f.location.path, data)


@record
class Candidate:
    finding: Finding
    fix: Fix
    secret: bool = False

    @property
    def key(self) -> FindingKey:
        return finding_key(self.finding)


@record
class FileChange:
    """One file as the accepted fixes leave it (repository-relative path)."""

    path: str
    target: Path  # absolute
    app_root: Path
    checked: bytes | None  # the text the fixes were computed on; None: the file is created
    new: bytes
    fixes: list[Candidate] = field(default_factory=list)


@record
class FixPlan:
    outcomes: list[FixOutcome] = field(default_factory=list)
    changes: dict[str, FileChange] = field(default_factory=dict)
    hidden_unsafe: int = 0  # fixes not tried because they may change behaviour (--unsafe-fixes)
    secrets: list[str] = field(default_factory=list)  # texts no diff may show


class FixSession:
    """Plans the fixes of one `check` run; writes nothing (see `write_plan`)."""

    def __init__(self, path: Path, opts: RunOptions, *, unsafe: bool,
                 base: Mapping[Path, bytes] | None = None) -> None:
        self.path = path
        self.opts = opts
        self.unsafe = unsafe
        self.plan = FixPlan()
        self._source: FileSource | None = None
        self._repo_root = Path(".")
        # Text that wins over the disk (the language server's open buffers, by real path): what the
        # check read, so what fixes are computed on and re-checked over.
        self.base = {buffer_key(p): data for p, data in (base or {}).items()}

    def prove(self, report: Report, app: AppReport, finding: Finding) -> str:
        """Why the fix of `finding` (of `app`, in `report`), applied alone to the text as checked, would
        not be kept: '' when the re-check proves it, as `--fix` would. The language server offers a
        fix only then; nothing is written."""
        self._repo_root = Path(report.repo_root)
        cand = next((c for c in candidates(app) if c.finding is finding), None)
        if cand is None or not self._allowed(cand):
            return "no fix that a tool may apply here"
        app_root = Path(os.path.realpath(self._repo_root / app.root))
        problem = self._unwritable(cand, app_root)
        if problem:
            return problem
        trial = self._try([cand], app_root, {}, {}, app)
        return "" if trial.accepted else (trial.reasons.get(id(cand)) or trial.problem or "the re-check refused it")

    def run(self, report: Report) -> FixPlan:
        from sop_check.discover import discover

        self._repo_root = Path(report.repo_root)
        project = discover(self.path, staged=self.opts.settings.staged,
                           explicit_apps=self.opts.explicit_apps or None, exclude=self.opts.exclude or None)
        self._source = project.source
        try:
            for app in report.apps:
                if any(self._allowed(c) for c in candidates(app)):
                    self._fix_app(app)
                self.plan.hidden_unsafe += sum(1 for c in candidates(app)
                                               if c.fix.applicability is Applicability.UNSAFE and not self.unsafe)
        finally:
            project.source.close()
        return self.plan

    # -- one app ---------------------------------------------------------------------------------
    def _fix_app(self, app: AppReport) -> None:
        app_root = Path(os.path.realpath(self._repo_root / app.root))
        originals: dict[str, bytes | None] = {}
        buffers: dict[str, bytes] = {}
        current = app
        refused: set[FindingKey] = set()
        waiting: list[Candidate] = []
        for _ in range(MAX_ROUNDS):
            cands = [c for c in candidates(current) if self._allowed(c) and c.key not in refused]
            for cand in cands:
                problem = self._unwritable(cand, app_root)
                if problem:
                    refused.add(cand.key)
                    self._outcome(cand, "not-applied", problem)
            cands = [c for c in cands if c.key not in refused]
            if not cands:
                waiting = []
                break
            taken, later = choose([c.fix for c in cands])
            batch = [cands[i] for i in taken]
            waiting = [cands[i] for i in later]
            progress = False
            trial = self._try(batch, app_root, originals, buffers, current)
            if trial.accepted:
                progress = True
                buffers, current = trial.buffers, trial.after or current
                self._accept(batch, trial, app_root, originals, buffers)
            else:
                touched: set[str] = set()
                for cand in batch:
                    files = {e.path for e in cand.fix.edits}
                    if files & touched or not any(finding_key(f) == cand.key for f in _active(current)):
                        continue  # its text changed under it (next round), or another fix fixed it
                    alone = trial if len(batch) == 1 else self._try([cand], app_root, originals, buffers, current)
                    if alone.accepted:
                        progress = True
                        touched |= files
                        buffers, current = alone.buffers, alone.after or current
                        self._accept([cand], alone, app_root, originals, buffers)
                    else:
                        refused.add(cand.key)
                        self._outcome(cand, "not-applied", alone.reasons.get(id(cand)) or alone.problem)
            if not progress and not waiting:
                break
        for cand in waiting:
            self._outcome(cand, "not-applied", "it overlaps another fix; run --fix again")

    def _unwritable(self, cand: Candidate, app_root: Path) -> str:
        """Why the fix's files cannot be written (so trying it would be pointless), or ''."""
        for e in cand.fix.edits:
            try:
                check_target(app_root, Path(os.path.normpath(self._repo_root / e.path)))
            except WriteRefused as exc:
                return f"{e.path} would not be written: {exc}"
        return ""

    def _allowed(self, cand: Candidate) -> bool:
        a = cand.fix.applicability
        return cand.fix.applicable and (a is Applicability.SAFE or (a is Applicability.UNSAFE and self.unsafe))

    def _try(self, batch: list[Candidate], app_root: Path, originals: dict[str, bytes | None],
             buffers: dict[str, bytes], before: AppReport) -> Trial:
        trial = Trial(buffers=dict(buffers))
        for path, edits in edits_by_file(c.fix for c in batch).items():
            base = trial.buffers.get(path)
            if base is None:
                base = self._original(path, originals)
            if base is None and path in originals and originals[path] is None and any(e.end for e in edits):
                trial.problem = f"{path} does not exist"
                return trial
            old = base if base is not None else b""
            try:
                new = apply_edits(old, edits)
            except EditOverlap as exc:
                trial.problem = str(exc)
                return trial
            broken = _new_syntax_error(path, old, new)
            if broken:
                trial.problem = broken
                return trial
            trial.buffers[path] = new
            trial.secrets += [old[e.start:e.end].decode("utf-8", "replace").strip("'\"`")
                              for c in batch if c.secret for e in c.fix.edits if e.path == path and e.end > e.start]
        after = self._recheck(app_root, trial.buffers)
        if after is None:
            trial.problem = "the re-check found no app there any more"
            return trial
        trial.after = after
        worse = _worse(before, after)
        gone = Counter(finding_key(f) for f in _active(before)) - Counter(finding_key(f) for f in _active(after))
        results = {r.rule: r for r in after.results}
        for cand in batch:
            reason = _own_verdict(cand, gone, results)
            if reason:
                trial.reasons[id(cand)] = reason
        if worse:
            trial.problem = "; ".join(worse[:3])
        trial.accepted = not trial.reasons and not worse
        return trial

    def _recheck(self, app_root: Path, buffers: dict[str, bytes]) -> AppReport | None:
        from sop_check.engine import run_check

        overlay = Overlay({**self.base, **{buffer_key(self._repo_root / p): data for p, data in buffers.items()}})
        report = run_check(self.path, self.opts, overlay, only=app_root)
        return report.apps[0] if report.apps else None

    def _original(self, path: str, originals: dict[str, bytes | None]) -> bytes | None:
        """The text of `path` as the check read it (None: not there, the fix creates it)."""
        if path not in originals:
            target = self._repo_root / path
            data = self.base.get(buffer_key(target))
            source = self._source or FileSource()
            if data is None and source.is_file(target):
                data, _problem = source.read(target, self.opts.settings.max_file_size)
            originals[path] = data
        return originals[path]

    def _accept(self, batch: list[Candidate], trial: Trial, app_root: Path, originals: dict[str, bytes | None],
                buffers: dict[str, bytes]) -> None:
        self.plan.secrets += trial.secrets
        for cand in batch:
            for e in cand.fix.edits:
                change = self.plan.changes.get(e.path)
                if change is None:
                    change = FileChange(e.path, Path(buffer_key(self._repo_root / e.path)), app_root,
                                        originals.get(e.path), buffers[e.path])
                    self.plan.changes[e.path] = change
                change.new = buffers[e.path]
                if cand not in change.fixes:
                    change.fixes.append(cand)
            self._outcome(cand, "applied")

    def _outcome(self, cand: Candidate, status: str, reason: str = "") -> None:
        f = cand.finding
        self.plan.outcomes.append(FixOutcome(f.rule, f.kind, f.location, cand.fix.title, str(cand.fix.applicability),
                                             status, reason, tuple(sorted({e.path for e in cand.fix.edits}))))


@record
class Trial:
    buffers: dict[str, bytes]
    after: AppReport | None = None
    accepted: bool = False
    problem: str = ""  # why the batch as a whole was refused
    reasons: dict[int, str] = field(default_factory=dict)  # id(candidate) -> why it was refused
    secrets: list[str] = field(default_factory=list)  # what secret-marked fixes replace (masked in diffs)


def candidates(app: AppReport) -> list[Candidate]:
    """The fixes of an app's unsuppressed findings, in rule order (display-only ones included)."""
    from sop_check.registry import all_rules

    rules = all_rules()
    out = []
    for f in _active(app):
        if f.fix is None:
            continue
        recipe = rules[f.rule].fixes.get(f.kind) if f.rule in rules else None
        out.append(Candidate(f, f.fix, secret=bool(recipe and recipe.secret)))
    return out


def _active(app: AppReport) -> list[Finding]:
    return [f for r in app.results for f in r.active_findings]


def _worse(before: AppReport, after: AppReport) -> list[str]:
    out = []
    was = {r.rule: r for r in before.results}
    for r in after.results:
        old = was.get(r.rule)
        if old is not None and _RANK[r.status] > _RANK[old.status]:
            out.append(f"{r.rule} would go from {old.status} to {r.status}")
    new = Counter(finding_key(f) for f in _active(after)) - Counter(finding_key(f) for f in _active(before))
    for rule, kind, path, _ in sorted(new):
        out.append(f"{rule} would report a new {kind} finding in {path}")
    return out


def _own_verdict(cand: Candidate, gone: Counter[FindingKey], results: dict[str, RuleResult]) -> str:
    if gone[cand.key] <= 0:
        return "the re-check still reports the finding"
    result = results.get(cand.finding.rule)
    if result is not None and result.status in (Status.UNKNOWN, Status.ERROR):
        detail = result.unresolved[0] if result.unresolved else result.message
        return f"{cand.finding.rule} would be {result.status} after it ({detail})"
    return ""


def _new_syntax_error(path: str, old: bytes, new: bytes) -> str:
    """Why the fixed text may not be kept: it parses with more errors than before (or '')."""
    if path.endswith(_CODE):
        from sop_check.index import _error_count
        from sop_check.parse.typescript import parse

        if _error_count(parse(new, path)) > (_error_count(parse(old, path)) if old else 0):
            return f"the fixed text of {path} would not parse"
    elif path.endswith(".py"):
        from sop_check.parse.python import parse_python

        if parse_python(new)[0] is None and (not old or parse_python(old)[0] is not None):
            return f"the fixed text of {path} would not parse"
    return ""
