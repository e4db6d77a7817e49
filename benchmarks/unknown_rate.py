"""How often each rule answers `unknown`: the share of apps a rule applied to whose verdict is unknown.

    python benchmarks/unknown_rate.py PROJECT [PROJECT ...] [--apps-dir DIR] [--json]

`--apps-dir DIR` takes every folder directly in DIR as one project (a folder of checked-out
public integrations, for instance). Each project is checked once (`--preview`, JSON); an app
counts for a rule when the rule applied (its verdict is not `skip`). `run.py` reports the same
figures for its generated corpora, from the reports it already has.

An `unknown` is honest only when a value the analysis could not resolve could change the
verdict; a high rate on real code means needless unknowns (issue 13).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable

APPLIED = ("pass", "fail", "unknown", "error")  # `skip`: the rule did not apply to the app


def tally(reports: Iterable[bytes | str]) -> dict[str, dict[str, int]]:
    """Per rule: how many apps it applied to, and how many of those were unknown."""
    out: dict[str, dict[str, int]] = {}
    for raw in reports:
        try:
            apps = json.loads(raw)["apps"]
        except (ValueError, KeyError, TypeError):
            continue
        for app in apps:
            for result in app.get("results", []):
                status = result.get("status")
                if status not in APPLIED:
                    continue
                row = out.setdefault(result["rule"], {"applied": 0, "unknown": 0})
                row["applied"] += 1
                row["unknown"] += status == "unknown"
    return dict(sorted(out.items()))


def rates(counts: dict[str, dict[str, int]]) -> dict[str, float]:
    return {rule: c["unknown"] / c["applied"] for rule, c in counts.items() if c["applied"]}


def render(per_corpus: dict[str, dict[str, dict[str, int]]]) -> str:
    """One row per corpus, one column per rule: `unknown / applied` and the share."""
    codes = sorted({code for counts in per_corpus.values() for code in counts})
    lines = ["| unknown rate (unknown / apps the rule applied to) | " + " | ".join(codes) + " |",
             "|---|" + "---|" * len(codes)]
    for name, counts in per_corpus.items():
        cells = []
        for code in codes:
            c = counts.get(code)
            cells.append("-" if not c or not c["applied"] else
                         f"{c['unknown']}/{c['applied']} ({100 * c['unknown'] / c['applied']:.0f}%)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_report(project: Path) -> bytes:
    cmd = [sys.executable, "-m", "sop_check", "check", str(project), "--preview", "--format", "json"]
    return subprocess.run(cmd, capture_output=True, check=False).stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="*", type=Path)
    ap.add_argument("--apps-dir", type=Path, help="every folder in it is one project")
    ap.add_argument("--name", default="projects", help="the corpus's name in the table")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    projects = list(args.projects)
    if args.apps_dir:
        projects += sorted(p for p in args.apps_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not projects:
        ap.error("name at least one project or --apps-dir")
    counts = tally(check_report(p) for p in projects)
    figures: dict[str, Any] = {"projects": len(projects), "rules": counts, "rates": rates(counts)}
    print(json.dumps(figures, indent=2) if args.json else render({f"{args.name} ({len(projects)})": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
