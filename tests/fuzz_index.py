"""Fuzz the file-to-index step and the rules with Hypothesis, for a fixed time budget.

    python tests/fuzz_index.py --seconds 120

Each input is a small project: one generated TS/TSX file (random bytes, SOP snippets cut and
spliced, deep nesting, odd encodings) beside a compliant app. The whole engine runs on it; any
exception that escapes, any rule `error`, or a canary value in the report is a failure.
"""

from __future__ import annotations

import argparse
import json
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


@st.composite
def sources(draw) -> bytes:
    kind = draw(st.sampled_from(["splice", "bytes", "deep", "snippets"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "deep":
        n = draw(st.integers(1, 3000))
        opener = draw(st.sampled_from(["(", "[", "{", "<div>", "f(", "() => "]))
        return (opener * n + "fetch('/api/tavus/end')").encode()
    parts = draw(st.lists(st.sampled_from(SNIPPETS), max_size=40))
    text = "\n".join(parts) if kind == "snippets" else "".join(parts)
    enc = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return text.encode(enc, errors="replace")


def run_one(source: bytes, workdir: Path) -> None:
    from click.testing import CliRunner

    from sop_check.cli import main
    from test_fixtures import copy_fixture

    project = copy_fixture("app-router-compliant", workdir)
    (project / "components" / "Fuzz.tsx").write_bytes(source)
    (project / "app" / "fuzz").mkdir()
    (project / "app" / "fuzz" / "page.tsx").write_text(
        "import F from '../../components/Fuzz';\nexport default function P() { return <F />; }\n")
    (project / ".env.local").write_text(f"TAVUS_API_KEY={CANARY}\nTAVUS_PERSONA_ID={CANARY}\n")
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json"], env={"CI": ""})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert CANARY not in result.output, "canary leaked"
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
    @given(sources())
    def fuzz(source: bytes) -> None:
        nonlocal count
        count += 1
        run_one(source, workdir)

    try:
        while time.monotonic() < deadline:
            fuzz()  # a fresh random batch each round, until the budget is spent
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"fuzz: {count} inputs in {args.seconds:g} s, no crash, no leak, no rule error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
