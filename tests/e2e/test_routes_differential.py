"""Differential: `sop-check routes` must equal what `next build` 15.5 routes, methods included.

One generated app per group of variants (each `next build` costs 10-45 s), so the
variants that can share an app do: every App/Pages Router layout fact that does not
depend on the project's config goes into the root-layout app; config-dependent facts
(src/ layout, basePath, pageExtensions) into the second; each build error gets its own
tiny app (they stop before compiling much).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nextjs_harness import (AppSpec, BuiltApp, FrameworkRoute, GeneratedApp, Toolchain, build_app,
                            framework_routes, generate_app, serve)
from sop_check.cli import main

POST = "export async function POST() { return Response.json({ ok: 1 }); }\n"
GET = "export async function GET() { return Response.json({ ok: 1 }); }\n"
API = "export default function handler(req, res) { res.status(200).json({ ok: 1 }); }\n"
TYPED_API = ("import type { NextApiRequest, NextApiResponse } from 'next';\n"
             "export default function handler(req: NextApiRequest, res: NextApiResponse) { res.status(200).end(); }\n")

# Root app/ and pages/ beside src/app/ and src/pages/, with everything the config does not change.
ROOT_LAYOUT = {
    "app/api/ts/route.ts": POST,
    "app/api/js/route.js": GET + POST,
    "app/api/jsx/route.jsx": POST,
    "app/api/tsx/route.tsx": POST,
    "app/api/mjs/route.mjs": POST,
    "app/api/mts/route.mts": POST,
    "app/api/route.test.ts": POST,
    "app/api/methods/route.ts": ("const h = async () => Response.json({});\n"
                                 "export { h as GET, h as PUT, h as DELETE, h as PATCH, h as HEAD, h as OPTIONS };\n"),
    "app/api/reexport/route.ts": "export { POST } from '../../../lib/handler';\n",
    "app/api/star/route.ts": "export * from '../../../lib/handler';\n",
    "app/api/wrapped/route.ts": ("const withLog = (h: () => Promise<Response>) => h;\n"
                                 "export const POST = withLog(async () => Response.json({}));\n"),
    "app/(grp)/api/grouped/route.ts": POST,
    "app/(g1)/api/dup/route.ts": POST,
    "app/api/dup/route.ts": GET,
    "app/(a)/api/dup2/route.ts": POST,
    "app/(b)/api/dup2/route.ts": GET,
    "app/_private/api/x/route.ts": POST,
    "app/api/_lib/route.ts": POST,
    "app/%5Funder/route.ts": POST,
    "app/api/[id]/route.ts": POST,
    "app/api/catch/[...slug]/route.ts": POST,
    "app/api/tavus/end/route.ts": POST,
    "src/app/api/tavus/end/route.ts": POST,
    "src/app/api/shadowed/route.ts": POST,
    "lib/handler.ts": POST,
    "pages/api/p.ts": TYPED_API,
    "pages/api/index.ts": TYPED_API,
    "pages/api/nested/index.js": API,
    "pages/api/_lib/util.ts": TYPED_API,
    "pages/api/hello.test.ts": TYPED_API,
    "pages/api/p/[pid].ts": TYPED_API,
    "pages/api/pm.mjs": API,
    "pages/api/pd.ts": TYPED_API,
    "pages/api/pd/index.js": API,
    "pages/api/h.js": API,
    "pages/api/h.ts": TYPED_API,
    "src/pages/api/shadowed.ts": TYPED_API,
}
ROOT_LAYOUT_NOT_SERVED = {
    "app/api/mjs/route.mjs": "pageExtensions", "app/api/mts/route.mts": "pageExtensions",
    "app/api/route.test.ts": "pageExtensions", "app/(g1)/api/dup/route.ts": "duplicate",
    "app/(a)/api/dup2/route.ts": "duplicate", "app/_private/api/x/route.ts": "private",
    "app/api/_lib/route.ts": "private", "src/app/api/tavus/end/route.ts": "shadowed",
    "src/app/api/shadowed/route.ts": "shadowed", "pages/api/pm.mjs": "pageExtensions",
    "pages/api/pd.ts": "duplicate", "pages/api/h.js": "duplicate", "src/pages/api/shadowed.ts": "shadowed",
}

# Only src/ folders, a basePath and custom pageExtensions, from next.config.mjs.
SRC_CONFIG = {
    "src/app/api/a/route.ts": POST,
    "src/app/api/b/route.page.ts": POST,
    "src/app/api/c/route.page.js": GET,
    "src/app/api/tavus/end/route.page.ts": POST,
    "src/app/route.page.ts": GET,
    "src/pages/api/c.ts": TYPED_API,
    "src/pages/api/d.page.ts": TYPED_API,
    "src/pages/api/e/index.page.js": API,
}
SRC_CONFIG_NEXT = ("const nextConfig = {\n  basePath: '/base',\n  pageExtensions: ['page.tsx', 'page.ts', 'page.js'],\n};\n"
                   "export default nextConfig;\n")
SRC_CONFIG_NOT_SERVED = {"src/app/api/a/route.ts": "pageExtensions", "src/pages/api/c.ts": "pageExtensions"}

# No next.config in the app folder: Next.js finds the parent folder's (it searches upwards).
PARENT_CONFIG = {
    "next.config.mjs": "export default { basePath: '/up' };\n",
    "web/app/api/tavus/end/route.ts": POST,
    "web/pages/api/y.ts": TYPED_API,
}

Row = tuple[str, str, str, tuple[str, ...]]


def sop_check_routes(app: GeneratedApp) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["routes", str(app.tree), "--app", str(app.dir), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)["apps"]
    assert isinstance(table, dict)
    return table


def served_by_sop_check(app: dict[str, Any]) -> set[Row]:
    assert all(r["methodsComplete"] for r in app["routes"] if r["served"])
    return {(r["url"], r["router"], r["file"], tuple(r["methods"])) for r in app["routes"] if r["served"]}


def serving_routes(built: BuiltApp, routes: list[FrameworkRoute], toolchain: Toolchain) -> set[Row]:
    """The manifests list every duplicate; which one answers is asked of `next start` (Allow header)."""
    by_url: dict[str, list[FrameworkRoute]] = {}
    for r in routes:
        by_url.setdefault(r.url, []).append(r)
    rows = {(r.url, r.router, r.file, r.methods) for r in routes if len(by_url[r.url]) == 1}
    duplicated = {url: rs for url, rs in by_url.items() if len(rs) > 1}
    if duplicated:
        with serve(built, toolchain) as running:
            for url, candidates in duplicated.items():
                _, headers, _ = running.request("OPTIONS", url)
                allow = {m.strip() for m in headers.get("allow", headers.get("Allow", "")).split(",") if m.strip()}
                winners = [c for c in candidates if _allow_of(c.methods) == allow]
                assert len(winners) == 1, f"{url}: Allow {allow} does not pick one of {candidates}"
                rows.add((winners[0].url, winners[0].router, winners[0].file, winners[0].methods))
    return rows


def _allow_of(methods: tuple[str, ...]) -> set[str]:
    # Next.js answers OPTIONS itself and HEAD for a GET handler.
    return set(methods) | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())


@pytest.mark.parametrize("name, files, next_config, app_dir, not_served", [
    ("root-layout", ROOT_LAYOUT, None, "", ROOT_LAYOUT_NOT_SERVED),
    ("src-config", SRC_CONFIG, SRC_CONFIG_NEXT, "", SRC_CONFIG_NOT_SERVED),
    ("parent-config", PARENT_CONFIG, None, "web", {}),
])
def test_sop_check_routes_equal_what_next_build_routes(name: str, files: dict[str, str], next_config: str | None,
                                                      app_dir: str, not_served: dict[str, str],
                                                      toolchain: Toolchain, e2e_workdir: Path) -> None:
    app = generate_app(AppSpec(name, files=files, next_config=next_config, app_dir=app_dir), e2e_workdir, toolchain)
    ours = sop_check_routes(app)
    assert {r["file"]: r["reason"] for r in ours["routes"] if not r["served"]} == not_served
    built = build_app(app, toolchain)
    assert built.ok, built.log[-3000:]
    truth = serving_routes(built, framework_routes(built, toolchain), toolchain)
    assert served_by_sop_check(ours) == truth


@pytest.mark.parametrize("name, files, build_error, conflicting", [
    ("app-and-pages", {"app/api/tavus/end/route.ts": POST, "pages/api/tavus/end.ts": TYPED_API},
     "Conflicting app and page file", {"app/api/tavus/end/route.ts", "pages/api/tavus/end.ts"}),
    ("page-and-route", {"app/api/c/route.ts": POST, "app/api/c/page.tsx": "export default function P() { return null; }\n",
                        "app/layout.tsx": ("export default function L({ children }: { children: React.ReactNode }) "
                                           "{ return <html><body>{children}</body></html>; }\n")},
     "You cannot have two parallel pages that resolve to the same path", {"app/api/c/route.ts"}),
])
def test_a_conflict_sop_check_reports_is_a_failing_build(name: str, files: dict[str, str], build_error: str,
                                                         conflicting: set[str], toolchain: Toolchain,
                                                         e2e_workdir: Path) -> None:
    app = generate_app(AppSpec(f"conflict-{name}", files=files), e2e_workdir, toolchain)
    ours = sop_check_routes(app)
    assert {r["file"] for r in ours["routes"] if r["reason"] == "conflict"} == conflicting
    built = build_app(app, toolchain)
    assert not built.ok and build_error in built.log, built.log[-3000:]


def test_a_static_export_serves_none_of_the_routes_sop_check_says_it_does_not(toolchain: Toolchain,
                                                                             e2e_workdir: Path) -> None:
    files = {"app/api/tavus/end/route.ts": POST, "pages/api/p.ts": TYPED_API}
    app = generate_app(AppSpec("static-export", files=files, next_config="export default { output: 'export' };\n"),
                       e2e_workdir, toolchain)
    ours = sop_check_routes(app)
    assert {r["file"]: r["reason"] for r in ours["routes"]} == dict.fromkeys(files, "static-export")
    built = build_app(app, toolchain)
    assert built.ok, built.log[-3000:]
    # What is deployed is out/: pages and assets, and no API route at all.
    assert "disables API routes" in built.log
    exported = {p.relative_to(app.dir / "out").as_posix() for p in (app.dir / "out").rglob("*") if p.is_file()}
    assert exported and not any(p.startswith("api") for p in exported), sorted(exported)
