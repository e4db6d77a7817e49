"""The security rules' shared helpers pinned value by value (mutation survivors in rules/_security.py
and TAV101's `_public_key`): where a literal stops looking like a key, which names are key names,
what counts as a literal, and which `NEXT_PUBLIC_` names are the Tavus key. No real key is written
here: the key-like values are built from repeated characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, write
from sop_check_rules._security import client_modules, key_like_name, looks_like_key, string_literal
from sop_check_rules.tav101_key_not_public import _public_key

KEYISH = "k9" * 8  # 16 characters, no placeholder word: the shortest value that looks like a key


@pytest.mark.parametrize(("value", "is_key"), [
    (KEYISH, True),
    (KEYISH[:-1], False),  # 15 characters: too short
    (f"  {KEYISH[:-1]}  ", False),  # the length is measured after stripping
    (f"  {KEYISH}\n", True),
    ("k9k9k9k9 k9k9k9k9", False),  # a space: a sentence, not a key
    ("k9k9k9your-keyk9k9", False),
    ("k9k9k9YOUR-KEYk9k9", False),  # placeholders in any case
    ("k9k9k9k9xxxk9k9k9", False),
    ("k9k9k9k9<key>k9k9k9", False),
    ("k9k9k9k9key>k9k9k9", False),
    ("k9k9k9exampleK9k9k9", False),
    ("k9k9placeholderk9k9", False),
    ("k9k9k9k9dummyk9k9k9", False),
    ("k9k9k9k9fakek9k9k9", False),
    ("k9k9k9changemek9k9", False),
    ("k9k9k9replacek9k9k9", False),
    ("k9k9k9k9...k9k9k9k9", False),
    ("k9k9k9k9***k9k9k9k9", False),
    ("test" + KEYISH, False),
    ("TEST" + KEYISH, False),
    (KEYISH + "test", True),  # `test` is a placeholder only at the start
    ("http" + KEYISH, False),
    ("/" + KEYISH, False),
    ("$" + KEYISH, False),
    (KEYISH + "http/$", True),  # the prefixes count only at the start
])
def test_looks_like_key(value: str, is_key: bool) -> None:
    assert looks_like_key(value) is is_key


@pytest.mark.parametrize(("name", "is_key_name"), [
    ("apiKey", True), ("API_KEY", True), ("x-api-key", True), ("X-Api-Key", True),
    ("apikey\n", True), ("api_key\n", True),  # where a regex `$` would match
    ("apikeys", False), ("my_api", False), ("x-api-key-name", False),
    ("openai_apikey", True), ("OPENAI_API_KEY", True), ("openai_apikey\n", True),
    ("openaiapikey", False),  # the suffix needs its underscore
    ("TAVUS_API_KEY", True), ("tavusSecret", True), ("tavus_token", True), ("TavusKey", True),
    ("tavuskey", True),  # the word may follow `tavus` at once
    ("tavus", False), ("tavus_persona_id", False), ("key_tavus", False), ("secret_of_tavus", False),
    ("tavus\nkey", False),  # a name over two lines: the word must follow on the same line
    ("x\ntavus_key", True),  # any line may hold it
    ("tavus_id\ntavus_secret", True),
    ("tavusKeyOfTavus", True),  # read after the first `tavus`, not the last
    ("tavus api key", True), ("tavus\tsecret", True),  # a quoted property name may hold spaces
])
def test_key_like_name(name: str, is_key_name: bool) -> None:
    assert key_like_name(name) is is_key_name


@pytest.mark.parametrize(("name", "public"), [
    ("NEXT_PUBLIC_TAVUS_API_KEY", True), ("next_public_tavus_api_key", True),
    ("NEXT_PUBLIC_TAVUS_API_URL", True),  # any TAVUS_API name right after the prefix
    ("NEXT_PUBLIC_MY_TAVUS_KEY", True), ("NEXT_PUBLIC_MY_TAVUS_KEY_FOR_TAVUS", True), ("NEXT_PUBLIC_TAVUS_SECRET", True), ("NEXT_PUBLIC_TAVUSTOKEN", True),
    ("NEXT_PUBLIC_TAVUS_PERSONA_ID", False), ("NEXT_PUBLIC_KEY_TAVUS", False),
    ("NEXT_PUBLIC_MY_TAVUS", False), ("NEXT_PUBLIC_API_KEY", False),
    ("TAVUS_API_KEY", False), ("X_NEXT_PUBLIC_TAVUS_API_KEY", False),
    ("NEXT_PUBLIC_TAVUS_API_KEY\n", False), ("NEXT_PUBLIC_TAVUS\nKEY", False),  # not a real env name
])
def test_public_key_names(name: str, public: bool) -> None:
    assert _public_key(name) is public


@pytest.mark.parametrize(("source", "literal"), [
    ("const v = 'abc';", "abc"),
    ('const v = "a\\"b";', 'a\\"b'),  # the text between the quotes, escapes as written
    ("const v = '';", ""),
    ("const v = `abc`;", "abc"),
    ("const v = `a\\nb`;", "a\\nb"),  # pieces joined as written
    ("const v = `a${x}c`;", None),  # built at run time: not a literal
    ("const v = x;", None),
    ("const v = 1;", None),
])
def test_string_literal(tmp_path: Path, source: str, literal: str | None) -> None:
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "lib/a.ts": source + "\n"})
    mod = index_for(root).module("lib/a.ts")
    assert mod is not None
    (decl,) = mod.nodes_of(frozenset({"variable_declarator"}))
    assert string_literal(mod, decl.child_by_field_name("value")) == literal
    assert string_literal(mod, None) is None


LIB = "export type Row = { id: string };\nexport const stop = () => process.env.TAVUS_API_KEY;\n"


@pytest.mark.parametrize(("client_import", "shipped"), [
    ("export { stop } from '../lib/video';", True),
    ("export * from '../lib/video';", True),
    ("export * as video from '../lib/video';", True),
    ("export { type Row, stop } from '../lib/video';", True),
    ("export type { Row } from '../lib/video';", False),  # erased by the compiler
    ("export { type Row } from '../lib/video';", False),
    ("import type { Row } from '../lib/video';\nexport type { Row as R } from '../lib/video';", False),
    ("import type { Row } from '../lib/video';\nexport { stop } from '../lib/video';", True),
    ("import stop, { type Row } from '../lib/video';", True),
    ("import type { Row } from '../lib/video';\nexport const load = () => import('../lib/video');", True),
    ("import type { Row } from '../lib/video';\nexport const load = () => require('../lib/video');", True),
    ("import type { Row } from '../lib/video';\nexport const load = () => import('../lib/other');", False),
    ("import type { Row } from '../lib/video';\nexport const load = () => load2('../lib/video');", False),
    ("export const load = () => import('../lib/video');", True),
    # other calls first (a `new` has no `function`), and a call without arguments, do not end the search
    ("import type { Row } from '../lib/video';\nconst d = new Date(1);\nconsole.log(d);\nrequire();\n"
     "export const load = () => import('../lib/video');", True),
    ("import type { Row } from '../lib/video';\nexport const f = () => require();", False),
])
def test_which_imports_and_re_exports_ship_a_module(tmp_path: Path, client_import: str, shipped: bool) -> None:
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "lib/video.ts": LIB,
                            "lib/other.ts": "export const o = 1;\n",
                            "components/A.tsx": f"'use client';\n{client_import}\n"})
    assert ("lib/video.ts" in client_modules(index_for(root))) is shipped


def _client_set(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', **files})
    return sorted(client_modules(index_for(root)))


def test_a_client_import_chain_is_followed_to_its_end(tmp_path: Path) -> None:
    files = {"components/A.tsx": "'use client';\nimport { z } from '../lib/z';\nexport const a = z;\n",
             "lib/z.ts": "import { a } from './a';\nexport const z = a;\n",  # sorted after a.ts: a second pass
             "lib/a.ts": "export const a = 1;\n", "lib/unused.ts": "export const u = 1;\n"}
    assert _client_set(tmp_path, files) == ["components/A.tsx", "lib/a.ts", "lib/z.ts"]


@pytest.mark.parametrize("server", [
    "middleware.ts", "src/middleware.ts", "app/api/x/route.ts", "pages/api/x.ts",
])
def test_server_code_stays_on_the_server_whoever_imports_it(tmp_path: Path, server: str) -> None:
    depth = server.count("/")
    files = {"components/A.tsx": "'use client';\nimport { s } from '../" + server[:-3] + "';\nexport const a = s;\n",
             server: "export const s = 1;\n"}
    assert _client_set(tmp_path, files) == ["components/A.tsx"], depth


@pytest.mark.parametrize(("pad", "client"), [(189, True), (190, False)])
def test_the_use_client_directive_is_read_in_the_first_200_bytes(tmp_path: Path, pad: int, client: bool) -> None:
    # with `pad` bytes before `"use client"`, its words `use client` end at byte pad + 11 (exclusive)
    source = "/" * 2 + "x" * (pad - 3) + "\n" + '"use client";\nexport const a = 1;\n'
    assert (_client_set(tmp_path, {"components/A.tsx": source}) == ["components/A.tsx"]) is client


def test_use_server_and_server_only_modules_are_server_code(tmp_path: Path) -> None:
    files = {"components/A.tsx": "'use client';\nimport { s } from '../lib/s';\nimport { o } from '../lib/o';\n"
                                 "export const a = [s, o];\n",
             "lib/s.ts": "'use server';\nexport const s = 1;\n",
             "lib/o.ts": "import  'server-only';\nexport const o = 1;\n"}
    assert _client_set(tmp_path, files) == ["components/A.tsx"]


def test_an_unreadable_code_file_does_not_end_the_import_graph(tmp_path: Path) -> None:
    files = {"components/A.tsx": "'use client';\nimport { a } from '../lib/a';\nexport const x = a;\n",
             "components/0.ts": "\x00\x01binary", "lib/a.ts": "export const a = 1;\n"}
    assert _client_set(tmp_path, files) == ["components/A.tsx", "lib/a.ts"]
