"""TAV001 (and the route helpers TAV002 shares): where a missing end route belongs, and a route file
that cannot be read. Each case pins the finding's kind, location and data, or the unresolved
entry's kind and text (found by mutation testing of rules/_routes.py and rules/tav001_end_route.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pytest

from helpers import PACK, options_for, verdicts, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import RuleResult, Status
from sop_check.registry import all_rules

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
KEY = {"lib/tavus.ts": "export const key = process.env.TAVUS_API_KEY;\n"}


def _config(extensions: list[str]) -> dict[str, str]:
    return {"next.config.js": f"module.exports = {{ pageExtensions: {extensions!r} }};\n"}


@pytest.mark.parametrize("files, expected", [
    ({}, "app/api/tavus/end/route.ts"),  # no router folder yet: the App Router
    ({"app/page.tsx": "export default function P() { return null; }\n"}, "app/api/tavus/end/route.ts"),
    ({"src/app/page.tsx": "export default function P() { return null; }\n"}, "src/app/api/tavus/end/route.ts"),
    ({"pages/index.tsx": "export default function P() { return null; }\n"}, "pages/api/tavus/end.ts"),
    ({"src/pages/index.tsx": "export default function P() { return null; }\n"}, "src/pages/api/tavus/end.ts"),
    ({**_config(["page.tsx", "page.ts"])}, "app/api/tavus/end/route.page.ts"),  # the first `ts`, not `tsx`
    ({**_config(["mdx", "tsx", "ts"])}, "app/api/tavus/end/route.ts"),
    ({**_config(["js", "jsx"])}, "app/api/tavus/end/route.js"),  # no `ts` at all: the first extension
    ({**_config(["jsx", "js"])}, "app/api/tavus/end/route.jsx"),
])
def test_a_missing_route_is_reported_where_the_apps_layout_puts_it(tmp_path: Path, files: dict[str, str],
                                                                   expected: str) -> None:
    write(tmp_path, {"package.json": PKG, **KEY, **files})
    got = verdicts(tmp_path, "TAV001")["TAV001"]
    assert got.status is Status.FAIL
    [finding] = got.findings
    assert finding.kind == "missing-route"
    assert (finding.location.path, finding.location.line) == (expected, 1)
    assert finding.data == {"url": "/api/tavus/end", "path": expected}


def _check(root: Path, codes: str, options: Mapping[str, Any]) -> dict[str, RuleResult]:
    def options_with(code: str) -> dict[str, Any]:
        return {**options_for(code), **options}

    rules = [r for c, r in all_rules().items() if c in codes.split(",")]
    report = run_check(root, RunOptions(rules=rules, options_for=options_with, settings=Settings(), environ={},
                                        pack=PACK))
    return {r.rule: r for app in report.apps for r in app.results}


@pytest.mark.parametrize("files, expected", [
    ({"lib/tavus.js": "export const key = process.env.TAVUS_API_KEY;\n"}, "app/api/tavus/end/route.js"),
    ({"lib/tavus.js": "export const key = process.env.TAVUS_API_KEY;\n", "tsconfig.json": "{}"},
     "app/api/tavus/end/route.ts"),
    ({"lib/tavus.mts": "export const key = process.env.TAVUS_API_KEY;\n"}, "app/api/tavus/end/route.ts"),
    ({"lib/tavus.cts": "export const key = process.env.TAVUS_API_KEY;\n"}, "app/api/tavus/end/route.ts"),
    ({"lib/tavus.js": "export const key = process.env.TAVUS_API_KEY;\n", "pages/index.jsx": "export default 1;\n"},
     "pages/api/tavus/end.js"),
])
def test_a_missing_route_is_placed_in_the_apps_language(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    write(tmp_path, {"package.json": PKG, **files})
    [finding] = verdicts(tmp_path, "TAV001")["TAV001"].findings
    assert finding.kind == "missing-route" and finding.location.path == expected


def test_the_configured_end_route_is_placed_without_its_slashes(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, **KEY})
    got = _check(tmp_path, "TAV001", {"end-route": "/api/X/"})["TAV001"]
    [finding] = got.findings
    assert finding.location.path == "app/api/X/route.ts"


BINARY_ROUTE = b"\x00\x01export async function POST() {}\n"


@pytest.mark.parametrize("code", ["TAV001", "TAV002"])
def test_a_route_file_that_cannot_be_read_is_unknown_naming_it(tmp_path: Path, code: str) -> None:
    write(tmp_path, {"package.json": PKG, **KEY})
    route = tmp_path / "app/api/tavus/end/route.ts"
    route.parent.mkdir(parents=True)
    route.write_bytes(BINARY_ROUTE)
    got = verdicts(tmp_path, code)[code]
    assert got.status is Status.UNKNOWN and not got.findings
    [entry] = got.unresolved
    assert entry.kind == "unreadable"
    assert entry.location is not None and entry.location.path == "app/api/tavus/end/route.ts"
    assert "cannot read app/api/tavus/end/route.ts" in entry


ROUTE = "app/api/tavus/end/route.ts"


def _tav001(root: Path, files: dict[str, str]) -> RuleResult:
    write(root, {"package.json": PKG, **KEY, **files})
    return verdicts(root, "TAV001")["TAV001"]


@pytest.mark.parametrize("files, detail", [
    ({ROUTE: "export async function GET() { return Response.json({}); }\n"
             "export async function PUT() { return Response.json({}); }\nexport const dynamic = 'force-dynamic';\n"},
     "it exports only GET, PUT"),  # upper-case exports are the methods; `dynamic` is route config
    ({ROUTE: "export const dynamic = 'force-dynamic';\nexport function helper() {}\n"}, "it exports no POST function"),
    ({"pages/api/tavus/end.ts": "export const config = { api: { bodyParser: true } };\n"},
     "it has no default export"),
])
def test_a_route_without_a_post_handler_says_what_it_exports(tmp_path: Path, files: dict[str, str],
                                                             detail: str) -> None:
    got = _tav001(tmp_path, files)
    assert got.status is Status.FAIL
    [finding] = got.findings
    path = next(iter(files))
    assert finding.kind == "no-post-handler" and finding.location.path == path
    assert finding.data == {"path": path, "detail": detail}


@pytest.mark.parametrize("source, kind, text", [
    ("export const POST = 42;\n", "unmodelled", "the POST export is not a function"),
    ("import { h } from './nothere';\nexport const POST = h;\n", "unresolved-import",
     "the POST export could not be resolved: import 'h' from './nothere' does not resolve to a file"),
    ("export const POST = makeHandler();\n", "call-result",
     "the POST export could not be resolved: the result of makeHandler()"),
    ("export async function GET() {}\nexport async function POST( {\n", "syntax-error",
     "has a syntax error; the POST export may be in the broken part"),
])
def test_a_post_export_that_cannot_be_seen_is_unknown_with_why(tmp_path: Path, source: str, kind: str,
                                                               text: str) -> None:
    got = _tav001(tmp_path, {ROUTE: source})
    assert got.status is Status.UNKNOWN and not got.findings, got
    [entry] = got.unresolved
    assert entry.startswith(f"{ROUTE}: ") and text in entry
    assert entry.location is not None and entry.location.path == ROUTE
    assert entry.kind == kind  # the evaluator's Unknown kind is passed on as it is


def test_a_route_file_next_ignores_is_named_also_for_an_end_route_written_with_a_slash(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, **KEY, "app/page.tsx": "export default function P() { return null; }\n",
                     "src/app/api/endX/route.ts": "export async function POST() {}\n"})
    got = _check(tmp_path, "TAV001", {"end-route": "/api/endX/"})["TAV001"]
    [finding] = got.findings
    assert finding.kind == "route-not-routed" and finding.location.path == "src/app/api/endX/route.ts"
    assert finding.data == {"path": "src/app/api/endX/route.ts", "url": "/api/endX/", "reason": "shadowed",
                            "detail": "app/ exists, so Next.js routes only app/, never src/app/",
                            "expected": "app/api/endX/route.ts"}


def test_page_extensions_that_cannot_be_read_make_a_found_route_unknown(tmp_path: Path) -> None:
    got = _tav001(tmp_path, {ROUTE: "export async function POST() { return Response.json({}); }\n",
                             "next.config.js": "const exts = require('./exts');\nmodule.exports = { pageExtensions: exts };\n"})
    assert got.status is Status.UNKNOWN
    assert got.message == "could not verify that /api/tavus/end is served"
    assert any(u.startswith("pageExtensions") for u in got.unresolved)


PY_HEAD = "from http.server import BaseHTTPRequestHandler\n\n\nclass handler(BaseHTTPRequestHandler):\n"
PY_POST = PY_HEAD + "    def do_POST(self):\n        pass\n"
PY_GET = PY_HEAD + "    def do_GET(self):\n        pass\n"
PY_BROKEN = "def handler(:\n"
PY = "api/tavus/end.py"
APP_POST = "export async function POST() { return Response.json({}); }\n"


@pytest.mark.parametrize("files, method, served, detail", [
    ({}, "POST", False, "no route serves /api/tavus/end"),
    ({PY: PY_POST}, "POST", True, ""),
    ({PY: PY_POST}, "post", True, ""),
    ({PY: PY_POST}, "GET", None, f"whether {PY} answers GET (only POST is read in Python functions)"),
    ({PY: PY_GET}, "POST", False, f"{PY}: it serves only GET (do_GET)"),
    ({PY: "\n\nVALUE = 1\n"}, "POST", False, f"{PY}: it has neither a handler class with do_POST nor a POST route"),
    ({PY: PY_BROKEN}, "POST", None, f"{PY}: {PY} could not be parsed"),
    ({PY: PY_BROKEN}, "GET", None, f"{PY}: {PY} could not be parsed"),
    ({PY: PY_GET, ROUTE: APP_POST}, "POST", True, ""),  # every file serving the URL is asked
    ({PY: PY_POST, ROUTE: "export async function GET() {}\n"}, "GET", True, ""),
    ({ROUTE: APP_POST}, "OPTIONS", True, ""),  # OPTIONS comes with any handler
    ({ROUTE: "export const dynamic = 'force-dynamic';\n"}, "OPTIONS", False, f"{ROUTE} exports no request handler"),
    ({ROUTE: "export async function GET() {}\nexport async function PUT() {}\n"}, "POST", False,
     f"{ROUTE} exports only GET, PUT"),
    ({ROUTE: "export async function GET() {}\n", PY: PY_GET}, "POST", False,
     f"{ROUTE} exports only GET; {PY}: it serves only GET (do_GET)"),
    ({ROUTE: "export * from 'handlers';\n", PY: PY_BROKEN}, "POST", None, None),
])
def test_route_serves_answers_with_the_reason(tmp_path: Path, files: dict[str, str], method: str,
                                              served: bool | None, detail: str | None) -> None:
    from helpers import index_for
    from sop_check_rules._routes import route_serves

    write(tmp_path, {"package.json": PKG, **KEY, **files})
    got = route_serves(index_for(tmp_path), "/api/tavus/end", method)
    assert got.served is served
    assert got.routed is bool(files)
    if detail is None:  # two unsure files: both named, in the route table's order
        assert "; " in got.detail and PY in got.detail and ROUTE in got.detail
    else:
        assert got.detail == detail


def test_a_python_function_with_do_post_passes_tav001_with_the_handler_as_evidence(tmp_path: Path) -> None:
    got = _tav001(tmp_path, {PY: PY_POST})
    assert got.status is Status.PASS and got.message == f"POST /api/tavus/end is served by {PY}"
    [evidence] = got.evidence
    assert evidence.message == f"POST handler do_POST at {PY}:5"
    assert evidence.location is not None and (evidence.location.path, evidence.location.line) == (PY, 5)


def test_a_python_function_serving_only_get_fails_tav001_at_do_get(tmp_path: Path) -> None:
    got = _tav001(tmp_path, {PY: PY_GET})
    [finding] = got.findings
    assert finding.kind == "no-post-handler" and (finding.location.path, finding.location.line) == (PY, 5)
    assert finding.data == {"path": PY, "detail": "it serves only GET (do_GET)"}


def test_a_python_function_without_a_handler_fails_tav001_on_line_1(tmp_path: Path) -> None:
    got = _tav001(tmp_path, {PY: "\n\nVALUE = 1\n"})
    assert [(f.kind, f.location.line) for f in got.findings] == [("no-post-handler", 1)]


def test_a_python_function_that_cannot_be_parsed_is_unknown_for_tav001(tmp_path: Path) -> None:
    got = _tav001(tmp_path, {PY: PY_BROKEN})
    assert got.status is Status.UNKNOWN and not got.findings
    [entry] = got.unresolved
    assert entry == f"{PY}: {PY} could not be parsed" and entry.kind == "unmodelled"
    assert entry.location is not None and (entry.location.path, entry.location.line) == (PY, 1)


def test_tav001_asks_every_file_serving_the_url(tmp_path: Path) -> None:
    got = _tav001(tmp_path, {PY: PY_GET, ROUTE: APP_POST})
    assert got.status is Status.PASS, got
