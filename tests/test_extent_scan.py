"""TAV105's import closure (`evaluable_files`) is read from bytes: every string literal that could
name a module is a candidate specifier (`specifier_candidates`). The proof is sound only while
that is a superset of what the parser reads as imports, re-exports and `export *` sources, and
the scan gives up (the file is parsed) wherever the bytes cannot say it."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, write
from sop_check.evaluate.extent import evaluable_files, import_sources, specifier_candidates
from sop_check.index import AppIndex
from sop_check.jsmodule import Module
from sop_check.parse.typescript import parse
from sop_check.resolve import ModuleResolver
from sop_check_rules._examples import client_project


def _parsed_sources(code: bytes) -> set[str]:
    tree = parse(code, "m.tsx")
    return set(import_sources(Module("m.tsx", "m.tsx", code, tree)))


SPELLINGS = {
    "comment before the source": b"import { a } from /* the call */ './a';\n",
    "line comment and newline": b"import { a } from // why\n  './a';\n",
    "re-export": b"export { a as b } from \"../lib/a\";\n",
    "star export": b"export * from './all';\nexport * as ns from './ns';\n",
    "after a string holding the other quote": b"const s = \"it's\"; import x from './x';\n",
    "after an apostrophe in a comment": b"// don't\nimport x from './x';\n",
    "after an escaped quote": b"const s = 'a\\'b'; import x from './x';\n",
    "escape kept as written": b"import x from './a\\tb';\n",
    "line continuation": b"import x from './a\\\nb';\n",
    "crlf line continuation": b"import x from './a\\\r\nb';\r\n",
    "unterminated": b"import x from './broken\nconst y = 1;\n",
    "unterminated at the end": b"import x from './broken",
    "empty": b"import x from '';\n",
    "non-ascii": "import x from './caf\u00e9';\n".encode(),
    "invalid utf-8": b"import x from './a\xff';\n",
    "inside a jsx attribute's neighbour": b"import x from './x';\nconst e = <a title=\"'\" href='./y'>it's</a>;\n",
}


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_every_source_the_parser_reads_is_a_candidate(name: str) -> None:
    code = SPELLINGS[name]
    parsed = _parsed_sources(code)
    assert parsed or name.startswith("unterminated"), "the spelling must be one the parser reads"
    found = specifier_candidates(code)
    assert found is not None and parsed <= found, (parsed, found)


def test_a_literal_with_an_escape_the_grammar_rejects_is_left_to_the_parser() -> None:
    # `\x4` is not an escape: the parser's value may drop part of the text, the bytes cannot say.
    assert specifier_candidates(b"import x from './a\\x4';\n") is None
    assert specifier_candidates(b"import x from './a\\u{41';\n") is None
    assert specifier_candidates(b"import x from './a\\x41';\n") is None  # valid, still left: rare
    assert specifier_candidates(b"import x from './a';\nconst s = 'tab\\t';\n") == {"./a", ";", "tab\\t"}


def test_a_crafted_run_of_escaped_quotes_is_left_to_the_parser() -> None:
    # Every quote starts a candidate: 100,000 escaped quotes on one line would lex 10^10 bytes.
    assert specifier_candidates(b"x = '" + b"\\'" * 100_000 + b"\n") is None


def test_prefixes_skip_literals_that_cannot_resolve(tmp_path: Path) -> None:
    resolver = ModuleResolver(tmp_path, tmp_path, set())
    resolver.paths = [("@/*", ["src/*"]), ("config", ["src/config.ts"])]
    resolver.workspace = {"@acme/ui": tmp_path / "packages/ui"}
    assert resolver.specifier_prefixes() == (".", "@/", "@acme/ui", "config")
    resolver.paths.append(("*", ["vendor/*"]))
    assert resolver.specifier_prefixes() is None  # `*` resolves any specifier
    resolver.paths.pop()
    resolver.base_url = "src"
    assert resolver.specifier_prefixes() is None  # so does `baseUrl`


def test_every_prefix_names_what_resolve_answers(tmp_path: Path) -> None:
    files = {"src/a.ts", "src/config.ts", "lib/b.ts"}
    resolver = ModuleResolver(tmp_path, tmp_path, files)
    resolver.paths = [("@/*", ["src/*"]), ("config", ["src/config.ts"])]
    prefixes = resolver.specifier_prefixes()
    assert prefixes is not None
    for spec in ("@/a", "config", "../lib/b", "./a", "lib/b", "/src/a", "src/a"):
        if resolver.resolve("src/x.ts", spec) is not None:
            assert spec.startswith(prefixes), spec


PAGE = """'use client';
import { hangUp } from '@/lib/calls';
export default function Avatar() {
  return <button onClick={() => hangUp()}>Bye</button>;
}
"""


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The app paths the index parses from now on, in order."""
    parsed: list[str] = []
    real = AppIndex._parse

    def counting(self: AppIndex, app_path: str, data: bytes) -> Module | None:
        parsed.append(app_path)
        return real(self, app_path, data)

    monkeypatch.setattr(AppIndex, "_parse", counting)
    return parsed


def _closure_and_parses(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    index = index_for(root)
    parsed = _count_parses(monkeypatch)
    return sorted(evaluable_files(index)), parsed


def test_the_closure_follows_aliases_and_chains_without_parsing(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    files = client_project(PAGE)
    files["tsconfig.json"] = '{"compilerOptions": {"paths": {"@/*": ["./*"]}}}'
    files["lib/calls.ts"] = "export { hangUp } from /* moved */ './calls/hang-up';\n"
    files["lib/calls/hang-up.ts"] = "export function hangUp() { (window as any).call.leave(); }\n"
    files["lib/unused.ts"] = "export const x = 1;\n"
    write(tmp_path, files)
    closure, parsed = _closure_and_parses(tmp_path, monkeypatch)
    assert {"lib/calls.ts", "lib/calls/hang-up.ts"} <= set(closure) and "lib/unused.ts" not in closure
    assert parsed == []


def test_a_file_the_bytes_cannot_answer_for_is_parsed_for_its_imports(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    files = client_project(PAGE.replace("'@/lib/calls'", "'../lib/calls'"))
    files["lib/calls.ts"] = "export { hangUp } from './hang-up';\nexport const odd = './\\x4';\n"
    files["lib/hang-up.ts"] = "export function hangUp() { (window as any).call.leave(); }\n"
    write(tmp_path, files)
    closure, parsed = _closure_and_parses(tmp_path, monkeypatch)
    assert "lib/hang-up.ts" in closure and parsed == ["lib/calls.ts"]


# -- questions about JSX elements read only files whose grammar has JSX ---------------------------

RENDERS_AVATAR = "import Avatar from '../components/Avatar';\nexport const Page = () => <Avatar />;\n"


def test_jsx_questions_parse_no_typescript_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `.ts` files use the grammar without JSX: their element list is empty, parsing them says nothing.
    from sop_check.index import jsx_usages

    files = client_project(PAGE)
    files["app/page.tsx"] = "import { Page } from '../lib/page';\nexport default Page;\n"
    files["lib/page.js"] = RENDERS_AVATAR  # a `.js` file may hold JSX: still read
    files["lib/avatar-names.ts"] = "export const Avatar = 'Avatar';\n"
    files["app/layout.tsx"] = "import '../lib/avatar-names';\nexport default function L() { return null; }\n"
    write(tmp_path, files)
    index = index_for(tmp_path)
    assert index.is_evidence("lib/avatar-names.ts") and index.is_evidence("lib/page.js")
    parsed = _count_parses(monkeypatch)
    assert [m.path for m, _ in jsx_usages(index, "Avatar")] == ["lib/page.js"]
    assert "lib/avatar-names.ts" not in parsed and "lib/page.js" in parsed
    assert "lib/avatar-names.ts" in [m.path for m in index.evidence_modules(words=("Avatar",))]  # without jsx


# -- TAV105 reads only files that hold a leave method as a whole word -------------------------------

def test_a_file_naming_the_method_only_inside_longer_names_is_not_parsed(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from sop_check_rules.tav105_single_end_path import _leave_calls_reachable

    files = client_project(PAGE.replace("'@/lib/calls'", "'../lib/calls'"))
    files["lib/calls.ts"] = "export function hangUp(room: any) { room.leaveRoom(); room.destroyed = true; }\n"
    write(tmp_path, files)
    index = index_for(tmp_path)
    parsed = _count_parses(monkeypatch)
    assert _leave_calls_reachable(index, {"leave", "leaveCall", "destroy"}) is False
    assert "lib/calls.ts" not in parsed


def test_a_leave_call_spelled_with_blanks_and_comments_is_still_found(tmp_path: Path) -> None:
    from sop_check_rules.tav105_single_end_path import _leave_calls_reachable

    files = client_project(PAGE.replace("'@/lib/calls'", "'../lib/calls'"))
    files["lib/calls.ts"] = "export function hangUp(call: any) { call . /* bye */ leave\n  (); }\n"
    write(tmp_path, files)
    assert _leave_calls_reachable(index_for(tmp_path), {"leave", "leaveCall", "destroy"}) is True
