"""Mutation score per module from mutmut's results in mutants/ (see tests/mutation/README.md).

Reads the `*.meta` files `mutmut run` leaves beside each mutated module and the equivalent
mutants listed in tests/mutation/EQUIVALENT.md (lines starting with a mutant's name in
backticks), and prints one Markdown row per module: mutants checked, killed, timeouts, survived,
no test reaching them, marked equivalent, and the score, (killed + timeout) / (checked -
equivalent). Modules never run show as not checked. `--survivors` lists the survivors that are
not marked equivalent (what still needs a test).

A whole run takes hours on two cores. `--sample N --seed S` prints N mutant names drawn at random
(the same N for the same seed and mutants) from the selected modules, for `mutmut run`; on a
fresh `mutants/` holding only that sample's results, the `total` row's score is an estimate of
the whole, printed with its 95% (Wilson) interval whenever fewer than all mutants were checked.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tests" / "mutation" / "EQUIVALENT.md"
KILLED, TIMEOUT, SURVIVED, NO_TESTS = "killed", "timeout", "survived", "no tests"
STATUS = {1: KILLED, 3: KILLED, 0: SURVIVED, 5: NO_TESTS, 33: NO_TESTS, 36: TIMEOUT, 24: TIMEOUT, -24: TIMEOUT,
          152: TIMEOUT, 255: TIMEOUT}


def equivalent_mutants(path: Path = EQUIVALENT) -> set[str]:
    if not path.is_file():
        return set()
    return set(re.findall(r"^\s*[-*]\s*`([\w.ǁ]+__mutmut_\d+)`", path.read_text(encoding="utf-8"), re.MULTILINE))


def module_of(meta: Path, mutants: Path) -> str:
    return ".".join(meta.relative_to(mutants).with_suffix("").with_suffix("").parts)


def _read_meta(meta: Path) -> dict[str, int | None]:
    """A module's exit codes by mutant; a run in progress rewrites the file, so a torn read is retried."""
    for _ in range(20):
        try:
            codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
            return codes
        except json.JSONDecodeError:
            time.sleep(0.1)
    raise SystemExit(f"{meta}: not JSON (is mutmut writing it?)")


def results(mutants: Path) -> dict[str, dict[str, int | None]]:
    out = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes = _read_meta(meta)
        if codes:
            out[module_of(meta, mutants)] = codes
    return out


def sample(by_module: dict[str, dict[str, int | None]], equivalent: set[str], size: int, seed: int) -> list[str]:
    """`size` mutant names drawn uniformly (seeded) from every mutant of the modules, equivalents left out."""
    names = sorted(k for codes in by_module.values() for k in codes if k not in equivalent)
    return sorted(random.Random(seed).sample(names, min(size, len(names))))


def wilson(caught: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion `caught / n` (n > 0): honest near 100%, where
    the normal approximation would claim more than a sample can show."""
    p = caught / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if caught == 0 else max(0.0, centre - half)
    return low, 1.0 if caught == n else min(1.0, centre + half)  # exact at the ends (no rounding error)


def _total_row(by_module: dict[str, dict[str, int | None]], equivalent: set[str]) -> str:
    mutants = sum(len(c) for c in by_module.values())
    checked = {k: c for codes in by_module.values() for k, c in codes.items() if c is not None}
    caught = sum(1 for c in checked.values() if STATUS.get(c) in (KILLED, TIMEOUT))
    equiv = sum(1 for k, c in checked.items() if k in equivalent and STATUS.get(c) != KILLED)
    n = len(checked) - equiv
    if not n:
        return f"| total | {mutants} | {len(checked)} | | | | | {equiv} | not checked |"
    score = f"{100 * caught / n:.1f}%"
    if len(checked) < mutants:
        low, high = wilson(caught, n)
        score += f" (sample; 95%: {100 * low:.1f}-{100 * high:.1f}%)"
    return f"| total | {mutants} | {len(checked)} | {caught} | | {n - caught} | | {equiv} | {score} |"


def table(by_module: dict[str, dict[str, int | None]], equivalent: set[str]) -> list[str]:
    rows = ["| module | mutants | checked | killed | timeout | survived | no tests | equivalent | score |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for module, codes in by_module.items():
        checked = {k: c for k, c in codes.items() if c is not None}
        count = Counter(STATUS.get(c, "other") for c in checked.values())
        equiv = sum(1 for k, c in checked.items() if k in equivalent and STATUS.get(c) != KILLED)
        if not checked:
            rows.append(f"| {module} | {len(codes)} | 0 | | | | | | not checked |")
            continue
        caught = count[KILLED] + count[TIMEOUT]
        denominator = len(checked) - equiv
        score = f"{100 * caught / denominator:.1f}%" if denominator else "-"
        rows.append(f"| {module} | {len(codes)} | {len(checked)} | {count[KILLED]} | {count[TIMEOUT]} | "
                    f"{count[SURVIVED] - equiv} | {count[NO_TESTS]} | {equiv} | {score} |")
    rows.append(_total_row(by_module, equivalent))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants")
    parser.add_argument("--survivors", action="store_true", help="list survivors not marked equivalent")
    parser.add_argument("--sample", type=int, metavar="N", help="print N mutant names drawn at random, for mutmut run")
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    parser.add_argument("modules", nargs="*", help="only these modules (prefixes, e.g. rules._urls)")
    args = parser.parse_args()
    by_module = {m: c for m, c in results(args.mutants).items()
                 if not args.modules or any(m.startswith(p) for p in args.modules)}
    equivalent = equivalent_mutants()
    if args.sample is not None:
        print("\n".join(sample(by_module, equivalent, args.sample, args.seed)))
        return
    if args.survivors:
        for codes in by_module.values():
            for key, code in sorted(codes.items()):
                status = STATUS.get(code) if code is not None else None
                if status in (SURVIVED, NO_TESTS) and key not in equivalent:
                    print(key, status)
        return
    print("\n".join(table(by_module, equivalent)))


if __name__ == "__main__":
    main()
