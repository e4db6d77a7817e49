"""Test-run options: `pytest --update-golden` rewrites the fixtures' golden reports."""

from __future__ import annotations

import os

import pytest

if "MUTANT_UNDER_TEST" in os.environ:  # under mutmut only: the mutated rule pack (tests/mutmut_support.py)
    import mutmut_support

    mutmut_support.install()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite fixtures/*/expected.txt from the current output instead of comparing "
                          "(review the diff: a change of wording is a reviewed change)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
