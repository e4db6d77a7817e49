"""Property-based tests: env files parse as Next.js would and never leak; verdicts follow mutations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_check.cli import main
from sop_check.parse.dotenv import parse_env_text
from test_fixtures import FIXTURES, copy_fixture

KEYS = st.from_regex(r"[A-Z_][A-Z0-9_]{0,12}", fullmatch=True)
SAFE_VALUE = st.text(alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="-_./:@+="),
                     min_size=1, max_size=20)


@st.composite
def env_files(draw):
    """(text, expected {key: value}) in the shapes people write: export, quotes, comments, blank lines."""
    lines, expected = [], {}
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["plain", "double", "single", "backtick", "export", "comment", "blank",
                                     "inline-comment", "empty"]))
        key, value = draw(KEYS), draw(SAFE_VALUE)
        if kind == "comment":
            lines.append(f"# {key}={value}")
            continue
        if kind == "blank":
            lines.append("")
            continue
        text = {"plain": f"{key}={value}", "double": f'{key}="{value}"', "single": f"{key}='{value}'",
                "backtick": f"{key}=`{value}`", "export": f"export {key}={value}",
                "inline-comment": f"{key}={value} # note", "empty": f"{key}="}[kind]
        lines.append(text)
        expected[key] = "" if kind == "empty" else value
    return "\n".join(lines) + "\n", expected


@settings(max_examples=200, deadline=None)
@given(env_files())
def test_env_parse_matches_nextjs_semantics(case) -> None:
    text, expected = case
    entries, _ = parse_env_text(text)
    got: dict[str, str] = {}
    for e in entries:
        got[e.key] = e.value.reveal()
    # `$` expansion aside (none generated), the last definition wins, as in dotenv.
    assert dict(got) == {k: v for k, v in expected.items() if "$" not in v} | \
        {k: got[k] for k, v in expected.items() if "$" in v}


@settings(max_examples=100, deadline=None)
@given(env_files(), SAFE_VALUE)
def test_no_value_in_repr_or_problems(case, canary) -> None:
    text, _ = case
    canary = "CANARY" + canary + "X"
    entries, problems = parse_env_text(text + f"TAVUS_API_KEY={canary}\nbroken {canary}\n")
    shown = repr(entries) + str(entries) + " ".join(problems) + " ".join(f"{e.value}" for e in entries)
    assert canary not in shown


CANARY = "cnry-9b2e4f00d1-leak"


def test_canary_in_env_files_never_reaches_any_format_for_any_fixture(tmp_path: Path) -> None:
    runner = CliRunner()
    names = sorted(p.parent.name for p in FIXTURES.glob("*/expected.toml"))
    for name in names:
        project = copy_fixture(name, tmp_path / name)
        for env_dir in {p.parent for p in project.rglob("package.json")}:
            (env_dir / ".env.local").write_text(f'TAVUS_API_KEY="{CANARY}"\nexport TAVUS_PERSONA_ID={CANARY}\n'
                                                f'MULTI="{CANARY}\n{CANARY}"\nTAVUS_API_KEY_COPY=TAVUS_API_KEY\n')
            (env_dir / ".env.example").write_text(f"TAVUS_API_KEY=\n# TAVUS_PERSONA_ID={CANARY}\n")
        for fmt in ("text", "json", "sarif", "github", "junit"):
            result = runner.invoke(main, ["check", str(project), "--format", fmt, "--env-from-process"],
                                   env={"CI": "", "TAVUS_API_KEY": CANARY})
            assert CANARY not in result.output, (name, fmt)
            assert "cnry-9b2e" not in result.output, (name, fmt)


# --------------------------------------------------------------------------- mutations
BASE = copy_fixture.__globals__["FIXTURES"] / "app-router-compliant"
AVATAR = (BASE / "components" / "InteractiveAvatar.tsx").read_text()
ROUTE = (BASE / "app" / "api" / "tavus" / "end" / "route.ts").read_text()

# (file, original text, mutated text, rule, expected status after the mutation)
MUTATIONS = [
    ("avatar", "        keepalive: true,", "        // keepalive: true,", "TAV004", "fail"),
    ("avatar", "        keepalive: true,", "        keep_alive: true,", "TAV004", "fail"),
    ("avatar", "        keepalive: true,", "        keepalive: shouldKeepAlive(),", "TAV004", "unknown"),
    ("avatar", "        keepalive: true,", "        /* note */ keepalive: true,", "TAV004", "pass"),
    ("avatar", "window.addEventListener('beforeunload', handleBeforeUnload)",
     "window.addEventListener(handleBeforeUnload, 'beforeunload')", "TAV003", "fail"),
    ("avatar", "window.removeEventListener('beforeunload', handleBeforeUnload)",
     "window.removeEventListener('unload', handleBeforeUnload)", "TAV003", "fail"),
    ("avatar", "<button onClick={endSession}>End Session</button>",
     "<button onClick={endSession}>Send Session</button>", "TAV005", "fail"),
    ("avatar", "<button onClick={endSession}>End Session</button>",
     "<button onClick={endSession}>end   session</button>", "TAV005", "pass"),
    ("route", "'x-api-key': process.env.TAVUS_API_KEY || '',", "'x-api-key': process.env.TAVUS_PERSONA_ID || '',",
     "TAV002", "fail"),
    ("route", "'x-api-key': process.env.TAVUS_API_KEY || '',", "'X-API-KEY': process.env.TAVUS_API_KEY || '',",
     "TAV002", "pass"),
    ("route", "/end`, {", "/end/`, {", "TAV002", "pass"),
    ("route", "/end`, {", "/stop`, {", "TAV002", "fail"),
    ("route", "    method: 'POST',", "    method: 'post',", "TAV002", "pass"),
    ("route", "    method: 'POST',", "    // method: 'POST',", "TAV002", "fail"),
]


@pytest.mark.parametrize("where, old, new, rule, expected", MUTATIONS,
                         ids=[f"{m[3]}-{i}" for i, m in enumerate(MUTATIONS)])
def test_verdict_follows_mutation(tmp_path: Path, where: str, old: str, new: str, rule: str, expected: str) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    target = project / ("components/InteractiveAvatar.tsx" if where == "avatar" else "app/api/tavus/end/route.ts")
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new))
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json", "--select", rule], env={"CI": ""})
    status = json.loads(result.stdout)["apps"][0]["results"][0]
    assert status["status"] == expected, status


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["//", "/*x*/", " ", "\n"]), st.integers(0, len(AVATAR)))
def test_comments_and_whitespace_between_tokens_do_not_change_the_verdict(tmp_path_factory, token, where) -> None:
    # Insert a comment or whitespace at a token boundary (never inside a string or identifier).
    while where < len(AVATAR) and AVATAR[where] not in ";{},":
        where += 1
    if token == "//":
        token = "// inserted\n"
    mutated = AVATAR[:where + 1] + token + AVATAR[where + 1:] if where < len(AVATAR) else AVATAR
    project = copy_fixture("app-router-compliant", tmp_path_factory.mktemp("m"))
    (project / "components" / "InteractiveAvatar.tsx").write_text(mutated)
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json", "--select", "TAV003,TAV004,TAV005"],
                                env={"CI": ""})
    got = {r["rule"]: r["status"] for r in json.loads(result.stdout)["apps"][0]["results"]}
    assert got == {"TAV003": "pass", "TAV004": "pass", "TAV005": "pass"}, (token, where)


def test_fuzz_command_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(__file__).with_name("fuzz_index.py")
    out = subprocess.run([sys.executable, str(script), "--seconds", "2"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "no crash, no leak" in out.stdout
