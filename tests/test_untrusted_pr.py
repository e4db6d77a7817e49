"""A pull request from a fork cannot steal the CI's secrets or reach outside the repository.

Each test rebuilds one attack of issue 11 (or a variation) on the bundled example, with a
fake Vercel API on 127.0.0.1 standing in for the network, and asserts the promise.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sop_check.vercel import TEST_API_ENV, VercelError, api_base, check_endpoint, read_project_file
from untrusted import ALL_PASS, check, example
from vercel_fake import TOKEN, FakeVercel

ENVS = [{"key": "TAVUS_API_KEY", "target": ["production"], "type": "encrypted"},
        {"key": "TAVUS_PERSONA_ID", "target": ["production"], "type": "encrypted"}]
PROJECT = json.dumps({"projectId": "prj_123", "orgId": "team_9"})


def _linked(repo: Path, text: str = PROJECT) -> Path:
    (repo / ".vercel").mkdir(exist_ok=True)
    (repo / ".vercel" / "project.json").write_text(text)
    return repo


def _vercel_run(repo: Path, api: str, *args: str, env: dict[str, str] | None = None):
    return check(repo, "--format", "json", "--vercel", *args, vercel=True,
                 env={"VERCEL_TOKEN": TOKEN, TEST_API_ENV: api, **(env or {})})


# -- 1. the endpoint is not settable from the tree -------------------------------------------
@pytest.mark.parametrize("config_name, table", [
    ("sop-check.toml", "[rule-options.TAV007]"),
    (".sop-check.toml", "[rule-options.TAV007]"),
    ("pyproject.toml", "[tool.sop-check.rule-options.TAV007]"),
])
def test_config_cannot_point_the_token_at_another_server(tmp_path: Path, config_name: str, table: str) -> None:
    repo = _linked(example(tmp_path))
    with FakeVercel(ENVS) as vercel, FakeVercel(ENVS) as attacker:
        (repo / config_name).write_text(f'{table}\napi-base = "{attacker.url}"\n')
        run = _vercel_run(repo, vercel.url)
    assert attacker.requests == [], "the token went to the PR's server"
    assert run.code == 2 and "api-base" in run.stderr, run.stderr


def test_the_token_goes_to_the_configured_endpoint_only(tmp_path: Path) -> None:
    repo = _linked(example(tmp_path))
    with FakeVercel(ENVS) as vercel:
        run = _vercel_run(repo, vercel.url)
    assert run.statuses()["TAV007"] == "pass" and run.code == 0
    assert vercel.requests and all(r.startswith("/v10/projects/prj_123/env") for r in vercel.requests)


def test_a_redirect_is_not_followed_with_the_token(tmp_path: Path) -> None:
    repo = _linked(example(tmp_path))
    with FakeVercel(ENVS) as vercel, FakeVercel(ENVS) as attacker:
        for code in (301, 302, 307, 308):
            vercel.faults.append((code, {"Location": f"{attacker.url}/v10/projects/prj_123/env"}, b"{}"))
        run = _vercel_run(repo, vercel.url)
    assert attacker.requests == []
    result = next(r for r in run.json["apps"][0]["results"] if r["rule"] == "TAV007")
    assert result["status"] == "unknown" and "redirect" in " ".join(result["unresolved"])
    assert TOKEN not in run.stdout + run.stderr


@pytest.mark.parametrize("url, allowed", [
    ("https://api.vercel.com", True),
    ("http://api.vercel.com", False),  # clear text
    ("ftp://api.vercel.com", False),
    ("https://user:pw@api.vercel.com", False),
    ("http://127.0.0.1:9", False),  # loopback needs the test switch
    ("https://localhost", False),
])
def test_endpoint_rules(url: str, allowed: bool) -> None:
    if allowed:
        check_endpoint(url)
    else:
        with pytest.raises(VercelError):
            check_endpoint(url)


@pytest.mark.parametrize("value", ["http://169.254.169.254", "https://evil.example", "http://10.0.0.1:80"])
def test_the_test_endpoint_variable_is_loopback_only(value: str) -> None:
    with pytest.raises(VercelError) as info:
        api_base({TEST_API_ENV: value})
    assert "loopback" in info.value.message
    assert api_base({}) == "https://api.vercel.com"
    assert api_base({TEST_API_ENV: "http://127.0.0.1:8080"}) == "http://127.0.0.1:8080"


# -- 2. ids from .vercel/project.json: shape, no symlink ---------------------------------------
@pytest.mark.parametrize("project_id", ["../../v2/user", "prj_1/../../x", "prj?teamId=x", "a" * 101, "", "prj 1"])
def test_ids_of_the_wrong_shape_are_not_sent(tmp_path: Path, project_id: str) -> None:
    repo = _linked(example(tmp_path), json.dumps({"projectId": project_id, "orgId": "team_9"}))
    with FakeVercel(ENVS) as vercel:
        run = _vercel_run(repo, vercel.url)
    assert vercel.requests == []
    assert run.statuses()["TAV007"] == "unknown"


def test_a_linked_project_file_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"projectId": "prj_stolen", "orgId": "team_9"}))
    repo = example(tmp_path)
    (repo / ".vercel").mkdir()
    (repo / ".vercel" / "project.json").symlink_to(outside)
    with FakeVercel(ENVS, project="prj_stolen") as vercel:
        run = _vercel_run(repo, vercel.url)
    assert vercel.requests == []
    assert any(".vercel/project.json" in d["path"] and "symbolic link" in d["message"] for d in run.json["diagnostics"])


def test_a_linked_vercel_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "project.json").write_text(json.dumps({"projectId": "prj_stolen", "orgId": "team_9"}))
    repo = example(tmp_path)
    (repo / ".vercel").symlink_to(outside)
    data, problem = read_project_file(repo)
    assert data == {} and problem is not None and "symbolic link" in problem


def test_locked_takes_the_project_from_the_workflow_only(tmp_path: Path) -> None:
    repo = _linked(example(tmp_path), json.dumps({"projectId": "prj_other", "orgId": "team_9"}))
    with FakeVercel(ENVS) as vercel:
        refused = _vercel_run(repo, vercel.url, "--locked")
        assert vercel.requests == []
        assert refused.statuses()["TAV007"] == "unknown"
        run = _vercel_run(repo, vercel.url, "--locked", env={"VERCEL_PROJECT_ID": "prj_123", "VERCEL_ORG_ID": "team_9"})
    assert run.statuses()["TAV007"] == "pass"
    assert all("prj_other" not in r for r in vercel.requests)


# -- 3. nothing outside the repository -----------------------------------------------------------
def test_a_linked_package_json_does_not_decide_discovery(tmp_path: Path) -> None:
    outside = tmp_path / "outside-package.json"
    outside.write_text('{"dependencies": {"next": "15"}}')
    repo = example(tmp_path)
    nested = repo / "packages" / "decoy"
    nested.mkdir(parents=True)
    (nested / "package.json").symlink_to(outside)
    run = check(repo, "--format", "json")
    assert [a["root"] for a in run.json["apps"]] == ["."], "a linked package.json made an app"
    assert run.sop_statuses() == ALL_PASS


def test_tsconfig_extends_outside_the_repo_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"compilerOptions": {"baseUrl": "/"}}')
    repo = example(tmp_path)
    (repo / "tsconfig.json").write_text('{"extends": "../secret.json", "compilerOptions": {"paths": {"@/*": ["./*"]}}}')
    run = check(repo, "--format", "json")
    assert any("outside the repository" in d["message"] for d in run.json["diagnostics"]), run.json["diagnostics"]
    assert run.sop_statuses() == ALL_PASS


def test_tsconfig_through_a_symlink_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "tsconfig.outside.json"
    outside.write_text('{"compilerOptions": {"paths": {"@/*": ["./*"]}}}')
    repo = example(tmp_path)
    (repo / "tsconfig.json").unlink()
    (repo / "tsconfig.json").symlink_to(outside)
    run = check(repo, "--format", "json")
    # The page imports `@/components/...`: only the linked file's alias could resolve it.
    assert run.statuses()["TAV005"] != "pass", "the tsconfig was read through the link"


def test_files_under_a_linked_folder_are_never_read(tmp_path: Path) -> None:
    """Imports through a folder that links out of the repo read nothing there."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Button.tsx").write_text("export const B = () => <button onClick={() => fetch('/api/tavus/end', "
                                        "{method: 'POST'})}>End Session</button>;\n")
    repo = example(tmp_path)
    (repo / "linked").symlink_to(outside)
    from sop_check.files import read_source

    data, problem = read_source(repo / "linked" / "Button.tsx", 1_000_000)
    assert data is None and problem is not None and "symbolic link" in problem


@pytest.mark.parametrize("where", ["absolute", "parent"])
def test_config_apps_outside_the_repo_are_refused(tmp_path: Path, where: str) -> None:
    elsewhere = example(tmp_path, "elsewhere")
    repo = example(tmp_path)
    target = str(elsewhere) if where == "absolute" else "../elsewhere"
    (repo / "sop-check.toml").write_text(f'apps = [{json.dumps(target)}]\n')
    run = check(repo, "--format", "json")
    roots = [a["root"] for a in run.json["apps"]]
    assert not any("elsewhere" in r for r in roots), roots
    assert any("outside the repository" in d["message"] for d in run.json["diagnostics"]), run.json["diagnostics"]


def test_config_above_the_repository_is_not_used(tmp_path: Path) -> None:
    """Config discovery stops at the repository root: a folder above it is not the repo's."""
    (tmp_path / "sop-check.toml").write_text('ignore = ["TAV005"]\n')
    repo = example(tmp_path)
    os.mkdir(repo / ".git")  # a marker is enough for the walk to stop; git itself is not needed
    from sop_check.config import find_config

    assert find_config(repo) is None
