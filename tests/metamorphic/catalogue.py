"""The registry of transformations: each is a documented, deterministic function of a project and
a seeded random generator, returning the rewritten project or None when it does not apply.

A *preserving* transformation keeps every verdict (status and finding kinds of every rule).
A *breaking* one declares the rules it must flip to `fail` and the finding kind each must then
report (`flips`); every other rule must keep its verdict. A breaking transformation may narrow its
declaration for a project (`Rewrite.flips`), when what it breaks depends on the project's shape.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from metamorphic.source import Project


@dataclass(frozen=True)
class Rewrite:
    project: Project
    flips: Mapping[str, str] | None = None  # a breaking rewrite's flips for this project (else the declared)


Apply = Callable[[Project, random.Random], "Project | Rewrite | None"]


@dataclass(frozen=True)
class Transformation:
    name: str
    preserving: bool
    apply: Apply
    flips: Mapping[str, str] = field(default_factory=dict)  # rule -> finding kind, for breaking ones

    @property
    def doc(self) -> str:
        """The first paragraph of the function's docstring: what the rewrite does and why it is (not) neutral."""
        text = (self.apply.__doc__ or "").strip()
        return " ".join(text.split("\n\n")[0].split())

    def __call__(self, project: Project, rng: random.Random) -> Rewrite | None:
        out = self.apply(project, rng)
        if out is None:
            return None
        rewrite = out if isinstance(out, Rewrite) else Rewrite(out)
        if rewrite.project.files == project.files:
            return None  # nothing changed: not an application
        for path in rewrite.project.code_paths():
            if (path not in project.files or rewrite.project.files[path] != project.files[path]) and \
                    not rewrite.project.parses_cleanly(path):
                raise AssertionError(f"{self.name} produced code that does not parse: {path}\n"
                                     + rewrite.project.files[path].decode())
        return Rewrite(rewrite.project.noted(self.name), rewrite.flips)


PRESERVING: dict[str, Transformation] = {}
BREAKING: dict[str, Transformation] = {}


def preserving(name: str) -> Callable[[Apply], Apply]:
    def register(fn: Apply) -> Apply:
        assert name not in PRESERVING, name
        assert fn.__doc__, f"{name}: every transformation says what it does"
        PRESERVING[name] = Transformation(name, True, fn)
        return fn
    return register


def breaking(name: str, **flips: str) -> Callable[[Apply], Apply]:
    """`flips` maps rule codes to the finding kind each must report (`TAV004="no-keepalive"`)."""
    def register(fn: Apply) -> Apply:
        assert name not in BREAKING, name
        assert fn.__doc__, f"{name}: every transformation says what it does"
        BREAKING[name] = Transformation(name, False, fn, dict(flips))
        return fn
    return register


def compose(steps: list[Transformation], project: Project, rng: random.Random) -> Project | None:
    """Apply preserving transformations in turn, skipping those that do not apply (None if none did)."""
    current, applied = project, 0
    for step in steps:
        out = step(current, rng)
        if out is not None:
            current, applied = out.project, applied + 1
    return current if applied >= 2 else None


def markdown() -> str:
    """The catalogue as tests/metamorphic/README.md lists it (kept equal by a test)."""
    lines = ["### Preserving (every verdict must stay)", "", "| rewrite | what it does |", "| --- | --- |"]
    lines += [f"| `{t.name}` | {t.doc} |" for t in sorted(PRESERVING.values(), key=lambda t: t.name)]
    lines += ["", "### Breaking (exactly these rules must fail, with these finding kinds)", "",
              "| rewrite | must fail | what it does |", "| --- | --- | --- |"]
    lines += [f"| `{t.name}` | {', '.join(f'{r} `{k}`' for r, k in t.flips.items())} | {t.doc} |"
              for t in sorted(BREAKING.values(), key=lambda t: t.name)]
    return "\n".join(lines) + "\n"
