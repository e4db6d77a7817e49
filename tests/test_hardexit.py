"""The console script ends a `check` with a hard exit (`sop_check.hardexit`) once its output is
flushed: the report must be whole and the exit code the one `check` decided; nothing in-process
(tests, the language server) parks an index or exits early."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_check import hardexit
from sop_check.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCRIPT = Path(sys.executable).parent / "sop-check"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed beside this Python")
@pytest.mark.parametrize("fixture", ["app-router-compliant", "conversation-without-timeouts"])
def test_the_console_script_prints_the_whole_report_and_its_exit_code(fixture: str) -> None:
    args = ["check", str(FIXTURES / fixture), "--format", "json", "-j", "1"]
    expected = CliRunner().invoke(main, args, env={"CI": ""})
    got = subprocess.run([str(SCRIPT), *args], capture_output=True, env={**os.environ, "CI": ""}, timeout=120)
    assert got.returncode == expected.exit_code and got.returncode in (0, 1)
    assert json.loads(got.stdout) == json.loads(expected.stdout)  # whole: flushed before the exit


def test_in_process_runs_park_nothing() -> None:
    CliRunner().invoke(main, ["check", str(FIXTURES / "app-router-compliant"), "-j", "1"], env={"CI": ""})
    assert hardexit._parked is None and hardexit.park(object()) is False
