"""The pull request cannot switch the gate off: under --locked each relaxation from the repository is
refused with a LOCK001 finding at its line and exit 1; without it, each one is listed in every format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from untrusted import ALL_PASS, check, example

# (config text, the line of the relaxation in it, a word its message holds)
RELAXATIONS = [
    ('ignore = ["TAV005"]\n', 1, "switches off TAV005"),
    ('select = ["TAV001", "TAV002"]\n', 1, "leaves out TAV003"),
    ('[severity]\nTAV004 = "warning"\n', 2, "downgrades TAV004"),
    ('severity = { TAV004 = "warning" }\n', 1, "downgrades TAV004"),
    ('[[waivers]]\nrule = "TAV006"\npath = ".env.example"\nreason = "platform"\n', 1, "waiver of TAV006"),
    ('exclude = ["components/**"]\n', 1, "hides files matching"),
    ('apps = ["."]\n', 1, "chooses which apps"),
    ("max-file-size = 10\n", 1, "skips files over 10 bytes"),
    ('[vercel]\nenabled = false\nreason = "not on Vercel"\n', 2, "switched off"),
    ('[vercel]\nproject = "prj_other"\n', 2, "which Vercel project"),
    ('[options]\nend-route = "/api/other"\n', 2, "'end-route'"),
    ('[options]\nnon-evidence = ["**/*.test.*"]\n', 2, "'non-evidence'"),  # a subset: test files count
    ('[rule-options.TAV005]\nlabels = ["end", "stop"]\n', 2, "'labels' of TAV005"),
    ('\n\n[rule-options.TAV003]\nevents = ["unload"]\n', 4, "'events' of TAV003"),
]
IDS = [re.sub(r"\W+", "-", c[0].strip())[:40] for c in RELAXATIONS]


def _lock_findings(run_json: dict) -> list[dict]:
    return [f for app in run_json["apps"] for r in app["results"] if r["rule"] == "LOCK001" for f in r["findings"]]


@pytest.mark.parametrize("config, line, words", RELAXATIONS, ids=IDS)
def test_locked_refuses_each_relaxation_at_its_line(tmp_path: Path, config: str, line: int, words: str) -> None:
    repo = example(tmp_path)
    (repo / "sop-check.toml").write_text(config)
    run = check(repo, "--format", "json", "--locked")
    assert run.code == 1, run.stderr
    found = _lock_findings(run.json)
    assert any(f["path"] == "sop-check.toml" and f["line"] == line and words in f["message"] for f in found), found
    assert run.sop_statuses() == ALL_PASS, "the relaxation must not be applied under --locked"
    assert run.json["policy"] == {"locked": True, "relaxations": []}


@pytest.mark.parametrize("config, line, words", RELAXATIONS, ids=IDS)
def test_unlocked_lists_each_relaxation(tmp_path: Path, config: str, line: int, words: str) -> None:
    repo = example(tmp_path)
    (repo / "sop-check.toml").write_text(config)
    run = check(repo, "--format", "json")
    listed = run.json["policy"]["relaxations"]
    assert any(r["path"] == "sop-check.toml" and r["line"] == line and words in r["message"] for r in listed), listed
    assert not _lock_findings(run.json)


def test_the_environment_variable_locks_too(tmp_path: Path) -> None:
    repo = example(tmp_path)
    (repo / "sop-check.toml").write_text('ignore = ["TAV005"]\n')
    assert check(repo, "--format", "json", env={"SOP_CHECK_LOCKED": "1"}).code == 1
    assert check(repo, "--format", "json", env={"SOP_CHECK_LOCKED": "0"}).code == 0


def test_pyproject_relaxations_are_located_in_the_tool_table(tmp_path: Path) -> None:
    repo = example(tmp_path)
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.sop-check]\nignore = ["TAV004"]\n')
    found = _lock_findings(check(repo, "--format", "json", "--locked").json)
    assert [(f["path"], f["line"]) for f in found] == [("pyproject.toml", 5)]


def test_inline_suppression_is_refused_and_the_finding_counts(tmp_path: Path) -> None:
    repo = example(tmp_path)
    avatar = repo / "components" / "InteractiveAvatar.tsx"
    text = avatar.read_text()
    avatar.write_text(text.replace("                keepalive: true,\n", "").replace(
        "            // Use keepalive: true to ensure request fires during unload\n",
        "            // sop-check-ignore TAV004: the PR says so\n"))
    assert "sop-check-ignore" in avatar.read_text()
    unlocked = check(repo, "--format", "json")
    assert unlocked.code == 0 and unlocked.statuses()["TAV004"] == "pass"
    assert [r["kind"] for r in unlocked.json["policy"]["relaxations"]] == ["suppression"]
    locked = check(repo, "--format", "json", "--locked")
    assert locked.code == 1 and locked.statuses()["TAV004"] == "fail"
    found = _lock_findings(locked.json)
    assert [(f["path"], "TAV004" in f["message"]) for f in found] == [("components/InteractiveAvatar.tsx", True)]


@pytest.mark.parametrize("config", [
    'extend-select = ["TAV101"]\n', "preview = true\n", '[severity]\nTAV104 = "error"\n', "require-vercel = false\n",
    '[options]\nnon-evidence = ["**/*.test.*", "**/*.spec.*", "**/__tests__/**", "**/__mocks__/**", '
    '"**/*.stories.*", "e2e/**", "cypress/**", "playwright/**", "examples/**", "scripts/**", "legacy/**"]\n',
    "strict = true\n",
])
def test_stricter_settings_are_allowed_under_lock(tmp_path: Path, config: str) -> None:
    repo = example(tmp_path)
    (repo / "sop-check.toml").write_text(config)
    run = check(repo, "--format", "json", "--locked")
    assert not _lock_findings(run.json) and run.json["policy"]["relaxations"] == []
    assert run.sop_statuses() == ALL_PASS


def test_a_trusted_config_outside_the_repo_applies_and_is_listed(tmp_path: Path) -> None:
    repo = example(tmp_path)
    outside = tmp_path / "gate.toml"
    outside.write_text('ignore = ["TAV005"]\n')
    run = check(repo, "--format", "json", "--locked", "--config", str(outside))
    assert run.code == 0 and "TAV005" not in run.statuses()
    assert [r["origin"] for r in run.json["policy"]["relaxations"]] == ["--config"]


def test_a_config_inside_the_repo_is_the_prs_even_when_named(tmp_path: Path) -> None:
    repo = example(tmp_path)
    (repo / "ci.toml").write_text('ignore = ["TAV005"]\n')
    run = check(repo, "--format", "json", "--locked", "--config", str(repo / "ci.toml"))
    assert run.code == 1 and [f["line"] for f in _lock_findings(run.json)] == [1]


@pytest.mark.parametrize("fmt", ["text", "sarif", "github", "junit", "markdown", "gitlab"])
def test_every_format_lists_relaxations_and_lock_findings(tmp_path: Path, fmt: str) -> None:
    repo = example(tmp_path)
    (repo / "sop-check.toml").write_text('ignore = ["TAV005"]\n')
    listed = check(repo, "--format", fmt)
    refused = check(repo, "--format", fmt, "--locked")
    assert refused.code == 1
    if fmt == "sarif":
        runs = json.loads(listed.stdout)["runs"]
        notes = [n for r in runs for inv in r["invocations"] for n in inv["toolConfigurationNotifications"]]
        assert any("switches off TAV005" in n["message"]["text"] for n in notes)
        results = [res for r in json.loads(refused.stdout)["runs"] for res in r["results"]]
        assert any(res["ruleId"] == "LOCK001" for res in results)
    elif fmt == "junit":
        props = [p.get("value", "") for p in ET.fromstring(listed.stdout).iter("property")]
        assert any("switches off TAV005" in v for v in props)
        assert any(c.get("name", "").startswith("LOCK001") for c in ET.fromstring(refused.stdout).iter("testcase"))
    elif fmt == "gitlab":
        assert any("LOCK001" in json.dumps(issue) for issue in json.loads(refused.stdout))
    else:
        assert "switches off TAV005" in listed.stdout and "LOCK001" in refused.stdout


def test_a_locked_gate_that_checked_nothing_does_not_pass(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "package.json").write_text('{"dependencies": {"next": "15"}}')
    assert check(empty, "--format", "json", env={"CI": ""}).code == 0
    assert check(empty, "--format", "json", "--locked", env={"CI": ""}).code == 1
