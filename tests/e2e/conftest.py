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
    return require_toolchain()


@pytest.fixture(scope="session")
def e2e_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-apps")
