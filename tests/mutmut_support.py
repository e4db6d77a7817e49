"""Mutation testing support (`mutmut run`, see tests/mutation/README.md): the rule pack under its two names.

The rule pack is the folder `rules/`, installed as the package `sop_check_rules`. mutmut copies
the tree into `mutants/`, mutates `mutants/rules/` and names each mutant after its file
(`rules._client.x_...`); a mutant is active only in a module whose `__name__` matches. The
editable install would import `sop_check_rules` from the real `rules/` (never mutated), so under
mutmut (it sets MUTANT_UNDER_TEST in the environment) `sop_check_rules` and every
`sop_check_rules.X` are made aliases of the mutated `rules` and `rules.X`: one module object
under both names, so the trampolines match and no copy of a rule is imported twice.
Outside mutmut this module is never imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Sequence

PACKAGE = "sop_check_rules"
FOLDER = "rules"


class RulePackAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `sop_check_rules[.X]` as the module `rules[.X]` (from `mutants/`, first on sys.path)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname == PACKAGE or fullname.startswith(PACKAGE + "."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(FOLDER + spec.name[len(PACKAGE):])

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: `create_module` returned the module `rules[.X]`, already executed."""


def install() -> None:
    if any(isinstance(finder, RulePackAlias) for finder in sys.meta_path):
        return
    if PACKAGE in sys.modules and sys.modules[PACKAGE].__name__ != FOLDER:
        raise RuntimeError(f"{PACKAGE} was imported from the real tree before the mutation alias was installed")
    sys.meta_path.insert(0, RulePackAlias())
