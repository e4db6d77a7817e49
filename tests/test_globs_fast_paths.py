"""The shortcuts in glob matching answer as the general algorithm does: a pattern on the last
segment alone, the last matching gitignore line deciding (searched from the end), and evidence
folders matched once for all the files below them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sop_check.globs import GitIgnore, Glob, evidence_matcher

PATTERNS = ["*.test.*", "**/*.spec.*", "**/__tests__/**", "e2e/**", "scripts/**", "!scripts/keep.ts", "*.pem",
            "/build", "node_modules/", "a/**/b", "lib/*.ts", "**/x", "!x", "x/", "?.ts", "[ab]*"]
SEGMENTS = ["a", "b", "x", "lib", "e2e", "scripts", "keep.ts", "__tests__", "f.test.ts", "k.pem", "build", "node_modules",
            "c.ts", "y.spec.js"]

paths = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=5).map("/".join)


def _general(glob: Glob) -> Glob:
    glob._name_only = None  # the shortcut off: the general algorithm
    return glob


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), paths, st.booleans())
def test_a_last_segment_pattern_matches_as_the_general_algorithm(pattern: str, path: str, is_dir: bool) -> None:
    segs = path.split("/")
    assert Glob(pattern).match(segs, is_dir) == _general(Glob(pattern)).match(segs, is_dir)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PATTERNS), max_size=8), paths, st.booleans())
def test_the_last_matching_line_decides(lines: list[str], path: str, is_dir: bool) -> None:
    expected = None
    for g in GitIgnore(lines).globs:  # git's rule, read forwards
        if _general(g).match(path.split("/"), is_dir):
            expected = not g.negate
    assert GitIgnore(lines).decide(path, is_dir) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([p for p in PATTERNS if not p.startswith("!")]), max_size=6),
       st.lists(paths, min_size=1, max_size=10))
def test_evidence_folders_are_matched_once_with_the_same_answers(patterns: list[str], files: list[str]) -> None:
    match = evidence_matcher(patterns)  # one matcher for every file: its folder answers are reused
    for path in files:
        globs = [_general(Glob(p, descendants=True)) for p in patterns]
        assert match(path) == any(g.match(path.split("/")) for g in globs), path
