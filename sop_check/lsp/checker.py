"""The language server's engine side: which app an edited file belongs to, and that app checked
over the editor's open buffers, exactly as `sop-check check APP` would check it on disk.

No LSP here (plain data in, a Report out): it is tested without a client, and it does not
import pygls. The differences from `check` are deliberate and few:

- the open buffers win over the disk (`sop_check.overlay`);
- nothing goes to the network: the Vercel check (TAV007) is off, so a keystroke never sends
  VERCEL_TOKEN anywhere nor waits on an API;
- the editor is a developer's machine: `CI` in the editor's environment does not turn the
  local checks into CI ones (TAV006 reads `.env.local` as a developer expects);
- `sop-check-ignore` comments that match nothing are reported (greyed out in the editor).
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import Callable, Mapping

from sop_check.discover import enclosing_next_app
from sop_check.walk import SKIP_DIRS
from sop_check.engine import RunOptions, run_check
from sop_check.model import AppReport, Finding, Report
from sop_check.overlay import Overlay, buffer_key
from sop_check.records import record
from sop_check.run import CheckRequest, plan_run
from sop_check.source import FileSource

# Variables of the editor's environment that a run does not see (see the module docstring).
_NOT_FOR_THE_EDITOR = ("CI",)


@record
class Snapshot:
    """What the editor holds when a run starts: open buffers by real path, and their versions."""

    buffers: dict[Path, bytes] = field(default_factory=dict)
    versions: dict[Path, int] = field(default_factory=dict)


@record(frozen=True)
class AppTarget:
    """The app an edited file belongs to. `explicit`: named by the config's `apps` (checked even
    when it is not a Next.js app or does not use Tavus, as `check` does)."""

    root: Path
    explicit: bool = False


@record
class AppCheck:
    """One finished run over one app: its report and what it read (for code actions)."""

    target: AppTarget
    report: Report
    snapshot: Snapshot
    read_digests: dict[Path, str]
    # How the run was made (what a fix's re-check repeats); None for a run made by hand in tests.
    options: RunOptions | None = None
    scan_root: Path | None = None
    # Each fix's verdict once proved (finding's id -> '' when the re-check keeps it, else why not).
    proofs: dict[int, str] = field(default_factory=dict)

    @property
    def repo_root(self) -> Path:
        return Path(self.report.repo_root)

    def app_report(self) -> AppReport | None:
        """The checked app's own results (a nested app found under it is another target)."""
        for app in self.report.apps:
            if (self.repo_root / app.root).resolve() == self.target.root:
                return app
        return None


def _repository_root(folder: Path) -> Path | None:
    """The folder at or above `folder` holding `.git` (an app is never looked for above it)."""
    for d in (folder, *folder.parents):
        if os.path.lexists(d / ".git"):
            return d
    return None


class AppChecker:
    """Runs the engine for the language server. One instance serves the whole session."""

    def __init__(self, environ: Mapping[str, str], warn: Callable[[str], None] = lambda _m: None) -> None:
        self.environ = {k: v for k, v in environ.items() if k not in _NOT_FOR_THE_EDITOR}
        self.warn = warn

    def _options(self, path: Path) -> RunOptions:
        """plan_run's options for a run from `path` (raises RunSetupError on a bad config)."""
        request = CheckRequest(path=path, vercel=False, require_vercel=False, report_unused_ignores=True)
        opts = plan_run(request, dict(self.environ), self.warn)
        opts.settings.vercel_reason = "the language server does not call the Vercel API (sop-check check --vercel does)"
        return opts

    def app_of(self, path: Path, snapshot: Snapshot | None = None) -> AppTarget | None:
        """The app whose findings an edit of `path` can change, or None (outside every app, or in a
        folder no app's files come from, such as node_modules)."""
        path = buffer_key(path)
        if any(part in SKIP_DIRS for part in path.parts):
            return None
        folder = path.parent
        configured = self._config_apps(folder)
        if configured:  # the config names the apps: a file in none of them is not checked (as by `check`)
            named = [app for app in configured if app in path.parents]
            return AppTarget(max(named, key=lambda p: len(p.parts)), explicit=True) if named else None
        source: FileSource = Overlay(snapshot.buffers).source(FileSource()) if snapshot else FileSource()
        root = enclosing_next_app(folder, _repository_root(folder), source)
        return AppTarget(root) if root is not None else None

    def _config_apps(self, folder: Path) -> list[Path]:
        """The config's `apps` (none when the config cannot be read: the run that follows says why)."""
        from sop_check.run import RunSetupError

        try:
            return [buffer_key(app) for app in self._options(folder).explicit_apps]
        except RunSetupError:
            return []

    def check(self, target: AppTarget, snapshot: Snapshot,
              should_stop: Callable[[], bool] = lambda: False) -> AppCheck:
        """Check the app over `snapshot`. Raises RunSetupError (bad config), DiscoveryError (the
        folder is gone) or CheckCancelled (`should_stop` said so while it read)."""
        opts = self._options(target.root)
        if not target.explicit:
            opts.explicit_apps = []
        overlay = Overlay(snapshot.buffers, should_stop)
        # Discovery covers the repository, as the gate run at its root does (a workspace package
        # imported from another folder resolves the same); only the target app is checked.
        scan_root = _repository_root(target.root) or target.root
        report = run_check(scan_root, opts, overlay, only=target.root)
        return AppCheck(target=target, report=report, snapshot=snapshot, read_digests=dict(overlay.read_digests),
                        options=opts, scan_root=scan_root)

    def prove(self, check: AppCheck, finding: Finding) -> str:
        """Whether `--fix` would keep the fix of `finding`: applied alone to the buffers the run
        checked, re-parsed and the app re-checked over them ('' when kept, else why not). Cached on
        the run: a code action asked twice at one place costs one re-check."""
        if id(finding) in check.proofs:
            return check.proofs[id(finding)]
        app = check.app_report()
        if app is None or check.options is None or check.scan_root is None:
            verdict = "the run that found it is gone"
        else:
            from sop_check.fixing.session import FixSession

            session = FixSession(check.scan_root, check.options, unsafe=True, base=check.snapshot.buffers)
            verdict = session.prove(check.report, app, finding)
        check.proofs[id(finding)] = verdict
        return verdict
