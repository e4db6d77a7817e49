"""What a rule sees while it checks one app: the app index, its options, the run settings."""

from __future__ import annotations

from sop_check.records import record
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex
    from sop_check.model import RuleResult


@record
class Settings:
    """How this run was asked to behave (CLI flags and config merged)."""

    ci: bool = False  # `CI` is set in the environment
    staged: bool = False  # pre-commit: only what will be committed counts
    env_from_process: bool = False  # required env vars may come from the process environment
    vercel: bool | None = None  # None: not configured; False: disabled on purpose (see vercel_reason)
    vercel_reason: str = ""
    require_vercel: bool = False
    vercel_project: str | None = None
    vercel_team: str | None = None
    strict: bool = False
    inline_suppressions: bool = True
    prefilter: bool = True
    jobs: int = 0  # 0: automatic
    max_file_size: int = 2_000_000  # bytes; larger files are skipped with a notice
    locked: bool = False  # --locked: the scanned tree may only make the run stricter (SECURITY.md)


class CheckContext:
    """Handed to `Rule.check`. Other rules' verdicts are available through `result_of`."""

    def __init__(
        self,
        app: "AppIndex",
        options: Mapping[str, Any],
        settings: Settings,
        environ: Mapping[str, str],
        result_of: Callable[[str], "RuleResult | None"],
    ) -> None:
        self.app = app
        self.options = options
        self.settings = settings
        self.environ = environ
        self._result_of = result_of

    def result_of(self, code: str) -> "RuleResult | None":
        """The verdict of another rule on the same app (run on demand; None if not selected)."""
        return self._result_of(code)
