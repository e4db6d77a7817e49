"""The import closure (`sop_check/evaluate/extent.py`) pinned one by one: the order it walks, each
file once, past non-code targets, unreadable files and unresolved literals, quietly; the literal
scan's budget to the byte; which quotes start a literal (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

from helpers import index_for, write
from sop_check.evaluate.extent import ANY_QUOTE, _literal_starts, code_may_contain, evaluable_files, specifier_candidates
from sop_check_rules._examples import client_project

# `'\'\'…\'`: every quote starts a literal running to the end of the line, so the scan reads
# far more bytes than the file holds (`n` escaped quotes cost 4900 bytes for n = 69).
def _escaped_quotes(n: int, padding: int) -> bytes:
    return b"x='" + b"\\'" * n + b"\n" + b" " * padding


def test_the_scan_may_read_four_times_the_file_and_4096_bytes_more_and_no_further() -> None:
    assert specifier_candidates(_escaped_quotes(69, 59)) is not None  # 4900 read, 4 * 201 + 4096 allowed
    assert specifier_candidates(_escaped_quotes(69, 58)) is None  # 4900 read, 4 * 200 + 4096 allowed
    assert specifier_candidates(_escaped_quotes(68, 26)) is None  # 4761 read, 4 * 166 + 4096 allowed


def test_a_long_ordinary_file_is_scanned() -> None:
    data = b"".join(b"import a%d from './m%d';\n" % (i, i) for i in range(400))
    found = specifier_candidates(data)
    assert found is not None and {"./m0", "./m399"} <= found


def test_prefixes_choose_the_quotes_that_start_a_literal() -> None:
    assert _literal_starts(None) is ANY_QUOTE
    starts = _literal_starts((".", "@/"))
    data = b"import a from './a'; import b from \"@/b\"; const c = 'lib/c';"
    assert [m.start() for m in starts.finditer(data)] == [14, 35]
    assert specifier_candidates(data, starts) == {"./a", "@/b"}


def _project(tmp_path: Path, first: str, **files: str) -> list[str]:
    """The closure of a project whose first evidence file (by name, so walked first) is `aaa/first.ts`."""
    page = ("'use client';\nimport '../aaa/first';\n"
            "export default function Avatar() { return <p>x</p>; }\n")
    project = client_project(page)
    project.update({"aaa/first.ts": first, **files})
    write(tmp_path, project)
    return list(evaluable_files(index_for(tmp_path)))


def test_the_closure_is_walked_in_order_each_file_once(tmp_path: Path) -> None:
    closure = _project(tmp_path, "import '../bbb/c';\nimport '../bbb/b';\n",
                       **{"bbb/b.ts": "import './c';\nexport const b = 1;\n", "bbb/c.ts": "export const c = 1;\n"})
    assert closure[:3] == ["aaa/first.ts", "bbb/b.ts", "bbb/c.ts"]
    assert len(closure) == len(set(closure)) and "app/page.tsx" in closure


def test_imports_are_walked_in_name_order(tmp_path: Path) -> None:
    closure = _project(tmp_path, "import '../bbb/b';\nimport '../bbb/c';\n",
                       **{"bbb/b.ts": "export const b = 1;\n", "bbb/c.ts": "export const c = 1;\n"})
    assert closure[:3] == ["aaa/first.ts", "bbb/b.ts", "bbb/c.ts"]


def test_the_closure_goes_on_past_a_stylesheet_and_a_missing_module(tmp_path: Path) -> None:
    closure = _project(tmp_path, "import './styles.css';\nimport './gone';\n", **{"aaa/styles.css": "p {}\n"})
    assert closure[0] == "aaa/first.ts" and "aaa/styles.css" not in closure
    assert "app/page.tsx" in closure and "components/Avatar.tsx" in closure


def test_a_file_named_only_in_a_string_is_read_quietly_and_the_walk_goes_on(tmp_path: Path) -> None:
    (tmp_path / "aaa").mkdir(parents=True)
    (tmp_path / "aaa" / "blob.ts").write_bytes(b"\x00\x01binary\x00")
    closure = _project(tmp_path, "const where = './blob';\n")
    assert "aaa/blob.ts" not in closure and "app/page.tsx" in closure


def test_no_diagnostic_for_a_file_the_closure_reads(tmp_path: Path) -> None:
    project = client_project("'use client';\nconst where = '../lib/blob';\n"
                             "export default function Avatar() { return <p>x</p>; }\n")
    write(tmp_path, project)
    (tmp_path / "lib").mkdir(parents=True, exist_ok=True)
    (tmp_path / "lib" / "blob.ts").write_bytes(b"\x00\x01binary\x00")
    index = index_for(tmp_path)
    list(evaluable_files(index))
    assert [d for d in index.diagnostics if "blob" in d.path] == []


def test_a_file_the_bytes_cannot_answer_for_gives_its_parsed_imports(tmp_path: Path) -> None:
    closure = _project(tmp_path, "import '../bbb/odd';\n",
                       **{"bbb/odd.ts": "import { b } from './b';\nconst s = './\\x41';\n", "bbb/b.ts": "export const b = 1;\n"})
    assert closure[:3] == ["aaa/first.ts", "bbb/odd.ts", "bbb/b.ts"]


def test_a_string_that_names_a_module_joins_the_closure_even_in_a_crowded_file(tmp_path: Path) -> None:
    crowded = "const noise = '" + "\\'" * 3000 + "';\nconst where = '../bbb/c';\n"
    closure = _project(tmp_path, crowded, **{"bbb/c.ts": "export const c = 1;\n"})
    assert "bbb/c.ts" in closure


def test_a_literal_cut_by_the_end_of_the_file_after_a_backslash_is_left_to_the_parser() -> None:
    assert specifier_candidates(b"import x from './a\\") is None
    assert specifier_candidates(b"import x from './a\\\n") == {"./a\\\n"}  # an escaped line end: text


def test_code_may_contain_reads_the_code_files_for_the_words_asked(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}',
                     "app/page.tsx": "export default function P() { return call.leave(); }\n"})
    (tmp_path / "app" / "blob.ts").write_bytes(b"\x00\x01leaveCall\x00")
    index = index_for(tmp_path)
    assert code_may_contain(index, ["leaveCall"]) is False  # only in a file that cannot be read
    assert code_may_contain(index, ["leave"]) is True  # another question, not the first one's answer
    assert code_may_contain(index, ["destroy", "leave"]) is True
    assert code_may_contain(index, ["destroy"]) is False
    assert code_may_contain(index, ["\ufffdleave"]) is True  # a word with a replaced byte: cannot say
    assert [d for d in index.diagnostics if "blob" in d.path] == []


def test_below_the_repository_root_code_may_contain_anything(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"private": true, "workspaces": ["apps/*"]}',
                     "apps/web/package.json": '{"dependencies": {"next": "15"}}',
                     "apps/web/app/page.tsx": "export default function P() { return null; }\n"})
    index = index_for(tmp_path)
    assert index.rel_root == "apps/web"
    assert code_may_contain(index, ["leave"]) is True  # `../` files can be imported without being listed
