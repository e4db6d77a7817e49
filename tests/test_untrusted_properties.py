"""Hypothesis on the hostile shapes of issue 11: long runs of one character, deep nesting, names with
control characters. Each property is one promise: linear work, no crash, inert output, same meaning."""

from __future__ import annotations

import json
import os
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_check.globs import GitIgnore
from sop_check.parse.dotenv import parse_env_text
from sop_check.parse.limits import json_depth, loads_json, python_depth, toml_depth
from sop_check.report.inert import clean, clean_path, neutralise_commands, path_bytes
from sop_check_rules._urls import template_regex

HANG = 10.0  # seconds: only proves "does not hang"; real runs take milliseconds
SPECIAL = [" ", "\n", "\t", "'", '"', "`", "$", "{", "}", "\\", "#", "=", ":", "(", "[", "*", "/", "a", "\x1b"]


@st.composite
def runs(draw: st.DrawFn, max_len: int = 200_000) -> str:
    """A long run of one character, between a prefix and a suffix that start and stop scanners."""
    prefix = draw(st.sampled_from(["", "A=", "export A=", "A='", 'A="', "A=${", "import", "[", "#"]))
    unit = draw(st.sampled_from(SPECIAL + ["A=\n", "\n\n", " \n", "${A}", "'\\'"]))
    suffix = draw(st.sampled_from(["", "\n", "x", "'", "B=1\n"]))
    # Long runs are the point: half the time the longest, not what a random integer usually is.
    length = draw(st.one_of(st.sampled_from([max_len // 10, max_len]), st.integers(1, max_len)))
    return prefix + unit * (length // len(unit) or 1) + suffix


@st.composite
def nested(draw: st.DrawFn) -> str:
    openers = draw(st.lists(st.sampled_from(["(", "[", "{", "f(", "a.", "-", "not ", "'a' ", "lambda: "]),
                            min_size=1, max_size=3))
    depth = draw(st.one_of(st.sampled_from([5_000, 20_000]), st.integers(1, 20_000)))
    return "".join(openers) * depth


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(runs())
def test_env_parsing_is_linear_on_runs(text: str) -> None:
    start = time.monotonic()
    entries, problems = parse_env_text(text)
    assert time.monotonic() - start < HANG
    assert len(problems) <= 42  # capped: one file is a handful of diagnostics, never thousands


# The regex npm dotenv 16 uses (the old one here): the reference for small inputs, where it is fast.
_DOTENV_16 = re.compile(
    r"""(?:^|^)\s*(?:export\s+)?(?P<key>[\w.-]+)(?:\s*=\s*?|:\s+?)"""
    r"""(?P<value>\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)""",
    re.MULTILINE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["A=1", "B='x'", 'C="y\\"z"', "export D=2", "", "   ", "# c", "E=", "F: g",
                                 "G='multi", "line'", "H=`t`", "I=a # c", "\t", "J=${A}"]), max_size=12))
def test_linear_env_grammar_finds_what_dotenv_finds(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    reference = [(m.group("key"), (m.group("value") or "")) for m in _DOTENV_16.finditer(text)]
    entries, _ = parse_env_text(text)
    assert [e.key for e in entries] == [k for k, _ in reference]


@settings(max_examples=200, deadline=None)
@given(nested())
def test_nesting_measures_never_fail_and_bound_the_parsers(text: str) -> None:
    start = time.monotonic()
    for measure in (json_depth, toml_depth, python_depth):
        assert measure(text) >= 0
    assert time.monotonic() - start < HANG
    try:
        loads_json("[" * text.count("[") + "]" * text.count("["))
    except ValueError:
        pass  # too deep, a one-line problem: never RecursionError


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3000), st.sampled_from(["(", "[", "{"]))
def test_python_depth_is_an_upper_estimate(depth: int, opener: str) -> None:
    closer = {"(": ")", "[": "]", "{": "}"}[opener]
    assert python_depth(f"x = {opener * depth}1{closer * depth}\n") >= 6 * depth


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=200))
def test_clean_output_is_safe_for_every_sink(text: str) -> None:
    out = clean(text)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]", out)
    out.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=60).filter(lambda b: b"/" not in b and b"\0" not in b))
def test_any_file_name_round_trips_through_its_escaped_form(name: bytes) -> None:
    escaped = clean_path(os.fsdecode(name))
    escaped.encode("utf-8")
    assert path_bytes(escaped) == name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=":#[] \tae!-\n", max_size=30), max_size=8))
def test_no_line_is_a_workflow_command_after_the_breaker(parts: list[str]) -> None:
    text = "\n".join(parts)
    for line in neutralise_commands(text, "text").split("\n"):
        assert not line.lstrip().startswith("::") and "##[" not in line
    value = {"m": text}
    assert json.loads(neutralise_commands(json.dumps(value), "json")) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["*", "a", "?", "[ab]", "**/", "/", "b"]), min_size=1, max_size=24),
       st.integers(50, 255))
def test_globs_take_linear_time_on_any_pattern(parts: list[str], length: int) -> None:
    spec = GitIgnore(["".join(parts)])
    start = time.monotonic()
    spec.ignored("a" * length)
    spec.ignored("/".join(["a"] * 200) + "/c")
    assert time.monotonic() - start < HANG


def _reference_template(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("^" + "[^/?#]+".join(re.escape(p) for p in parts) + r"/?(?:[?#].*)?$")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["x", "/", "{a}", "ab", "e"]), min_size=1, max_size=6),
       st.text(alphabet="xab/e?#", max_size=14))
def test_url_templates_match_as_the_regex_did(template_parts: list[str], url: str) -> None:
    template = "".join(template_parts)
    assert template_regex(template).match(url) == bool(_reference_template(template).match(url))
