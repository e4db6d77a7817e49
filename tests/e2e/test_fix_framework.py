"""Fixed code works in the real framework (issue 15): `check --fix` on broken variants of the bundled
example, then `next build`, `next start` and headless Chromium.

Variants (each a small edit of the real example): no end route, no 400 guard, no cleanup of the
unload listener, no keepalive. Each is checked by sop-check as a project of its own (the rule
must fail, with the finding the fix is for), fixed with `--fix` (all four fixes are safe), and
checked again (every SOP rule passes). Then one app is built from all of them (one `next build`
keeps the tier's time down): the example with its end route created by `--fix`, the fixed
components of the other variants on pages of their own, and the fixed route of the no-400
variant under a second URL (`/e2e-no-400/...`: one app can serve one end route; the file is
byte for byte what `--fix` wrote). The checks:
- the app builds;
- Next.js's manifests route `/api/tavus/end` to the very file sop-check named in its finding
  (and POST is among its methods), and the no-400 route where it was put;
- both routes answer 400 to a POST without an id;
- closing the tab delivers the keepalive end request from the page whose keepalive was fixed
  and from the example's page (to the created route);
- the fixed cleanup works: after "End Session" the old listener is gone, so closing the tab
  sends no second end request; the unfixed variant (a control in the same build) does.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nextjs_harness import AppSpec, BuiltApp, Toolchain, build_app, chromium, framework_routes, generate_app, \
    leave_page, serve
from sop_check.cli import main
from test_unload_browser import CONVERSATION_STUB, EXAMPLE, start_session, variant_page

COMPONENT = "components/InteractiveAvatar.tsx"
END_ROUTE = "app/api/tavus/end/route.ts"
SOP_RULES = "TAV001,TAV002,TAV003,TAV004,TAV005,TAV006"
SECRETS = {"TAVUS_API_KEY": "e2e-key", "TAVUS_PERSONA_ID": "e2e-persona", "CI": ""}  # --env-from-process
CLEANUP = "        return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n"
GUARD = "    if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });\n"

# name -> (file, old text, new text) edits of the example, and the finding `--fix` must repair.
VARIANTS: dict[str, tuple[list[tuple[str, str, str]], str]] = {
    "no-end-route": ([(END_ROUTE, "*", "")], "TAV001 missing-route"),
    "no-400": ([(END_ROUTE, GUARD, "")], "TAV002 no-400"),
    "no-cleanup": ([(COMPONENT, CLEANUP, "")], "TAV003 never-removed"),
    "no-keepalive": ([(COMPONENT, "                keepalive: true,\n", "")], "TAV004 no-keepalive"),
}


def broken_variant(name: str, workdir: Path) -> Path:
    project = workdir / "fix-variants" / name
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(EXAMPLE, project)
    for rel, old, new in VARIANTS[name][0]:
        target = project / rel
        if old == "*":
            target.unlink()
            continue
        text = target.read_text()
        assert text.count(old) == 1, f"{name}: the example no longer contains {old!r}"
        target.write_text(text.replace(old, new))
    return project


def check(project: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json", "--select", SOP_RULES,
                                       "--env-from-process", *args], env=SECRETS, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for a in report["apps"] for r in a["results"] for f in r["findings"]]


@pytest.fixture(scope="module")
def fixed_variants(e2e_workdir: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each variant broken, checked (it fails for the right reason), fixed, checked again (clean)."""
    out = {}
    for name, (_, finding) in VARIANTS.items():
        project = broken_variant(name, e2e_workdir)
        code, before = check(project)
        sites = [f"{f['rule']} {f['kind']}" for f in _findings(before)]
        assert code == 1 and finding in sites, f"{name}: before --fix sop-check says {sites}"
        _, fixing = check(project, "--fix")
        assert [f"{o['rule']} {o['kind']}" for o in fixing["fixes"] if o["status"] == "applied"][:1] == [finding], \
            f"{name}: {fixing['fixes']}"
        code, after = check(project)
        assert code == 0 and _findings(after) == [], f"{name}: after --fix: {_findings(after)}"
        out[name] = (project, before)
    return out


@pytest.fixture(scope="module")
def built_fixed(browser_toolchain: Toolchain, e2e_workdir: Path,
                fixed_variants: dict[str, tuple[Path, dict[str, Any]]]) -> BuiltApp:
    base, _ = fixed_variants["no-end-route"]
    files = {"app/api/tavus/conversation/route.ts": CONVERSATION_STUB,
             "app/e2e-no-400/api/tavus/end/route.ts": (fixed_variants["no-400"][0] / END_ROUTE).read_text()}
    for name in ("no-cleanup", "no-keepalive"):
        files[f"components/e2e/{name}.tsx"] = (fixed_variants[name][0] / COMPONENT).read_text()
        files[f"app/e2e/{name}/page.tsx"] = variant_page(name)
    # The control: the cleanup left out, as before --fix.
    files["components/e2e/no-cleanup-unfixed.tsx"] = (EXAMPLE / COMPONENT).read_text().replace(CLEANUP, "")
    files["app/e2e/no-cleanup-unfixed/page.tsx"] = variant_page("no-cleanup-unfixed")
    app = generate_app(AppSpec("fixed-variants", source=base, files=files, recorded=(END_ROUTE,)), e2e_workdir,
                       browser_toolchain)
    built = build_app(app, browser_toolchain)
    assert built.ok, f"the fixed app does not build:\n{built.log[-3000:]}"
    return built


def test_next_routes_the_fixed_routes_at_the_files_sop_check_named(
        built_fixed: BuiltApp, browser_toolchain: Toolchain,
        fixed_variants: dict[str, tuple[Path, dict[str, Any]]]) -> None:
    _, before = fixed_variants["no-end-route"]
    [missing] = [f for f in _findings(before) if (f["rule"], f["kind"]) == ("TAV001", "missing-route")]
    routes = {r.url: r for r in framework_routes(built_fixed, browser_toolchain)}
    created = routes["/api/tavus/end"]
    assert (created.router, created.file) == ("app", missing["path"]) and "POST" in created.methods
    assert routes["/e2e-no-400/api/tavus/end"].file == "app/e2e-no-400/api/tavus/end/route.ts"


def test_the_fixed_routes_answer_400_to_a_post_without_an_id(built_fixed: BuiltApp,
                                                             browser_toolchain: Toolchain) -> None:
    with serve(built_fixed, browser_toolchain) as running:
        for path in ("/api/tavus/end", "/e2e-no-400/api/tavus/end"):
            status, _, body = running.request("POST", path, b"{}", {"content-type": "application/json"})
            assert (status, json.loads(body)) == (400, {"error": "Missing ID"}), path
        status, _, _ = running.request("POST", "/api/tavus/end", b"")  # the created route: no body at all
        assert status == 400


def test_closing_the_tab_delivers_the_end_request_and_the_fixed_cleanup_removes_the_old_listener(
        built_fixed: BuiltApp, browser_toolchain: Toolchain) -> None:
    toolchain = browser_toolchain
    delivered: dict[str, int] = {}
    with serve(built_fixed, toolchain) as running, chromium(toolchain) as browser:
        def settle() -> None:
            assert running.proxy.wait_settled(), "the browser was still sending after 15 s"
            time.sleep(0.3)  # the server writes the record after the body arrived

        def start_then_end(page: Any) -> None:
            start_session(page)
            page.get_by_role("button", name="End Session").click()
            page.get_by_role("button", name="Start Session").wait_for(timeout=15_000)

        cases = [("compliant", "/", start_session), ("no-keepalive", "/e2e/no-keepalive", start_session),
                 ("no-cleanup", "/e2e/no-cleanup", start_then_end),
                 ("no-cleanup-unfixed", "/e2e/no-cleanup-unfixed", start_then_end)]
        for name, path, prepare in cases:
            before = len(running.recorded())
            leave_page(browser, running.origin + path, prepare, "close", settle)
            new = running.recorded()[before:]
            ours = [r for r in new if json.loads(r["body"] or "{}").get("conversation_id") == f"e2e-{name}"]
            assert len(ours) == len(new), f"{name}: the end route got requests of another page: {new}"
            delivered[name] = len(ours)
    # Closing the tab ends the session: the created route receives it, and so does the fixed keepalive.
    assert delivered["compliant"] == 1 and delivered["no-keepalive"] == 1, delivered
    # After End Session: one request (the button's). Without the cleanup the stale listener sends a second.
    assert delivered["no-cleanup"] == 1 and delivered["no-cleanup-unfixed"] == 2, delivered
