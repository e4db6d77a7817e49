"""The benchmark must not rot: its corpus is deterministic and a one-run pass prints the table.

Nothing here is timed: the figures belong to `python benchmarks/run.py`, not to the test suite.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def head_commit(repo: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_corpus_is_deterministic_down_to_the_commit(tmp_path: Path) -> None:
    import corpus

    a = corpus.build(tmp_path / "a", 0.04)
    b = corpus.build(tmp_path / "b", 0.04)
    assert corpus.tree_digest(a) == corpus.tree_digest(b)
    # Fixed author, committer and dates: the commit id depends on the bytes alone.
    assert head_commit(a) == head_commit(b)
    assert (a / "apps" / "tavus-app" / "app" / "api" / "tavus" / "end" / "route.ts").is_file()
    assert corpus.tree_digest(corpus.build(tmp_path / "c", 0.08, git=False)) != corpus.tree_digest(a)


def test_corpus_has_one_tavus_app_among_plain_next_apps(tmp_path: Path) -> None:
    import corpus

    root = corpus.build(tmp_path / "m", 0.1, git=False)
    apps = sorted(p.name for p in (root / "apps").iterdir())
    assert apps.count("tavus-app") == 1 and len(apps) == 5
    plain = [p for p in (root / "apps").iterdir() if p.name != "tavus-app"]
    assert all(json.loads((p / "package.json").read_text())["dependencies"].get("next") for p in plain)
    assert not any("tavus" in f.read_text().lower() for p in plain for f in p.rglob("*.ts*"))


def test_quick_run_prints_the_table_with_right_verdicts(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--corpora-dir", str(tmp_path),
                          "--json", str(tmp_path / "bench.json")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "| typical app / start-up floor |" in out.stdout
    assert "| scale-0.1: sop-check / ripgrep |" in out.stdout
    assert "WRONG VERDICTS" not in out.stdout and "FAILED" not in out.stdout
    assert "| unknown rate (unknown / apps the rule applied to) |" in out.stdout
    assert (tmp_path / "scale-0.1" / ".git").is_dir() and (tmp_path / "typical" / ".git").is_dir()
    figures = json.loads((tmp_path / "bench.json").read_text())
    tools = {r["tool"] for r in figures["results"]}
    assert {"sop-check", "start-up floor", "ripgrep", "ast-grep", "semgrep"} <= tools
    for r in figures["results"]:  # a peer that is not installed is 'missing', never a zero time
        assert r["wall_median"] is None or r["wall_median"] > 0
        assert r["wall_median"] is not None or r["note"]


def test_verdict_check_flags_a_wrong_answer() -> None:
    import run

    good = {"apps": [{"root": "apps/tavus-app", "uses_tavus": True,
                      "results": [{"rule": "TAV001", "status": "pass"}]},
                     {"root": "apps/app-000", "uses_tavus": False,
                      "results": [{"rule": "TAV001", "status": "skip"}]}]}
    assert run.verdicts_ok(json.dumps(good).encode(), typical=False) == ""
    good["apps"][0]["results"][0]["status"] = "fail"
    assert "TAV001" in run.verdicts_ok(json.dumps(good).encode(), typical=False)
    assert run.verdicts_ok(b"Traceback", typical=False)
    only_plain = {"apps": good["apps"][1:]}
    assert "0 Tavus apps" in run.verdicts_ok(json.dumps(only_plain).encode(), typical=False)


def test_unknown_rate_counts_apps_a_rule_applied_to() -> None:
    """Skips are not counted; an unreadable report adds nothing; the share is per rule."""
    import unknown_rate

    def report(*statuses: str) -> str:
        return json.dumps({"apps": [{"root": ".", "results": [{"rule": f"TAV00{i}", "status": s}
                                                               for i, s in enumerate(statuses, 1)]}]})

    counts = unknown_rate.tally([report("unknown", "skip"), report("pass", "unknown"), report("unknown", "fail"),
                                 "Traceback"])
    assert counts == {"TAV001": {"applied": 3, "unknown": 2}, "TAV002": {"applied": 2, "unknown": 1}}
    assert unknown_rate.rates(counts) == {"TAV001": 2 / 3, "TAV002": 0.5}
    table = unknown_rate.render({"public (3)": counts})
    assert "| public (3) | 2/3 (67%) | 1/2 (50%) |" in table
