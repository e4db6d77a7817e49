"""What a rule sees while it checks one app: the app index, its options, the run settings."""

from __future__ import annotations

from sop_check.records import record
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.evaluate import Evaluator
    from sop_check.index import AppIndex
    from sop_check.model import RuleResult

_EVALUATOR = "evaluator"  # where the app's evaluator lives in `AppIndex.memo` (released with the index)


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
    analysis_steps: int | None = None  # evaluator steps per rule; None: the default (sop_check.evaluate.state)


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
        self._evaluator: Evaluator | None = None

    def result_of(self, code: str) -> "RuleResult | None":
        """The verdict of another rule on the same app (run on demand; None if not selected)."""
        return self._result_of(code)

    @property
    def evaluator(self) -> "Evaluator":
        """The app's one evaluator, built on first use and shared by every rule (its memo too).

        The first access from a rule starts that rule's step budget.
        """
        if self._evaluator is None:
            self._evaluator = app_evaluator(self.app)
            self._evaluator.start_rule(self.settings.analysis_steps)
        return self._evaluator

    def settle(self, result: "RuleResult") -> "RuleResult":
        """A verdict that rests on an analysis cut short by the step budget is `unknown`, never a
        pass, a fail or a skip: the part not analysed could have changed it."""
        from sop_check.model import Status

        ev = self._evaluator
        if ev is None or not ev.exhausted or result.status is Status.ERROR:
            return result
        from sop_check.model import Location, Unresolved

        result.unresolved = [Unresolved(f"analysis budget exceeded ({ev.budget.allowance} steps): the code is too "
                                        "large or too indirect to follow within the limit", kind="budget",
                                        location=Location(self.app.rel_root)), *result.unresolved]
        if result.status is not Status.UNKNOWN:
            result.status = Status.UNKNOWN
            result.message = f"could not finish the analysis: {result.message}"
        return result


def app_evaluator(app: "AppIndex") -> "Evaluator":
    """The evaluator of an app, shared through the index's memo so it is released with the index."""
    from sop_check.evaluate import Evaluator

    ev = app.memo.get(_EVALUATOR)
    if not isinstance(ev, Evaluator):
        ev = app.memo[_EVALUATOR] = Evaluator(app)
    return ev
