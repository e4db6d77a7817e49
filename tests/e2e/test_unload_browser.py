"""Browser truth for TAV003/TAV004: the end route receives the unload request exactly when
sop-check says both rules pass.

The bundled example and variants of its client component (each a small edit of the real
file, so they follow the example) are checked by sop-check as projects of their own, then
served together from one generated app (one `next build`): each variant on its own page,
the end route wrapped by the test-only recorder, the conversation route replaced by a
stub (the page must not call Tavus). Headless Chromium opens a page through the delaying
loopback proxy, starts a session, and leaves by closing the tab (`beforeunload` run) or
by navigating to about:blank.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nextjs_harness import (AppSpec, BuiltApp, LeaveHow, Toolchain, build_app, chromium, generate_app, leave_page,
                            serve)
from sop_check.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tavus-avatar-app"
COMPONENT = "components/InteractiveAvatar.tsx"
END_ROUTE = "app/api/tavus/end/route.ts"

UNLOAD_FETCH = """            fetch('/api/tavus/end', {
                method: 'POST',
                body: JSON.stringify({ conversation_id: conversation.conversation_id }),
                keepalive: true,
            });"""
ADD = "        window.addEventListener('beforeunload', handleBeforeUnload);\n"
CLEANUP = "return () => window.removeEventListener('beforeunload', handleBeforeUnload);"

# name -> edits of the example's component: (old text, new text); old must occur exactly once.
VARIANTS: dict[str, list[tuple[str, str]]] = {
    "compliant": [],
    "send-beacon": [(UNLOAD_FETCH, "            navigator.sendBeacon('/api/tavus/end', "
                                   "JSON.stringify({ conversation_id: conversation.conversation_id }));")],
    "no-keepalive": [("                keepalive: true,\n", "")],
    "keepalive-false": [("keepalive: true,", "keepalive: false,")],
    # The cleanup is called at once instead of being returned: the listener is gone before unload.
    "removed-before-unload": [(CLEANUP, "return window.removeEventListener('beforeunload', handleBeforeUnload);")],
    "never-registered": [(ADD, "")],
    "event-name-typo": [(ADD, ADD.replace("'beforeunload'", "'beforeUnload'"))],
    "other-path": [(UNLOAD_FETCH, UNLOAD_FETCH.replace("/api/tavus/end", "/api/tavus/stop"))],
    # The end route exports only POST: Next.js answers a PUT with 405 before any handler runs.
    "method-not-served": [(UNLOAD_FETCH, UNLOAD_FETCH.replace("method: 'POST'", "method: 'PUT'"))],
}
# What sop-check must say of each (pinned, so the equivalence below cannot hold vacuously).
EXPECTED = {
    "compliant": ("pass", "pass"), "send-beacon": ("pass", "pass"), "no-keepalive": ("pass", "fail"),
    "keepalive-false": ("pass", "fail"), "removed-before-unload": ("fail", None),
    "never-registered": ("fail", None), "event-name-typo": ("fail", None), "other-path": ("fail", None),
    "method-not-served": ("fail", None),
}

CONVERSATION_STUB = """import { NextResponse } from 'next/server';

// Test-only stub (sop-check e2e): a conversation id per variant page, and no call to Tavus.
export async function POST(request: Request) {
    const page = new URL(request.headers.get('referer') ?? 'http://127.0.0.1/').pathname;
    const variant = page.startsWith('/e2e/') ? page.slice('/e2e/'.length) : 'compliant';
    return NextResponse.json({ conversation_id: `e2e-${variant}`, conversation_url: 'about:blank' });
}
"""


def variant_component(name: str) -> str:
    text = (EXAMPLE / COMPONENT).read_text()
    for old, new in VARIANTS[name]:
        assert text.count(old) == 1, f"variant {name}: the example no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def sop_check_verdicts(name: str, workdir: Path) -> tuple[str, str]:
    project = workdir / "variants" / name
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(EXAMPLE, project)
    (project / COMPONENT).write_text(variant_component(name))
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json", "--select", "TAV003,TAV004"],
                                env={"CI": ""}, catch_exceptions=False)
    results = {r["rule"]: r["status"] for r in json.loads(result.stdout)["apps"][0]["results"]}
    return results["TAV003"], results["TAV004"]


def variant_page(name: str) -> str:
    return (f"import InteractiveAvatar from '../../../components/e2e/{name}';\n\n"
            "export default function Page() {\n    return <main><InteractiveAvatar /></main>;\n}\n")


@pytest.fixture(scope="module")
def built_example(browser_toolchain: Toolchain, e2e_workdir: Path) -> BuiltApp:
    toolchain = browser_toolchain
    files = {"app/api/tavus/conversation/route.ts": CONVERSATION_STUB}
    for name in VARIANTS:
        if name != "compliant":
            files[f"components/e2e/{name}.tsx"] = variant_component(name)
            files[f"app/e2e/{name}/page.tsx"] = variant_page(name)
    app = generate_app(AppSpec("unload-variants", source=EXAMPLE, files=files, recorded=(END_ROUTE,)),
                       e2e_workdir, toolchain)
    built = build_app(app, toolchain)
    assert built.ok, built.log[-3000:]
    return built


def start_session(page: object) -> None:
    page.get_by_role("button", name="Start Session").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="End Session").wait_for(timeout=15_000)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_sop_check_verdicts_of_the_variants(name: str, e2e_workdir: Path) -> None:
    tav003, tav004 = sop_check_verdicts(name, e2e_workdir)
    want003, want004 = EXPECTED[name]
    assert tav003 == want003
    if want004 is not None:
        assert tav004 == want004


def test_end_route_receives_the_unload_request_exactly_when_tav003_and_tav004_pass(
        built_example: BuiltApp, browser_toolchain: Toolchain, e2e_workdir: Path) -> None:
    toolchain = browser_toolchain
    verdicts = {name: sop_check_verdicts(name, e2e_workdir) for name in VARIANTS}
    outcomes: dict[tuple[str, LeaveHow, int], bool] = {}
    with serve(built_example, toolchain) as running, chromium(toolchain) as browser:
        for name in VARIANTS:
            path = "/" if name == "compliant" else f"/e2e/{name}"
            for how in ("close", "navigate"):
                for attempt in range(2):
                    before = len(running.recorded())

                    def settle() -> None:
                        assert running.proxy.wait_settled(), "the browser was still sending after 15 s"
                        time.sleep(0.3)  # the server writes the record after the body arrived

                    leave_page(browser, running.origin + path, start_session, how, settle)
                    new = running.recorded()[before:]
                    ours = [r for r in new if json.loads(r["body"] or "{}").get("conversation_id") == f"e2e-{name}"]
                    assert len(ours) == len(new), f"{name}: the end route got requests of another page: {new}"
                    outcomes[(name, how, attempt)] = bool(ours)
    mismatches = []
    for (name, how, attempt), delivered in sorted(outcomes.items()):
        sop_pass = verdicts[name] == ("pass", "pass")
        if delivered != sop_pass:
            mismatches.append(f"{name} ({how} #{attempt + 1}): end route {'received' if delivered else 'got nothing'},"
                              f" sop-check TAV003={verdicts[name][0]} TAV004={verdicts[name][1]}")
    assert not mismatches, "\n".join(mismatches)
    assert outcomes[("compliant", "close", 0)] and not outcomes[("no-keepalive", "close", 0)]


def test_the_generated_app_runs_the_real_end_route_and_calls_nothing_outside_loopback(
        built_example: BuiltApp, browser_toolchain: Toolchain) -> None:
    """The recorder passes requests on to the example's own handler; its call to Tavus meets the
    test-only fetch guard (599) instead of the network, so the handler answers success: false."""
    toolchain = browser_toolchain
    with serve(built_example, toolchain) as running:
        status, _, body = running.request("POST", "/api/tavus/end", b"{}", {"content-type": "application/json"})
        assert (status, json.loads(body)) == (400, {"error": "Missing ID"})
        status, _, body = running.request("POST", "/api/tavus/end", b'{"conversation_id": "c1"}',
                                          {"content-type": "application/json"})
        assert (status, json.loads(body)) == (200, {"success": False})
        assert [json.loads(r["body"]) for r in running.recorded()] == [{}, {"conversation_id": "c1"}]
