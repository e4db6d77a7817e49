"""The language server's engine side, without a client: buffers over the disk, which app an edit
belongs to, what the editor run does differently from `check` (and nothing else), cancellation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sop_check.engine import run_check
from sop_check.lsp.checker import AppCheck, AppChecker, AppTarget, Snapshot
from sop_check.model import Finding, Status
from sop_check.overlay import CheckCancelled
from sop_check.run import CheckRequest, RunSetupError, plan_run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tavus-avatar-app"
FIXTURES = ROOT / "fixtures"
COMPONENT = "components/InteractiveAvatar.tsx"
ROUTE = "app/api/tavus/end/route.ts"
RENAMES = {"env.local.fixture": ".env.local", "env.fixture": ".env"}


def _copy(src: Path, dst: Path, git: bool = False) -> Path:
    shutil.copytree(src, dst)
    for fixture_name, real in RENAMES.items():
        for p in list(dst.rglob(fixture_name)):
            p.rename(p.with_name(real))
    (dst / "expected.toml").unlink(missing_ok=True)
    if git:
        for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
            subprocess.run(["git", *args], cwd=dst, check=True)
    return dst.resolve()


def _statuses(check: AppCheck) -> dict[str, Status]:
    app = check.app_report()
    assert app is not None
    return {r.rule: r.status for r in app.results}


def _findings(check: AppCheck, rule: str) -> list[tuple[str, int]]:
    app = check.app_report()
    assert app is not None
    return [(f.location.path, f.location.line) for r in app.results if r.rule == rule for f in r.findings]


@pytest.fixture()
def example(tmp_path: Path) -> Path:
    return _copy(EXAMPLE, tmp_path / "app")


def test_an_unsaved_buffer_wins_over_the_disk(example: Path) -> None:
    checker = AppChecker({})
    component = example / COMPONENT
    target = checker.app_of(component)
    assert target == AppTarget(example)
    assert _statuses(checker.check(target, Snapshot()))["TAV004"] is Status.PASS
    broken = component.read_bytes().replace(b"keepalive: true,", b"keepalive: false,")
    check = checker.check(target, Snapshot({component: broken}, {component: 2}))
    assert _statuses(check)["TAV004"] is Status.FAIL
    assert _findings(check, "TAV004") == [(COMPONENT, 27)]
    assert b"keepalive: true," in component.read_bytes()  # nothing written


@pytest.mark.parametrize("git", [False, True], ids=["walk", "git"])
def test_a_file_not_saved_yet_is_a_file_of_its_app(tmp_path: Path, git: bool) -> None:
    example = _copy(EXAMPLE, tmp_path / "app", git=git)
    route = example / ROUTE
    text = route.read_bytes()
    route.unlink()
    checker = AppChecker({})
    target = checker.app_of(example / COMPONENT)
    assert target is not None
    assert _statuses(checker.check(target, Snapshot()))["TAV001"] is Status.FAIL
    assert _statuses(checker.check(target, Snapshot({route: text})))["TAV001"] is Status.PASS


def test_git_s_word_search_follows_the_buffers(tmp_path: Path) -> None:
    """Whether an app uses Tavus comes from git grep inside a repository: it reads the disk, so an
    edit that adds (or removes) the only mention must decide by the buffer."""
    files = {"package.json": '{"dependencies": {"next": "15.0.0"}}',
             "app/page.tsx": "export default function Page() { return <main />; }\n"}
    root = tmp_path / "plain"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    root = _copy(root, tmp_path / "repo", git=True)
    page = root / "app/page.tsx"
    checker = AppChecker({})
    target = checker.app_of(page)
    assert target is not None
    assert set(_statuses(checker.check(target, Snapshot())).values()) == {Status.SKIP}
    mention = b"export default function Page() { fetch('https://tavusapi.com/v2/conversations'); return <main />; }\n"
    using = checker.check(target, Snapshot({page: mention}))
    assert _statuses(using)["TAV001"] is Status.FAIL  # now it uses Tavus: the SOP applies
    # And the other way: the disk mentions Tavus, the buffer no longer does.
    page.write_bytes(mention)
    assert _statuses(checker.check(target, Snapshot()))["TAV001"] is Status.FAIL  # untracked change: read
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "tavus"], cwd=root, check=True)
    quiet = checker.check(target, Snapshot({page: files["app/page.tsx"].encode()}))
    assert set(_statuses(quiet).values()) == {Status.SKIP}


def test_a_superseded_run_stops_at_its_next_read(example: Path) -> None:
    checker = AppChecker({})
    target = checker.app_of(example / COMPONENT)
    assert target is not None
    with pytest.raises(CheckCancelled):
        checker.check(target, Snapshot(), should_stop=lambda: True)


def test_which_app_an_edit_belongs_to(tmp_path: Path) -> None:
    mono = _copy(FIXTURES / "monorepo", tmp_path / "mono", git=True)
    checker = AppChecker({})
    web = mono / "apps/web"
    assert checker.app_of(web / "components/InteractiveAvatar.tsx") == AppTarget(web)
    assert checker.app_of(web / "package.json") == AppTarget(web)
    assert checker.app_of(mono / "apps/docs/app/page.tsx") == AppTarget(mono / "apps/docs")
    assert checker.app_of(mono / "packages/ui/src/index.tsx") is None  # a workspace package, no app
    assert checker.app_of(web / "node_modules/x/index.js") is None
    (mono / "sop-check.toml").write_text('apps = ["apps/docs"]\n')
    assert checker.app_of(mono / "apps/docs/app/page.tsx") == AppTarget(mono / "apps/docs", explicit=True)
    assert checker.app_of(web / "components/InteractiveAvatar.tsx") is None  # the config names the apps


def test_the_editor_run_is_not_a_ci_run(example: Path) -> None:
    """`CI` in the editor's environment must not make TAV006 ask for CI secrets: locally, a
    missing .env.local is a finding (as `check` says on a developer's machine), shown at the
    committed template, a file the editor can open."""
    checker = AppChecker({"CI": "true"})
    target = checker.app_of(example / COMPONENT)
    assert target is not None
    check = checker.check(target, Snapshot())
    assert _statuses(check)["TAV006"] is Status.FAIL
    assert {path for path, _ in _findings(check, "TAV006")} == {".env.example"}


def test_a_keystroke_never_calls_vercel(example: Path) -> None:
    """Config asks for the Vercel check and a token is in the environment: the server still does
    not call the API (the fake endpoint on loopback would answer; it is never asked)."""
    (example / "sop-check.toml").write_text('[vercel]\nenabled = true\nproject = "prj_abc"\n')
    env = {"VERCEL_TOKEN": "t" * 24, "SOP_CHECK_TEST_VERCEL_API": "http://127.0.0.1:9"}
    opts = plan_run(CheckRequest(path=example), dict(env))
    assert opts.settings.vercel is True  # what `check` would do with this config
    assert next(r for a in run_check(example, opts).apps for r in a.results if r.rule == "TAV007").status \
        is Status.UNKNOWN  # it tried (nothing listens on port 9)
    checker = AppChecker(env)
    target = checker.app_of(example / COMPONENT)
    assert target is not None
    assert _statuses(checker.check(target, Snapshot()))["TAV007"] is Status.SKIP


def test_a_bad_config_is_reported_not_raised_as_a_crash(example: Path) -> None:
    (example / "sop-check.toml").write_text("select = 3\n")
    checker = AppChecker({})
    target = checker.app_of(example / COMPONENT)
    assert target == AppTarget(example)
    with pytest.raises(RunSetupError, match="config error"):
        checker.check(target, Snapshot())


FIXTURE_NAMES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_the_editor_sees_what_the_gate_sees(name: str, tmp_path: Path) -> None:
    """On every fixture, each app checked from one of its files in the editor gets the verdicts and
    findings `check` gives it from the repository root (TAV007 aside: the editor never calls Vercel)."""
    root = _copy(FIXTURES / name, tmp_path / name, git=True)
    gate = run_check(root, plan_run(CheckRequest(path=root), {}))
    checker = AppChecker({})
    for app in gate.apps:
        folder = root / app.root
        target = checker.app_of(folder / "package.json")
        if target is None:  # the editor checks Next.js apps only
            assert any(r.status is Status.UNKNOWN and "not a Next.js app" in r.message for r in app.results) \
                or app.skipped_reason, f"{name}: {app.root} is checked by the gate but not in the editor"
            continue
        editor = checker.check(target, Snapshot()).app_report()
        assert editor is not None and editor.root == app.root

        def seen(results: list) -> list:  # type: ignore[type-arg]
            return [(r.rule, r.status, r.message, [(f.location, f.message) for f in r.findings])
                    for r in results if r.rule != "TAV007"]
        assert seen(editor.results) == seen(app.results), name


def test_findings_carry_the_places_that_explain_them(example: Path) -> None:
    """TAV004's request points at the listener that sends it; TAV003's wrong method at the route
    that serves POST (the editor shows them as related information)."""
    checker = AppChecker({})
    component = example / COMPONENT
    target = checker.app_of(component)
    assert target is not None
    text = component.read_text(encoding="utf-8")
    listener_line = text[:text.index("window.addEventListener('beforeunload'")].count("\n") + 1
    broken = text.replace("keepalive: true,", "keepalive: false,")
    app = checker.check(target, Snapshot({component: broken.encode()})).app_report()
    assert app is not None
    (finding,) = [f for r in app.results if r.rule == "TAV004" for f in r.findings]
    assert [(e.location.path, e.location.line, e.message) for e in finding.related] == \
        [(COMPONENT, listener_line, "the beforeunload listener that sends it")]
    unload = text.index("fetch('/api/tavus/end'", text.index("handleBeforeUnload"))
    get = text[:unload] + text[unload:].replace("                method: 'POST',\n", "", 1)
    app = checker.check(target, Snapshot({component: get.encode()})).app_report()
    assert app is not None
    (finding,) = [f for r in app.results if r.rule == "TAV003" for f in r.findings]
    assert finding.kind == "method-not-served"  # a GET to the POST-only route: Next.js answers 405
    assert [(e.location.path, e.location.line) for e in finding.related] == [(ROUTE, 1)]


# -- fixes proved as `check --fix` proves them, over the buffers --------------------------------------
def _fixable(check: AppCheck, rule: str) -> Finding:
    app = check.app_report()
    assert app is not None
    (finding,) = [f for r in app.results if r.rule == rule for f in r.findings]
    assert finding.fix is not None
    return finding


def test_a_real_fix_is_proved_over_the_unsaved_buffer_and_nothing_is_written(example: Path) -> None:
    checker = AppChecker({})
    component = example / COMPONENT
    on_disk = component.read_bytes()
    # Lines the disk does not have: the fix's offsets are the buffer's, and so must be its proof.
    broken = b"// 1\n// 2\n// 3\n" + on_disk.replace(b"keepalive: true,", b"keepalive: false,")
    check = checker.check(AppTarget(example), Snapshot({component: broken}, {component: 4}))
    finding = _fixable(check, "TAV004")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert broken[edit.start:edit.end] == b"false" and edit.content == "true"
    assert checker.prove(check, finding) == ""
    assert check.proofs == {id(finding): ""}
    assert component.read_bytes() == on_disk


def test_a_fix_the_re_check_refuses_is_not_proved_and_says_why(example: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sop_check.fixes import Applicability, Edit
    from sop_check.fixing.recipe import Draft, FixRecipe
    from sop_check.registry import all_rules

    def harmful(ctx: object, finding: Finding) -> Draft:  # turns keepalive on and drops the cleanup
        data = broken
        at = data.index(b"false,")
        cleanup = data.index(b"return () => window.removeEventListener")
        end = data.index(b";", cleanup) + 1
        return Draft((Edit(COMPONENT, at, at + len(b"false"), "true"), Edit(COMPONENT, cleanup, end, "")))

    monkeypatch.setattr(all_rules()["TAV004"], "fixes",
                        {"no-keepalive": FixRecipe(Applicability.SAFE, "test fix", harmful)})
    checker = AppChecker({})
    component = example / COMPONENT
    broken = component.read_bytes().replace(b"keepalive: true,", b"keepalive: false,")
    check = checker.check(AppTarget(example), Snapshot({component: broken}, {component: 2}))
    finding = _fixable(check, "TAV004")
    assert "TAV003 would go from pass to fail" in checker.prove(check, finding)
    assert check.proofs[id(finding)].startswith("TAV003 would go from pass to fail")


def test_the_created_end_route_is_proved_over_the_buffers_and_never_over_an_unsaved_one(example: Path) -> None:
    """TAV001's fix creates the route: proved with the new file in memory only. A route the editor
    holds unsaved is a file of the app: no finding, so nothing to create over it."""
    checker = AppChecker({})
    route = example / ROUTE
    text = route.read_bytes()
    route.unlink()
    check = checker.check(AppTarget(example), Snapshot())
    finding = _fixable(check, "TAV001")
    assert finding.fix is not None and [e.path for e in finding.fix.edits] == [ROUTE]
    assert checker.prove(check, finding) == ""
    assert not route.exists()  # proved in memory, nothing written
    held = checker.check(AppTarget(example), Snapshot({route: text}, {route: 1}))
    assert _statuses(held)["TAV001"] is Status.PASS
