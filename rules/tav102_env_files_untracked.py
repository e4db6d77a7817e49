"""TAV102 env-files-untracked: env files holding Tavus variables are ignored by git and not tracked."""

from __future__ import annotations

from sop_check import git
from sop_check.context import CheckContext
from sop_check.fixes import Applicability
from sop_check.fixing.recipe import Draft, FixRecipe
from sop_check.index import AppIndex
from sop_check.model import Finding, Message, RuleResult, Severity, Status
from sop_check.rule import Example, Rule

from sop_check_rules._fixes import append_lines

PKG = '{"dependencies": {"next": "15.0.0"}}'


def _ignore_it(ctx: CheckContext, finding: Finding) -> Draft | None:
    """`.env*.local` (or `.env`) added to the app's .gitignore, which is created if there is none."""
    name = finding.data.get("name", "")
    pattern = ".env" if name == ".env" else ".env*.local"
    edit = append_lines(ctx, ".gitignore", [pattern], create=True)
    return Draft((edit,), title=f"add {pattern} to .gitignore") if edit else None


def _untrack_it(ctx: CheckContext, finding: Finding) -> Draft | None:
    """Never run: printed for the user, who must also rotate the key (it is in the history)."""
    path = finding.data.get("path", "")
    return Draft((), title=f"run `git rm --cached -- {path}`, ignore it (--fix adds it to .gitignore once it is "
                           "untracked) and rotate the key")


def _ignored_by_pending(index: AppIndex, names: list[str]) -> set[str]:
    """Env files the app's .gitignore covers as it is about to be written (a fix being re-checked,
    an editor's unsaved buffer): git reads only the file on disk."""
    from sop_check.globs import GitIgnore
    from sop_check.overlay import OverlaySource, buffer_key

    source = index.source
    pending = source.overlay.buffers.get(buffer_key(index.root / ".gitignore")) \
        if isinstance(source, OverlaySource) else None
    if pending is None:
        return set()
    spec = GitIgnore(pending.decode("utf-8", "replace").splitlines())
    return {index.repo_path(n) for n in names if spec.decide(n) is True}


class EnvFilesUntracked(Rule):
    code = "TAV102"
    name = "env-files-untracked"
    summary = "Env files holding Tavus variables are ignored by git and not tracked"
    severity = Severity.ERROR
    preview = True
    needles = ("tavus",)
    tested_in = ("test_security_rules.py",)  # needs git: passing and failing cases live there
    tags = ("tavus", "security", "git")
    messages = {
        "tracked": Message("{name} holds Tavus variables and is tracked by git",
                           "git rm --cached {path}, ignore it, and rotate the key"),
        "not-ignored": Message("{name} holds Tavus variables and is not covered by .gitignore",
                               "add `.env*.local` (and `.env`) to .gitignore"),
    }
    fixes = {
        "not-ignored": FixRecipe(Applicability.SAFE, "add .env*.local (.env for .env) to the app's .gitignore",
                                 _ignore_it),
        "tracked": FixRecipe(Applicability.DISPLAY_ONLY, "untrack it with git rm --cached (never run by sop-check)",
                             _untrack_it),
    }
    docs = """
## What it does
In a git repository, checks every `.env`, `.env.local` and `.env*.local` file in
the app folder that holds a Tavus variable: it must not be tracked (`git
ls-files`) and must be covered by `.gitignore` (`git check-ignore --no-index`,
so nested ignore files and negations count). Templates such as `.env.example`
are meant to be committed and are not checked. Outside git the rule is skipped.

## Why
A committed `.env.local` publishes the key to everyone with access to the
repository, its forks and its history.

## Example
```
# .gitignore
.env*.local
.env
```

## How to fix
`git rm --cached .env.local`, add `.env*.local` to `.gitignore`, and rotate the
key: it is in the history.
"""
    examples = (
        Example({"package.json": PKG, ".env.local": "TAVUS_API_KEY=x\n"}, Status.SKIP, "outside git"),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        index = ctx.app
        if index.git_root is None:
            return self.skipped("not a git repository: nothing can be committed by mistake here")
        names = [n for n in index.env_names if n == ".env" or (n.startswith(".env") and n.endswith(".local"))]
        secret = []
        for n in names:
            env = index.env_file(n)
            if env is not None and any("TAVUS" in e.key.upper() for e in env.entries):
                secret.append(n)
        if not secret:
            return self.passed("no env file with Tavus variables to protect")
        rel = [index.repo_path(n) for n in secret]
        is_tracked = git.tracked(index.git_root, rel)
        is_ignored = git.ignored(index.git_root, rel) | _ignored_by_pending(index, secret)
        verdict = self.verdict()
        for name, path in zip(secret, rel):
            loc = index.location(name)
            if path in is_tracked:
                verdict.report("tracked", loc, name=name, path=path)
            elif path not in is_ignored:
                verdict.report("not-ignored", loc, name=name)
            else:
                verdict.saw(f"{name} is ignored and untracked", loc)
        return verdict.result(passed="env files with Tavus variables are ignored and untracked",
                              failed="an env file with the Tavus key can be committed",
                              unknown="could not verify how git treats the env files")
