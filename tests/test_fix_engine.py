"""The fix engine: conflicts, the re-check that refuses a fix, and what writing may never do
(leave the app root, follow a link, overwrite, clobber a file changed since the check, lose
its mode, leave a temporary file behind)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from helpers import copy_fixture, validate_sarif
from sop_check.cli import main
from sop_check.fixes import Applicability, Edit, Fix
from sop_check.fixing.apply import EditOverlap, apply_edits, choose, edits_by_file
from sop_check.fixing.recipe import Draft, FixRecipe
from sop_check.fixing.write import WriteRefused, check_target, write_fixed
from sop_check.registry import all_rules

COMPONENT = "components/InteractiveAvatar.tsx"


def run(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", *args], env={"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def outcomes(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f"{o['rule']} {o['kind']}", o["status"], o["reason"]) for o in report["fixes"]]


# -- conflicts ------------------------------------------------------------------------------------
def _fix(*edits: Edit) -> Fix:
    return Fix("t", Applicability.SAFE, edits)


def test_overlapping_fixes_wait_identical_edits_are_one_and_insertions_at_one_point_both_go() -> None:
    a = _fix(Edit("f.ts", 2, 5, "X"))
    b = _fix(Edit("f.ts", 4, 6, "Y"))  # overlaps a
    same = _fix(Edit("f.ts", 2, 5, "X"))  # a again (TAV001 and TAV002 create one route)
    at_two = _fix(Edit("f.ts", 2, 2, "<"))  # an insertion where a starts: no overlap
    other_file = _fix(Edit("g.ts", 4, 6, "Z"))
    taken, waiting = choose([a, b, same, at_two, other_file])
    assert (taken, waiting) == ([0, 2, 3, 4], [1])
    merged = edits_by_file([a, same, at_two])
    assert merged == {"f.ts": [Edit("f.ts", 2, 5, "X"), Edit("f.ts", 2, 2, "<")]}
    assert apply_edits(b"0123456789", merged["f.ts"]) == b"01<X56789"
    assert apply_edits(b"abc", [Edit("f", 1, 1, "1"), Edit("f", 1, 1, "2")]) == b"a12bc"
    with pytest.raises(EditOverlap):
        apply_edits(b"0123456789", [Edit("f", 1, 4, ""), Edit("f", 3, 5, "")])


# -- the re-check refuses what does not work --------------------------------------------------------
@pytest.fixture
def keepalive_recipe(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Replace TAV004's recipe for one test: `make` decides the edits."""
    rule = all_rules()["TAV004"]
    holder: dict[str, Any] = {}

    def make(ctx: Any, finding: Any) -> Draft | None:
        result: Draft | None = holder["make"](ctx, finding)
        return result

    monkeypatch.setattr(rule, "fixes", {"no-keepalive": FixRecipe(Applicability.SAFE, "test fix", make)})
    yield holder


def _offset(project: Path, needle: bytes) -> int:
    data = (project / COMPONENT).read_bytes()
    assert data.count(needle) == 1
    return data.index(needle)


@pytest.mark.parametrize("case, edit, reason", [
    ("does nothing useful", lambda p: [Edit(COMPONENT, 0, 0, "// hello\n")], "the re-check still reports the finding"),
    ("breaks the syntax", lambda p: [Edit(COMPONENT, _offset(p, b"window.addEventListener"),
                                          _offset(p, b"window.addEventListener"), "((( ")], "would not parse"),
    ("makes TAV003 worse", lambda p: [Edit(COMPONENT, 0, 0, ""),
                                      Edit(COMPONENT, _offset(p, b"return () => window.remove"),
                                           _offset(p, b"return () => window.remove") + len(
                                               b"return () => window.removeEventListener('beforeunload', "
                                               b"handleBeforeUnload);"), "")],
     "TAV003 would go from pass to fail"),
])
def test_a_fix_that_does_not_fix_or_makes_things_worse_is_not_applied(case: str, edit: Any, reason: str,
                                                                     keepalive_recipe: Any, tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    if case == "makes TAV003 worse":  # a fix that does turn keepalive on, and takes the cleanup away
        project = copy_fixture("keepalive-false", tmp_path / "false")
        edit = _worse(edit)
    keepalive_recipe["make"] = lambda ctx, finding: Draft(tuple(edit(project)))
    before = (project / COMPONENT).read_bytes()
    code, report = run(project, "--fix")
    [(site, status, why)] = outcomes(report)
    assert (site, status) == ("TAV004 no-keepalive", "not-applied") and reason in why, case
    assert (project / COMPONENT).read_bytes() == before
    assert code == 1
    text = CliRunner().invoke(main, ["check", str(project), "--fix"], env={"CI": ""}).stdout
    assert f"fix not applied: {COMPONENT}:22:7 TAV004 no-keepalive: test fix (safe): " in text


def _worse(edit: Any) -> Any:
    """The keepalive: false turned into true (a real fix), and the cleanup removed (the harm)."""
    def edits(p: Path) -> list[Edit]:
        at = _offset(p, b"keepalive: false")
        cleanup = edit(p)[1]
        return [Edit(COMPONENT, at + len("keepalive: "), at + len("keepalive: false"), "true"), cleanup]
    return edits


def test_a_recipe_that_raises_gives_no_fix_and_a_diagnostic_not_a_crash(keepalive_recipe: Any, tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    keepalive_recipe["make"] = lambda ctx, finding: 1 / 0
    code, report = run(project)
    [finding] = [f for a in report["apps"] for r in a["results"] for f in r["findings"]]
    assert finding["fix"] is None and code == 1
    assert any("no fix offered for TAV004 no-keepalive: the fix failed (division by zero)" in d["message"]
               for d in report["diagnostics"])


@pytest.mark.parametrize("refuse", [False, True], ids=["fixed", "refused"])
def test_every_format_says_after_fix_what_was_fixed_and_what_was_not(refuse: bool, keepalive_recipe: Any,
                                                                     tmp_path: Path) -> None:
    """Issue 15: "after fixing, the report shows what was fixed and what remains" in every format
    that has a place for it (JSON `fixes` and text are pinned above); the exit code is what remains."""

    where = f"{COMPONENT}:22:7 TAV004 no-keepalive: test fix (safe)"
    if refuse:
        keepalive_recipe["make"] = lambda ctx, finding: Draft((Edit(COMPONENT, 0, 0, "// hello\n"),))
        note, level, kind = f"fix not applied: {where}: the re-check still reports the finding", "warning", "warning"
    else:
        from sop_check_rules.tav004_unload_keepalive import _add_keepalive

        keepalive_recipe["make"] = _add_keepalive  # the rule's own fix, under the test's title
        note, level, kind = f"fixed: {where}", "note", "notice"
    for fmt in ("sarif", "github", "markdown", "junit"):
        project = copy_fixture("keepalive-missing", tmp_path / fmt)
        result = CliRunner().invoke(main, ["check", str(project), "--fix", "--format", fmt], env={"CI": ""})
        assert result.exit_code == (1 if refuse else 0), fmt  # what remains decides
        out = result.stdout
        if fmt == "sarif":
            sarif = json.loads(out)
            validate_sarif(sarif)
            [notification] = [n for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
                              if n["descriptor"]["id"].startswith("fix/")]
            assert (notification["level"], notification["message"]["text"]) == (level, note)
            assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == (["TAV004"] if refuse else [])
        elif fmt == "github":
            assert f"::{kind} file={COMPONENT},line=22,col=7,title=TAV004 no-keepalive::{note}" in out
        elif fmt == "markdown":
            assert f"### Fixes\n\n- {note}\n" in out
        else:
            name = "fix.not-applied" if refuse else "fix.applied"
            assert f'<property name="{name}" value="{note}" />' in out


@pytest.mark.parametrize("path", ["../outside.ts", "/etc/passwd", "components/../../x.ts", "a\\b.ts"])
def test_an_edit_outside_the_app_is_never_offered(path: str, keepalive_recipe: Any, tmp_path: Path) -> None:
    project = copy_fixture("keepalive-missing", tmp_path)
    keepalive_recipe["make"] = lambda ctx, finding: Draft((Edit(path, 0, 0, "x"),))
    _, report = run(project, "--fix")
    assert [f["fix"] for a in report["apps"] for r in a["results"] for f in r["findings"]] == [None]
    assert report["fixes"] == []


# -- writing ----------------------------------------------------------------------------------------
def test_the_route_is_not_created_through_a_symbolic_link(tmp_path: Path) -> None:
    project = copy_fixture("no-end-route", tmp_path / "p")
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "app/api").symlink_to(outside, target_is_directory=True)
    code, report = run(project, "--fix")
    assert list(outside.iterdir()) == []
    assert {status for _, status, _ in outcomes(report)} == {"not-applied"}
    assert all("symbolic link" in why for _, _, why in outcomes(report))
    assert code == 1


def test_check_target_refuses_what_a_hostile_tree_or_config_could_aim_at(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "node_modules").mkdir(parents=True)
    (app / "file.ts").write_text("x")
    for bad, why in [(tmp_path / "other.ts", "outside the app root"), (app / ".." / "x.ts", "outside the app root"),
                     (app / ".git" / "hooks" / "pre-commit", "inside .git/"),
                     (app / "node_modules" / "next" / "x.js", "inside node_modules/"),
                     (app / "file.ts" / "x.ts", "is not a folder")]:
        with pytest.raises(WriteRefused, match=why.replace(".", r"\.")):
            check_target(app, bad)
    check_target(app, app / "new" / "route.ts")  # to be created: fine


def test_a_rewrite_is_atomic_keeps_the_mode_and_refuses_a_file_changed_since_the_check(tmp_path: Path) -> None:
    target = tmp_path / "a.ts"
    target.write_bytes(b"one\n")
    os.chmod(target, 0o640)
    with pytest.raises(WriteRefused, match="changed since it was checked"):
        write_fixed(tmp_path, target, b"something else\n", b"two\n")
    assert target.read_bytes() == b"one\n"
    write_fixed(tmp_path, target, b"one\n", b"two\n")
    assert target.read_bytes() == b"two\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ts"]  # no temporary file left
    with pytest.raises(WriteRefused, match="never overwrites"):
        write_fixed(tmp_path, target, None, b"three\n")
    write_fixed(tmp_path, tmp_path / "new" / "b.ts", None, b"created\n")
    assert (tmp_path / "new" / "b.ts").read_bytes() == b"created\n"


def test_a_file_edited_between_the_plan_and_the_write_is_left_alone(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import sop_check.fixing.run as fix_run

    project = copy_fixture("keepalive-missing", tmp_path)
    real = fix_run.write_plan

    def edit_first(plan: Any) -> list[str]:
        (project / COMPONENT).write_text("// rewritten by the user meanwhile\n")
        return real(plan)

    monkeypatch.setattr(fix_run, "write_plan", edit_first)
    _, report = run(project, "--fix")
    [(_, status, why)] = outcomes(report)
    assert status == "not-applied" and "changed since it was checked" in why
    assert (project / COMPONENT).read_text() == "// rewritten by the user meanwhile\n"


def test_two_fixes_of_one_file_go_in_one_run(tmp_path: Path) -> None:
    """A keepalive fix and a cleanup fix in the same component: both kept, one write."""
    project = copy_fixture("keepalive-missing", tmp_path)
    target = project / COMPONENT
    target.write_text(target.read_text().replace(
        "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n", ""))
    code, report = run(project, "--fix")
    assert sorted(site for site, status, _ in outcomes(report) if status == "applied") == [
        "TAV003 never-removed", "TAV004 no-keepalive"]
    _, after = run(project)
    assert {r["rule"]: r["status"] for a in after["apps"] for r in a["results"]}["TAV003"] == "pass"
    assert code == 0
