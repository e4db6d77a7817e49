"""The composite GitHub Action (action.yml), run offline as a runner would run it: each `run:`
step with `bash --noprofile --norc -eo pipefail`, `${{ }}` expressions evaluated from inputs,
`github.*`, `runner.*` and earlier steps' outputs, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`
files per step, `GITHUB_ACTION_PATH` at this checkout. Plus schema validation of action.yml and
the example workflows with check-jsonschema's vendored schemas."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from sop_check import REPOSITORY_URL
from test_fixtures import copy_fixture

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
BASE_PYTHON = shutil.which("python3.11") or getattr(sys, "_base_executable", sys.executable)


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True)


@pytest.mark.parametrize("schema,path", [
    ("vendor.github-actions", REPO / "action.yml"),
    ("vendor.github-workflows", REPO / "examples" / "github-workflow.yml"),
    ("vendor.gitlab-ci", REPO / "examples" / "gitlab-ci.yml"),
])
def test_files_validate_against_the_vendored_schemas(schema: str, path: Path) -> None:
    result = check_jsonschema(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text(yaml.safe_dump({**ACTION, "runs": {"using": "composite", "steps": [{"run": "true"}]}}))
    assert check_jsonschema("vendor.github-actions", broken).returncode != 0  # a run step needs a shell


def test_example_workflow_uses_this_action_and_uploads_its_sarif() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["sop-check"]["steps"]
    ours = next(s for s in steps if s.get("uses", "").startswith(REPOSITORY_URL.removeprefix("https://github.com/")))
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{ours['id']}.outputs.sarif-file }}}}"
    for name in ours.get("with", {}):
        assert name in ACTION["inputs"], name
    assert not any("pip install" in str(s.get("run", "")) for s in steps)


def _readme_yaml() -> list[Any]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_readme_snippets_use_real_inputs_and_validate(tmp_path: Path) -> None:
    blocks = _readme_yaml()
    steps = next(b for b in blocks if isinstance(b, list) and any("uses" in s for s in b))
    ours = next(s for s in steps if s["uses"].startswith(REPOSITORY_URL.removeprefix("https://github.com/") + "@"))
    assert set(ours.get("with", {})) <= set(ACTION["inputs"])
    gitlab = next(b for b in blocks if isinstance(b, dict) and "sop-check" in b and "script" in b["sop-check"])
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(yaml.safe_dump(gitlab), encoding="utf-8")
    result = check_jsonschema("vendor.gitlab-ci", path)
    assert result.returncode == 0, result.stdout
    assert gitlab["sop-check"]["artifacts"]["reports"]["codequality"] in " ".join(gitlab["sop-check"]["script"])


def test_run_steps_take_inputs_only_through_env() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "uses" not in step and "if" not in step, "the emulator below runs only plain run steps"
        assert not EXPRESSION.search(step["run"]), f"{step['name']}: ${{{{ }}}} inside run: is script injection"


# -- a runner, as far as a composite action of run steps needs one ------------------------------

@dataclass
class ActionRun:
    stdout: str
    failed_step: str | None
    exit_codes: dict[str, int]
    outputs: dict[str, str]
    summary: str
    step_outputs: dict[str, dict[str, str]] = field(default_factory=dict)


def parse_output_file(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` ... `DELIMITER` blocks."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            out[name] = value_text
    return out


def evaluate(template: str, context: dict[str, Any]) -> str:
    def lookup(match: re.Match[str]) -> str:
        value: Any = context
        for part in match.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                raise AssertionError(f"the runner emulator cannot evaluate ${{{{ {match.group(1)} }}}}")
            value = value[part]
        return str(value)

    return EXPRESSION.sub(lookup, template)


def run_action(workspace: Path, runner_temp: Path, inputs: dict[str, str], env: dict[str, str] | None = None,
               server_url: str = "https://github.com") -> ActionRun:
    unknown = set(inputs) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of action.yml: {unknown}"
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    steps: dict[str, dict[str, str]] = {}
    github = {"action_path": str(REPO), "action_repository": REPOSITORY_URL.removeprefix("https://github.com/"),
              "server_url": server_url, "workspace": str(workspace)}
    context: dict[str, Any] = {"inputs": values, "github": github, "runner": {"temp": str(runner_temp)},
                               "steps": steps}
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("GITHUB_", "RUNNER_", "VIRTUAL_ENV", "PYTHON", "SOP_CHECK"))}
    base_env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                     "GITHUB_ACTION_PATH": str(REPO), "RUNNER_TEMP": str(runner_temp),
                     "PATH": f"{runner_temp / 'decoy-bin'}{os.pathsep}{base_env.get('PATH', '')}"})
    base_env.update(env or {})
    stdout, summary, codes, failed = [], [], {}, None
    for n, step in enumerate(ACTION["runs"]["steps"]):
        step_id = step.get("id", f"step{n}")
        files = runner_temp / "runner" / f"{step_id}-{len(list((runner_temp / 'runner').glob('*')))}"
        files.mkdir(parents=True)
        script, output, step_summary = files / "script.sh", files / "output", files / "summary"
        script.write_text(step["run"], encoding="utf-8")
        output.touch()
        step_summary.touch()
        step_env = {**base_env, **{k: evaluate(str(v), context) for k, v in step.get("env", {}).items()},
                    "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(step_summary)}
        assert step["shell"] == "bash"
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=step_env, capture_output=True, text=True, timeout=600)
        stdout.append(proc.stdout + proc.stderr)
        codes[step_id] = proc.returncode
        steps[step_id] = {"outputs": parse_output_file(output.read_text(encoding="utf-8"))}
        summary.append(step_summary.read_text(encoding="utf-8"))
        if proc.returncode != 0:
            failed = step_id
            break
    outputs = {}
    for name, spec in ACTION["outputs"].items():
        try:
            outputs[name] = evaluate(spec["value"], context)
        except AssertionError:  # a step that did not run: GitHub gives an empty string
            outputs[name] = ""
    return ActionRun("".join(stdout), failed, codes, outputs, "".join(summary),
                     {k: v["outputs"] for k, v in steps.items()})


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One job's RUNNER_TEMP, shared by the tests (the action installs once per job), with a
    decoy `sop-check` first on PATH: the action must use its own."""
    temp = tmp_path_factory.mktemp("runner-temp")
    decoy = temp / "decoy-bin"
    decoy.mkdir()
    (decoy / "sop-check").write_text(f"#!/bin/sh\ntouch {temp}/decoy-ran\nexit 99\n")
    (decoy / "sop-check").chmod(0o755)
    yield temp
    assert not (temp / "decoy-ran").exists(), "the action ran a sop-check from PATH, not its own"


def workspace(name: str, tmp_path: Path) -> Path:
    ws = copy_fixture(name, tmp_path / "ws")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=ws, check=True)
    subprocess.run([*git, "add", "-A", "-f"], cwd=ws, check=True)
    subprocess.run([*git, "commit", "-qm", "fixture"], cwd=ws, check=True)
    return ws


def git_status(ws: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ws, capture_output=True,
                          text=True, check=True).stdout


def test_default_inputs_gate_a_failing_project(runner_temp: Path, tmp_path: Path) -> None:
    ws = workspace("keepalive-false", tmp_path)
    run = run_action(ws, runner_temp, {"python": BASE_PYTHON})
    assert run.failed_step == "check" and run.exit_codes["check"] == 1, run.stdout
    assert run.outputs["exit-code"] == "1"
    # In CI without Vercel credentials TAV007 is unknown (a skip must not hide a missing check).
    assert (run.outputs["failed"], run.outputs["unknown"], run.outputs["errors"]) == ("1", "1", "0")
    assert "| TAV007 | vercel-env | ❔ unknown |" in run.summary
    assert (run.outputs["apps-checked"], run.outputs["apps-skipped"]) == ("1", "0")
    # Annotations on the log (format github), at the repo-relative path of the fetch.
    assert "::error file=components/InteractiveAvatar.tsx,line=22," in run.stdout
    # The job summary: written once (not by sop-check and the action both), with the failing rule.
    assert run.summary.count("## sop-check: Tavus CVI SOP") == 1
    assert "| TAV004 | unload-keepalive | ❌ fail |" in run.summary
    assert "**1 app checked; 7 rule results:" in run.summary
    # SARIF for upload-sarif, kept under RUNNER_TEMP, not in the checked-out tree.
    sarif_file = Path(run.outputs["sarif-file"])
    assert sarif_file.is_file() and runner_temp in sarif_file.parents
    sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "TAV004"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "components/InteractiveAvatar.tsx"
    if SARIF_SCHEMA.is_file():
        import jsonschema
        jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    # The private venv lives under RUNNER_TEMP; nothing was written into the workspace.
    assert Path(run.step_outputs["install"]["venv"]).parent == runner_temp
    assert git_status(ws) == ""


def test_a_compliant_project_passes_with_another_format_and_no_sarif(runner_temp: Path, tmp_path: Path) -> None:
    ws = workspace("app-router-compliant", tmp_path)
    run = run_action(ws, runner_temp, {"python": BASE_PYTHON, "format": "text", "sarif": "false",
                                       "args": "--no-vercel"})
    assert run.failed_step is None, run.stdout
    assert run.outputs["exit-code"] == "0" and run.outputs["sarif-file"] == ""
    assert (run.outputs["passed"], run.outputs["failed"], run.outputs["skipped"]) == ("6", "0", "1")
    assert "app .\n  TAV001  end-route" in run.stdout  # the text report on the log
    assert run.summary.count("## sop-check: Tavus CVI SOP") == 1 and "| TAV001 | end-route | ✅ pass |" in run.summary


def test_args_are_split_like_a_shell_and_never_run(runner_temp: Path, tmp_path: Path) -> None:
    ws = workspace("keepalive-false", tmp_path)
    run = run_action(ws, runner_temp, {"python": BASE_PYTHON, "args": "--select 'TAV004'"})
    assert (run.outputs["failed"], run.outputs["passed"], run.outputs["skipped"]) == ("1", "0", "0"), run.stdout
    marker = tmp_path / "injected"
    hostile = f"--select TAV004 $(touch {marker}) `touch {marker}`; touch {marker}"
    run = run_action(ws, runner_temp, {"python": BASE_PYTHON, "args": hostile})
    assert not marker.exists()
    assert run.outputs["exit-code"] == "2" and "unexpected extra argument" in run.stdout.lower()


def test_an_unsplittable_args_input_is_one_error_line(runner_temp: Path, tmp_path: Path) -> None:
    run = run_action(workspace("keepalive-false", tmp_path), runner_temp, {"python": BASE_PYTHON, "args": "'open"})
    assert run.exit_codes["check"] == 2
    assert "::error title=sop-check::input 'args' cannot be split" in run.stdout


def test_locked_is_passed_on_never_dropped(runner_temp: Path, tmp_path: Path) -> None:
    ws = workspace("app-router-compliant", tmp_path)
    run = run_action(ws, runner_temp, {"python": BASE_PYTHON, "locked": "true", "args": "--no-vercel"})
    venv = Path(run.step_outputs["install"]["venv"])
    supported = "--locked" in subprocess.run([str(venv / "bin" / "sop-check"), "check", "--help"],
                                             capture_output=True, text=True).stdout
    if supported:
        assert run.outputs["exit-code"] == "0", run.stdout
    else:  # until --locked lands, asking for it is a usage error, not a silent unlocked run
        assert run.outputs["exit-code"] == "2" and "--locked" in run.stdout
    assert "--locked" in next(x for x in run.stdout.splitlines() if x.startswith("sop-check: check"))
    bad = run_action(ws, runner_temp, {"python": BASE_PYTHON, "locked": "maybe"})
    assert bad.exit_codes["check"] == 2 and "input 'locked' must be true or false" in bad.stdout


def test_sarif_input_may_name_a_path_in_the_workspace(runner_temp: Path, tmp_path: Path) -> None:
    ws = workspace("keepalive-false", tmp_path)
    run = run_action(ws, runner_temp, {"python": BASE_PYTHON, "sarif": "reports/sop-check.sarif"})
    assert run.outputs["sarif-file"] == str(ws / "reports" / "sop-check.sarif")
    assert json.loads((ws / "reports" / "sop-check.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_a_second_use_in_the_job_does_not_reinstall(runner_temp: Path, tmp_path: Path) -> None:
    ws = workspace("app-router-compliant", tmp_path)
    first = run_action(ws, runner_temp, {"python": BASE_PYTHON, "sarif": "false"})
    assert first.outputs["exit-code"] == "1"  # TAV007 unknown in CI
    stamp = Path(first.step_outputs["install"]["venv"]) / ".sop-check-source"
    before = stamp.stat().st_mtime_ns
    run_action(ws, runner_temp, {"python": BASE_PYTHON, "sarif": "false"})
    assert stamp.stat().st_mtime_ns == before
    assert stamp.read_text(encoding="utf-8") == str(REPO)  # installed from the action's own checkout


def test_an_old_python_stops_with_one_error_line(runner_temp: Path, tmp_path: Path) -> None:
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\nexit 1\n")  # answers 'no' to the version probe, as 3.9 would
    fake.chmod(0o755)
    run = run_action(workspace("keepalive-false", tmp_path), runner_temp, {"python": str(fake)})
    assert run.failed_step == "install" and run.exit_codes["install"] == 2
    assert f"::error title=sop-check::'{fake}' is not Python 3.11 or newer" in run.stdout
    assert run.outputs["exit-code"] == ""


def test_version_installs_that_ref_from_the_actions_repository(tmp_path: Path) -> None:
    """`version: vX` installs git+<server>/<action repo>@vX; here the server is a local folder."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    server = tmp_path / "server"
    mirror = server / REPOSITORY_URL.removeprefix("https://github.com/")
    subprocess.run(["git", "clone", "-q", "--no-local", str(REPO), str(mirror)], check=True)
    subprocess.run(["git", "-C", str(mirror), "tag", "v9.9.9-test", head.stdout.strip()], check=True)
    temp = tmp_path / "temp"
    temp.mkdir()
    run = run_action(workspace("keepalive-false", tmp_path), temp,
                     {"python": BASE_PYTHON, "version": "v9.9.9-test", "sarif": "false"},
                     server_url=f"file://{server}")
    stamp = Path(run.step_outputs["install"]["venv"]) / ".sop-check-source"
    assert stamp.read_text(encoding="utf-8") == f"git+file://{mirror}@v9.9.9-test"
    assert run.outputs["exit-code"] == "1", run.stdout
