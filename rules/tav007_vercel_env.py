"""TAV007 vercel-env: the required variables exist on Vercel for the deployment targets."""

from __future__ import annotations

from sop_check.context import CheckContext
from sop_check.model import Message, RuleResult, Status
from sop_check.options import Option, OptionType
from sop_check.rule import Example, Rule

from sop_check_rules._required import REQUIRED_ENV_OPTIONS, required_env_vars

# How long one Vercel API call may take (mechanism, not policy: not settable from a scanned tree).
TIMEOUT_SECONDS = 10.0

PKG = '{"dependencies": {"next": "15.0.0"}}'
CODE = "export const k = process.env.TAVUS_API_KEY;\n"


class VercelEnv(Rule):
    code = "TAV007"
    name = "vercel-env"
    summary = "The required variables exist on Vercel for Production (and Preview when configured)"
    needles = ("tavus",)
    tested_in = ("test_vercel.py",)  # needs the Vercel API: passing and failing cases live there
    tags = ("tavus", "configuration", "vercel")
    shared_options = REQUIRED_ENV_OPTIONS
    options = (
        Option("targets", OptionType.STRING_LIST,
               "Deployment targets that must hold every required variable (production, preview, development); "
               "also settable as `[vercel] targets`.", config_key="vercel.targets"),
    )
    messages = {
        "missing-on-vercel": Message("{name} is not set on Vercel for {targets} ({why})",
                                     "add {name} in the Vercel project settings for {targets}"),
    }
    docs = """
## What it does
With `--vercel` (or `vercel = true` in config) and a token in `VERCEL_TOKEN`,
reads the project and team from `.vercel/project.json` (or the config's
`[vercel] project/team`), lists the project's environment variables through the
Vercel REST API (`GET /v10/projects/{id}/env`; names and targets only, never
decrypted values) and checks that every required variable exists for each
target in the pack option `targets` (default: production).

Without credentials the rule is skipped locally, with what to set; in CI (`CI`
set) it is `unknown` instead, so a gate never passes unseen, unless the config
disables it with a reason (`[vercel] enabled = false, reason = "..."`).
`--require-vercel` makes it `unknown` everywhere it cannot run.

## Why
The SOP's deployment checklist: a deployment without `TAVUS_API_KEY` cannot end
sessions, and nobody notices until the bill arrives.

## Example
```
vercel env add TAVUS_API_KEY production
vercel env add TAVUS_PERSONA_ID production
```

## How to fix
Add the missing variables in the Vercel project settings (Environment
Variables) for Production, then redeploy.
"""
    examples = (
        Example({"package.json": PKG, "lib/t.ts": CODE}, Status.SKIP, "local run without credentials"),
        Example({"package.json": PKG, "lib/t.ts": CODE}, Status.UNKNOWN, "CI without credentials",
                settings={"ci": True}),
        Example({"package.json": PKG, "lib/t.ts": CODE}, Status.SKIP, "disabled in config with a reason",
                settings={"ci": True, "vercel": False, "vercel_reason": "deployed on Netlify"}),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        s = ctx.settings
        if s.vercel is False and not s.require_vercel:
            return self.skipped(f"the Vercel check is disabled in config: {s.vercel_reason}")
        wanted = s.vercel is True or s.ci or s.require_vercel
        if not wanted:
            return self.skipped("not checked: run with --vercel and VERCEL_TOKEN set to verify the variables on Vercel")
        token = ctx.environ.get("VERCEL_TOKEN", "").strip()
        project, team, where = self._project(ctx)
        missing = []
        if not token:
            missing.append("VERCEL_TOKEN in the environment")
        if not project:
            missing.append(where if s.locked else
                           "the project id (.vercel/project.json from `vercel link`, or [vercel] project in config)")
        if missing or not project:  # (no project is always among what is missing)
            what = " and ".join(missing)
            if s.ci or s.require_vercel:
                return self.unknown("could not check the variables on Vercel", [f"set {what}"])
            return self.skipped(f"not checked: set {what}")
        return self._verify(ctx, token, project, team, where)

    def _project(self, ctx: CheckContext) -> tuple[str | None, str | None, str]:
        """Project and team: the workflow's VERCEL_PROJECT_ID/VERCEL_ORG_ID first, then (unless
        --locked: the tree must not choose which project vouches for it) config and .vercel/project.json."""
        from sop_check.vercel import PROJECT_ENV, TEAM_ENV, read_project_file

        s = ctx.settings
        project = ctx.environ.get(PROJECT_ENV, "").strip() or None
        team = ctx.environ.get(TEAM_ENV, "").strip() or None
        if s.locked:
            return project, team, f"{PROJECT_ENV} (and {TEAM_ENV}) in the workflow's environment: under --locked " \
                                  "the project is not taken from the repository"
        project, team = project or s.vercel_project, team or s.vercel_team
        data, problem = read_project_file(ctx.app.root)
        if problem:
            ctx.app.diagnose(".vercel/project.json", problem)
        project = project or data.get("projectId")
        team = team or data.get("orgId")
        where = ".vercel/project.json" if data else "package.json"
        return project, team, where

    def _verify(self, ctx: CheckContext, token: str, project: str, team: str | None, where: str) -> RuleResult:
        from sop_check.vercel import VercelError, api_base, list_env_vars

        anchor = ctx.app.location(where if where.endswith(".json") else "package.json")
        try:
            envs = list_env_vars(project, token=token, team_id=team, base_url=api_base(ctx.environ),
                                 timeout=TIMEOUT_SECONDS, allow_loopback=True)
        except VercelError as exc:
            return self.unknown("could not read the project's variables from Vercel", [exc.message])
        targets = list(ctx.options["targets"])
        have: dict[str, set[str]] = {}
        for e in envs:
            have.setdefault(e.key, set()).update(e.targets)
        verdict = self.verdict()
        for name, why in required_env_vars(ctx):
            lacking = [t for t in targets if t not in have.get(name, set())]
            if lacking:
                verdict.report("missing-on-vercel", anchor, name=name, targets=", ".join(lacking), why=why)
            else:
                verdict.saw(f"{name} is set on Vercel for {', '.join(targets)}", anchor)
        return verdict.result(passed=f"every required variable is set on Vercel for {', '.join(targets)}",
                              failed="required variables are missing on Vercel",
                              unknown="could not verify the variables on Vercel")
