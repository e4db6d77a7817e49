"""The benchmark must not rot: its corpus is deterministic and a one-run pass prints the table.

Nothing here is timed: the figures belong to `python benchmarks/run.py`, not to the test suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    import corpus

    a = corpus.build(tmp_path / "a", 0.04, git=False)
    b = corpus.build(tmp_path / "b", 0.04, git=False)
    assert corpus.tree_digest(a) == corpus.tree_digest(b)
    assert (a / "apps" / "tavus-app" / "app" / "api" / "tavus" / "end" / "route.ts").is_file()


def test_quick_run_prints_the_table_with_right_verdicts() -> None:
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick"], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "| typical app / start-up floor |" in out.stdout
    assert "WRONG VERDICTS" not in out.stdout
