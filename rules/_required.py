"""Which environment variables an app needs: shared by TAV006 (local) and TAV007 (Vercel)."""

from __future__ import annotations

from sop_check.context import CheckContext

# The shared options `required_env_vars` reads: a rule that calls it declares them.
REQUIRED_ENV_OPTIONS = ("required-env", "required-env-if")


def required_env_vars(ctx: CheckContext) -> list[tuple[str, str]]:
    """(name, why) for every variable the app needs, from the pack's `required-env(-if)` options."""
    out = [(name, "required by the SOP") for name in ctx.options["required-env"]]
    for name, trigger in dict(ctx.options["required-env-if"]).items():
        where = ctx.app.component_used(trigger)
        if where is not None:
            out.append((name, f"required because <{trigger}> is used at {where}"))
    return out
