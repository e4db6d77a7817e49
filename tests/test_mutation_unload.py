"""The unload pipeline past the listener query (`rules/_listeners.py`, `rules/_unload.py`, TAV003
and TAV004): hooks calling hooks read with the arguments along the path, the end route named
beside a refused request, TAV004's verdict when nothing is known and its keepalive fix. Each case
is a line that no test noticed changing (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import PACK, kinds, options_for, verdicts, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import Evidence, Location, RuleResult, Status
from sop_check.registry import all_rules
from sop_check_rules._examples import UNLOAD_AVATAR, client_project

HOOKS = """'use client';
import { useEffect } from 'react';
export function useUnload(handler: () => void) {
  useEffect(() => {
    window.addEventListener('beforeunload', handler);
    return () => window.removeEventListener('beforeunload', handler);
  }, [handler]);
}
export function useSession(onEnd: () => void) {
  useUnload(onEnd);
}
"""
SESSION = """'use client';
import { useSession } from './hooks';
export default function Avatar({ id }: { id: string }) {
  useSession(() => { fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: id }); });
  return <div>tavus avatar</div>;
}
"""


def test_a_hook_calling_a_hook_passes_its_own_arguments_on(tmp_path: Path) -> None:
    files = client_project(SESSION)
    files["components/hooks.ts"] = HOOKS
    write(tmp_path, files)
    got = verdicts(tmp_path, "TAV003,TAV004")
    assert got["TAV003"].status is Status.PASS, [f.message for f in got["TAV003"].findings]
    assert got["TAV004"].status is Status.PASS, got["TAV004"].message


def test_a_refused_request_names_the_end_route_beside_it(tmp_path: Path) -> None:
    write(tmp_path, client_project(UNLOAD_AVATAR.replace("        method: 'POST',\n", "")))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert kinds(got) == ["method-not-served"]
    assert got.findings[0].related == (
        Evidence("the end route: app/api/tavus/end/route.ts", Location("app/api/tavus/end/route.ts", 1, 1)),)


def test_tav003_and_tav004_are_unknown_when_the_listener_s_handler_is_not_known(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("  useEffect(() => {\n", "  useEffect(() => {\n    const onUnload = makeHandler();\n"
                                   ).replace("addEventListener('beforeunload', handleBeforeUnload)",
                                             "addEventListener('beforeunload', onUnload)")
    write(tmp_path, client_project(avatar))
    both = verdicts(tmp_path, "TAV003,TAV004")
    got = both["TAV004"]
    assert (got.status, got.message, got.findings) == (Status.UNKNOWN, "could not find what the unload listener sends",
                                                       [])
    (entry,) = got.unresolved
    assert "the beforeunload handler `onUnload`" in entry
    got = both["TAV003"]
    assert (got.status, got.message, got.findings) == (Status.UNKNOWN, "could not verify what the unload listener calls",
                                                       [])


def _tav004(root: Path, mechanisms: list[str]) -> RuleResult:
    def options(code: str) -> dict[str, Any]:
        return {**options_for(code), "mechanisms": mechanisms}
    report = run_check(root, RunOptions(rules=[all_rules()["TAV004"]], options_for=options, settings=Settings(),
                                        environ={}, pack=PACK))
    (result,) = [r for app in report.apps for r in app.results]
    return result


def test_keepalive_is_not_offered_where_it_is_already_true_or_on_a_beacon(tmp_path: Path) -> None:
    write(tmp_path / "fetch", client_project(UNLOAD_AVATAR))
    got = _tav004(tmp_path / "fetch", ["sendBeacon"])  # fetch does not count: keepalive: true is not the fix
    assert kinds(got) == ["no-keepalive"] and got.findings[0].fix is None
    beacon = UNLOAD_AVATAR.replace("fetch('/api/tavus/end', {", "navigator.sendBeacon('/api/tavus/end', {").replace(
        "        keepalive: true,\n", "")
    write(tmp_path / "beacon", client_project(beacon))
    got = _tav004(tmp_path / "beacon", ["fetch-keepalive"])  # a beacon has no keepalive to set
    assert kinds(got) == ["no-keepalive"] and got.findings[0].fix is None
    got = _tav004(tmp_path / "fetch", ["fetch-keepalive"])
    assert got.status is Status.PASS


def test_keepalive_in_a_spread_of_a_call_is_unresolved_at_the_request_with_its_kind(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("        keepalive: true,\n", "        ...unloadOptions(),\n")
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV004")["TAV004"]
    assert (got.status, got.message, got.findings) == (
        Status.UNKNOWN, "could not verify keepalive on the unload request", [])
    (entry,) = got.unresolved
    assert (entry.kind, entry.location.path, entry.location.line) == ("open-object", "components/Avatar.tsx", 7)
    assert entry == "components/Avatar.tsx:7:7: keepalive (property 'keepalive' of an object with unknown spread)"


def test_pagehide_alone_names_its_event_and_fails_as_no_beforeunload_listener(tmp_path: Path) -> None:
    write(tmp_path, client_project(UNLOAD_AVATAR.replace("'beforeunload'", "'pagehide'")))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, got.message, kinds(got)) == (
        Status.FAIL, "no beforeunload listener ends the session", ["only-other-event"])
    (finding,) = got.findings
    assert finding.data["event"] == "pagehide" and finding.message.startswith("a pagehide listener ends the session")
    assert (finding.location.path, finding.location.line) == ("components/Avatar.tsx", 13)


def test_a_request_without_keepalive_names_the_listener_that_sends_it(tmp_path: Path) -> None:
    write(tmp_path, client_project(UNLOAD_AVATAR.replace("keepalive: true", "keepalive: false")))
    got = verdicts(tmp_path, "TAV004")["TAV004"]
    (finding,) = got.findings
    assert finding.kind == "no-keepalive" and (finding.location.path, finding.location.line) == (
        "components/Avatar.tsx", 7)
    (related,) = finding.related
    assert related.message == "the beforeunload listener that sends it"
    assert (related.location.path, related.location.line) == ("components/Avatar.tsx", 13)
