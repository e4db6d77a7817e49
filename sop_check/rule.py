"""The rule base class: metadata beside the check, examples run as tests (Fixit's way).

A rule is one small class in one module of the rule pack (`rules/`). It declares
its code, name, severity and documentation; the kinds of finding it reports, each
with its message and fix hint (ESLint's `meta.messages`); the options it reads
(their defaults are policy data in the pack); the rules whose verdicts it reads;
and a few example projects that must pass or fail with the kinds they name. Its
`check` is a query over the app index, never a walk of the file tree.
"""

from __future__ import annotations

import re
import string
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from sop_check import REPOSITORY_URL
from sop_check.model import (Evidence, Finding, Location, Message, RuleInfo, RuleResult, Severity, Status,
                              Unresolved)
from sop_check.options import Option
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.context import CheckContext  # not through the engine: that was an import cycle
    from sop_check.fixing.recipe import FixRecipe

DOCS_URL = f"{REPOSITORY_URL}/blob/main/docs/rules.md"

_KIND = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@record(frozen=True)
class Example:
    """A miniature project (path -> text), the status the rule must give it, and for a
    failing one the kinds of finding that say why (each kind once, in any order)."""

    files: dict[str, str]
    status: Status
    note: str = ""
    settings: dict[str, Any] = field(default_factory=dict)  # run settings (ci, env_from_process, ...)
    environ: dict[str, str] = field(default_factory=dict)  # process environment seen by the rule
    kinds: tuple[str, ...] = ()


class RuleDefinitionError(Exception):
    """A rule whose metadata is inconsistent (found at import, before anything runs)."""


def placeholders(template: str) -> set[str]:
    """The `{named}` fields of a message template (`{{` is a literal brace)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def anchor(code: str, name: str) -> str:
    """The heading anchor of a rule's section in docs/rules.md (GitHub's slug of `TAV002 name`)."""
    return f"{code.lower()}-{name}"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    docs: ClassVar[str] = ""
    preview: ClassVar[bool] = False
    tags: ClassVar[tuple[str, ...]] = ()
    # Files a rule cares about for the byte prefilter: lowercase needles. A file
    # holding none of the needles of any selected rule is never parsed, unless an
    # import from a file that matters reaches it.
    needles: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()
    # kind -> message and fix hint. `report(kind, ...)` renders them; an undeclared kind is a bug.
    messages: ClassVar[Mapping[str, Message]] = {}
    # Its own options (`[rule-options.CODE]` in the pack and in config) ...
    options: ClassVar[tuple[Option, ...]] = ()
    # ... and the shared ones (`[options]`) it reads. The context holds exactly these.
    shared_options: ClassVar[tuple[str, ...]] = ()
    # Rules whose verdict `ctx.result_of` may read; the engine runs them first.
    requires: ClassVar[tuple[str, ...]] = ()
    # Test modules (under tests/) that hold its passing and failing cases when examples cannot
    # (an API, a git repository); the examples run in tests/test_rule_examples.py regardless.
    tested_in: ClassVar[tuple[str, ...]] = ()
    # kind -> how to repair it (sop_check.fixing.recipe): `check --fix` applies it, editors offer it.
    fixes: ClassVar[Mapping[str, FixRecipe]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for kind, message in cls.messages.items():
            if not _KIND.match(kind):
                raise RuleDefinitionError(f"{cls.__name__}: finding kind {kind!r} is not kebab-case")
            for name in placeholders(message.text) | placeholders(message.hint):
                if not _IDENTIFIER.match(name):
                    raise RuleDefinitionError(f"{cls.__name__}: {kind}: placeholder {{{name}}} is not a plain name")
        for kind in cls.fixes:
            if kind not in cls.messages:
                raise RuleDefinitionError(f"{cls.__name__}: a fix for kind {kind!r}, which it does not declare")

    def check(self, ctx: CheckContext) -> RuleResult:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- metadata -----------------------------------------------------------
    @classmethod
    def info(cls) -> RuleInfo:
        return RuleInfo(
            code=cls.code,
            name=cls.name,
            summary=cls.summary,
            severity=cls.severity,
            docs=cls.docs.strip(),
            help_uri=f"{DOCS_URL}#{anchor(cls.code, cls.name)}",
            preview=cls.preview,
            tags=cls.tags,
            messages=dict(cls.messages),
            options=cls.options,
            shared_options=cls.shared_options,
            requires=cls.requires,
            fixes={kind: (str(r.applicability), r.title) for kind, r in cls.fixes.items()},
        )

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        return cls.shared_options + tuple(o.name for o in cls.options)

    # -- findings -------------------------------------------------------------
    def report(self, kind: str, location: Location, related: tuple[Evidence, ...] = (), /,
               **data: object) -> Finding:
        """A finding of a declared kind, its message and hint rendered from the templates; `related`:
        other places that explain it (editors show them beside the finding)."""
        message = self.messages.get(kind)
        if message is None:
            raise RuleDefinitionError(f"{self.code} reports kind {kind!r}, which it does not declare")
        wanted = placeholders(message.text) | placeholders(message.hint)
        if wanted != set(data):
            raise RuleDefinitionError(f"{self.code} {kind}: data {sorted(data)} does not fill {sorted(wanted)}")
        return Finding(rule=self.code, kind=kind, message=message.text.format_map(data),
                       location=location, hint=message.hint.format_map(data),
                       data={k: str(v) for k, v in data.items()}, related=tuple(related))

    def verdict(self) -> Verdict:
        return Verdict(self)

    # -- result helpers -----------------------------------------------------
    def _result(self, status: Status, message: str, **kw: Any) -> RuleResult:
        return RuleResult(rule=self.code, name=self.name, severity=self.severity, status=status, message=message, **kw)

    def passed(self, message: str, evidence: list[Evidence] | None = None) -> RuleResult:
        return self._result(Status.PASS, message, evidence=list(evidence or []))

    def failed(self, message: str, findings: list[Finding], evidence: list[Evidence] | None = None) -> RuleResult:
        return self._result(Status.FAIL, message, findings=findings, evidence=list(evidence or []))

    def unknown(self, message: str, unresolved: list[str], findings: list[Finding] | None = None,
                evidence: list[Evidence] | None = None) -> RuleResult:
        return self._result(Status.UNKNOWN, message, unresolved=unresolved, findings=list(findings or []),
                            evidence=list(evidence or []))

    def skipped(self, reason: str) -> RuleResult:
        return self._result(Status.SKIP, reason)


def unresolved(text: str, location: Location | None, why: object = None, kind: str = "runtime-value") -> Unresolved:
    """An entry of `unresolved` naming the value that could decide the verdict: where it is, and why
    it is not known (the kind of `why` when it is the evaluator's `Unknown`, else `kind`)."""
    from sop_check.evaluate.values import Unknown

    return Unresolved(text, kind=why.kind.value if isinstance(why, Unknown) else kind, location=location)


class Verdict:
    """What a check found, turned into its result the same way for every rule:
    findings -> fail, else something unresolved -> unknown, else pass; evidence always kept.

    `unresolved_first` is for rules that pass when *any* candidate is good (an End control):
    there, an unresolved candidate could be the good one, so it makes the verdict `unknown`
    even beside findings about other candidates (which stay in the result).
    """

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.findings: list[Finding] = []
        self.unresolved: list[str] = []
        self.evidence: list[Evidence] = []

    def report(self, kind: str, location: Location, related: tuple[Evidence, ...] = (), /,
               **data: object) -> None:
        self.findings.append(self.rule.report(kind, location, related, **data))

    def could_not_resolve(self, *reasons: str) -> None:
        self.unresolved.extend(reasons)

    def saw(self, message: str, location: Location) -> None:
        self.evidence.append(Evidence(message, location))

    def result(self, *, passed: str, failed: str, unknown: str, unresolved_first: bool = False) -> RuleResult:
        if self.findings and not (unresolved_first and self.unresolved):
            return self.rule.failed(failed, self.findings, self.evidence)
        if self.unresolved:
            return self.rule.unknown(unknown, self.unresolved, self.findings, self.evidence)
        return self.rule.passed(passed, self.evidence)


def run_order(rules: list[type[Rule]]) -> list[type[Rule]]:
    """The selected rules, each after the selected rules it `requires` (stable otherwise).

    A required rule that is not selected is simply absent: `result_of` answers None and the
    rule decides without it (TAV006 in CI then cannot lean on TAV007).
    """
    by_code = {r.code: r for r in rules}
    done: dict[str, type[Rule]] = {}
    visiting: set[str] = set()

    def visit(rule: type[Rule]) -> None:
        if rule.code in done:
            return
        if rule.code in visiting:
            raise RuleDefinitionError(f"rules require each other in a cycle through {rule.code}")
        visiting.add(rule.code)
        for code in rule.requires:
            if code in by_code:
                visit(by_code[code])
        visiting.discard(rule.code)
        done[rule.code] = rule

    for rule in rules:
        visit(rule)
    return list(done.values())
