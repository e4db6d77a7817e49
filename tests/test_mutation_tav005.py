"""TAV005 (rules/tav005_end_button.py) pinned (mutation survivors): each way a control fails, with its
kind, location and message; the pass and its evidence; what an unresolved handler makes of the
verdict; and the display-only snippet, placed at the finding's line."""

from __future__ import annotations

from pathlib import Path

from fix_support import findings
from helpers import verdicts, write
from sop_check.fixes import Applicability
from sop_check.model import RuleResult, Status
from sop_check_rules._examples import client_project

POST = "fetch('/api/tavus/end', { method: 'POST', body: '{}' })"


def run(tmp_path: Path, body: str, extra: dict[str, str] | None = None, head: str = "'use client';\n") -> RuleResult:
    """TAV005 over an app whose Avatar renders `body` (a JSX expression)."""
    avatar = f"{head}export default function Avatar() {{\n  return <div>\n    {body}\n  </div>;\n}}\n"
    write(tmp_path, client_project(avatar) | (extra or {}))
    return verdicts(tmp_path, "TAV005")["TAV005"]


def one_finding(got: RuleResult) -> tuple[str, int, str]:
    (finding,) = got.findings
    return finding.kind, finding.location.line, finding.message


WHERE = '<button> "End" at components/Avatar.tsx:4:5'


def test_a_visible_control_that_posts_to_the_end_route_passes_with_its_evidence(tmp_path: Path) -> None:
    got = run(tmp_path, f"<button onClick={{() => {POST}}}>End</button>")
    assert (got.status, got.message) == (Status.PASS, f"{WHERE} ends the session")
    assert [(e.message, e.location.line) for e in got.evidence] == [
        (f"visible control {WHERE}", 4),
        ("its onClick reaches fetch to /api/tavus/end at components/Avatar.tsx:4:28", 4)]


def test_an_on_press_handler_counts(tmp_path: Path) -> None:
    got = run(tmp_path, f"<Pressable onPress={{() => {POST}}}>End</Pressable>")
    assert got.status is Status.PASS, got.message


def test_the_label_in_the_message_is_cut_at_forty_characters(tmp_path: Path) -> None:
    label = "End " + "x" * 50
    got = run(tmp_path, f"<button onClick={{() => {POST}}}>{label}</button>")
    assert got.message == f'<button> "{label[:40]}" at components/Avatar.tsx:4:5 ends the session'


def test_without_a_control_the_finding_is_at_the_client_anchor(tmp_path: Path) -> None:
    got = run(tmp_path, "<button>Start</button>", head="'use client';\nimport { tavus } from 'tavus-sdk';\n")
    assert got.status is Status.FAIL and got.message == "no End Session / Disconnect control found"
    assert one_finding(got) == ("no-control", 1, "no visible control labelled End / Disconnect / Leave / Hang up in "
                                                 "the client code pages render")
    assert got.findings[0].location.path == "components/Avatar.tsx"
    assert got.findings[0].hint == "render <button onClick={endSession}>End Session</button> (SOP section 1.C)"


def test_a_control_without_a_handler(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick>End</button>")
    assert (got.status, got.message) == (Status.FAIL, "no visible End control ends the session")
    assert one_finding(got) == ("no-handler", 4, f"{WHERE} has no onClick handler")
    assert got.findings[0].hint == "call the end function from onClick"


def test_a_hidden_control_that_works_is_reported_hidden(tmp_path: Path) -> None:
    got = run(tmp_path, f"<button hidden onClick={{() => {POST}}}>End</button>")
    assert got.status is Status.FAIL
    where = WHERE.replace("button>", "button>", 1)
    assert one_finding(got) == ("hidden", 4, f"{where} ends the session but is hidden: it has the hidden attribute")


def test_a_hidden_control_does_not_hide_a_visible_one_after_it(tmp_path: Path) -> None:
    got = run(tmp_path, f"<button hidden onClick={{() => {POST}}}>End</button>\n"
                        f"    <button onClick={{() => {POST}}}>Leave</button>")
    assert got.status is Status.PASS and got.message.startswith('<button> "Leave" at components/Avatar.tsx:5:5')


def test_an_unrendered_control_is_not_judged_further(tmp_path: Path) -> None:
    got = run(tmp_path, f"{{false && <button onClick={{() => {POST}}}>End</button>}}")
    assert got.status is Status.FAIL
    assert one_finding(got) == ("not-rendered", 4, '<button> "End" at components/Avatar.tsx:4:15 is never rendered: '
                                                   "it renders only when `false`, which is always false")


def test_a_handler_that_is_not_a_function_is_unresolved(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={'end'}>End</button>")
    assert got.status is Status.UNKNOWN and got.message == "could not verify what the End control calls"
    assert got.unresolved == [f"components/Avatar.tsx:4:5: onClick of {WHERE} (not a function)"]


def test_a_handler_read_from_a_run_time_value_names_why(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={makeHandler()}>End</button>")
    assert got.status is Status.UNKNOWN
    (entry,) = got.unresolved
    assert entry.startswith(f"components/Avatar.tsx:4:5: onClick of {WHERE} (") and "not a function" not in entry


def test_a_handler_that_only_changes_state_never_calls_the_end_route(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={() => console.log('bye')}>End</button>")
    assert one_finding(got) == ("never-calls-end", 4, f"{WHERE} does not call the end route /api/tavus/end (its "
                                                      "handler only changes local state or leaves the call)")
    assert got.findings[0].hint == "call fetch('/api/tavus/end', { method: 'POST', ... }) from the handler"


def test_a_handler_that_calls_another_route_names_it(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={() => fetch('/api/tavus/stop', { method: 'POST' })}>End</button>")
    kind, line, message = one_finding(got)
    assert (kind, line) == ("calls-other-route", 4)
    assert message.startswith(f"{WHERE} calls ") and message.endswith(", not the end route /api/tavus/end")
    assert "/api/tavus/stop" in message
    assert got.findings[0].hint.startswith("call /api/tavus/end from the handler")


def test_a_request_with_an_unknown_url_is_unresolved_not_another_route(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={() => fetch(window.url, { method: 'POST' })}>End</button>")
    assert got.status is Status.UNKNOWN and len(got.unresolved) == 1 and not got.findings


def test_a_get_to_the_post_only_route_is_not_served(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={() => fetch('/api/tavus/end')}>End</button>")
    kind, line, message = one_finding(got)
    assert (kind, line) == ("method-not-served", 4)
    assert message.startswith(f"{WHERE} sends GET to /api/tavus/end, but ")
    assert got.findings[0].data["method"] == "GET" and "control" in got.findings[0].data


def test_an_unknown_method_is_unresolved_and_outweighs_a_finding_on_another_control(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={() => console.log(1)}>Leave</button>\n"
                        "    <button onClick={() => fetch('/api/tavus/end', { method: window.m })}>End</button>")
    assert got.status is Status.UNKNOWN and len(got.unresolved) == 1
    assert got.unresolved[0].startswith("components/Avatar.tsx:5:")
    assert [f.kind for f in got.findings] == ["never-calls-end"]


def test_every_finding_offers_the_snippet_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, client_project("'use client';\nexport default function Avatar() {\n"
                                   "  return <button onClick={() => 1}>End</button>;\n}\n"))
    (finding,) = findings(tmp_path, "TAV005", "never-calls-end")
    fix = finding.fix
    assert fix is not None and fix.applicability is Applicability.DISPLAY_ONLY
    assert fix.title == "render a visible End Session button whose handler POSTs the conversation id to the end route"
    (edit,) = fix.edits
    offset = len("'use client';\nexport default function Avatar() {\n")
    assert (edit.path, edit.start, edit.end) == ("components/Avatar.tsx", offset, offset)
    assert edit.content.startswith("const endSession = async () => {\n")
    assert "  await fetch('/api/tavus/end', {\n" in edit.content
    assert edit.content.endswith("<button onClick={endSession}>End Session</button>\n")


def test_the_snippet_of_a_finding_at_line_one_goes_first(tmp_path: Path) -> None:
    write(tmp_path, client_project("'use client';\nimport 'tavus';\nexport default function Avatar() { return <div />; }\n"))
    (finding,) = findings(tmp_path, "TAV005", "no-control")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert (edit.path, edit.start, edit.end) == ("components/Avatar.tsx", 0, 0)


def test_in_a_monorepo_the_snippet_is_placed_in_the_app_s_file(tmp_path: Path) -> None:
    app = {f"apps/web/{k}": v for k, v in client_project(
        "'use client';\nexport default function Avatar() {\n  return <button onClick={() => 1}>End</button>;\n}\n").items()}
    write(tmp_path, app | {"package.json": '{"private": true, "workspaces": ["apps/*"]}'})
    (finding,) = findings(tmp_path, "TAV005", "never-calls-end")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    offset = len("'use client';\nexport default function Avatar() {\n")
    assert (edit.path, edit.start) == ("apps/web/components/Avatar.tsx", offset)


def test_the_base_path_is_read_from_next_config(tmp_path: Path) -> None:
    got = run(tmp_path, "<button onClick={() => fetch('/app/api/tavus/end', { method: 'POST' })}>End</button>",
              {"next.config.js": "module.exports = { basePath: '/app' };\n"})
    assert got.status is Status.PASS, (got.message, got.unresolved)


def test_a_missing_end_route_is_tav001_s_finding_not_this_rule_s(tmp_path: Path) -> None:
    avatar = f"'use client';\nexport default function Avatar() {{ return <button onClick={{() => {POST}}}>End</button>; }}\n"
    files = client_project(avatar)
    del files["app/api/tavus/end/route.ts"]
    write(tmp_path, files)
    got = verdicts(tmp_path, "TAV005")["TAV005"]
    assert got.status is Status.PASS, (got.message, [f.message for f in got.findings])


def test_a_good_control_after_an_unrendered_or_unresolved_one_passes(tmp_path: Path) -> None:
    good = f"<button onClick={{() => {POST}}}>Leave</button>"
    for i, first in enumerate([f"{{false && <button onClick={{() => {POST}}}>End</button>}}",
                               "<button onClick={'end'}>End</button>"]):
        got = run(tmp_path / str(i), f"{first}\n    {good}")
        assert got.status is Status.PASS and '"Leave"' in got.message, (first, got.message)


def test_an_unresolved_handler_is_located_at_the_control_with_its_kind(tmp_path: Path) -> None:
    (entry,) = run(tmp_path / "string", "<button onClick={'end'}>End</button>").unresolved
    assert (entry.kind, entry.location) == ("unmodelled", entry.location) and entry.location is not None
    assert (entry.location.path, entry.location.line) == ("components/Avatar.tsx", 4)
    (entry,) = run(tmp_path / "call", "<button onClick={makeHandler()}>End</button>").unresolved
    assert entry.kind != "unmodelled" and entry.location is not None and entry.location.line == 4
