"""`sop-check server`: the language server, over stdio (pygls 2).

On open, change (debounced) and save of a file, the Next.js app that contains it is
checked over the open buffers, and the findings of every file of that app are published;
files that no longer have findings are cleared. Only that app is checked; a newer edit
supersedes a run in progress. The server reads the tree and never writes it: fixes travel
as code actions whose edits the editor applies.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Awaitable, Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from sop_check import __version__
from sop_check.config import CONFIG_NAMES
from sop_check.discover import CODE_SUFFIXES, NEXT_CONFIG_NAMES, DiscoveryError
from sop_check.walk import SKIP_DIRS
from sop_check.lsp.actions import ActionBuilder, overlaps
from sop_check.lsp.checker import AppCheck, AppChecker, AppTarget, Snapshot
from sop_check.lsp.diagnostics import Published, diagnostics_by_file
from sop_check.lsp.scheduler import RunScheduler, Token
from sop_check.model import Finding
from sop_check.overlay import CheckCancelled, buffer_key
from sop_check.run import RunSetupError

log = logging.getLogger("sop-check.server")

DEFAULT_DEBOUNCE = 0.3  # seconds of quiet after a change before its app is checked
_SOON = 0.05  # open/close/save: a burst of them (a restored session) becomes one run per app
# Files whose change can move an app's boundary or its config: forget which app each file is in.
_LAYOUT_NAMES = frozenset({"package.json", "pyproject.toml", *NEXT_CONFIG_NAMES, *CONFIG_NAMES})
_CONFIG_NAMES = frozenset({"pyproject.toml", *CONFIG_NAMES})
# What a check reads from disk: code, env files, package and Next.js config, tsconfig, our config.
WATCHED = ("**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts,py}", "**/.env*", "**/package.json", "**/tsconfig.json",
           "**/jsconfig.json", "**/{sop-check,.sop-check,pyproject}.toml", "**/.gitignore")


class Finished:
    """A run's outcome as the event loop publishes it."""

    def __init__(self, check: AppCheck | None, by_file: dict[Path, list[Published]], problem: str | None = None):
        self.check = check
        self.by_file = by_file
        self.problem = problem


class SopCheckServer(LanguageServer):
    def __init__(self, checker: AppChecker | None = None, debounce: float = DEFAULT_DEBOUNCE) -> None:
        super().__init__("sop-check", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.checker = checker or AppChecker(os.environ, warn=self._log)
        self.debounce = debounce
        self.scheduler: RunScheduler[AppTarget] = RunScheduler(self._run)
        # One worker: runs never overlap (tree-sitter parsers are per thread; the CPU is shared anyway).
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sop-check")
        self.uris: dict[Path, str] = {}  # open documents: real path -> the client's URI
        self.apps: dict[Path, AppTarget | None] = {}  # file -> its app (forgotten when the layout changes)
        self.latest: dict[AppTarget, Finished] = {}  # each app's last published run
        self.shown_problems: set[str] = set()
        self._register()

    # -- wiring ------------------------------------------------------------------------------
    def _register(self) -> None:
        handlers: list[tuple[str, Any, Callable[[Any], Any]]] = [
            (types.INITIALIZED, None, self.on_initialized),
            (types.TEXT_DOCUMENT_DID_OPEN, None, self.did_open),
            (types.TEXT_DOCUMENT_DID_CHANGE, None, self.did_change),
            (types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False), self.did_save),
            (types.TEXT_DOCUMENT_DID_CLOSE, None, self.did_close),
            (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, self.did_change_watched_files),
            (types.TEXT_DOCUMENT_CODE_ACTION,
             types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]), self.code_action),
            (types.TEXT_DOCUMENT_HOVER, None, self.hover),
            (types.SHUTDOWN, None, self.on_shutdown),
        ]
        for method, options, handler in handlers:
            self.feature(method, options)(_plain_async(handler) if asyncio.iscoroutinefunction(handler)
                                          else _plain(handler))

    def _log(self, message: str) -> None:
        log.info("%s", message)

    def on_initialized(self, params: types.InitializedParams) -> None:
        """Ask the editor to report changes on disk (git checkout, a formatter, npm) to the files a
        check reads, when it can register watchers; open buffers are followed through didChange."""
        caps = self.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[
            types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED])
        self.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
            id="sop-check-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options)]))

    # -- documents ---------------------------------------------------------------------------
    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        path = self._path(params.text_document.uri)
        if path is not None:
            self.uris[path] = params.text_document.uri
            self.touched(path, _SOON)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        path = self._path(params.text_document.uri)
        if path is not None:
            self.touched(path, self.debounce)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        path = self._path(params.text_document.uri)
        if path is not None:
            self.touched(path, 0.0)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        path = self._path(params.text_document.uri)
        if path is not None:
            self.uris.pop(path, None)
            self.touched(path, _SOON)  # the disk counts again for this file

    def did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = self._path(change.uri)
            if path is not None and path not in self.uris:  # an open buffer wins over the disk anyway
                self.touched(path, self.debounce)

    def _path(self, uri: str) -> Path | None:
        fs = to_fs_path(uri) if uri.startswith("file:") else None
        return buffer_key(fs) if fs else None

    def touched(self, path: Path, delay: float) -> None:
        """`path` changed (in a buffer or on disk): check its app after `delay`."""
        if path.name in _LAYOUT_NAMES:
            self.apps.clear()
        if path.name in _CONFIG_NAMES:  # the config of any app may have changed
            for known in list(self.latest):
                self.scheduler.request(known, delay)
        target = self._app_of(path)
        if target is not None:
            self.scheduler.request(target, delay)
        elif path.name.endswith(CODE_SUFFIXES) and not any(p in SKIP_DIRS for p in path.parts):
            # Outside every app (a workspace package): any app checked so far may import it.
            for known in list(self.latest):
                self.scheduler.request(known, delay)

    def _app_of(self, path: Path) -> AppTarget | None:
        if path not in self.apps:
            self.apps[path] = self.checker.app_of(path, self.snapshot())
        return self.apps[path]

    def snapshot(self) -> Snapshot:
        """The open buffers now, as UTF-8 bytes, with their versions."""
        snap = Snapshot()
        for path, uri in self.uris.items():
            doc = self.workspace.get_text_document(uri)
            snap.buffers[path] = doc.source.encode("utf-8", "replace")
            if doc.version is not None:
                snap.versions[path] = doc.version
        return snap

    # -- runs --------------------------------------------------------------------------------
    async def _run(self, target: AppTarget, token: Token) -> None:
        snapshot = self.snapshot()
        uris = dict(self.uris)
        encoding = self._encoding()
        loop = asyncio.get_running_loop()
        finished = await loop.run_in_executor(self.executor, self._work, target, snapshot, uris, encoding, token)
        if finished is None or token.stopped:
            return  # superseded: a newer run publishes
        self._publish(target, finished)

    def _work(self, target: AppTarget, snapshot: Snapshot, uris: dict[Path, str], encoding: str,
              token: Token) -> Finished | None:
        """In the worker thread: the check and its diagnostics (file reads included)."""
        if token.stopped:
            return None
        try:
            check = self.checker.check(target, snapshot, lambda: token.stopped)
        except CheckCancelled:
            return None
        except (RunSetupError, DiscoveryError) as exc:
            return Finished(None, {}, str(exc))
        except Exception as exc:  # noqa: BLE001 - the server outlives one bad run; the editor is told
            log.exception("check of %s failed", target.root)
            return Finished(None, {}, f"sop-check failed on {target.root}: {type(exc).__name__}: {exc}")
        return Finished(check, diagnostics_by_file(check, encoding, lambda p: uris.get(p) or from_fs_path(str(p))))

    def _publish(self, target: AppTarget, finished: Finished) -> None:
        if finished.problem is not None:
            if finished.problem not in self.shown_problems:  # once per distinct problem, not per keystroke
                self.shown_problems.add(finished.problem)
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                                 message=f"sop-check: {finished.problem}"))
            return
        self.shown_problems.clear()
        previous = self.latest.get(target)
        self.latest[target] = finished
        assert finished.check is not None
        snapshot = finished.check.snapshot
        # Cleared: files that had findings and have none now, and every open file of the app
        # without findings (the editor learns that it was checked, not merely not yet).
        clear = set(previous.by_file) if previous is not None else set()
        clear |= {p for p in snapshot.buffers if target.root in p.parents}
        for path, entries in finished.by_file.items():
            self._send(path, [e.diagnostic for e in entries], snapshot.versions.get(path))
        for path in clear - set(finished.by_file):
            self._send(path, [], snapshot.versions.get(path))

    def _send(self, path: Path, diagnostics: list[types.Diagnostic], version: int | None) -> None:
        uri = self.uris.get(path) or from_fs_path(str(path))
        if uri is None:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    # -- code actions and hovers -------------------------------------------------------------
    def _entries_at(self, uri: str, where: types.Range) -> list[tuple[Finished, list[Published]]]:
        path = self._path(uri)
        if path is None:
            return []
        found = []
        for finished in self.latest.values():
            entries = [e for e in finished.by_file.get(path, []) if overlaps(e.diagnostic.range, where)]
            if entries and finished.check is not None:
                found.append((finished, entries))
        return found

    def _actions(self, finished: Finished) -> ActionBuilder:
        assert finished.check is not None
        encoding = self._encoding()
        caps = self.client_capabilities.workspace
        document_changes = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
        return ActionBuilder(finished.check, encoding, lambda p: self.uris.get(p) or from_fs_path(str(p)) or "",
                             self._version_now, document_changes)

    def _encoding(self) -> str:
        """The position encoding agreed at initialize ("utf-16" unless the client preferred another)."""
        agreed = self.workspace.position_encoding
        if isinstance(agreed, types.PositionEncodingKind):
            return agreed.value
        return str(agreed or types.PositionEncodingKind.Utf16.value)

    def _version_now(self, path: Path) -> int | None:
        uri = self.uris.get(path)
        return self.workspace.get_text_document(uri).version if uri is not None else None

    async def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """Quick fixes under the range, each proved first as `--fix` would (in the worker: a re-check
        of the app over the buffers the run checked, with the fix applied)."""
        actions: list[types.CodeAction] = []
        only = params.context.only if params.context is not None else None
        if only and not any(str(kind.value if isinstance(kind, types.CodeActionKind) else kind).split(".")[0]
                            == types.CodeActionKind.QuickFix.value for kind in only):
            return None  # e.g. source.organizeImports on save: no quick fix asked, nothing to prove
        loop = asyncio.get_running_loop()
        for finished, entries in self._entries_at(params.text_document.uri, params.range):
            builder = self._actions(finished)
            assert finished.check is not None
            pending = [f for f in builder.offered(entries) if id(f) not in finished.check.proofs]
            if pending:
                await loop.run_in_executor(self.executor, self._prove, finished.check, pending)
            actions.extend(builder.code_actions(entries, self._disabled_support()))
        return actions or None

    def _prove(self, check: AppCheck, findings: list[Finding]) -> None:
        for finding in findings:
            try:
                self.checker.prove(check, finding)
            except Exception as exc:  # noqa: BLE001 - a failed proof refuses the fix, never the server
                log.exception("proving the fix of %s %s failed", finding.rule, finding.kind)
                check.proofs[id(finding)] = f"the re-check failed: {type(exc).__name__}"

    def _disabled_support(self) -> bool:
        text = self.client_capabilities.text_document
        action = text.code_action if text is not None else None
        return bool(action and action.disabled_support)

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        at = types.Range(params.position, params.position)
        for finished, entries in self._entries_at(params.text_document.uri, at):
            shown = self._actions(finished).hover(entries)
            if shown is not None:
                return shown
        return None

    def on_shutdown(self, params: Any = None) -> None:
        self.scheduler.close()
        self.executor.shutdown(wait=False, cancel_futures=True)


def _plain(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A plain function for pygls to register (it tags handlers with attributes; a bound method
    takes none) whose first parameter is the params, not the server."""

    def handler(params: Any = None) -> Any:
        return method(params)

    return handler


def _plain_async(method: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
    """`_plain` for a coroutine handler (pygls awaits a handler only when it is a coroutine function)."""

    async def handler(params: Any = None) -> Any:
        return await method(params)

    return handler


def serve(debounce: float = DEFAULT_DEBOUNCE) -> None:
    """Run the server on stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="sop-check server: %(message)s")
    SopCheckServer(debounce=debounce).start_io()
