"""Which of some mutants the focused tests kill, in seconds: a triage while writing tests.

mutmut runs each mutant's tests in no useful order, so a survivor (or a mutant that only a slow
golden test kills) costs a minute on a loaded machine. This runs, in one pytest process inside
`mutants/` (after a `mutmut run` made it), only the test modules named, per mutant, until one
fails; the test that killed a mutant goes first for the next one. It is a triage, not the score:
confirm with `mutmut run NAME ...`.

    cd mutants && ../.venv/bin/python ../tools/mutation_triage.py names.txt out.tsv tests/test_x.py ...
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

sys.path.insert(0, os.getcwd())  # the mutated copies in mutants/, as mutmut runs them
os.environ["MUTANT_UNDER_TEST"] = ""  # tests/conftest.py then installs the mutmut support

import pytest  # noqa: E402
from _pytest.runner import runtestprotocol  # noqa: E402


class _Loop:
    def __init__(self, names: list[str], out: Any) -> None:
        self.names, self.out = names, out

    def pytest_runtestloop(self, session: Any) -> bool:
        items = list(session.items)
        for name in self.names:
            os.environ["MUTANT_UNDER_TEST"] = name
            start, verdict = time.time(), "survived"
            for item in items:
                if any(r.failed for r in runtestprotocol(item, nextitem=None, log=False)):
                    verdict = "killed " + item.nodeid
                    items.remove(item)
                    items.insert(0, item)
                    break
            self.out.write(f"{name}\t{verdict}\t{time.time() - start:.1f}\n")
            self.out.flush()
        os.environ["MUTANT_UNDER_TEST"] = ""
        return True


def main() -> int:
    names_file, out_file, *tests = sys.argv[1:]
    names = [n for n in open(names_file, encoding="utf-8").read().split() if n]
    with open(out_file, "w", encoding="utf-8") as out:
        return int(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:randomly", *tests],
                               plugins=[_Loop(names, out)]))


if __name__ == "__main__":
    sys.exit(main())
