"""Metamorphic tests (issue 13, "how to make it stick"): every compliant project, rewritten without
changing what it does, keeps every verdict; rewritten with one SOP defect, fails exactly the
rules that defect breaks, with the finding kind each must report.

The rewrites are the library in tests/metamorphic/ (tree-sitter byte-range edits, seeded). Each
project is checked in-process; baselines and rewritten projects are computed once per session and
shared with test_unknown_honest.py. A rewrite that does not apply to a project is skipped, and
`test_every_compliant_project_gets_enough_rewrites` counts the ones that do.

Known analyser bugs these rewrites expose are strict expected failures (KNOWN_BUGS): when a fix
lands the test passes, strict xfail turns that into a failure, and the mark must go.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest

import metamorphic  # noqa: F401  (registers every transformation)
from metamorphic.catalogue import BREAKING, PRESERVING, Transformation, compose
from metamorphic.corpus import compliant_names, load
from metamorphic.names import rename_edits
from metamorphic.runner import Outcome, Verdict, run
from metamorphic.source import Edit, Project, apply_edits, of_type

PROJECTS = compliant_names()
COMPOSED = 8  # seeded chains of preserving rewrites per project
CHAIN = 4  # rewrites tried per chain (those that do not apply are skipped)
MIN_PRESERVING = 30
MIN_BREAKING = 12

# ---------------------------------------------------------------------------- known bugs
# None at the moment: a rewrite that exposes an analyser bug is pinned here as
# `(project, rewrite): "what is wrong, and where"` until the fix lands.
KNOWN_BUGS: Mapping[tuple[str, str], str] = {
}


# Breaking rewrites of projects first disguised by a seeded chain (a new rewrite in the catalogue can
# reshuffle the chains: a strict xfail that passes, or a new failure, then names the combination).
DISGUISED_BUGS: Mapping[tuple[str, str], str] = {
}


def _params(names: list[str], extra: Mapping[tuple[str, str], str] | None = None) -> list[object]:
    bugs = {**KNOWN_BUGS, **(extra or {})}
    return [pytest.param(p, n, id=f"{p}:{n}",
                         marks=[pytest.mark.xfail(strict=True, reason=bugs[(p, n)])] if (p, n) in bugs else [])
            for p in PROJECTS for n in names]


# ---------------------------------------------------------------------------- shared work
@cache
def original(name: str) -> Project:
    return load(name)


@cache
def baseline(name: str) -> Outcome:
    return run(original(name))


def _rng(*parts: str) -> random.Random:
    return random.Random("/".join(parts))


@cache
def preserving_rewrite(name: str, rewrite: str) -> Project | None:
    """The project after one preserving rewrite (or a seeded chain: `composed-N`); None if it does not apply."""
    project = original(name)
    if rewrite.startswith("composed-"):
        healthy = [t for t in PRESERVING.values() if (name, t.name) not in KNOWN_BUGS]
        rng = _rng(name, rewrite)
        return compose(rng.sample(healthy, CHAIN), project, rng)
    out = PRESERVING[rewrite](project, _rng(name, rewrite))
    return None if out is None else out.project


@cache
def preserving_outcome(name: str, rewrite: str) -> Outcome | None:
    project = preserving_rewrite(name, rewrite)
    return None if project is None else run(project)


@cache
def disguised(name: str, rewrite: str) -> Project | None:
    """The project after a seeded chain of healthy preserving rewrites, before `rewrite` breaks it:
    a defect must be found whatever shape the correct code around it has (no false pass)."""
    healthy = [t for t in PRESERVING.values() if (name, t.name) not in KNOWN_BUGS]
    rng = _rng(name, "disguised", rewrite)
    return compose(rng.sample(healthy, CHAIN), original(name), rng)


@cache
def breaking_outcome(name: str, rewrite: str, disguise: bool = False) -> tuple[Outcome, Mapping[str, str]] | None:
    t = BREAKING[rewrite]
    start = disguised(name, rewrite) if disguise else original(name)
    if start is None:
        return None
    out = t(start, _rng(name, rewrite))
    if out is None:
        return None
    return run(out.project), (out.flips if out.flips is not None else t.flips)


PRESERVING_IDS = sorted(PRESERVING) + [f"composed-{i}" for i in range(COMPOSED)]


def all_outcomes() -> list[tuple[str, Outcome]]:
    """Every run these tests make (baselines, preserving and breaking rewrites), for test_unknown_honest."""
    out = [(f"{p}", baseline(p)) for p in PROJECTS]
    out += [(f"{p}:{r}", o) for p in PROJECTS for r in PRESERVING_IDS if (o := preserving_outcome(p, r)) is not None]
    out += [(f"{p}:{b}{':disguised' if d else ''}", o[0]) for p in PROJECTS for b in sorted(BREAKING)
            for d in (False, True) if (o := breaking_outcome(p, b, d)) is not None]
    return out


def _describe(changed: Mapping[tuple[str, str], tuple[Verdict | None, Verdict | None]], outcome: Outcome) -> str:
    lines = []
    results = {(app, r.rule): r for app, r in outcome.results()}
    for key, (before, after) in sorted(changed.items()):
        r = results.get(key)
        detail = f": {r.message}; findings={[(f.kind, f.message) for f in r.findings]}; unresolved={r.unresolved}" \
            if r is not None else ""
        lines.append(f"{key[0]} {key[1]}: {before} -> {after}{detail}")
    return "\n  ".join(lines)


def _changes(before: Mapping[tuple[str, str], Verdict], after: Mapping[tuple[str, str], Verdict],
             ) -> dict[tuple[str, str], tuple[Verdict | None, Verdict | None]]:
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


# ---------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("name", PROJECTS)
def test_the_projects_rewritten_are_compliant(name: str) -> None:
    """The starting point: TAV001-TAV005 pass on the project (an app of it), so a preserving rewrite
    that breaks a verdict is a false fail or unknown, and a breaking one has something to break."""
    verdicts = baseline(name).verdicts()
    apps = {app for app, _ in verdicts}
    assert any(all(verdicts[(app, r)][0] == "pass" for r in ("TAV001", "TAV002", "TAV003", "TAV004", "TAV005"))
               for app in apps), verdicts


@pytest.mark.parametrize(("name", "rewrite"), _params(PRESERVING_IDS))
def test_preserving_rewrite_keeps_every_verdict(name: str, rewrite: str) -> None:
    outcome = preserving_outcome(name, rewrite)
    if outcome is None:
        pytest.skip(f"{rewrite} does not apply to {name}")
    changed = _changes(baseline(name).verdicts(), outcome.verdicts())
    project = preserving_rewrite(name, rewrite)
    assert not changed, (f"{rewrite} on {name} ({'; '.join(project.notes) if project else ''}) changed verdicts:\n  "
                         + _describe(changed, outcome))


@pytest.mark.parametrize(("name", "rewrite"), _params(sorted(BREAKING)))
def test_breaking_rewrite_flips_exactly_its_rules(name: str, rewrite: str) -> None:
    _flips_exactly(name, rewrite, disguise=False)


@pytest.mark.parametrize(("name", "rewrite"), _params(sorted(BREAKING), DISGUISED_BUGS))
def test_breaking_rewrite_of_a_rewritten_project_flips_exactly_its_rules(name: str, rewrite: str) -> None:
    """The same defect in a project first rewritten by preserving rewrites: still found, still alone."""
    _flips_exactly(name, rewrite, disguise=True)


def _flips_exactly(name: str, rewrite: str, disguise: bool) -> None:
    found = breaking_outcome(name, rewrite, disguise)
    if found is None:
        pytest.skip(f"{rewrite} does not apply to {name}{' once rewritten' if disguise else ''}")
    outcome, flips = found
    # Kinds as a set: a defect in a listener registered for two events is one finding per event.
    before, after = _kind_sets(baseline(name).verdicts()), _kind_sets(outcome.verdicts())
    apps = {app for (app, rule), (status, _) in before.items() if rule in flips and status == "pass"}
    assert apps, f"{name}: no app where {sorted(flips)} pass before the rewrite"
    expected = {**before, **{(app, rule): ("fail", (kind,)) for app in apps for rule, kind in flips.items()}}
    changed = _changes(expected, after)
    notes = "; ".join(outcome.project.notes)
    assert not changed, (f"{rewrite} on {name}{' rewritten first' if disguise else ''} ({notes}): expected "
                         f"{dict(flips)} to fail and nothing else to change:\n  " + _describe(changed, outcome))


def _kind_sets(verdicts: Mapping[tuple[str, str], Verdict]) -> dict[tuple[str, str], Verdict]:
    return {k: (status, tuple(sorted(set(kinds)))) for k, (status, kinds) in verdicts.items()}


def test_every_compliant_project_gets_enough_rewrites() -> None:
    """Each project gets at least 30 applicable preserving rewrites and a dozen breaking ones."""
    counts = {p: (sum(preserving_rewrite(p, r) is not None for r in PRESERVING_IDS),
                  sum(breaking_outcome(p, b) is not None for b in BREAKING)) for p in PROJECTS}
    short = {p: c for p, c in counts.items() if c[0] < MIN_PRESERVING or c[1] < MIN_BREAKING}
    assert not short, f"too few applicable rewrites (preserving, breaking): {short}"


def test_rewrites_are_deterministic() -> None:
    """The same seed gives the same bytes (a failing case can be replayed)."""
    project = original("app-router-compliant")
    for t in list(PRESERVING.values()) + list(BREAKING.values()):
        first, second = t(project, _rng("x", t.name)), t(project, _rng("x", t.name))
        assert (first is None) == (second is None), t.name
        if first is not None and second is not None:
            assert first.project.files == second.project.files, t.name


@pytest.mark.parametrize("t", list(PRESERVING.values()) + list(BREAKING.values()), ids=lambda t: t.name)
def test_every_transformation_is_documented(t: Transformation) -> None:
    assert len(t.doc) > 20, f"{t.name}: say what the rewrite does and why it keeps (or breaks) the verdicts"
    assert t.preserving or t.flips, f"{t.name}: a breaking rewrite names the rules it must flip"


# ---------------------------------------------------------------------------- the library itself
def _project(text: str, path: str = "a.ts") -> Project:
    return Project({path: text.encode()})


def test_rename_keeps_shorthand_keys_and_export_names() -> None:
    p = _project("const { id } = body;\nconst o = { id };\nfunction f() { return id; }\nexport { f };\n")
    out = p.edited("a.ts", rename_edits(p, "a.ts", "id", "x") + rename_edits(p, "a.ts", "f", "g"))
    assert out.files["a.ts"].decode() == ("const { id: x } = body;\nconst o = { id: x };\n"
                                          "function g() { return x; }\nexport { g as f };\n")


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits(b"abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
    assert apply_edits(b"abc", [Edit(1, 1, "1"), Edit(1, 1, "2")]) == b"a12bc"


def test_a_rewrite_that_breaks_the_syntax_is_an_error_not_a_verdict() -> None:
    """A transformation bug must not pass as an analyser result."""
    def broken(project: Project, rng: random.Random) -> Project:
        """Deletes a closing brace (a deliberately broken rewrite)."""
        return project.edited("a.ts", [Edit(len(project.files["a.ts"]) - 2, len(project.files["a.ts"]) - 1, "")])

    with pytest.raises(AssertionError, match="does not parse"):
        Transformation("broken", True, broken)(_project("function f() {}\n"), random.Random(0))


def test_breaking_sites_are_found_by_the_tree_not_by_text() -> None:
    """`keepalive` in a comment or a string is not the unload request's option."""
    from metamorphic.breaking import drop_keepalive

    text = ("'use client';\nimport { useEffect } from 'react';\nexport default function A() {\n"
            "  useEffect(() => {\n    const h = () => { fetch('/api/tavus/end', { method: 'POST', keepalive: true }); };\n"
            "    // keepalive: true is needed\n    window.addEventListener('beforeunload', h);\n"
            "    return () => window.removeEventListener('beforeunload', h);\n  }, []);\n  return null;\n}\n")
    out = drop_keepalive(_project(text, "c.tsx"), random.Random(0))
    assert out is not None
    result = out.files["c.tsx"].decode()
    assert "{ method: 'POST' }" in result and "// keepalive: true is needed" in result
    assert len(of_type(out.root("c.tsx"), "pair")) == 1


def test_the_catalogue_in_the_readme_is_current(update_golden: bool) -> None:
    from metamorphic.catalogue import markdown

    readme = Path(__file__).parent / "metamorphic" / "README.md"
    head, marker, _ = readme.read_text(encoding="utf-8").partition("## Catalogue\n\n")
    assert marker, "tests/metamorphic/README.md lost its '## Catalogue' heading"
    if update_golden:
        readme.write_text(head + marker + markdown(), encoding="utf-8")
        return
    assert head + marker + markdown() == readme.read_text(encoding="utf-8"), \
        "the catalogue changed: rerun with --update-golden and review the diff"


@pytest.mark.parametrize("name", ["app-router-compliant", "example"])
def test_a_route_serving_only_get_fails_the_clients_that_post_to_it(name: str) -> None:
    found = breaking_outcome(name, "route-serves-get")
    assert found is not None
    verdicts = found[0].verdicts()
    assert verdicts[(".", "TAV003")][0] == "fail" and verdicts[(".", "TAV005")][0] == "fail", verdicts
