"""Fuzz the file-to-index step and the rules with Hypothesis, for a fixed time budget.

    python tests/fuzz_index.py --seconds 120

Each input is a small project: one generated TS/TSX file (random bytes, SOP snippets cut and
spliced, deep nesting, odd encodings) beside a compliant app. The whole engine runs on it; any
exception that escapes, any rule `error`, or a canary value in the report is a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CANARY = "fuzzcanary-31f9"
SNIPPETS = [
    "useEffect(() => {", "window.addEventListener('beforeunload', h);", "return () => window.removeEventListener(",
    "fetch('/api/tavus/end', { method: 'POST', keepalive: true, body })", "navigator.sendBeacon(u, b)",
    "<button onClick={end}>End Session</button>", "export async function POST(req) {", "export { h as POST } from './x'",
    "`https://tavusapi.com/v2/conversations/${id}/end`", "process.env.TAVUS_API_KEY", "{ status: 400 }",
    "const { a, ...b } = useHook();", "export * from './y';", "import x, { y as z } from '@/lib/q';",
    "'use client';", "})", "]]", "<<", "/*", "`${", "\\u{1F600}", "&nbsp;", "&", "\x00",
]


# Hostile shapes (issue 11): long runs of one character, deep nesting of every kind.
RUN_CHARS = [" ", "\n", "(", "[", "{", "'", '"', "`", "$", "\\", "#", "/", "*", "&", "<", "a", "\x1b", "\u202e"]
OPENERS = ["(", "[", "{", "<div>", "f(", "() => ", "${", "`${", "a.", "!", "-", "x ? y : ", "import "]


@st.composite
def runs(draw) -> str:
    """A long run of one character, maybe after a prefix that makes a scanner start matching."""
    prefix = draw(st.sampled_from(["", "import", "// tavus\n", "const tavus", "'", "fetch('/api/tavus/end', "]))
    return prefix + draw(st.sampled_from(RUN_CHARS)) * draw(st.integers(1, 200_000))


@st.composite
def sources(draw) -> bytes:
    kind = draw(st.sampled_from(["splice", "bytes", "deep", "snippets", "run", "mixed-deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "run":
        return draw(runs()).encode("utf-8", "surrogatepass")
    if kind == "deep":
        n = draw(st.integers(1, 3000))
        opener = draw(st.sampled_from(["(", "[", "{", "<div>", "f(", "() => "]))
        return (opener * n + "fetch('/api/tavus/end')").encode()
    if kind == "mixed-deep":
        openers = draw(st.lists(st.sampled_from(OPENERS), min_size=1, max_size=4))
        return ("".join(openers) * draw(st.integers(1, 5000)) + "fetch('/api/tavus/end')").encode()
    parts = draw(st.lists(st.sampled_from(SNIPPETS), max_size=40))
    text = "\n".join(parts) if kind == "snippets" else "".join(parts)
    enc = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return text.encode(enc, errors="replace")


# File names a fork can commit: control characters, escapes, workflow commands, bidi, bad bytes.
NAME_PARTS = ["Fuzz", "\n", "\r", "\x1b[2J", "\x1b]0;t\x07", "::error::x", "##[add-mask]", "%0A", "\u202e", "\x01",
              "\x7f", " ", "\\", "`", "|", "<img>"]


@st.composite
def names(draw) -> bytes:
    parts = draw(st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=5))
    raw = "".join(parts).encode("utf-8")
    if draw(st.booleans()):
        raw += b"\xe9\xff"  # not UTF-8
    return raw.replace(b"/", b"_")[:200] or b"Fuzz"


def run_one(source: bytes, workdir: Path, name: bytes = b"Fuzz") -> None:
    from click.testing import CliRunner

    from sop_check.cli import main
    from test_fixtures import copy_fixture

    shutil.rmtree(workdir / "app-router-compliant", ignore_errors=True)  # a failed example leaves its copy
    project = copy_fixture("app-router-compliant", workdir)
    (project / "components" / "Fuzz.tsx").write_bytes(source)
    # A folder with the generated name whose package.json is broken: its path is in every report.
    odd = os.fsencode(project) + b"/packages/" + name
    os.makedirs(odd)
    with open(odd + b"/package.json", "wb") as fh:
        fh.write(b"{ not json")
    (project / "app" / "fuzz").mkdir()
    (project / "app" / "fuzz" / "page.tsx").write_text(
        "import F from '../../components/Fuzz';\nexport default function P() { return <F />; }\n")
    (project / ".env.local").write_text(f"TAVUS_API_KEY={CANARY}\nTAVUS_PERSONA_ID={CANARY}\n")
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json"], env={"CI": ""})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert CANARY not in result.output, "canary leaked"
    assert "\x1b" not in result.output and not any(
        line.lstrip().startswith("::") or "##[" in line for line in result.output.splitlines()), "output not inert"
    data = json.loads(result.stdout)
    errors = [r for a in data["apps"] for r in a["results"] if r["status"] == "error"]
    assert not errors, errors
    shutil.rmtree(project)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    count = 0
    deadline = time.monotonic() + args.seconds
    workdir = Path(tempfile.mkdtemp(prefix="sop-fuzz-"))

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(sources(), names())
    def fuzz(source: bytes, name: bytes) -> None:
        nonlocal count
        count += 1
        run_one(source, workdir, name)

    try:
        while time.monotonic() < deadline:
            fuzz()  # a fresh random batch each round, until the budget is spent
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"fuzz: {count} inputs in {args.seconds:g} s, no crash, no leak, no rule error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
