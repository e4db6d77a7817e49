"""The rule base class: metadata beside the check, examples run as tests (Fixit's way).

A rule is one small class in one module of the rule pack (`rules/`). It declares
its code, name, severity and documentation, the options it reads from the pack
(policy is data), and a few example projects that must pass or fail. Its
`check` is a query over the app index, never a walk of the file tree.
"""

from __future__ import annotations

from dataclasses import field
from sop_check import REPOSITORY_URL
from sop_check.records import record
from typing import TYPE_CHECKING, Any, ClassVar

from sop_check.model import Evidence, Finding, Location, RuleInfo, RuleResult, Severity, Status

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.context import CheckContext  # not through the engine: that was an import cycle


@record(frozen=True)
class Example:
    """A miniature project (path -> text) and the status the rule must give it."""

    files: dict[str, str]
    status: Status
    note: str = ""
    settings: dict[str, Any] = field(default_factory=dict)  # run settings (ci, env_from_process, ...)
    environ: dict[str, str] = field(default_factory=dict)  # process environment seen by the rule


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

    def check(self, ctx: "CheckContext") -> RuleResult:  # pragma: no cover - abstract
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
            help_uri=f"{REPOSITORY_URL}/blob/main/docs/rules.md#{cls.code.lower()}",
            preview=cls.preview,
            tags=cls.tags,
        )

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

    def finding(self, message: str, location: Location, hint: str = "") -> Finding:
        return Finding(rule=self.code, message=message, location=location, hint=hint)
