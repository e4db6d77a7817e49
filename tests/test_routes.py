"""The route model (sop_check/routes.py) and `sop-check routes`, pinned on the facts `next build`
15.5 showed (the framework tier in tests/e2e re-checks every one of them against a real build)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_check.cli import main
from sop_check.nextconfig import NextConfig
from sop_check.routes import CONFLICT, DUPLICATE, PAGE_EXTENSIONS, PRIVATE, SHADOWED, RouteFile, table_of_files

PKG = '{"dependencies": {"next": "15.5.29", "react": "19.2.9"}}'
POST = "export async function POST() { return Response.json({}); }\n"
API = "export default function handler(req, res) { res.status(200).end(); }\n"


def rows(files: list[str], config: NextConfig | None = None) -> dict[str, RouteFile]:
    return {r.path: r for r in table_of_files(files, config or NextConfig()).files}


def test_root_app_shadows_src_app_and_root_pages_shadows_src_pages() -> None:
    got = rows(["app/page.tsx", "src/app/api/tavus/end/route.ts", "pages/api/a.ts", "src/pages/api/b.ts"])
    assert got["src/app/api/tavus/end/route.ts"].reason == SHADOWED
    assert "app/ exists" in got["src/app/api/tavus/end/route.ts"].detail
    assert got["src/pages/api/b.ts"].reason == SHADOWED
    assert got["pages/api/a.ts"].routed


def test_src_dirs_are_used_when_the_root_has_none_each_on_its_own() -> None:
    got = rows(["src/app/api/x/route.ts", "pages/api/y.ts"])
    assert got["src/app/api/x/route.ts"].routed and got["src/app/api/x/route.ts"].url == "/api/x"
    assert got["pages/api/y.ts"].routed


def test_groups_slots_private_folders_and_escaped_underscore() -> None:
    got = rows(["app/(grp)/api/g/route.ts", "app/@slot/api/s/route.ts", "app/_lib/api/p/route.ts",
                "app/api/_x/route.ts", "app/%5Funder/route.ts"])
    assert got["app/(grp)/api/g/route.ts"].url == "/api/g"
    assert got["app/@slot/api/s/route.ts"].url == "/api/s"
    assert got["app/_lib/api/p/route.ts"].reason == PRIVATE
    assert got["app/api/_x/route.ts"].reason == PRIVATE
    assert got["app/%5Funder/route.ts"].routed and got["app/%5Funder/route.ts"].url == "/_under"


def test_pages_api_has_no_private_folders_and_index_names_its_folder() -> None:
    got = rows(["pages/api/_lib/util.ts", "pages/api/index.ts", "pages/api/n/index.js", "pages/api/t.d.ts"])
    assert got["pages/api/_lib/util.ts"].routed and got["pages/api/_lib/util.ts"].url == "/api/_lib/util"
    assert got["pages/api/index.ts"].url == "/api"
    assert got["pages/api/n/index.js"].url == "/api/n"
    assert "pages/api/t.d.ts" not in got  # Next.js skips declaration files


def test_default_page_extensions_do_not_serve_mjs_or_mts() -> None:
    got = rows(["app/api/a/route.mjs", "app/api/b/route.mts", "app/api/c/route.test.ts", "pages/api/d.mjs",
                "app/api/e/route.jsx"])
    for path in ("app/api/a/route.mjs", "app/api/b/route.mts", "app/api/c/route.test.ts", "pages/api/d.mjs"):
        assert got[path].reason == PAGE_EXTENSIONS, path
    assert got["app/api/e/route.jsx"].routed


def test_custom_page_extensions_serve_route_page_ts_not_route_ts() -> None:
    config = NextConfig(file="next.config.js", page_extensions=("page.tsx", "page.ts"))
    got = rows(["app/api/a/route.ts", "app/api/b/route.page.ts", "pages/api/c.ts", "pages/api/d.page.ts"], config)
    assert got["app/api/a/route.ts"].reason == PAGE_EXTENSIONS
    assert got["app/api/b/route.page.ts"].routed and got["app/api/b/route.page.ts"].url == "/api/b"
    assert got["pages/api/c.ts"].reason == PAGE_EXTENSIONS
    assert got["pages/api/d.page.ts"].routed and got["pages/api/d.page.ts"].url == "/api/d"


def test_duplicates_keep_the_greatest_path() -> None:
    got = rows(["app/(g1)/api/d/route.ts", "app/api/d/route.ts", "app/(a)/api/e/route.ts", "app/(b)/api/e/route.ts",
                "pages/api/f.ts", "pages/api/f/index.js", "pages/api/h.js", "pages/api/h.ts"])
    assert got["app/api/d/route.ts"].routed and got["app/(g1)/api/d/route.ts"].reason == DUPLICATE
    assert got["app/(b)/api/e/route.ts"].routed and got["app/(a)/api/e/route.ts"].reason == DUPLICATE
    assert got["pages/api/f/index.js"].routed and got["pages/api/f.ts"].reason == DUPLICATE
    assert got["pages/api/h.ts"].routed and got["pages/api/h.js"].reason == DUPLICATE
    assert "app/api/d/route.ts serves the same URL" in got["app/(g1)/api/d/route.ts"].detail


def test_same_url_in_both_routers_or_as_page_and_route_is_a_conflict() -> None:
    got = rows(["app/api/c/route.ts", "pages/api/c.ts", "app/api/p/route.ts", "app/api/p/page.tsx",
                "app/about/route.ts", "pages/about.tsx"])
    assert got["app/api/c/route.ts"].reason == CONFLICT and got["pages/api/c.ts"].reason == CONFLICT
    assert "next build` fails" in got["pages/api/c.ts"].detail
    assert got["app/api/p/route.ts"].reason == CONFLICT
    assert got["app/about/route.ts"].reason == CONFLICT


def test_base_path_prefixes_served_urls_but_not_python_functions() -> None:
    table = table_of_files(["app/api/x/route.ts", "app/route.ts", "api/f.py"], NextConfig(base_path="/base"))
    by = {r.path: table.served_url(r) for r in table.files}
    assert by == {"app/api/x/route.ts": "/base/api/x", "app/route.ts": "/base", "api/f.py": "/api/f"}


# --------------------------------------------------------------------------- next.config
def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "p"
    for name, text in {"package.json": PKG, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _routes_json(path: Path) -> dict:
    result = CliRunner().invoke(main, ["routes", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["apps"][0]


@pytest.mark.parametrize("config_name, text, base, exts", [
    ("next.config.mjs", "const nextConfig = { basePath: '/b', pageExtensions: ['page.ts'] };\nexport default nextConfig;\n",
     "/b", ["page.ts"]),
    ("next.config.js", "module.exports = withPlugin({ basePath: `/t`,\n  async rewrites() { return [{ source: '/a', "
     "destination: '/b', basePath: false }]; } });\n", "/t", ["tsx", "ts", "jsx", "js"]),
    ("next.config.ts", "// basePath: '/commented'\nconst c = {};\nexport default c;\n", "", ["tsx", "ts", "jsx", "js"]),
])
def test_next_config_is_read_from_its_syntax(tmp_path: Path, config_name: str, text: str, base: str,
                                             exts: list[str]) -> None:
    app = _routes_json(_project(tmp_path, {config_name: text, "app/api/x/route.ts": POST}))
    assert app["config"] == {"file": config_name, "basePath": base, "pageExtensions": exts, "unresolved": [],
                             "error": None}


def test_next_config_js_wins_and_unsupported_names_fail_the_build(tmp_path: Path) -> None:
    app = _routes_json(_project(tmp_path, {"next.config.js": "module.exports = { basePath: '/js' };\n",
                                           "next.config.mjs": "export default { basePath: '/mjs' };\n",
                                           "app/api/x/route.ts": POST}))
    assert app["config"]["file"] == "next.config.js" and app["config"]["basePath"] == "/js"
    app = _routes_json(_project(tmp_path / "2", {"next.config.cjs": "module.exports = {};\n",
                                                 "app/api/x/route.ts": POST}))
    assert app["config"]["file"] is None and "next.config.cjs" in app["config"]["error"]


def test_a_base_path_that_is_not_a_literal_is_unresolved_and_client_rules_say_unknown(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "app-router-compliant"
    import shutil

    root = tmp_path / "p"
    shutil.copytree(fixtures, root)
    (root / "expected.toml").unlink()
    (root / "env.local.fixture").rename(root / ".env.local")
    (root / "next.config.mjs").write_text("export default { basePath: process.env.BASE_PATH };\n")
    app = _routes_json(root)
    assert app["config"]["unresolved"] == [
        "basePath in next.config.mjs is not a literal Next.js config value (process.env.BASE_PATH)"]
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--select", "TAV003,TAV004"],
                                env={"CI": ""}, catch_exceptions=False)
    tav003 = next(r for r in json.loads(result.stdout)["apps"][0]["results"] if r["rule"] == "TAV003")
    assert tav003["status"] == "unknown"
    assert any("basePath" in u for u in tav003["unresolved"])


def test_unresolved_page_extensions_make_tav001_unknown(tmp_path: Path) -> None:
    root = _project(tmp_path, {"next.config.js": "const exts = require('./exts');\nmodule.exports = { pageExtensions: exts };\n",
                               "app/api/tavus/end/route.ts": POST})
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--select", "TAV001", "--app",
                                       str(root)], env={"CI": ""}, catch_exceptions=False)
    tav001 = json.loads(result.stdout)["apps"][0]["results"][0]
    assert tav001["status"] == "unknown" and "pageExtensions in next.config.js" in tav001["unresolved"][0]


# --------------------------------------------------------------------------- the command
def test_routes_text_lists_served_routes_with_methods_and_why_others_are_not(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "app/page.tsx": "export default function P() { return null; }\n",
        "app/api/tavus/end/route.ts": POST,
        "app/api/multi/route.js": "export const GET = () => new Response();\nexport { GET as DELETE };\n",
        "app/api/star/route.ts": "export * from '../../../lib/h';\n",
        "lib/h.ts": POST,
        "app/api/pkg/route.ts": "export * from 'some-package';\n",
        "src/app/api/old/route.ts": POST,
        "pages/api/legacy.ts": API,
    })
    result = CliRunner().invoke(main, ["routes", str(root)], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("app .: app/, pages/; no next.config: no basePath, pageExtensions tsx, ts, jsx, js")
    table = {line.split()[0]: line.split() for line in lines[1:] if line.startswith("  /")}
    assert table["/api/tavus/end"][1:] == ["POST", "app", "app/api/tavus/end/route.ts"]
    assert table["/api/multi"][1:4] == ["GET,", "DELETE", "app"]
    assert table["/api/star"][1] == "POST"
    assert table["/api/pkg"][1:4] == ["(none)", "+", "?"]  # a package's export * is not read
    assert table["/api/legacy"][1:] == ["ANY", "pages", "pages/api/legacy.ts"]
    assert "    src/app/api/old/route.ts  [shadowed]  app/ exists, so Next.js routes only app/, never src/app/" in lines


def test_routes_json_paths_are_repo_relative_and_urls_carry_the_base_path(tmp_path: Path) -> None:
    root = _project(tmp_path, {"apps/web/package.json": PKG, "apps/web/next.config.js": "module.exports = {basePath: '/w'}",
                               "apps/web/app/api/x/route.ts": POST})
    (root / "package.json").unlink()
    result = CliRunner().invoke(main, ["routes", str(root), "--format", "json"], catch_exceptions=False)
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1
    (app,) = report["apps"]
    assert app["root"] == "apps/web"
    assert app["routes"] == [{"url": "/w/api/x", "route": "/api/x", "methods": ["POST"], "methodsComplete": True,
                              "file": "apps/web/app/api/x/route.ts", "router": "app", "served": True, "reason": None,
                              "detail": "", "evidence": True}]


def test_routes_on_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["routes", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such file or directory" in result.stderr


def test_a_component_imported_only_from_a_shadowed_src_app_page_is_not_evidence(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "app-router-compliant"
    import shutil

    root = tmp_path / "p"
    shutil.copytree(fixture, root)
    (root / "expected.toml").unlink()
    (root / "src" / "app").mkdir(parents=True)
    (root / "app" / "page.tsx").rename(root / "src" / "app" / "page.tsx")  # the page that renders the client
    (root / "src" / "app" / "page.tsx").write_text(
        (root / "src" / "app" / "page.tsx").read_text().replace("@/components", "../../components"))
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--select", "TAV003"],
                                env={"CI": ""}, catch_exceptions=False)
    tav003 = json.loads(result.stdout)["apps"][0]["results"][0]
    assert tav003["status"] == "fail", tav003["message"]


def test_routes_text_shows_control_characters_in_names_escaped(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/api/x\x1b[2J\u202e/route.ts": POST})
    result = CliRunner().invoke(main, ["routes", str(root)], catch_exceptions=False)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "app/api/x\\u{001b}[2J\\u{202e}/route.ts" in result.stdout


def test_an_app_without_next_config_uses_the_nearest_parent_one_as_next_does(tmp_path: Path) -> None:
    root = _project(tmp_path, {"next.config.js": "module.exports = { basePath: '/up' };\n",
                               "apps/web/package.json": PKG, "apps/web/app/api/x/route.ts": POST})
    result = CliRunner().invoke(main, ["routes", str(root), "--app", str(root / "apps" / "web"), "--format", "json"],
                                catch_exceptions=False)
    (app,) = json.loads(result.stdout)["apps"]
    assert app["config"]["file"] == "next.config.js" and app["config"]["basePath"] == "/up"
    assert [r["url"] for r in app["routes"]] == ["/up/api/x"]


def test_a_static_export_serves_no_api_route_and_tav001_fails(tmp_path: Path) -> None:
    root = _project(tmp_path, {"next.config.mjs": "export default { output: 'export' };\n",
                               "app/api/tavus/end/route.ts": POST, "pages/api/p.ts": API, "api/f.py": "x = 1\n"})
    app = _routes_json(root)
    assert {r["file"]: r["reason"] for r in app["routes"]} == {
        "app/api/tavus/end/route.ts": "static-export", "pages/api/p.ts": "static-export", "api/f.py": None}
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--select", "TAV001", "--app",
                                       str(root)], env={"CI": ""}, catch_exceptions=False)
    tav001 = json.loads(result.stdout)["apps"][0]["results"][0]
    assert tav001["status"] == "fail"
    assert "not served (static-export)" in tav001["findings"][0]["message"]
