"""Hostile input: every case ends in a verdict and one-line diagnostics, never a traceback, never a
write into the target, and the unaffected rules stay right."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_check.cli import main
from test_fixtures import copy_fixture


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d))):
            p = os.path.join(dirpath, name)
            h.update(p.encode("utf-8", "surrogateescape"))
            if os.path.islink(p):
                h.update(os.readlink(p).encode("utf-8", "surrogateescape"))
            else:
                st = os.stat(p)
                h.update(f"{st.st_size}:{st.st_mtime_ns}:{st.st_mode}".encode())
    return h.hexdigest()


def check(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    before = tree_hash(project)
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json", *args],
                                env={"CI": "", **(env or {})}, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert tree_hash(project) == before, "check wrote into the target"
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, data, result.stderr if hasattr(result, "stderr") else ""


def statuses(data: dict, app: str = ".") -> dict[str, str]:
    apps = {a["root"]: a for a in data["apps"]}
    return {r["rule"]: r["status"] for r in apps[app]["results"]}


def diagnostics(data: dict) -> list[str]:
    return [f"{d['path']}: {d['message']}" for d in data["diagnostics"]]


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return copy_fixture("app-router-compliant", tmp_path)


ALL_PASS = dict.fromkeys(("TAV001", "TAV002", "TAV003", "TAV004", "TAV005", "TAV006"), "pass")


def _subset(s: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in s.items() if k in ALL_PASS}


def test_symlink_loop_and_link_outside_are_not_followed(good: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ts").write_text("export const tavus = 'x';\n")
    (good / "components" / "loop").symlink_to(good / "components")
    (good / "escape").symlink_to(outside)
    (good / "lib.ts").symlink_to(outside / "secret.ts")
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    assert not any("secret.ts" in d and "outside" in d for d in diagnostics(data))


def test_unreadable_file_and_folder(good: Path, monkeypatch) -> None:
    import sop_check.discover as discover
    import sop_check.files as files

    (good / "components" / "Locked.tsx").write_text("export const x = 'tavus';\n")
    page = good / "app" / "page.tsx"
    page.write_text("import '../components/Locked';\n" + page.read_text())
    (good / "private").mkdir()
    (good / "private" / "a.ts").write_text("export {}\n")
    real_open, real_scandir = files.os.open, discover.os.scandir

    def fake_open(path, *a, **kw):
        if str(path).endswith("Locked.tsx"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **kw)

    def fake_scandir(path=".", *a, **kw):
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path, *a, **kw)

    monkeypatch.setattr(files.os, "open", fake_open)
    monkeypatch.setattr(discover.os, "scandir", fake_scandir)
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    diags = diagnostics(data)
    assert any("Locked.tsx" in d and "permission denied" in d for d in diags), diags
    assert any("private" in d and "permission denied" in d for d in diags), diags


def test_file_deleted_while_scanning(good: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=good, check=True)
    subprocess.run(["git", "add", "-A"], cwd=good, check=True)
    (good / "components" / "Gone.tsx").write_text("export const tavus = 1;\n")
    subprocess.run(["git", "add", "-A"], cwd=good, check=True)
    (good / "components" / "Gone.tsx").unlink()  # listed by git, absent on disk
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS


@pytest.mark.parametrize("name, payload, fragment", [
    ("latin1.ts", "export const s = 'caf\xe9 tavus';\n".encode("latin-1"), "not valid UTF-8"),
    ("utf16.ts", "export const tavus = 1;\n".encode("utf-16"), None),
    ("bom.ts", b"\xef\xbb\xbfexport const tavus = 1;\n", None),
    ("crlf.ts", b"export const tavus = 1;\r\nexport const b = 2;\r\n", None),
    ("binary.ts", b"\x00\x01\x02tavus\x00" * 100, "binary"),
    ("na\u00efve name with spaces.tsx", "export const x = 'tavus';\n".encode(), None),
])
def test_odd_encodings_and_names(good: Path, name: str, payload: bytes, fragment: str | None) -> None:
    (good / "components" / name).write_bytes(payload)
    (good / "components" / "Index.tsx").write_text(f"import '{'./' + name.rsplit('.', 1)[0]}';\n"
                                                   "export default function X() { return null; }\n")
    page = good / "app" / "page.tsx"
    page.write_text("import './../components/Index';\n" + page.read_text())
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    if fragment:
        assert any(name in d and fragment in d for d in diagnostics(data)), diagnostics(data)


def test_crlf_project_keeps_verdicts_and_lines(good: Path) -> None:
    for p in good.rglob("*.ts*"):
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS


def test_large_minified_and_long_line_files_are_bounded(good: Path) -> None:
    (good / "public").mkdir()
    (good / "public" / "bundle.min.js").write_bytes(b"var a=1;" * (50 * 1024 * 1024 // 8))
    (good / "components" / "oneline.ts").write_bytes(b"export const tavus=" + b"1+" * (5 * 1024 * 1024) + b"1;\n")
    (good / "components" / "long.ts").write_text("// beforeunload\n" + "".join(f"let v{i}=1;\n" for i in range(100_000)))
    page = good / "app" / "page.tsx"
    page.write_text("import '../components/long';\nimport '../components/oneline';\nimport '../public/bundle.min.js';\n"
                    + page.read_text())
    start = time.monotonic()
    code, data, _ = check(good, "--no-prefilter")
    assert time.monotonic() - start < 30
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    assert any("bundle.min.js" in d and "size limit" in d for d in diagnostics(data)) or \
        not any("bundle" in d for d in diagnostics(data))


def test_deeply_nested_jsx(good: Path) -> None:
    depth = 20_000
    body = "<div>" * depth + "<button onClick={() => null}>End Session</button>" + "</div>" * depth
    (good / "components" / "Deep.tsx").write_text(f"export default function Deep() {{ return {body}; }}\n")
    page = good / "app" / "page.tsx"
    page.write_text("import Deep from '../components/Deep';\n" + page.read_text())
    start = time.monotonic()
    code, data, _ = check(good)
    assert time.monotonic() - start < 30
    assert code == 0 and _subset(statuses(data)) == ALL_PASS  # the deep dead button does not hide the real one


def test_many_empty_files(tmp_path: Path) -> None:
    project = copy_fixture("app-router-compliant", tmp_path)
    bulk = project / "generated"
    for i in range(100):
        d = bulk / f"d{i}"
        d.mkdir(parents=True)
        for j in range(1000):
            (d / f"f{j}.ts").touch()
    start = time.monotonic()
    code, data, _ = check(project)
    elapsed = time.monotonic() - start
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    assert elapsed < 60, elapsed


def test_empty_project_and_missing_path(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, data, _ = check(empty)
    assert code == 0 and data["apps"][0]["uses_tavus"] is False
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such file" in result.output and "Traceback" not in result.output


def test_malformed_metadata(good: Path) -> None:
    (good / "tsconfig.json").write_text('{ "extends": "./base.json", // c\n "compilerOptions": {"paths": {"@/*": ["./*"],},},}')
    (good / "base.json").write_text('{ "extends": "./tsconfig.json" }')
    # `**/***` alone would ignore every file, as git does; `***.bak` keeps the odd stars harmless.
    (good / ".gitignore").write_text("[\n**/***.bak\n!\n\\\n#x\n/[z-a]/\n")
    (good / "pyproject.toml").write_text("this is [ not toml")
    nested = good / "packages" / "broken"
    nested.mkdir(parents=True)
    (nested / "package.json").write_text("{ not json")
    (good / "lib").mkdir()
    (good / "lib" / "a.ts").write_text("import { b } from './b';\nexport const a = () => b();\n")
    (good / "lib" / "b.ts").write_text("import { a } from './a';\nexport const b = () => a();\n")
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    diags = diagnostics(data)
    assert any("package.json" in d and "invalid JSON" in d for d in diags), diags
    assert any("circular" in d for d in diags), diags


def test_syntax_error_elsewhere_leaves_verdicts(good: Path) -> None:
    # It holds a needle (an End button), so the rules parse it and meet the error.
    (good / "components" / "Broken.tsx").write_text("export default function ( { return <button onClick={x}>End</button> }\n")
    page = good / "app" / "page.tsx"
    page.write_text("import Broken from '../components/Broken';\n" + page.read_text())
    code, data, _ = check(good)
    assert code == 0 and _subset(statuses(data)) == ALL_PASS
    assert any("Broken.tsx" in d and "syntax error" in d for d in diagnostics(data))


def test_malformed_env_file_is_a_diagnostic(good: Path) -> None:
    (good / ".env.local").write_text("TAVUS_API_KEY=abc\nTAVUS_PERSONA_ID=p\nthis is not an env line\n\"unterminated\n")
    code, data, _ = check(good)
    assert statuses(data)["TAV006"] == "pass"
    assert any(".env.local" in d and "line 3" in d for d in diagnostics(data))


def test_env_file_that_is_a_directory(good: Path) -> None:
    (good / ".env").mkdir()
    code, data, _ = check(good)
    assert code == 0
    assert any(".env" in d and "directory" in d for d in diagnostics(data))


def test_check_writes_nothing_even_in_git(good: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=good, check=True)
    subprocess.run(["git", "add", "-A"], cwd=good, check=True)
    git_before = tree_hash(good / ".git")
    check(good)
    assert tree_hash(good / ".git") == git_before
