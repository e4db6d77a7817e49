"""The framework tier: real `next build` / `next start` and headless Chromium (marker `e2e`).

Every test here is marked `e2e`; `pytest -m "not e2e"` leaves the tier out. Without Node,
npm (or the npm registry), Chromium or Playwright the tier skips with one line saying
what is missing; with SOP_CHECK_E2E=require (set by .ci/run) that line is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nextjs_harness import Toolchain, require_toolchain


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def toolchain() -> Toolchain:
    """Node and the pinned Next.js (the route differential needs no browser)."""
    return require_toolchain()


@pytest.fixture(scope="session")
def browser_toolchain() -> Toolchain:
    """Node, Next.js, Chromium and Playwright."""
    return require_toolchain(browser=True)


@pytest.fixture(scope="session")
def e2e_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-apps")


_tier_seconds: list[float] = []
_tier_outcomes: dict[str, str] = {}
_skip_reasons: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "tests/e2e/" in report.nodeid.replace("\\", "/") or report.nodeid.startswith("e2e/"):
        _tier_seconds.append(report.duration)
        if report.when == "call" or report.outcome != "passed":
            _tier_outcomes[report.nodeid] = report.outcome
        if report.skipped and isinstance(report.longrepr, tuple):
            _skip_reasons.add(str(report.longrepr[2]).removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _tier_seconds:
        counts: dict[str, int] = {}
        for outcome in _tier_outcomes.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        told = ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
        terminalreporter.write_line(f"framework tier (tests/e2e): {told} in {sum(_tier_seconds):.1f} s")
    for reason in sorted(_skip_reasons):
        terminalreporter.write_line(reason)
