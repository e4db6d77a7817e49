"""The commented starter config `sop-check init` writes: every key, with the pack's defaults.

Apart from the config's reading and validation: it is text for a person, written once, and
nothing that reads a config needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.config import Pack


def starter_config_text(pack: Pack) -> str:
    """A commented starter config: every key, the pack's defaults, nothing switched on."""
    import json

    def toml_value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v)

    lines = [
        "# sop-check configuration. Every line is commented out: the defaults apply.",
        f"# Rule pack {pack.name} {pack.version}, checking: {pack.sop}",
        "",
        "# Rules to run (codes or prefixes), rules to add, rules to skip.",
        '# select = ["TAV0"]',
        "# extend-select = []",
        "# ignore = []",
        "# Enable preview rules (new rules ship as preview for one release).",
        "# preview = false",
        "# App folders to check (relative to this file); default: every Next.js app found.",
        "# apps = []",
        "# gitignore-style patterns of files to leave out.",
        "# exclude = []",
        "# Required env vars may come from the process environment (CI secrets).",
        "# env-from-process = false",
        "# Warnings fail the run too.",
        "# strict = false",
        "# Fail when the Vercel check cannot run.",
        "# require-vercel = false",
        "# Files larger than this are skipped with a notice.",
        "# max-file-size = 2000000",
        "# Worker processes for parsing (0: automatic).",
        "# jobs = 0",
        "",
        "# Per-rule severity: \"error\" or \"warning\".",
        "# [severity]",
        '# TAV005 = "warning"',
        "",
        "# The Vercel check (TAV007). Disabling it needs a reason.",
        "# [vercel]",
        "# enabled = true",
        '# reason = ""',
        '# project = "prj_..."',
        '# team = "team_..."',
        '# targets = ["production"]',
        "",
        "# Waivers for findings on files that cannot hold comments.",
        "# [[waivers]]",
        '# rule = "TAV006"',
        '# path = "apps/web/.env.example"',
        '# reason = "why"',
        '# until = "2027-01-31"',
        "",
        "# Shared options (policy of the rule pack).",
        "# [options]",
    ]
    lines += [f"# {k} = {toml_value(v)}" for k, v in pack.options.items()]
    for code, table in pack.rule_options.items():
        lines += ["", f"# [rule-options.{code}]"]
        lines += [f"# {k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
