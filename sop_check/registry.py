"""The rule pack: every `Rule` class in the `sop_check_rules` package, keyed by code."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any

from sop_check.rule import Rule


class RegistryError(Exception):
    pass


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    """Import the pack's rule modules (one rule per `tavNNN_*.py` module) and check codes are unique."""
    import sop_check_rules

    found: dict[str, type[Rule]] = {}
    for info in sorted(pkgutil.iter_modules(sop_check_rules.__path__), key=lambda i: i.name):
        if not info.name.startswith("tav"):
            continue
        module = importlib.import_module(f"sop_check_rules.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__:
                code = getattr(obj, "code", None)
                if not code:
                    continue
                if code in found:
                    raise RegistryError(f"rule code {code} is defined twice ({found[code].__name__}, {obj.__name__})")
                found[code] = obj
    return dict(sorted(found.items()))


def pack_data() -> dict[str, Any]:
    """rules/pack.toml, read from the installed package (works for non-editable installs)."""
    import tomllib
    from pathlib import Path

    import sop_check_rules

    # The pack is installed as a plain package folder (wheel or editable), so the data file sits
    # beside its __init__; importlib.resources would cost more to import than the whole read.
    with open(Path(sop_check_rules.__file__).with_name("pack.toml"), "rb") as fh:
        return tomllib.load(fh)
