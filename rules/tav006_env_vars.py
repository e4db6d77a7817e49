"""TAV006 env-vars: the required variables are defined, locally or as CI secrets; templates declare them."""

from __future__ import annotations

from typing import Any

import re

from sop_check.context import CheckContext
from sop_check.index import AppIndex
from sop_check.location import Location
from sop_check.parse.dotenv import EnvFile
from sop_check.fixes import Applicability
from sop_check.fixing.recipe import Draft, FixRecipe
from sop_check.model import Evidence, Finding, Message, RuleResult, Status
from sop_check.options import Option, OptionType
from sop_check.rule import Example, Rule, Verdict

from sop_check_rules._fixes import append_lines
from sop_check_rules._required import REQUIRED_ENV_OPTIONS, required_env_vars

PKG = '{"dependencies": {"next": "15.0.0"}}'
CODE = "export const k = process.env.TAVUS_API_KEY;\n"


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _declare_in_template(ctx: CheckContext, finding: Finding) -> Draft | None:
    """`NAME=` (never a value) at the end of the committed template; `.env.local` is never written."""
    name, template = finding.data.get("name", ""), finding.data.get("template", "")
    if not _NAME.match(name) or template not in ctx.options["templates"]:
        return None  # a name from config that is not a plain variable name is not written anywhere
    edit = append_lines(ctx, template, [f"{name}="])
    return Draft((edit,), title=f"declare {name}= (empty) in {template}") if edit else None


class EnvVars(Rule):
    code = "TAV006"
    name = "env-vars"
    summary = "TAVUS_API_KEY, TAVUS_PERSONA_ID (and DEMO_ACCESS_TOKEN with AccessGate) are defined"
    needles = ("tavus", "accessgate")
    tags = ("tavus", "configuration")
    shared_options = REQUIRED_ENV_OPTIONS
    options = (
        Option("local-files", OptionType.STRING_LIST,
               "Env files read locally, in Next.js's order: the first file that defines a key wins."),
        Option("templates", OptionType.STRING_LIST, "Committed templates that must declare every required variable."),
    )
    # In CI without .env.local, a pass of the Vercel check verifies the values.
    requires = ("TAV007",)
    messages = {
        "not-in-template": Message("{template} does not declare {name} ({why})", "add a line `{name}=` to {template}"),
        "empty-value": Message("{name} is empty in {file} ({why})", "give {name} a value"),
        "commented-out": Message("{name} is commented out in {file} ({why})", "uncomment {name} and set its value"),
        "not-defined": Message("{name} is not defined in {files} ({why})",
                               "add {name}=... to .env.local (or pass --env-from-process in CI)"),
    }
    fixes = {
        "not-in-template": FixRecipe(Applicability.SAFE, "declare the variable, without a value, in the template",
                                     _declare_in_template),
    }
    docs = """
## What it does
Checks that every required variable (`TAVUS_API_KEY`, `TAVUS_PERSONA_ID`, and
`DEMO_ACCESS_TOKEN` when an `<AccessGate>` is rendered; pack options
`required-env` and `required-env-if`) is defined with a non-empty value where
Next.js reads it: `.env.development.local`, `.env.local` or `.env` (the first
file that defines a key wins, as in Next.js), or the process environment with
`--env-from-process`. A commented-out line or an empty value does not count.
A committed template (`.env.example`, `.env.local.example`, `.env.sample`,
`.env.template`) must declare every required key. Only names, files and lines
are reported, never values.

In CI (`CI` set) without `.env.local` it does not ask for secrets: it passes
when a template declares every key and the values are verified elsewhere
(`--env-from-process` finds them, or TAV007 passes on Vercel); otherwise it is
`unknown`, naming what to provide.

## Why
Without the key the end route cannot end sessions; without a template, the
next developer does not know what to set.

## Example
```
# .env.local (never committed)
TAVUS_API_KEY=...
TAVUS_PERSONA_ID=...
```

## How to fix
Define the variables in `.env.local` (and on Vercel), and declare them, empty,
in `.env.example`.
"""
    examples = (
        Example({"package.json": PKG, "lib/t.ts": CODE, ".env.local": "TAVUS_API_KEY=k\nTAVUS_PERSONA_ID=p\n"},
                Status.PASS, "both defined"),
        Example({"package.json": PKG, "lib/t.ts": CODE, ".env.local": "TAVUS_API_KEY=k\n# TAVUS_PERSONA_ID=p\n"},
                Status.FAIL, "commented out", kinds=("commented-out",)),
        Example({"package.json": PKG, "lib/t.ts": CODE, ".env.local": "TAVUS_API_KEY=k\nTAVUS_PERSONA_ID=\n"},
                Status.FAIL, "empty value", kinds=("empty-value",)),
        Example({"package.json": PKG, "lib/t.ts": CODE, ".env.local": "TAVUS_API_KEY=k\nTAVUS_PERSONA_ID=p\n",
                 "app/page.tsx": "import { AccessGate } from '../lib/gate';\n"
                                 "export default function P() { return <AccessGate />; }\n",
                 "lib/gate.tsx": "export function AccessGate() { return null; }\n"},
                Status.FAIL, "AccessGate needs DEMO_ACCESS_TOKEN", kinds=("not-defined",)),
        Example({"package.json": PKG, "lib/t.ts": CODE, ".env.example": "TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n"},
                Status.UNKNOWN, "CI without secrets", settings={"ci": True}),
        Example({"package.json": PKG, "lib/t.ts": CODE, ".env.example": "TAVUS_API_KEY=\nTAVUS_PERSONA_ID=\n"},
                Status.PASS, "CI with secrets from the process", settings={"ci": True, "env_from_process": True},
                environ={"TAVUS_API_KEY": "x", "TAVUS_PERSONA_ID": "y"}),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        index = ctx.app
        required = required_env_vars(ctx)
        verdict = self.verdict()
        templates = [e for e in (index.env_file(n) for n in ctx.options["templates"]) if e is not None]
        for tpl in templates:
            declared = tpl.keys()
            for name, why in required:
                if name not in declared:
                    verdict.report("not-in-template", index.location(tpl.name, 1), template=tpl.name, name=name,
                                   why=why)
        local = [e for e in (index.env_file(n) for n in ctx.options["local-files"]) if e is not None]
        from_process = {name for name, _ in required
                        if ctx.settings.env_from_process and ctx.environ.get(name, "").strip()}
        if ctx.settings.ci and index.env_file(".env.local") is None:
            return self._ci(ctx, required, templates, from_process, verdict)
        missing = []
        for name, why in required:
            if name in from_process:
                verdict.saw(f"{name} is set in the process environment", index.location("package.json"))
                continue
            entry, env = _effective(local, name)
            if entry is not None and entry.value:
                verdict.saw(f"{name} is defined in {env.name}:{entry.line}", index.location(env.name, entry.line))
            elif entry is not None:
                verdict.report("empty-value", index.location(env.name, entry.line), name=name, file=env.name, why=why)
            else:
                missing.append((name, why))
        for name, why in missing:
            hit = _commented(local, name)
            if hit is not None:
                env, line = hit
                verdict.report("commented-out", index.location(env.name, line), name=name, file=env.name, why=why)
                continue
            verdict.report("not-defined", _missing_anchor(index, local, templates), name=name, why=why,
                           files=", ".join(e.name for e in local) or ".env.local")
        return verdict.result(passed="every required environment variable is defined",
                              failed="required environment variables are missing or not declared",
                              unknown="could not verify the environment variables")

    def _ci(self, ctx: CheckContext, required: list[tuple[str, str]], templates: list[Any], from_process: set[str],
            verdict: Verdict) -> RuleResult:
        index = ctx.app
        if verdict.findings:
            return self.failed("the env template does not declare every required variable", verdict.findings)
        names = [n for n, _ in required]
        if not templates:
            return self.unknown("in CI without .env.local, and no committed template declares the variables", [
                f"commit .env.example declaring {', '.join(names)}, and verify the values with "
                "--env-from-process (CI secrets) or the Vercel check (TAV007)"])
        tpl = templates[0]
        evidence = [Evidence(f"{tpl.name} declares {', '.join(names)}", index.location(tpl.name, 1))]
        if set(names) <= from_process:
            return self.passed("the template declares every variable and CI provides their values",
                               evidence + [Evidence(f"{n} is set in the process environment",
                                                    index.location(tpl.name, 1)) for n in names])
        vercel = ctx.result_of("TAV007")
        if vercel is not None and vercel.status is Status.PASS:
            return self.passed("the template declares every variable and Vercel holds their values",
                               evidence + list(vercel.evidence))
        lacking = [n for n in names if n not in from_process]
        return self.unknown("in CI the values could not be verified (no .env.local here, as it should be)", [
            f"{', '.join(lacking)}: provide them as CI secrets with --env-from-process, or enable the Vercel "
            "check (TAV007, needs VERCEL_TOKEN)"], evidence=evidence)


def _effective(files: list[Any], name: str) -> tuple[Any, Any]:
    for env in files:
        entry = env.get(name)
        if entry is not None:
            return entry, env
    return None, None


def _commented(files: list[Any], name: str) -> tuple[Any, int] | None:
    # Read from the parsed file, not the disk: under --staged the file may be a staged blob.
    for env in files:
        line = env.commented.get(name)
        if line is not None:
            return env, line
    return None


def _missing_anchor(index: AppIndex, local: list[EnvFile], templates: list[EnvFile]) -> Location:
    """Where a variable defined nowhere is reported: `.env.local` when it exists, else the file
    Next.js would read, the committed template, or package.json (a finding must point at a file
    that exists: code scanning drops results on missing files)."""
    for env in ([e for e in local if e.name == ".env.local"] + local + templates):
        return index.location(env.name, 1)
    return index.location("package.json", 1)
