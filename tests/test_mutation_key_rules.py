"""TAV101 (key not public) and TAV103 (no hard-coded key) pinned branch by branch (mutation
survivors in rules/tav101_key_not_public.py, rules/tav103_no_hardcoded_key.py and
rules/_security.py): each way the key reaches the browser with its kind, place and data, what
does not count, and each literal shape TAV103 reads. The key-like values are repeated characters,
built here; a finding shows only their length."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import verdicts, write
from sop_check.model import RuleResult, Status

PKG = '{"dependencies": {"next": "15"}}'
FAKE = "k9" * 10  # 20 characters: looks like a key to TAV103, is none
CLIENT = "'use client';\n"
USES = "export const k = process.env.TAVUS_API_KEY;\n"  # the app uses Tavus (server side): the rules run


def run(root: Path, files: dict[str, str], code: str) -> RuleResult:
    write(root, {"package.json": PKG, "lib/uses.ts": USES, **files})
    return verdicts(root, code)[code]


def where(result: RuleResult) -> list[tuple[str, str, int, int]]:
    return [(f.kind, f.location.path, f.location.line, f.location.column) for f in result.findings]


# -- TAV101 --------------------------------------------------------------------------------------

def test_a_public_key_in_any_env_file_is_found_on_its_line(tmp_path: Path) -> None:
    r = run(tmp_path, {".env.local": "A=1\nNEXT_PUBLIC_TAVUS_API_KEY=abc\nNEXT_PUBLIC_TAVUS_PERSONA=p\n",
                       ".env.example": "next_public_tavus_secret=\n"}, "TAV101")
    assert (r.status, r.message) == (Status.FAIL, "the Tavus key can reach the browser")
    assert sorted(where(r)) == [("public-env", ".env.example", 1, 1), ("public-env", ".env.local", 2, 1)]
    local = next(f for f in r.findings if f.location.path == ".env.local")
    assert (local.data["name"], local.data["file"]) == ("NEXT_PUBLIC_TAVUS_API_KEY", ".env.local")
    assert "abc" not in local.message


@pytest.mark.parametrize("read", [
    "process.env.NEXT_PUBLIC_TAVUS_API_KEY", "process.env['NEXT_PUBLIC_TAVUS_API_KEY']",
    "import.meta.env.NEXT_PUBLIC_TAVUS_API_KEY", "process .env.NEXT_PUBLIC_TAVUS_API_KEY",
])
def test_a_public_key_read_anywhere_in_code_is_found_where_it_is_read(tmp_path: Path, read: str) -> None:
    r = run(tmp_path, {"lib/tavus.ts": f"// server\nexport const k = {read};\n"}, "TAV101")
    assert where(r) == [("public-env-read", "lib/tavus.ts", 2, 18)]
    assert (r.findings[0].data["name"], r.findings[0].data["env"]) == ("NEXT_PUBLIC_TAVUS_API_KEY", "TAVUS_API_KEY")


def test_the_key_in_client_code_is_found_and_other_names_or_server_code_are_not(tmp_path: Path) -> None:
    r = run(tmp_path, {"components/A.tsx": CLIENT + "const p = process.env.TAVUS_PERSONA_ID;\n"
                                                    "export const k = process.env.TAVUS_API_KEY;\n",
                       "app/api/tavus/x/route.ts": "export const GET = () => process.env.TAVUS_API_KEY;\n",
                       "lib/other.ts": "// tavus\nexport const o = other.env.TAVUS_API_KEY;\n"}, "TAV101")
    assert where(r) == [("key-in-client", "components/A.tsx", 3, 18)]
    assert r.findings[0].data == {"env": "TAVUS_API_KEY", "path": "components/A.tsx"}


def test_code_in_a_syntax_error_is_not_read_and_code_after_it_is(tmp_path: Path) -> None:
    r = run(tmp_path, {"lib/tavus.ts": "export const k = (process.env.NEXT_PUBLIC_TAVUS_API_KEY;;\n"}, "TAV101")
    assert r.findings == []
    after = run(tmp_path / "b", {"lib/tavus.ts": "function f() { const k = (process.env.NEXT_PUBLIC_TAVUS_API_KEY;; }\n"
                                                 "export const j = process.env.NEXT_PUBLIC_TAVUS_API_KEY;\n"}, "TAV101")
    assert where(after) == [("public-env-read", "lib/tavus.ts", 2, 18)]


def test_other_member_reads_before_an_env_read_do_not_stop_the_search(tmp_path: Path) -> None:
    r = run(tmp_path, {"lib/tavus.ts": "const a = console.log;\nexport const k = process.env.NEXT_PUBLIC_TAVUS_API_KEY;\n"},
            "TAV101")
    assert where(r) == [("public-env-read", "lib/tavus.ts", 2, 18)]


@pytest.mark.parametrize(("call", "kind", "data"), [
    ("fetch('/api/x', { headers: { 'X-API-Key': k } })", "client-sends-key", {"header": "x-api-key"}),
    ("fetch('https://tavusapi.com/v2/conversations', { method: 'POST' })", "client-calls-tavus",
     {"target": "tavusapi.com"}),
    ("fetch(`${base}/v2/conversations`, { method: 'POST' })", "client-calls-tavus",
     {"target": "the Tavus API (…/v2/conversations)"}),
    ("fetch(`${base}/v2/personas`)", None, None),
    ("fetch('/proxy/v2/conversations', { method: 'POST' })", None, None),  # our own proxy, not Tavus
    ("fetch(`/x/${base}/v2/conversations`)", None, None),
    ("fetch('/api/tavus/end', { method: 'POST', headers: { 'content-type': 'x' } })", None, None),
])
def test_what_a_browser_request_reveals(tmp_path: Path, call: str, kind: str | None,
                                        data: dict[str, str] | None) -> None:
    source = CLIENT + f"declare const k: string, base: string;\n// tavus\nexport const go = () => {call};\n"
    r = run(tmp_path / "client", {"components/A.tsx": source}, "TAV101")
    if kind is None:
        assert (r.status, r.message, r.findings) == (Status.PASS, "the Tavus key stays on the server", [])
        assert [(e.message, e.location.path) for e in r.evidence] == [("1 client module(s) checked", "package.json")]
        return
    assert where(r) == [(kind, "components/A.tsx", 4, 25)]
    assert r.findings[0].data == {"path": "components/A.tsx", **(data or {})}
    server = run(tmp_path / "server", {"lib/a.ts": source.replace(CLIENT, "")}, "TAV101")
    assert server.status is Status.PASS


def test_a_client_module_without_the_word_tavus_is_not_read(tmp_path: Path) -> None:
    """The header is generic: a module that never mentions Tavus sends some other API's key."""
    source = CLIENT + "export const go = (k: string) => fetch('/x', { headers: { 'x-api-key': k } });\n"
    assert run(tmp_path / "a", {"components/A.tsx": source}, "TAV101").findings == []
    tavus = run(tmp_path / "b", {"components/A.tsx": source + "// TAVUS\n"}, "TAV101")
    assert [f.kind for f in tavus.findings] == ["client-sends-key"]


# -- TAV103 --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "name", "column"), [
    (f"export const h = {{ 'x-api-key': '{FAKE}' }};", "x-api-key", 33),
    (f"export const h = {{ apiKey: \"{FAKE}\" }};", "apiKey", 28),
    (f"export const h = {{ \"X-Api-Key\": '{FAKE}' }};", "X-Api-Key", 33),
    (f"export const TAVUS_API_KEY = `{FAKE}`;", "TAVUS_API_KEY", 30),
    (f"export const tavusSecret = '{FAKE}';", "tavusSecret", 28),  # found through the `tavus` needle alone
    (f"config.tavus.apiKey = '{FAKE}';", "apiKey", 23),
    (f"let api_key; api_key = '{FAKE}';", "api_key", 24),
])
def test_each_literal_shape_is_found_with_its_length_only(tmp_path: Path, line: str, name: str, column: int) -> None:
    r = run(tmp_path, {"lib/a.ts": "// x\n" + line + "\n"}, "TAV103")
    assert (r.status, r.message) == (Status.FAIL, "a Tavus API key is written in the source")
    assert where(r) == [("hardcoded-key", "lib/a.ts", 2, column)]
    assert r.findings[0].data == {"name": name, "length": "20"}
    assert FAKE not in r.findings[0].message and "<redacted, 20 chars>" in r.findings[0].message


@pytest.mark.parametrize("source", [
    f"// tavus\nexport const label = '{FAKE}';",  # not a key name
    "// tavus\nexport const apiKey = 'k9k9k9k9k9k9k9';",  # too short
    f"// tavus\nexport const apiKey = `{FAKE}${{x}}`;",  # built at run time
    "// tavus\nlet apiKey;\nexport { apiKey };",  # no value
    f"// tavus\nexport const apiKey = ('{FAKE}';;",  # in a syntax error
])
def test_what_is_not_a_hardcoded_key(tmp_path: Path, source: str) -> None:
    r = run(tmp_path, {"lib/a.ts": source + "\n"}, "TAV103")
    assert (r.status, r.message, r.findings) == (Status.PASS, "no literal API key in the source", [])
    assert [(e.message, e.location.path) for e in r.evidence] == [
        ("source files with Tavus or API-key code checked", "package.json")]


def test_python_files_are_read_by_the_python_reader_once(tmp_path: Path) -> None:
    """Not parsed as TypeScript (libcst reads them: tests/test_tav103_python.py), and reported once."""
    r = run(tmp_path, {"app/key.py": f"TAVUS_API_KEY = '{FAKE}'\n", "lib/x.js": "// tavus\n"}, "TAV103")
    assert [(f.kind, f.location.path, f.location.line, f.location.column) for f in r.findings] == [
        ("hardcoded-key", "app/key.py", 1, 17)]


def test_a_lazily_loaded_module_beside_a_type_import_ships_the_key(tmp_path: Path) -> None:
    """Was a false pass: the type-only import explained the specifier, the `import()` was not seen."""
    lib = "export type Row = { id: string };\nexport const key = () => process.env.TAVUS_API_KEY;\n"
    client = CLIENT + "import type { Row } from '../lib/video';\nexport const load = () => import('../lib/video');\n"
    r = run(tmp_path / "lazy", {"lib/video.ts": lib, "components/A.tsx": client}, "TAV101")
    assert where(r) == [("key-in-client", "lib/video.ts", 2, 26)]
    types_only = CLIENT + "export type { Row } from '../lib/video';\n"  # was a false fail: erased on compile
    assert run(tmp_path / "types", {"lib/video.ts": lib, "components/A.tsx": types_only}, "TAV101").findings == []


def test_code_after_a_syntax_error_is_still_read(tmp_path: Path) -> None:
    source = f"// tavus\nfunction f() {{ const apiKey = ('{FAKE}';; }}\nexport const tavusKey = '{FAKE}';\n"
    r = run(tmp_path, {"lib/a.ts": source}, "TAV103")
    assert where(r) == [("hardcoded-key", "lib/a.ts", 3, 25)]


def test_the_key_header_from_config_matches_in_any_case(tmp_path: Path) -> None:
    from helpers import PACK, options_for
    from sop_check.context import Settings
    from sop_check.engine import RunOptions, run_check
    from sop_check.registry import all_rules

    write(tmp_path, {"package.json": PKG, "lib/uses.ts": USES, "components/A.tsx": CLIENT + (
        "// tavus\nexport const go = (k: string) => fetch('/x', { headers: { 'x-api-key': k } });\n")})
    opts = lambda code: {**options_for(code), "api-key-header": "X-API-KEY"}  # noqa: E731
    report = run_check(tmp_path, RunOptions(rules=[all_rules()["TAV101"]], options_for=opts, settings=Settings(),
                                            environ={}, pack=PACK))
    [result] = report.apps[0].results
    assert [(f.kind, f.data["header"]) for f in result.findings] == [("client-sends-key", "X-API-KEY")]
