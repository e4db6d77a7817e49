"""The rule pack: every `Rule` class in the `sop_check_rules` package, keyed by code."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any

from sop_check.options import Option
from sop_check.rule import Rule, run_order


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


def shared_options() -> dict[str, Option]:
    """The options several rules share (`[options]`), declared once in the pack."""
    from sop_check_rules._options import SHARED_OPTIONS

    return {o.name: o for o in SHARED_OPTIONS}


def declared_options(rule: type[Rule]) -> dict[str, Option]:
    """Every option a rule may be given in `[rule-options.CODE]`: its own and the shared ones it reads."""
    shared = shared_options()
    out = {name: shared[name] for name in rule.shared_options if name in shared}
    out.update((o.name, o) for o in rule.options)
    return out


def pack_data() -> dict[str, Any]:
    """rules/pack.toml, read from the installed package (works for non-editable installs)."""
    import tomllib
    from pathlib import Path

    import sop_check_rules

    # The pack is installed as a plain package folder (wheel or editable), so the data file sits
    # beside its __init__; importlib.resources would cost more to import than the whole read.
    with open(Path(sop_check_rules.__file__).with_name("pack.toml"), "rb") as fh:
        return tomllib.load(fh)


def pack_problems() -> list[str]:
    """Where the rule declarations and the pack's defaults disagree (empty when consistent).

    Checked by the test suite: every declared option has a default of its type, every default
    is declared, every required rule exists and no rules require each other in a cycle.
    """
    rules = all_rules()
    shared = shared_options()
    data = pack_data()
    problems: list[str] = []
    defaults: dict[str, Any] = dict(data.get("options", {}))
    problems += _compare(shared, defaults, "[options]")
    for code in data.get("rule-options", {}):
        if code not in rules:
            problems.append(f"[rule-options.{code}]: no such rule")
    problems += [f"[outside-next] rules: no such rule {code}" for code in data.get("outside-next", {}).get("rules", [])
                 if code not in rules]
    problems += [f"[cvi-only] rules: no such rule {code}" for code in data.get("cvi-only", {}).get("rules", [])
                 if code not in rules]
    for code, rule in rules.items():
        own = {o.name: o for o in rule.options}
        problems += _compare(own, dict(data.get("rule-options", {}).get(code, {})), f"[rule-options.{code}]")
        problems += [f"{code} reads shared option '{n}', which is not declared" for n in rule.shared_options
                     if n not in shared]
        problems += [f"{code} option '{n}' shadows the shared option" for n in own if n in shared]
        problems += [f"{code} requires unknown rule {c}" for c in rule.requires if c not in rules]
    try:
        run_order(list(rules.values()))
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is a consistency report
        problems.append(str(exc))
    return problems


def _compare(declared: dict[str, Option], defaults: dict[str, Any], where: str) -> list[str]:
    out = [f"{where} {name}: declared but the pack gives no default" for name in declared if name not in defaults]
    out += [f"{where} {name}: a default for an option nobody declares" for name in defaults if name not in declared]
    out += [f"{where} {name}: the default is not {declared[name].type.phrase}" for name, value in defaults.items()
            if name in declared and not declared[name].type.accepts(value)]
    return out
