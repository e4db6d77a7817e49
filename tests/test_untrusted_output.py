"""Output is inert: names and code from a pull request cannot forge a workflow command, drive the
terminal, break the JUnit XML or stop a report from being written, in any format, on stdout,
stderr, `-o` files or the job summary."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from sop_check.report.inert import clean, clean_path, neutralise_commands, path_bytes
from untrusted import check, example

FORMATS = ("text", "json", "sarif", "github", "junit")
FORGED = "::error file=app/page.tsx,line=1::FORGED"
MASK = "::add-mask::demo-key-untrusted"
LEGACY = "##[add-mask]demo-persona"
ESC = "\x1b]0;pwned\x07\x1b[2J"  # OSC (window title) and CSI (clear screen); no '/' (file names use it)
BIDI = "\u202e"
# A folder name a fork can commit: newlines, workflow commands, terminal escapes, bidi override.
HOSTILE_DIR = f"x\n{FORGED}\n{MASK}\n{LEGACY}{ESC}{BIDI}"
FAKE_KEY = "tvs_" + "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # built here: this repo must not trip TAV103


def _commands(text: str, fmt: str) -> list[str]:
    """Lines GitHub's runner would execute: `::name` after leading blanks, or `##[` anywhere."""
    found = []
    for line in text.splitlines():
        body = line.lstrip()
        if "##[" in line:
            found.append(line)
        elif body.startswith("::"):
            ours = fmt == "github" and re.match(r"::(error|warning|notice) file=[^:\r\n]*::", body)
            if not ours:
                found.append(line)
    return found


def _hostile_tree(tmp_path: Path, undecodable: bool = True) -> Path:
    repo = example(tmp_path)
    bad = repo / "packages" / HOSTILE_DIR
    bad.mkdir(parents=True)
    (bad / "package.json").write_text("{ not json")  # a diagnostic that names the folder
    # A code-derived string: a computed key (template literal: a real newline) a finding quotes.
    (repo / "lib").mkdir()
    (repo / "lib" / "keys.ts").write_text(
        "// tavus\nexport const headers = {\n"
        f"  [`tavus_api_key\n{FORGED}\n{MASK}\n{LEGACY}{ESC}`]: '{FAKE_KEY}',\n}};\n")
    # A control character and an undecodable byte in a file name, where a finding points.
    odd = os.fsencode(repo / "lib") + b"/k\x01" + (b"\xe9" if undecodable else b"") + ESC.encode() + b".ts"
    with open(odd, "wb") as fh:
        fh.write(f"// tavus\nexport const TAVUS_API_KEY = '{FAKE_KEY}';\n".encode())
    page = repo / "app" / "page.tsx"
    page.write_text(page.read_text().replace(
        "<InteractiveAvatar />", f"<InteractiveAvatar /><p>{ESC}{BIDI}</p>"))
    return repo


@pytest.mark.parametrize("undecodable", [True, False], ids=["latin1-name", "utf8-names"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_forged_command_escape_or_bad_byte_reaches_any_sink(tmp_path: Path, fmt: str, undecodable: bool) -> None:
    repo = _hostile_tree(tmp_path, undecodable)
    summary = tmp_path / "summary.md"
    out_file = tmp_path / f"report.{fmt}"
    run = check(repo, "--format", fmt, "--preview", env={"GITHUB_STEP_SUMMARY": str(summary)})
    written = check(repo, "--format", fmt, "--preview", "-o", str(out_file))
    assert out_file.exists(), "the -o report was not written"
    sinks = {"stdout": run.stdout, "stderr": run.stderr, "-o file": out_file.read_text(encoding="utf-8"),
             "-o stderr": written.stderr}
    if fmt == "github":
        sinks["job summary"] = summary.read_text(encoding="utf-8")
    for sink, text in sinks.items():
        assert _commands(text, fmt) == [], (sink, _commands(text, fmt))
        assert "\x1b" not in text and "\x07" not in text and BIDI not in text, sink
        assert "\x01" not in text, sink
    assert "FORGED" in run.stdout + run.stderr, "the hostile strings must still be shown, escaped"
    if fmt == "junit":
        ET.fromstring(out_file.read_text(encoding="utf-8"))  # parses: no XML-invalid character
    if fmt in ("json", "sarif"):
        json.loads(out_file.read_text(encoding="utf-8"))


def test_sarif_uri_of_an_undecodable_name_is_percent_encoded(tmp_path: Path) -> None:
    repo = _hostile_tree(tmp_path)
    out = tmp_path / "r.sarif"
    check(repo, "--format", "sarif", "--preview", "-o", str(out))
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for run in json.loads(out.read_text())["runs"]
            for result in run["results"] for loc in result["locations"]]
    assert any(u.startswith("lib/k%01%E9%1B") for u in uris), uris


def test_github_annotations_keep_forged_text_inside_the_data(tmp_path: Path) -> None:
    repo = _hostile_tree(tmp_path)
    run = check(repo, "--format", "github", "--preview")
    for line in run.stdout.splitlines():
        assert re.match(r"::(error|warning|notice) file=[^:\r\n]*::", line), line
    assert "FORGED" in run.stdout  # shown, as data of our own annotation


def test_config_errors_on_stderr_are_inert(tmp_path: Path) -> None:
    repo = example(tmp_path)
    key = json.dumps(f"k\n{FORGED}\n{LEGACY}{ESC}")
    (repo / "sop-check.toml").write_text(f"{key} = 1\n")
    run = check(repo, "--format", "github")
    assert run.code == 2 and "not allowed" in run.stderr
    assert _commands(run.stderr, "text") == [] and "\x1b" not in run.stderr


def test_locked_findings_quote_hostile_config_inertly(tmp_path: Path) -> None:
    repo = example(tmp_path)
    (repo / "sop-check.toml").write_text('[[waivers]]\nrule = "TAV006"\npath = ".env.example"\n'
                                         f'reason = {json.dumps(FORGED + chr(10) + MASK + ESC)}\n')
    for fmt in FORMATS:
        run = check(repo, "--format", fmt, "--locked")
        assert run.code == 1
        assert _commands(run.stdout + run.stderr, fmt) == [] and "\x1b" not in run.stdout


# -- the helpers themselves -------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["a\x1b[31mb", "\u202eevil", "line\nbreak", "del\x7f", "c1\x9b31m", "nul\x00",
                                 "sep\u2028x", "bom\ufeff", "surrogate\udce9"])
def test_clean_leaves_no_unsafe_character(raw: str) -> None:
    out = clean(raw)
    assert out.isprintable() and "\\" in out
    out.encode("utf-8")  # always encodable: a report can always be written


@pytest.mark.parametrize("name", [b"caf\xe9.ts", b"a\\b\x01.ts", "日本語.tsx".encode(), b"\xff\xfe\\x41"])
def test_path_escaping_is_reversible(name: bytes) -> None:
    assert path_bytes(clean_path(os.fsdecode(name))) == name


@pytest.mark.parametrize("style, text, back", [
    ("text", "  ::error::x", None), ("text", "a ##[add-mask]b", None),
    ("json", '{"m": "##[add-mask]s"}', {"m": "##[add-mask]s"}),
    ("xml", "<a>\n::warning::x ##[error]y</a>", "\n::warning::x ##[error]y"),
])
def test_command_breaker_is_lossless_where_the_format_allows(style: str, text: str, back: object) -> None:
    out = neutralise_commands(text, style)
    assert _commands(out, "text") == []
    if style == "json":
        assert json.loads(out) == back
    elif style == "xml":
        assert ET.fromstring(out).text == back


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_routes_command_is_inert_too(tmp_path: Path, fmt: str) -> None:
    from click.testing import CliRunner

    from sop_check.cli import main

    repo = example(tmp_path)
    route = repo / "app" / "api" / f"x\n{FORGED}\n{LEGACY}{ESC}"
    route.mkdir(parents=True)
    (route / "route.ts").write_text("export async function POST() {}\n")
    result = CliRunner().invoke(main, ["routes", str(repo), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert _commands(result.stdout + result.stderr, "text") == [] and "\x1b" not in result.stdout
    if fmt == "json":
        urls = [r["url"] for a in json.loads(result.stdout)["apps"] for r in a["routes"]]
        assert any(FORGED in u for u in urls)  # the value is intact: only its bytes on the wire changed
