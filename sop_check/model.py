"""The data every stage shares: rule metadata, locations, findings, results, reports.

Everything here is plain data (dataclasses and enums) so that reporters are pure
functions of a :class:`Report` and tests can build reports by hand.
"""

from __future__ import annotations

import enum
from dataclasses import field
from sop_check.records import record
from typing import TYPE_CHECKING, Any

from sop_check.location import Location as Location  # where it lived first: importers keep it
from sop_check.options import Option

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.fixes import Fix


class Status(str, enum.Enum):
    """The verdict of one rule on one app."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"  # the rule does not apply; the message says why
    UNKNOWN = "unknown"  # the analysis could not decide; `unresolved` says what
    ERROR = "error"  # the rule itself raised; the message is the one-line cause

    def __str__(self) -> str:
        return self.value


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@record(frozen=True)
class Suppression:
    """Why a finding is not counted: an inline comment or a config waiver."""

    kind: str  # "inline" or "config"
    reason: str
    location: Location | None = None


@record(frozen=True)
class Message:
    """What a rule says for one kind of finding (ESLint's messageId): templates with `{named}`
    placeholders for the message and for the fix hint. Written once, whichever code path finds it."""

    text: str
    hint: str = ""


@record
class Finding:
    """One located problem. A missing file is a finding at the path where it belongs.

    `kind` is stable (kebab-case, unique within the rule: `bearer-auth`, `no-400`): tests,
    fixtures and consumers key on it; `message` is its template rendered for people.
    """

    rule: str
    kind: str
    message: str
    location: Location
    hint: str = ""
    suppression: Suppression | None = None
    data: dict[str, str] = field(default_factory=dict)  # the values the templates were filled with
    # The repair, when the rule knows one (sop_check.fixes; `--fix` and the language server apply it).
    fix: Fix | None = None
    # Other places that explain this finding (the route it calls, the listener it belongs to).
    related: tuple[Evidence, ...] = ()

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None


@record(frozen=True)
class Evidence:
    """What made a rule pass (or what it looked at): 'keepalive found at ...'."""

    message: str
    location: Location


class Unresolved(str):
    """One entry of a result's `unresolved`: the line people read (it *is* that string, so every
    reporter shows it unchanged), plus what tools and tests key on instead of its wording: `kind`,
    the `UnknownKind` value (sop_check.evaluate.values) saying why the value is not known, and
    `location`, where that value is. A plain `str` entry names neither: the "every unknown is
    honest" test (tests/test_unknown_honest.py) refuses it."""

    kind: str
    location: Location | None

    def __new__(cls, text: str, kind: str = "", location: Location | None = None) -> Unresolved:
        entry = super().__new__(cls, text)
        entry.kind = kind
        entry.location = location
        return entry


@record
class RuleResult:
    rule: str  # the code, e.g. "TAV004"
    name: str  # kebab-case name, e.g. "unload-keepalive"
    severity: Severity
    status: Status
    message: str
    findings: list[Finding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # for UNKNOWN: what could not be resolved (Unresolved)

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]


@record(frozen=True)
class Diagnostic:
    """A problem with the input (not a rule verdict): a file that could not be read or parsed."""

    path: str  # relative to the repository root
    message: str  # one line, names the cause
    level: str = "warning"  # "warning" or "notice"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@record
class AppReport:
    root: str  # relative to the repository root ("." for the root itself)
    uses_tavus: bool
    results: list[RuleResult] = field(default_factory=list)
    skipped_reason: str | None = None  # set when the whole app is skipped


@record(frozen=True)
class RuleInfo:
    """Rule metadata as reporters need it (no check code)."""

    code: str
    name: str
    summary: str
    severity: Severity
    docs: str  # Markdown: what it does, why, example, fix
    help_uri: str = ""
    preview: bool = False
    tags: tuple[str, ...] = ()
    messages: dict[str, Message] = field(default_factory=dict)  # kind -> templates
    options: tuple[Option, ...] = ()  # its own options ([rule-options.CODE])
    shared_options: tuple[str, ...] = ()  # shared options ([options]) it reads
    requires: tuple[str, ...] = ()  # rules whose verdicts it reads
    fixes: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind -> (applicability, what its fix does)


@record(frozen=True)
class Relaxation:
    """Something in the scanned tree that makes the gate weaker than its defaults: an ignored rule,
    a downgraded severity, a waiver, an inline suppression, a custom option (SECURITY.md).

    Without --locked each one in effect is listed in every report; under --locked one from the
    repository is not applied and fails the run as a `LOCK001` finding at `location`.
    """

    kind: str  # "ignore", "select", "severity", "waiver", "suppression", "option", "exclude", "apps", ...
    subject: str  # the rule code or option name it weakens
    message: str  # one line: what it does to the gate
    location: Location  # the config line or the comment
    origin: str = "repository"  # "repository" (hostile) or "--config" (named by the user, trusted)


@record(frozen=True)
class FixOutcome:
    """What `check --fix` / `--diff` did with one fix: `applied` (written), `would-apply` (--diff),
    `not-applied` (the reason says why: the re-check, a conflict, a file that changed)."""

    rule: str
    kind: str
    location: Location  # the finding's, as the check before fixing reported it
    title: str
    applicability: str  # "safe" or "unsafe"
    status: str
    reason: str = ""
    files: tuple[str, ...] = ()  # repository-relative files it changes


@record
class Report:
    tool_version: str
    pack_version: str
    sop_version: str
    repo_root: str  # absolute path of the root every path is relative to
    scanned_path: str  # what the user asked to check, relative to repo_root
    config_path: str | None
    rules: list[RuleInfo]
    apps: list[AppReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    unused_suppressions: list[Finding] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    relaxations: list[Relaxation] = field(default_factory=list)  # in effect (applied) in this run
    locked: bool = False  # --locked: relaxations from the repository were refused (LOCK001)
    fix_outcomes: list[FixOutcome] | None = None  # --fix / --diff only: each fix tried, and what came of it

    def all_results(self) -> list[tuple[AppReport, RuleResult]]:
        return [(app, r) for app in self.apps for r in app.results]


def exit_code(report: Report, *, strict: bool = False, exit_zero: bool = False, usage_error: bool = False) -> int:
    """The gate's exit code, as decided in design/decisions.md.

    2 if a rule errored or usage/config is bad (2 wins); else 1 if any error-severity
    rule failed or is unknown (warnings count only with `strict`); else 0.
    `exit_zero` turns 1 into 0, never 2.
    """
    results = [r for _, r in report.all_results()]
    if usage_error or any(r.status is Status.ERROR for r in results):
        return 2
    failing = any(
        r.status in (Status.FAIL, Status.UNKNOWN) and (r.severity is Severity.ERROR or strict)
        for r in results
    )
    if failing and not exit_zero:
        return 1
    return 0
