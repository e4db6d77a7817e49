"""Rule options as declarations: name, type and description beside the rule that reads them.

The defaults are policy and stay data in the rule pack (`rules/pack.toml`); a declaration is
the schema that the pack's defaults and a user's config are both checked against, and what
the generated rule docs list. A rule is handed exactly the options it declares.
"""

from __future__ import annotations

import enum
from typing import Any, Mapping

from sop_check.records import record


class OptionType(str, enum.Enum):
    """The TOML shapes an option can take."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    STRING_LIST = "list of strings"
    STRING_TABLE = "table of strings"  # name -> string

    def __str__(self) -> str:
        return self.value

    @property
    def phrase(self) -> str:
        return ("an " if self.value[0] in "aeiou" else "a ") + self.value

    def accepts(self, value: object) -> bool:
        if self is OptionType.STRING:
            return isinstance(value, str)
        if self is OptionType.BOOLEAN:
            return isinstance(value, bool)
        if self is OptionType.INTEGER:
            return isinstance(value, int) and not isinstance(value, bool)
        if self is OptionType.NUMBER:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if self is OptionType.STRING_LIST:
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


@record(frozen=True)
class Option:
    """One option a rule reads. `config_key` names a top-level config key that also sets it
    (`vercel.targets` for TAV007's `targets`), so no rule is special-cased in the engine."""

    name: str
    type: OptionType
    description: str
    config_key: str | None = None


class OptionError(Exception):
    """A value that does not fit its declaration: one line, naming the key."""


def kind_of(value: object) -> str:
    """What a TOML value is, in the words an error message uses."""
    names = {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "a list",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


def check_table(table: object, declared: Mapping[str, Option], where: str) -> dict[str, Any]:
    """A config table of options checked against the declarations; raises OptionError."""
    if not isinstance(table, dict):
        raise OptionError(f"{where} must be a table, got {kind_of(table)}")
    out: dict[str, Any] = {}
    for key, value in table.items():
        option = declared.get(key)
        if option is None:
            choices = ", ".join(sorted(declared)) or "none"
            raise OptionError(f"{where}: key '{key}' is not allowed; allowed keys: {choices}")
        if not option.type.accepts(value):
            raise OptionError(f"{where}: '{key}' must be {option.type.phrase}, got {kind_of(value)}")
        out[key] = value
    return out
