"""The configuration's top-level keys as data: name, shape, description, default.

One table drives the validator's "allowed keys" and "must be ..." messages (config.py), and the
JSON Schema editors use (`sop-check schema`, config_schema.py), so the two cannot list different
keys; tests/test_config_schema.py checks on generated configs that they also accept the same
values. Options of the rule pack (`[options]`, `[rule-options.CODE]`) are not listed here: their
names, types, defaults and descriptions come from the pack.
"""

from __future__ import annotations

import enum

from sop_check.records import record


class Shape(str, enum.Enum):
    """What a key's value looks like; config_schema.py turns each into a JSON Schema."""

    CODES = "codes"  # list of rule codes or code prefixes (or "ALL")
    STRINGS = "strings"  # list of strings
    BOOLEAN = "boolean"
    COUNT = "count"  # integer >= minimum
    OPTIONS = "options"  # the pack's shared options
    RULE_OPTIONS = "rule-options"  # rule code -> that rule's options
    SEVERITY = "severity"  # rule code -> "error" | "warning"
    VERCEL = "vercel"  # true, or a table
    WAIVERS = "waivers"  # list of {rule, path, reason, until}


@record(frozen=True)
class ConfigKey:
    name: str
    shape: Shape
    allowed: str  # what is allowed, in the words of an error message
    description: str
    default: object = None  # None: no default worth showing
    minimum: int = 0  # for Shape.COUNT


TOP_LEVEL_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("select", Shape.CODES, "a list of rule codes or prefixes",
              "Rules to run: codes or prefixes (\"TAV0\"), or \"ALL\". Default: every rule that is not preview."),
    ConfigKey("extend-select", Shape.CODES, "a list of rule codes or prefixes",
              "Rules to run in addition to `select` (a preview rule named by its full code runs).", []),
    ConfigKey("ignore", Shape.CODES, "a list of rule codes or prefixes", "Rules not to run.", []),
    ConfigKey("apps", Shape.STRINGS, "a list of app folders",
              "App folders to check, relative to this file. Default: every Next.js app found.", []),
    ConfigKey("exclude", Shape.STRINGS, "a list of gitignore-style patterns",
              "gitignore-style patterns of files to leave out.", []),
    ConfigKey("options", Shape.OPTIONS, "a table of shared options",
              "Policy shared by the rules (the rule pack's [options]); each key overrides the pack's default."),
    ConfigKey("rule-options", Shape.RULE_OPTIONS, "a table of rule code -> options",
              "Per-rule policy: [rule-options.CODE] overrides the pack's options for that rule."),
    ConfigKey("severity", Shape.SEVERITY, 'a table of rule code -> "error" or "warning"',
              "Per-rule severity. Warnings fail the run only with `strict`."),
    ConfigKey("env-from-process", Shape.BOOLEAN, "true or false",
              "Required environment variables may come from the process environment (CI secrets).", False),
    ConfigKey("strict", Shape.BOOLEAN, "true or false", "Warnings fail the run too.", False),
    ConfigKey("require-vercel", Shape.BOOLEAN, "true or false",
              "Fail (unknown) when the Vercel check (TAV007) cannot run, locally too.", False),
    ConfigKey("vercel", Shape.VERCEL, "true, or a table {enabled, reason, project, team, targets}",
              "The Vercel check (TAV007): `true`, or a table. Disabling it needs a reason."),
    ConfigKey("waivers", Shape.WAIVERS, "a list of tables {rule, path, reason, until}",
              "Waivers for findings on files that cannot hold comments (package.json, .env templates).", []),
    ConfigKey("max-file-size", Shape.COUNT, "a positive number of bytes",
              "Files larger than this (bytes) are skipped with a notice.", 2_000_000, minimum=1),
    ConfigKey("jobs", Shape.COUNT, "a number of worker processes (0: automatic)",
              "Worker processes for parsing (0: automatic).", 0, minimum=0),
    ConfigKey("preview", Shape.BOOLEAN, "true or false",
              "Also run preview rules (new rules ship as preview for one minor release).", False),
)

VERCEL_TARGETS = ("production", "preview", "development")
