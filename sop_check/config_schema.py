"""The JSON Schema of the configuration, generated (`sop-check schema`), never written by hand.

Built from the config model (config_keys.TOP_LEVEL_KEYS: keys, shapes, descriptions, defaults),
the installed rules (codes for select/ignore/severity/waivers, their names and summaries, the
options each declares: type and description) and the rule pack (every option's default). A
rule's table lists its own options and the shared ones it reads, as the validator allows. Draft-07 with `definitions`, which Taplo (Even Better TOML)
understands. Two documents: the table itself (`sop-check.toml`, `.sop-check.toml`) and a
`pyproject.toml` wrapper that checks only `[tool.sop-check]`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sop_check import REPOSITORY_URL, __version__
from sop_check.config_keys import TOP_LEVEL_KEYS, VERCEL_TARGETS, ConfigKey, Shape
from sop_check.model import RuleInfo
from sop_check.options import Option, OptionType

JsonSchema = dict[str, Any]
DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_URL = f"{REPOSITORY_URL}/blob/main/docs/config-schema.json"
PYPROJECT_SCHEMA_URL = f"{REPOSITORY_URL}/blob/main/docs/pyproject-schema.json"


def _value_schema(option: Option) -> JsonSchema:
    """An option's JSON type, from its declaration (what the validator checks values against)."""
    kinds: dict[OptionType, JsonSchema] = {
        OptionType.STRING: {"type": "string"},
        OptionType.INTEGER: {"type": "integer"},
        OptionType.NUMBER: {"type": "number"},
        OptionType.BOOLEAN: {"type": "boolean"},
        OptionType.STRING_LIST: {"type": "array", "items": {"type": "string"}},
        OptionType.STRING_TABLE: {"type": "object", "additionalProperties": {"type": "string"}},
    }
    return dict(kinds[option.type])


def _options_schema(declared: Sequence[Option], defaults: Mapping[str, Any], title: str) -> JsonSchema:
    properties: dict[str, JsonSchema] = {}
    for option in declared:
        prop = {**_value_schema(option), "description": option.description}
        if option.name in defaults:
            prop["default"] = defaults[option.name]
        properties[option.name] = prop
    return {"type": "object", "title": title, "additionalProperties": False, "properties": properties}


def _code_prefixes(codes: Sequence[str]) -> list[str]:
    """What select/ignore accept: "ALL", every code, and every non-empty prefix of one."""
    prefixes = sorted({c[:n] for c in codes for n in range(1, len(c))} - set(codes), key=lambda p: (-len(p), p))
    return ["ALL", *codes, *prefixes]


def _rule_label(info: RuleInfo) -> str:
    return f"{info.code} {info.name}: {info.summary}" + (" (preview)" if info.preview else "")


def _key_schema(key: ConfigKey, rules: Sequence[RuleInfo]) -> JsonSchema:
    codes = [r.code for r in rules]
    shape = key.shape
    if shape is Shape.CODES:
        return {"type": "array", "items": {"enum": _code_prefixes(codes)}}
    if shape is Shape.STRINGS:
        return {"type": "array", "items": {"type": "string"}}
    if shape is Shape.BOOLEAN:
        return {"type": "boolean"}
    if shape is Shape.COUNT:
        return {"type": "integer", "minimum": key.minimum}
    if shape is Shape.OPTIONS:  # draft-07 ignores keywords beside $ref: the description goes outside
        return {"allOf": [{"$ref": "#/definitions/options"}]}
    if shape is Shape.RULE_OPTIONS:
        return {"type": "object", "additionalProperties": False,
                "properties": {r.code: {"$ref": f"#/definitions/rule-options-{r.code}"} for r in rules}}
    if shape is Shape.SEVERITY:
        return {"type": "object", "additionalProperties": False,
                "properties": {r.code: {"enum": ["error", "warning"], "description": _rule_label(r),
                                        "default": str(r.severity)} for r in rules}}
    if shape is Shape.VERCEL:
        return {"anyOf": [{"const": True, "description": "Check the variables on Vercel (needs VERCEL_TOKEN)."},
                          {"$ref": "#/definitions/vercel"}]}
    return {"type": "array", "items": {"$ref": "#/definitions/waiver"}}


def _definitions(rules: Sequence[RuleInfo], pack: Mapping[str, Any], shared: Mapping[str, Option]) -> JsonSchema:
    shared_defaults = dict(pack.get("options", {}))
    defs: JsonSchema = {
        "options": _options_schema(list(shared.values()), shared_defaults, "Options shared by the rules"),
        "vercel": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean", "description": "false turns TAV007 off; it needs a reason."},
                "reason": {"type": "string", "description": "Why the Vercel check does not apply."},
                "project": {"type": "string", "description": "The Vercel project id (prj_...)."},
                "team": {"type": "string", "description": "The Vercel team id (team_...)."},
                "targets": {"type": "array", "items": {"enum": list(VERCEL_TARGETS)},
                            "description": "Vercel environments that must hold the variables."},
            },
            "if": {"required": ["enabled"], "properties": {"enabled": {"const": False}}},
            "then": {"required": ["reason"], "properties": {"reason": {"pattern": "\\S"}}},
        },
        "waiver": {
            "type": "object", "additionalProperties": False, "required": ["rule", "path", "reason"],
            "properties": {
                "rule": {"enum": [r.code for r in rules], "description": "The rule code."},
                "path": {"type": "string", "minLength": 1,
                         "description": "Path or glob of the file, relative to the repository root."},
                "reason": {"type": "string", "pattern": "\\S", "description": "Why (required)."},
                "until": {"type": "string", "format": "date", "description": "Last day the waiver applies."},
            },
        },
    }
    rule_options = pack.get("rule-options", {})
    for r in rules:
        declared = [shared[n] for n in r.shared_options if n in shared] + list(r.options)
        defaults = {**shared_defaults, **rule_options.get(r.code, {})}
        defs[f"rule-options-{r.code}"] = _options_schema(declared, defaults, _rule_label(r))
    return defs


def config_schema(rules: Sequence[RuleInfo], pack: Mapping[str, Any], shared: Mapping[str, Option]) -> JsonSchema:
    properties: dict[str, JsonSchema] = {}
    for key in TOP_LEVEL_KEYS:
        prop = {**_key_schema(key, rules), "description": key.description}
        if key.default is not None:
            prop["default"] = key.default
        properties[key.name] = prop
    info = pack.get("pack", {})
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_URL,
        "title": "sop-check configuration",
        "description": (f"sop-check.toml or .sop-check.toml (the [tool.sop-check] table of pyproject.toml has the same "
                        f"keys). Generated by `sop-check schema` from sop-check {__version__} and rule pack "
                        f"{info.get('name', '')} {info.get('version', '')}; do not edit."),
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "definitions": _definitions(rules, pack, shared),
    }


def pyproject_schema(table: JsonSchema) -> JsonSchema:
    """pyproject.toml: only [tool.sop-check] is checked; everything else is left alone."""
    inner = {k: v for k, v in table.items() if k not in ("$schema", "$id", "definitions")}
    return {
        "$schema": DRAFT,
        "$id": PYPROJECT_SCHEMA_URL,
        "title": "pyproject.toml with a [tool.sop-check] table",
        "description": "Checks the [tool.sop-check] table only. Generated by `sop-check schema --pyproject`; do not edit.",
        "type": "object",
        "properties": {"tool": {"type": "object", "properties": {"sop-check": inner}}},
        "definitions": table["definitions"],
    }


def installed_schema(pyproject: bool = False) -> JsonSchema:
    """The schema of the installed sop-check and rule pack."""
    from sop_check.registry import all_rules, pack_data, shared_options

    rules = [r.info() for r in all_rules().values()]
    table = config_schema(rules, pack_data(), shared_options())
    return pyproject_schema(table) if pyproject else table
