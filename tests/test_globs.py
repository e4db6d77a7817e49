"""Gitignore-style globs: git's answers on generated patterns and paths, and linear time on hostile ones."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_check.globs import GitIgnore, Glob, evidence_matcher

SEGMENTS = ["a", "b", "ab", "ba", "*", "?", "a*", "*b", "*a*", "[ab]", "[!a]", "a?", "**", "[a-b]b", "\\*"]
TREE = ["a", "b", "ab", "ba", "aa", "a/a", "a/b", "a/ab", "b/a", "b/ba", "ab/a", "a/a/a", "a/b/ab", "a/ab/b",
        "b/a/a", "ba/ab/a", "a/a/a/b", "b/b/b/b"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    segs = draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4))
    body = "/".join(segs)
    if draw(st.booleans()):
        body = "/" + body
    if draw(st.integers(0, 3)) == 0:
        body += "/"
    if draw(st.integers(0, 3)) == 0:
        body = "!" + body
    return body


def _git_ignored(lines: list[str], files: list[str]) -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        for f in files:
            # A name is a folder in TREE when another entry lives under it: keep those as folders.
            target = root / f / "f" if any(o.startswith(f + "/") for o in files) else root / f
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
        (root / ".gitignore").write_text("\n".join(lines) + "\n")
        leaves = [f for f in files if not any(o.startswith(f + "/") for o in files)]
        out = subprocess.run(["git", "check-ignore", "--no-index", "-z", "--stdin"], cwd=root,
                             input="\0".join(leaves).encode(), capture_output=True, timeout=60,
                             env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")})
        return {n for n in out.stdout.decode().split("\0") if n}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns(), min_size=1, max_size=4))
def test_same_answers_as_git_check_ignore(lines: list[str]) -> None:
    leaves = [f for f in TREE if not any(o.startswith(f + "/") for o in TREE)]
    expected = _git_ignored(lines, TREE)
    spec = GitIgnore(lines)
    got = {f for f in leaves if spec.ignored(f)}
    assert got == expected, lines


@pytest.mark.parametrize("pattern, path, is_dir, expected", [
    ("*.test.*", "src/a.test.tsx", False, True),
    ("/build", "build", True, True), ("/build", "x/build", True, False),
    ("build/", "x/build", False, False), ("build/", "x/build", True, True),
    ("a/**/b", "a/b", False, True), ("a/**/b", "a/x/y/b", False, True), ("a/**", "a", True, False),
    ("a/**", "a/x", False, True), ("**/x", "x", False, True), ("\\#x", "#x", False, True),
    ("[!a]b", "bb", False, True), ("[!a]b", "ab", False, False), ("a?c", "a/c", False, False),
])
def test_gitignore_semantics(pattern: str, path: str, is_dir: bool, expected: bool) -> None:
    assert Glob(pattern).match(path.split("/"), is_dir) is expected


def test_evidence_patterns_match_paths_and_folders() -> None:
    match = evidence_matcher(["**/*.test.*", "**/__tests__/**", "e2e/**", "scripts/**"])
    assert match("components/Button.test.tsx") and match("lib/__tests__/x.ts") and match("e2e/a/b.ts")
    assert match("scripts/seed.ts") and not match("app/scripts.ts") and not match("src/e2e.ts")
    assert not match("components/Button.tsx")


HOSTILE = [
    "*a*a*a*a*a*a*a*a*b",  # backtracks exponentially as one regex
    "**/a/**/a/**/a/**/a/**/b",
    "?*?*?*?*?*?*?*?*?*b",
    "*[ab]*[ab]*[ab]*[ab]*[ab]*c",
    "a" * 1000 + "*b",
]


@pytest.mark.parametrize("pattern", HOSTILE)
def test_hostile_patterns_run_in_linear_time(pattern: str) -> None:
    name = "a" * 255  # the longest file name Linux allows
    deep = "/".join(["a"] * 1000)
    spec = GitIgnore([pattern, "!x"])
    start = time.monotonic()
    for _ in range(200):
        assert not spec.ignored(name)
        spec.decide(deep)
        Glob(pattern, descendants=True).match(deep.split("/")[:60])
    assert time.monotonic() - start < 10, "a hostile glob must not backtrack"


def test_too_many_or_too_long_patterns_are_capped() -> None:
    problems: list[str] = []
    spec = GitIgnore(["a" * 5000, *[f"p{i}" for i in range(6000)]], limit_problem=problems)
    assert len(spec.globs) == 5000 and problems
