"""`sop-check server` end to end: a real LSP client (pytest-lsp) talks to the server over stdio.

The server is started as a subprocess on a copy of the bundled example. Edits are sent as
didChange without saving: the findings must follow the buffer, not the disk. Waits are
bounded generously (they prove "does not hang", not a speed).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Callable

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from sop_check.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tavus-avatar-app"
COMPONENT = "components/InteractiveAvatar.tsx"
ROUTE = "app/api/tavus/end/route.ts"
WAIT = 60.0  # seconds; a bound on hanging, not a speed target


def _server(*args: str) -> ClientServerConfig:
    return ClientServerConfig(server_command=[sys.executable, *args])


REGISTERED: dict[int, list[types.Registration]] = {}  # client id -> what the server registered


async def _start(client: LanguageClient, root: Path, editor: str = "visual-studio-code") -> None:
    registered = REGISTERED.setdefault(id(client), [])

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # as VS Code does: accept, remember
        registered.extend(params.registrations)

    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(editor),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
    ))


@pytest.fixture()
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example (the server reads it; tests change only buffers)."""
    target = tmp_path / "tavus-avatar-app"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest_lsp.fixture(config=_server("-m", "sop_check", "server", "--debounce", "50"))
async def client(lsp_client: LanguageClient, example: Path):  # type: ignore[no-untyped-def]
    await _start(lsp_client, example)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_server("-m", "sop_check", "server", "--debounce", "50"))
async def neovim_client(lsp_client: LanguageClient, example: Path):  # type: ignore[no-untyped-def]
    """Neovim 0.11 prefers UTF-8 positions (byte columns); the server agrees to them."""
    await _start(lsp_client, example, "neovim")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_server("-m", "sop_check", "server", "--debounce", "60000"))
async def patient_client(lsp_client: LanguageClient, example: Path):  # type: ignore[no-untyped-def]
    """A server that waits a minute after a change: only a save makes it check sooner."""
    await _start(lsp_client, example)
    yield
    await lsp_client.shutdown_session()


def _uri(root: Path, rel: str) -> str:
    return (root / rel).as_uri()


def _codes(client: LanguageClient, uri: str) -> list[str | int | None]:
    return [d.code for d in client.diagnostics.get(uri, [])]


async def _until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), WAIT)


def _open(client: LanguageClient, root: Path, rel: str, text: str | None = None, version: int = 1) -> str:
    uri = _uri(root, rel)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="typescriptreact", version=version,
        text=(root / rel).read_text(encoding="utf-8") if text is None else text)))
    return uri


def _replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def _position(text: str, offset: int) -> tuple[int, int]:
    """(line, UTF-16 column) of a character offset: what the client expects the range to be."""
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1:]
    return line, sum(2 if ord(c) > 0xFFFF else 1 for c in column)


@pytest.mark.asyncio
async def test_a_broken_keepalive_in_the_buffer_appears_at_its_range_and_clears_when_fixed(
        client: LanguageClient, example: Path) -> None:
    original = (example / COMPONENT).read_text(encoding="utf-8")
    uri = _open(client, example, COMPONENT, original)
    env_uri = _uri(example, ".env.example")  # where TAV006 shows a .env.local that does not exist
    await _until(lambda: "TAV006" in _codes(client, env_uri))  # the whole app was checked and published
    assert "TAV004" not in _codes(client, uri)

    broken = original.replace("keepalive: true,", "keepalive: false,")
    _replace_all(client, uri, broken, 2)  # not saved: the disk still says true
    await _until(lambda: "TAV004" in _codes(client, uri))
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "TAV004"]
    # The range is the unload request: the fetch call that holds the broken flag, from its first
    # character to its closing parenthesis, in the client's units.
    call = broken.index("fetch('/api/tavus/end'", broken.index("handleBeforeUnload"))
    end = broken.index(")", broken.index("keepalive: false,")) + 1
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == _position(broken, call)
    assert (diagnostic.range.end.line, diagnostic.range.end.character) == _position(broken, end)
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.source == "sop-check"
    assert diagnostic.data == {"kind": "no-keepalive"}
    assert "keepalive: true" in diagnostic.message
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == all_rules()["TAV004"].info().help_uri  # the rule's own docs
    listener = broken.index("window.addEventListener('beforeunload'")
    assert [(r.location.uri, r.location.range.start.line, r.message) for r in diagnostic.related_information or []] \
        == [(uri, broken.count("\n", 0, listener), "the beforeunload listener that sends it")]

    _replace_all(client, uri, original, 3)
    await _until(lambda: "TAV004" not in _codes(client, uri))
    assert list(client.diagnostics[uri]) == []  # cleared: the file has no finding left


@pytest.mark.asyncio
async def test_an_unsaved_route_clears_the_component_diagnostic_that_depended_on_it(
        client: LanguageClient, example: Path) -> None:
    route_text = (example / ROUTE).read_text(encoding="utf-8")
    (example / ROUTE).unlink()  # on disk the app has no end route
    component = _open(client, example, COMPONENT)
    route = _uri(example, ROUTE)
    await _until(lambda: "TAV003" in _codes(client, component))
    (diagnostic,) = [d for d in client.diagnostics[component] if d.code == "TAV003"]
    assert "no route serves it" in diagnostic.message
    assert "TAV001" in _codes(client, route)  # where the missing route belongs

    _open(client, example, ROUTE, route_text)  # a new file in the editor, never saved
    await _until(lambda: "TAV003" not in _codes(client, component))
    assert list(client.diagnostics[component]) == []
    assert list(client.diagnostics[route]) == []

    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(
        uri=route)))  # closed without saving: the disk counts again
    await _until(lambda: "TAV003" in _codes(client, component))


async def _actions_at(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


def _apply(text: str, change: types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile) -> str:
    """The buffer after the editor applies one document's edits (line/UTF-16 ranges, as sent)."""
    assert isinstance(change, types.TextDocumentEdit)
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[:pos.line])
        units, i, line = 0, 0, lines[pos.line]
        while units < pos.character:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return before + i

    for edit in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert isinstance(edit, types.TextEdit)
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


@pytest.mark.asyncio
async def test_the_keepalive_fix_is_a_quick_fix_whose_edit_clears_the_finding(
        client: LanguageClient, example: Path) -> None:
    """The real TAV004 fix (what `check --fix` writes), computed over the unsaved buffer, proved by a
    re-check before it is offered; the editor applies it, the server writes nothing."""
    original = (example / COMPONENT).read_text(encoding="utf-8")
    uri = _open(client, example, COMPONENT, original)
    broken = original.replace("keepalive: true,", "keepalive: false,")
    _replace_all(client, uri, broken, 2)  # not saved
    await _until(lambda: "TAV004" in _codes(client, uri))
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "TAV004"]

    # An editor asking only for source actions (organize imports on save) gets none, and no re-check.
    assert not await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic], only=[types.CodeActionKind.SourceOrganizeImports])))

    (action,) = await _actions_at(client, uri, diagnostic)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.title == "set keepalive: true on the unload request (TAV004)"
    assert action.is_preferred and action.disabled is None
    assert list(action.diagnostics or []) == [diagnostic]
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.uri == uri and change.text_document.version == 2  # the buffer it was made for
    (edit,) = change.edits
    assert isinstance(edit, types.TextEdit)
    at = broken.index("keepalive: false,") + len("keepalive: ")
    assert (edit.range.start.line, edit.range.start.character) == _position(broken, at)
    assert (edit.range.end.line, edit.range.end.character) == _position(broken, at + len("false"))
    assert edit.new_text == "true"
    assert (example / COMPONENT).read_text(encoding="utf-8") == original  # the server wrote nothing

    # The editor applies the edit to its buffer; the finding goes.
    fixed = _apply(broken, change)
    assert fixed == original
    _replace_all(client, uri, fixed, 3)
    await _until(lambda: "TAV004" not in _codes(client, uri))
    assert list(client.diagnostics[uri]) == []

    # An edit made for version 2 is not offered for version 3: the next run offers its own.
    assert not await _actions_at(client, uri, diagnostic)


@pytest.mark.asyncio
async def test_an_unsafe_fix_is_offered_marked_and_never_preferred(client: LanguageClient, example: Path) -> None:
    text = (example / ROUTE).read_text(encoding="utf-8")
    bearer = text.replace("'x-api-key': process.env.TAVUS_API_KEY || ''",
                          "'Authorization': `Bearer ${process.env.TAVUS_API_KEY}`")
    uri = _open(client, example, ROUTE, bearer)
    await _until(lambda: "TAV002" in _codes(client, uri))
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "TAV002"]
    (action,) = await _actions_at(client, uri, diagnostic)
    assert action.title.endswith("(TAV002) [unsafe: may change behaviour]")
    assert not action.is_preferred
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    fixed = _apply(bearer, change)
    assert fixed == text  # back to the SOP's header
    _replace_all(client, uri, fixed, 2)
    await _until(lambda: "TAV002" not in _codes(client, uri))


@pytest.mark.asyncio
async def test_a_display_only_fix_shows_on_hover_and_is_never_a_code_action(
        client: LanguageClient, example: Path) -> None:
    text = (example / COMPONENT).read_text(encoding="utf-8")
    no_button = text.replace("<button onClick={endSession}>End Session</button>", "")
    uri = _open(client, example, COMPONENT, no_button)
    await _until(lambda: "TAV005" in _codes(client, uri))
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "TAV005"]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=diagnostic.range.start))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("**TAV005**: render a visible End Session button")
    assert "<button onClick={endSession}>End Session</button>" in hover.contents.value
    assert not await _actions_at(client, uri, diagnostic)


@pytest.mark.asyncio
async def test_a_save_checks_at_once_while_a_change_waits_for_quiet(patient_client: LanguageClient,
                                                                     example: Path) -> None:
    client = patient_client
    original = (example / COMPONENT).read_text(encoding="utf-8")
    uri = _open(client, example, COMPONENT, original)
    await _until(lambda: uri in client.diagnostics)  # opening checks at once
    broken = original.replace("keepalive: true,", "keepalive: false,")
    _replace_all(client, uri, broken, 2)
    await asyncio.sleep(0.5)
    assert "TAV004" not in _codes(client, uri)  # the change waits for a minute of quiet
    (example / COMPONENT).write_text(broken, encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await _until(lambda: "TAV004" in _codes(client, uri))


@pytest.mark.asyncio
async def test_a_file_changed_on_disk_is_checked_again_and_its_cleared_findings_published(
        client: LanguageClient, example: Path) -> None:
    _open(client, example, COMPONENT)
    env, template = example / ".env.local", example / ".env.example"
    await _until(lambda: "TAV006" in _codes(client, template.as_uri()))  # shown at the template: no .env.local
    env.write_text("TAVUS_API_KEY=k\nTAVUS_PERSONA_ID=p\n", encoding="utf-8")  # another tool wrote it
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=env.as_uri(), type=types.FileChangeType.Created)]))
    await _until(lambda: "TAV006" not in _codes(client, template.as_uri()))
    assert list(client.diagnostics[template.as_uri()]) == []  # a file that is not open, cleared
    # The editor sends such events because the server asked for them at start-up.
    (registration,) = REGISTERED[id(client)]
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    options = registration.register_options  # LSPAny: arrives as plain JSON
    assert isinstance(options, dict)
    patterns = [w["globPattern"] for w in options["watchers"]]
    assert "**/.env*" in patterns and "**/package.json" in patterns


@pytest.mark.asyncio
async def test_ranges_count_in_the_encoding_the_editor_chose(neovim_client: LanguageClient, example: Path) -> None:
    client = neovim_client
    original = (example / COMPONENT).read_text(encoding="utf-8")
    unload = original.index("fetch('/api/tavus/end'", original.index("handleBeforeUnload"))
    # Wide characters before the request on its line: bytes, UTF-16 units and characters differ.
    broken = (original[:unload] + "/* ⏏ é 😀 */ " + original[unload:]).replace("keepalive: true,", "keepalive: false,")
    uri = _open(client, example, COMPONENT, broken)
    await _until(lambda: "TAV004" in _codes(client, uri))
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "TAV004"]
    call = broken.index("fetch('/api/tavus/end'", broken.index("😀"))
    line_start = broken.rfind("\n", 0, call) + 1
    assert diagnostic.range.start.line == broken.count("\n", 0, call)
    assert diagnostic.range.start.character == len(broken[line_start:call].encode("utf-8"))
