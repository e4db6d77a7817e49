"""Reports as LSP data: positions in every encoding, diagnostics (severity, unknown, related
locations, documentation link, suppressions, clean messages), code actions and hovers from
fixes, and the scheduler that debounces and supersedes runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from sop_check.fixes import Applicability, Edit, Fix
from sop_check.lsp.actions import ActionBuilder
from sop_check.lsp.checker import AppCheck, AppTarget, Snapshot
from sop_check.lsp.diagnostics import Published, diagnostics_by_file
from sop_check.lsp.positions import UTF8, UTF16, UTF32, Lines, byte_position
from sop_check.lsp.scheduler import RunScheduler, Token
from sop_check.model import (AppReport, Diagnostic, Evidence, Finding, Location, Report, RuleInfo, RuleResult,
                             Severity, Status, Suppression)
from sop_check.overlay import digest
from sop_check.textpos import location_from_bytes

def _finding(message: str, location: Location, **kw: object) -> Finding:
    return Finding(rule="TAV004", kind="no-keepalive", message=message, location=location, **kw)  # type: ignore[arg-type]


# -- positions ---------------------------------------------------------------------------------
TEXT = "const a = '😀é'; fetch(x)\r\nnext\n"


@pytest.mark.parametrize(("encoding", "column"), [(UTF16, 17), (UTF8, 20), (UTF32, 16)])
def test_a_column_after_wide_characters_in_each_encoding(encoding: str, column: int) -> None:
    data = TEXT.encode()
    at = data.index(b"fetch")
    loc = location_from_bytes(data, "f.ts", at, at + len(b"fetch(x)"))
    (start, end) = Lines(TEXT).range_of(loc, encoding)
    assert start == (0, column)
    assert end == (0, column + 8)
    assert byte_position(data, at, encoding) == (0, column)


def test_a_point_location_underlines_the_rest_of_its_line() -> None:
    assert Lines("KEY=1\r\nOTHER=2\n").range_of(Location(".env.local", 1, 1), UTF16) == ((0, 0), (0, 5))
    assert Lines(None).range_of(Location("gone.ts", 3, 4), UTF16) == ((2, 3), (2, 3))
    assert Lines("").range_of(Location("empty.ts", 1, 1), UTF16) == ((0, 0), (0, 0))


# -- diagnostics -------------------------------------------------------------------------------
HELP = "https://example.test/docs/rules.md#tav004"


def _check(tmp_path: Path, results: list[RuleResult], *, buffers: dict[str, str] | None = None,
           diagnostics: list[Diagnostic] | None = None, unused: list[Finding] | None = None) -> AppCheck:
    root = tmp_path.resolve()
    (root / "components").mkdir(exist_ok=True)
    (root / "components/A.tsx").write_text("line one\nfetch('/api/tavus/end', {})\n")
    (root / "package.json").write_text("{}\n")
    report = Report(tool_version="t", pack_version="p", sop_version="s", repo_root=str(root), scanned_path=".",
                    config_path=None,
                    rules=[RuleInfo("TAV004", "unload-keepalive", "s", Severity.ERROR, "", help_uri=HELP)],
                    apps=[AppReport(root=".", uses_tavus=True, results=results)],
                    diagnostics=diagnostics or [], unused_suppressions=unused or [])
    snap = Snapshot({root / k: v.encode() for k, v in (buffers or {}).items()},
                    {root / k: 7 for k in (buffers or {})})
    return AppCheck(target=AppTarget(root), report=report, snapshot=snap, read_digests={})


def _by_file(check: AppCheck, encoding: str = UTF16) -> dict[Path, list[Published]]:
    return diagnostics_by_file(check, encoding, lambda p: p.as_uri())


def _result(status: Status, findings: list[Finding], **kw: object) -> RuleResult:
    return RuleResult("TAV004", "unload-keepalive", Severity.ERROR, status, "the message", findings, **kw)  # type: ignore[arg-type]


def test_a_failing_finding_is_an_error_linked_to_its_rule_with_the_fix_hint(tmp_path: Path) -> None:
    f = _finding("no keepalive\u202e here", Location("components/A.tsx", 2, 1, 2, 28), hint="add it")
    check = _check(tmp_path, [_result(Status.FAIL, [f])])
    (entry,) = _by_file(check)[check.repo_root / "components/A.tsx"]
    d = entry.diagnostic
    assert (d.severity, d.code, d.source) == (types.DiagnosticSeverity.Error, "TAV004", "sop-check")
    assert d.code_description is not None and d.code_description.href == HELP
    assert d.range == types.Range(types.Position(1, 0), types.Position(1, 27))
    assert d.message == "no keepalive\\u202e here\nfix: add it"  # a bidi override never reaches the editor raw
    assert entry.finding is f


def test_a_warning_rule_gives_warnings_and_suppressed_findings_are_not_shown(tmp_path: Path) -> None:
    shown = _finding("shown", Location("components/A.tsx", 1, 1))
    hidden = _finding("hidden", Location("components/A.tsx", 2, 1),
                     suppression=Suppression("inline", "tested elsewhere"))
    result = _result(Status.FAIL, [shown, hidden])
    result.severity = Severity.WARNING
    entries = _by_file(_check(tmp_path, [result]))[tmp_path.resolve() / "components/A.tsx"]
    assert [(e.diagnostic.message, e.diagnostic.severity) for e in entries] == \
        [("shown", types.DiagnosticSeverity.Warning)]


def test_unknown_is_a_warning_at_the_file_its_unresolved_item_names(tmp_path: Path) -> None:
    result = _result(Status.UNKNOWN, [], unresolved=["components/A.tsx:2:1: the method of the unload request",
                                                     "something with no place"])
    by_file = _by_file(_check(tmp_path, [result]))
    (entry,) = by_file[tmp_path.resolve() / "components/A.tsx"]
    assert entry.diagnostic.severity == types.DiagnosticSeverity.Warning
    assert entry.diagnostic.message.startswith("could not verify: the message (components/A.tsx:2:1: the method")
    assert entry.diagnostic.range.start == types.Position(1, 0)
    # Without a place it names, the app's package.json (as SARIF anchors it).
    nowhere = _by_file(_check(tmp_path, [_result(Status.UNKNOWN, [], unresolved=["a value from the network"])]))
    assert list(nowhere) == [tmp_path.resolve() / "package.json"]


def test_a_crashed_rule_is_an_error_at_package_json(tmp_path: Path) -> None:
    by_file = _by_file(_check(tmp_path, [_result(Status.ERROR, [])]))
    (entry,) = by_file[tmp_path.resolve() / "package.json"]
    assert entry.diagnostic.severity == types.DiagnosticSeverity.Error
    assert entry.diagnostic.message == "rule failed to run: the message"


def test_related_locations_and_evidence_become_related_information(tmp_path: Path) -> None:
    here = Location("components/A.tsx", 2, 1, 2, 28)
    f = _finding("m", here, related=(Evidence("the route it calls", Location("package.json", 1, 1)),))
    result = _result(Status.FAIL, [f], evidence=[Evidence("same place", here),
                                                  Evidence("the listener", Location("components/A.tsx", 1, 1, 1, 5))])
    (entry,) = _by_file(_check(tmp_path, [result]))[tmp_path.resolve() / "components/A.tsx"]
    related = entry.diagnostic.related_information or []
    assert [(r.message, r.location.uri.rsplit("/", 1)[-1], r.location.range.start.line) for r in related] == \
        [("the route it calls", "package.json", 0), ("the listener", "A.tsx", 0)]


def test_positions_come_from_the_buffer_the_run_checked(tmp_path: Path) -> None:
    """The disk's line 2 is ASCII; the buffer's has an emoji before the finding: UTF-16 counts 2."""
    buffer = "line one\n'😀'; fetch('/api/tavus/end', {})\n"
    data = buffer.encode()
    loc = location_from_bytes(data, "components/A.tsx", data.index(b"fetch"))
    check = _check(tmp_path, [_result(Status.FAIL, [_finding("m", loc)])],
                   buffers={"components/A.tsx": buffer})
    for encoding, column in ((UTF16, 6), (UTF8, 8), (UTF32, 5)):
        (entry,) = _by_file(check, encoding)[check.repo_root / "components/A.tsx"]
        assert entry.diagnostic.range.start == types.Position(1, column)


def test_unused_suppressions_are_greyed_hints_and_input_problems_are_information(tmp_path: Path) -> None:
    unused = _finding("unused suppression: it matches no finding", Location("components/A.tsx", 1, 1))
    problem = Diagnostic("components/A.tsx", "syntax error at line 2, column 1", "warning")
    outside = Diagnostic("../elsewhere/B.tsx", "not ours")
    entries = _by_file(_check(tmp_path, [], unused=[unused], diagnostics=[problem, outside]))
    assert list(entries) == [tmp_path.resolve() / "components/A.tsx"]
    hint, info = entries[tmp_path.resolve() / "components/A.tsx"]
    assert hint.diagnostic.severity == types.DiagnosticSeverity.Hint
    assert hint.diagnostic.tags == [types.DiagnosticTag.Unnecessary]
    assert info.diagnostic.severity == types.DiagnosticSeverity.Information
    assert info.diagnostic.code is None


# -- code actions and hovers -------------------------------------------------------------------
def _published(check: AppCheck, fix: Fix | None, proof: str | None = "") -> Published:
    """A diagnostic with its finding; `proof`: the re-check's verdict on its fix ('' kept, a reason
    refused, None not proved yet), which the server fills before it asks for actions."""
    f = _finding("m", Location("components/A.tsx", 2, 1), fix=fix)
    d = types.Diagnostic(range=types.Range(types.Position(1, 0), types.Position(1, 5)), message="m")
    if proof is not None:
        check.proofs[id(f)] = proof
    return Published(check.repo_root / "components/A.tsx", d, f)


def _builder(check: AppCheck, versions: dict[Path, int] | None = None, document_changes: bool = True) -> ActionBuilder:
    return ActionBuilder(check, UTF16, lambda p: p.as_uri(), lambda p: (versions or {}).get(p), document_changes)


def _fix(applicability: Applicability, *edits: Edit) -> Fix:
    return Fix("add keepalive", applicability, edits or (Edit("components/A.tsx", 9, 9, "X"),))


def test_a_safe_fix_on_a_buffer_is_a_preferred_versioned_quick_fix(tmp_path: Path) -> None:
    check = _check(tmp_path, [], buffers={"components/A.tsx": "line one\n😀fetch()\n"})
    path = check.repo_root / "components/A.tsx"
    edit = Edit("components/A.tsx", len("line one\n😀".encode()), len("line one\n😀fetch".encode()), "go")
    (action,) = _builder(check, {path: 7}).code_actions([_published(check, _fix(Applicability.SAFE, edit))])
    assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
    assert action.title == "add keepalive (TAV004)"
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 7
    assert change.edits == [types.TextEdit(types.Range(types.Position(1, 2), types.Position(1, 7)), "go")]


def test_a_stale_buffer_gets_no_action(tmp_path: Path) -> None:
    check = _check(tmp_path, [], buffers={"components/A.tsx": "line one\n"})
    path = check.repo_root / "components/A.tsx"
    assert _builder(check, {path: 8}).code_actions([_published(check, _fix(Applicability.SAFE))]) == []


def test_an_unsafe_fix_says_so_and_is_not_preferred(tmp_path: Path) -> None:
    check = _check(tmp_path, [], buffers={"components/A.tsx": "line one\nfetch()\n"})
    path = check.repo_root / "components/A.tsx"
    (action,) = _builder(check, {path: 7}).code_actions([_published(check, _fix(Applicability.UNSAFE))])
    assert action.title.endswith("[unsafe: may change behaviour]") and not action.is_preferred


def test_a_closed_file_is_edited_only_if_the_disk_still_holds_what_was_checked(tmp_path: Path) -> None:
    check = _check(tmp_path, [])
    path = check.repo_root / "components/A.tsx"
    published = _published(check, _fix(Applicability.SAFE))
    assert _builder(check).code_actions([published]) == []  # never read by the run: offsets unknown
    check.read_digests[path] = digest(path.read_bytes())
    (action,) = _builder(check).code_actions([published])
    assert action.edit is not None and action.edit.document_changes is not None
    change = action.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version is None
    path.write_text("changed since\n")
    assert _builder(check).code_actions([published]) == []
    # Opened since the run (which read the disk): the buffer may differ, no action either.
    check.read_digests[path] = digest(path.read_bytes())
    assert _builder(check, {path: 1}).code_actions([published]) == []


def test_a_fix_that_creates_a_file_creates_it_first_and_never_overwrites(tmp_path: Path) -> None:
    check = _check(tmp_path, [])
    new = Edit("app/api/tavus/end/route.ts", 0, 0, "export async function POST() {}\n")
    (action,) = _builder(check).code_actions([_published(check, _fix(Applicability.SAFE, new))])
    assert action.edit is not None and action.edit.document_changes is not None
    create, write = action.edit.document_changes
    assert isinstance(create, types.CreateFile) and create.uri.endswith("app/api/tavus/end/route.ts")
    assert create.options is not None and create.options.ignore_if_exists
    assert isinstance(write, types.TextDocumentEdit) and write.edits[0].new_text.startswith("export")
    # A client without documentChanges cannot create a file: no action rather than a broken one.
    assert _builder(check, document_changes=False).code_actions(
        [_published(check, _fix(Applicability.SAFE, new))]) == []


def test_nothing_outside_the_app_is_ever_edited(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    check = _check(app, [])
    outside = Edit("../other.ts", 0, 0, "x")
    assert _builder(check).code_actions([_published(check, _fix(Applicability.SAFE, outside))]) == []


def test_a_fix_is_offered_only_once_the_re_check_kept_it(tmp_path: Path) -> None:
    check = _check(tmp_path, [], buffers={"components/A.tsx": "line one\nfetch()\n"})
    path = check.repo_root / "components/A.tsx"
    builder = _builder(check, {path: 7})
    unproved = _published(check, _fix(Applicability.SAFE), proof=None)
    assert builder.offered([unproved]) == [unproved.finding]  # what the server proves before answering
    assert builder.code_actions([unproved]) == []
    refused = _published(check, _fix(Applicability.SAFE), proof="TAV003 would go from pass to fail")
    assert builder.code_actions([refused]) == []  # an editor that cannot show a disabled action: none
    (shown,) = builder.code_actions([refused], disabled_support=True)
    assert shown.edit is None and shown.disabled is not None
    assert shown.disabled.reason == "fix not applied: TAV003 would go from pass to fail"
    display = _published(check, _fix(Applicability.DISPLAY_ONLY), proof=None)
    stale = _published(check, _fix(Applicability.SAFE), proof=None)
    assert builder.offered([display]) == []  # never proved: never applied
    assert _builder(check, {path: 8}).offered([stale]) == []  # the buffer moved on: no edit to prove


def test_a_display_only_fix_is_a_hover_and_never_an_action(tmp_path: Path) -> None:
    check = _check(tmp_path, [])
    shown = _fix(Applicability.DISPLAY_ONLY, Edit("components/A.tsx", 0, 0, "<button>``` End</button>"))
    published = _published(check, shown)
    assert _builder(check).code_actions([published]) == []
    hover = _builder(check).hover([published])
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("**TAV004**: add keepalive")
    assert "````tsx\n<button>``` End</button>\n````" in hover.contents.value  # the snippet cannot end the block
    assert _builder(check).hover([_published(check, _fix(Applicability.SAFE))]) is None
    linky = Fix("call [it](https://evil.test) from `x`", Applicability.DISPLAY_ONLY, ())
    hover = _builder(check).hover([_published(check, linky)])
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "\\[it\\]\\(https://evil.test\\) from \\`x\\`" in hover.contents.value  # shown, not a link


# -- scheduling --------------------------------------------------------------------------------
def test_a_burst_of_edits_is_one_run_and_a_newer_request_stops_the_running_one() -> None:
    async def scenario() -> tuple[list[str], dict[str, bool]]:
        started: list[str] = []
        tokens: dict[str, Token] = {}
        release = asyncio.Event()

        async def run(key: str, token: Token) -> None:
            started.append(key)
            tokens[key] = token
            await release.wait()

        scheduler: RunScheduler[str] = RunScheduler(run)
        for _ in range(5):
            scheduler.request("web", 0.05)
        scheduler.request("docs", 0.05)
        while len(started) < 2:
            await asyncio.sleep(0.01)
        scheduler.request("web", 10)  # an edit while web runs: that run's snapshot is stale
        stopped = {key: token.stopped for key, token in tokens.items()}
        scheduler.close()
        release.set()
        await asyncio.sleep(0)
        return sorted(started), stopped

    started, stopped = asyncio.run(scenario())
    assert started == ["docs", "web"]  # five requests for web within the debounce: one run
    assert stopped == {"web": True, "docs": False}


def test_which_apps_an_edit_sends_to_be_checked_again(tmp_path: Path) -> None:
    """The server's routing, without a client: an app's file re-checks that app; our config, or
    code outside every app (a workspace package any app may import), re-checks every app seen."""
    import shutil
    import subprocess

    from sop_check.lsp.server import Finished, SopCheckServer

    mono = tmp_path / "mono"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "monorepo", mono)
    subprocess.run(["git", "init", "-q"], cwd=mono, check=True)
    mono = mono.resolve()
    server = SopCheckServer()
    asked: list[tuple[AppTarget, float]] = []
    server.scheduler.request = lambda key, delay: asked.append((key, delay))  # type: ignore[method-assign]
    web, docs = AppTarget(mono / "apps/web"), AppTarget(mono / "apps/docs")
    server.latest = {web: Finished(None, {}), docs: Finished(None, {})}
    try:
        server.touched(mono / "apps/web/components/InteractiveAvatar.tsx", 0.3)
        assert asked == [(web, 0.3)]
        asked.clear()
        server.touched(mono / "packages/ui/src/index.tsx", 0.3)
        assert sorted(str(t.root) for t, _ in asked) == [str(docs.root), str(web.root)]
        asked.clear()
        server.touched(mono / "sop-check.toml", 0.0)
        assert sorted(str(t.root) for t, _ in asked) == [str(docs.root), str(web.root)]
        asked.clear()
        server.touched(mono / "apps/web/node_modules/x/index.js", 0.3)
        server.touched(mono / "README.md", 0.3)
        assert asked == []
    finally:
        server.executor.shutdown()
