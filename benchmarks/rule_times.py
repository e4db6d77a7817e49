"""Per-rule time of one in-process check (what each rule costs, the shared index and evaluator included).

    python benchmarks/rule_times.py PATH [--reps 3] [--json]

Each rule's time is wall-clock around its `check`, the fastest of `--reps` runs, each run
on a fresh index (so a rule that runs first pays for the parsing and evaluation it shares).
Rules are timed through the engine's per-rule hook; the figures are for reading which rule
dominates, the whole-process figures of `run.py` are the ones compared with peers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any


def rule_times(path: Path, reps: int = 3) -> dict[str, Any]:
    from sop_check import engine
    from sop_check.run import CheckRequest, execute

    hook = getattr(engine, "_run_rule", None)
    if hook is None:
        return {"error": "the engine has no per-rule hook to time"}
    per_run: dict[str, float] = {}

    def timed(rule: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return hook(rule, *args, **kwargs)
        finally:
            per_run[rule.code] = per_run.get(rule.code, 0.0) + time.perf_counter() - start

    engine._run_rule = timed
    best: dict[str, float] = {}
    totals: list[float] = []
    out = Path(__file__).resolve().parent / ".rule-times.json"
    try:
        for _ in range(reps):
            per_run.clear()
            start = time.perf_counter()
            execute(CheckRequest(path=path, fmt="json", output=out, preview=True), {})
            totals.append(time.perf_counter() - start)
            for code, t in per_run.items():
                best[code] = min(best.get(code, t), t)
    finally:
        engine._run_rule = hook
        out.unlink(missing_ok=True)
    return {"total": min(totals), "rules": dict(sorted(best.items()))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    figures = rule_times(args.path.resolve(), args.reps)
    if args.json:
        print(json.dumps(figures))
    elif "error" in figures:
        print(figures["error"])
    else:
        print(f"total (in process) {figures['total'] * 1000:.0f} ms")
        for code, t in figures["rules"].items():
            print(f"  {code} {t * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
