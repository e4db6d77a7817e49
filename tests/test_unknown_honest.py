"""Keep `unknown` honest (issue 13): every `unknown` verdict names a value that could decide it.

Over every run the suite makes of a project in-process (each fixture, the bundled example, and
every metamorphic rewrite of the compliant ones), each rule whose status is `unknown` must list at
least one unresolved entry, and each entry must be typed (`sop_check.model.Unresolved`): it points
at a location in the project and carries an `UnknownKind` (sop_check/evaluate/values.py) that
names a value not known. Kinds that state a fact (`missing`: the part is absent; `no-export`: the
module has no such export) decide the verdict and cannot make it unknown. The message text is
never read.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

import pytest

from metamorphic.corpus import EXAMPLE, FIXTURES, META, RENAMES
from metamorphic.runner import Outcome, run
from metamorphic.source import Project, load_project
from sop_check.evaluate.values import UnknownKind
from sop_check.model import Location, RuleResult, Severity, Status, Unresolved
from test_metamorphic import all_outcomes, original

DECIDED = frozenset({UnknownKind.MISSING, UnknownKind.NO_EXPORT})  # facts, not unknown values
FIXTURE_NAMES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml"))


def dishonest(result: RuleResult, project: Project) -> list[str]:
    """What is wrong with an `unknown` result's unresolved list (empty when it is honest)."""
    if result.status is not Status.UNKNOWN:
        return []
    if not result.unresolved:
        return [f"{result.rule}: unknown, but nothing is listed as unresolved"]
    problems = []
    for entry in result.unresolved:
        if not isinstance(entry, Unresolved):
            problems.append(f"{result.rule}: {entry!r} is untyped (no kind, no location)")
            continue
        try:
            kind = UnknownKind(entry.kind)
        except ValueError:
            problems.append(f"{result.rule}: {entry!r} has kind {entry.kind!r}, not an UnknownKind")
            continue
        if kind in DECIDED:
            problems.append(f"{result.rule}: {entry!r} is of kind {kind.value}: a fact that decides the verdict")
        if entry.location is None or not _in_project(entry.location, project):
            problems.append(f"{result.rule}: {entry!r} points at {entry.location}, not at a place in the project")
    return problems


def _in_project(location: Location, project: Project) -> bool:
    path = PurePosixPath(location.path)
    return location.line >= 1 and (str(path) in project.files or str(path) == "." or
                                   any(PurePosixPath(f).is_relative_to(path) for f in project.files))


def _problems(outcome: Outcome, project: Project) -> list[str]:
    return [f"{app}: {p}" for app, r in outcome.results() for p in dishonest(r, project)]


@cache
def _fixture(name: str) -> Outcome:
    return run(load_project(EXAMPLE if name == "example" else FIXTURES / name, RENAMES, META))


@pytest.mark.parametrize("name", [*FIXTURE_NAMES, "example"])
def test_every_unknown_in_the_fixture_runs_names_what_could_decide_it(name: str) -> None:
    outcome = _fixture(name)
    problems = _problems(outcome, outcome.project)
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def test_every_unknown_in_the_metamorphic_runs_names_what_could_decide_it() -> None:
    problems = []
    for label, outcome in all_outcomes():
        problems += [f"{label}: {p}" for p in _problems(outcome, outcome.project)]
    assert not problems, "\n  ".join(problems)


def test_some_runs_are_unknown_so_the_check_checks_something() -> None:
    """The fixture runs hold unknowns (the syntax-error route, the Vite app), typed as required."""
    kinds = {UnknownKind(e.kind) for name in ("end-route-syntax-error", "vite-app-with-tavus")
             for _, r in _fixture(name).results() if r.status is Status.UNKNOWN for e in r.unresolved
             if isinstance(e, Unresolved)}
    assert {UnknownKind.SYNTAX_ERROR, UnknownKind.UNMODELLED} <= kinds


def _result(*entries: str) -> RuleResult:
    return RuleResult("TAV004", "unload-keepalive", Severity.ERROR, Status.UNKNOWN, "could not", unresolved=list(entries))


def test_the_check_refuses_what_names_nothing() -> None:
    project = Project({"a.ts": b"x"})
    here = Location("a.ts", 3)
    assert dishonest(_result(Unresolved("a.ts:3: keepalive (parameter)", kind="parameter", location=here)), project) == []
    assert dishonest(_result(), project) == ["TAV004: unknown, but nothing is listed as unresolved"]
    assert "untyped" in dishonest(_result("a.ts:3: keepalive (parameter)"), project)[0]
    assert "not an UnknownKind" in dishonest(_result(Unresolved("x", kind="vague", location=here)), project)[0]
    assert "a fact" in dishonest(_result(Unresolved("x", kind="missing", location=here)), project)[0]
    assert "not at a place" in dishonest(_result(Unresolved("x", kind="parameter")), project)[0]
    assert "not at a place" in dishonest(_result(Unresolved("x", kind="parameter", location=Location("b.ts"))),
                                         project)[0]
    passing = _result("anything")
    passing.status = Status.PASS
    assert dishonest(passing, project) == []
    assert original("example").files  # the metamorphic corpus is importable from here
