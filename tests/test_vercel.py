"""TAV007 and the Vercel client against a local fake of the API: paging, every error, the statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.registry import all_rules
from sop_check.vercel import TEST_API_ENV, VercelError, list_env_vars
from helpers import PACK, options_for, write
from vercel_fake import TOKEN, FakeVercel

ENVS = [{"key": "TAVUS_API_KEY", "target": ["production", "preview"], "type": "encrypted"},
        {"key": "OTHER", "target": ["production"], "type": "plain"},
        {"key": "TAVUS_PERSONA_ID", "target": ["production"], "type": "encrypted"}]


def _client(fake: FakeVercel, **kw):
    slept: list[float] = []
    envs = list_env_vars("prj_123", token=kw.pop("token", TOKEN), team_id="team_9", base_url=fake.url,
                         sleep=slept.append, allow_loopback=True, **kw)
    return envs, slept


def test_pages_are_followed_and_values_never_requested() -> None:
    with FakeVercel(ENVS) as fake:
        envs, _ = _client(fake)
    assert [e.key for e in envs] == ["TAVUS_API_KEY", "OTHER", "TAVUS_PERSONA_ID"]
    assert len(fake.requests) == 2 and all("decrypt" not in r for r in fake.requests)


@pytest.mark.parametrize("code, kind, fragment", [
    (401, "auth", "VERCEL_TOKEN was rejected"), (403, "forbidden", "no access"), (404, "not-found", "prj_123"),
])
def test_client_errors_are_clear_and_not_retried(code: int, kind: str, fragment: str) -> None:
    with FakeVercel(ENVS) as fake:
        fake.faults = [(code, {}, b"{}")] * 3
        with pytest.raises(VercelError) as info:
            _client(fake)
    assert info.value.kind == kind and fragment in info.value.message
    assert len(fake.requests) == 1
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)


def test_rate_limit_honours_retry_after_then_succeeds() -> None:
    with FakeVercel(ENVS, page_size=10) as fake:
        fake.faults = [(429, {"Retry-After": "7"}, b"{}")]
        envs, slept = _client(fake)
    assert slept == [7.0] and len(envs) == 3


def test_server_errors_retry_with_bounded_backoff() -> None:
    with FakeVercel(ENVS) as fake:
        fake.faults = [(503, {}, b"{}")] * 10
        with pytest.raises(VercelError) as info:
            _client(fake, max_retries=3)
    assert info.value.kind == "server"
    assert len(fake.requests) == 4  # one try and three retries
    # backoff doubles: 0.5, 1, 2 (the sleeps are recorded, not slept)


def test_timeout_and_malformed_json() -> None:
    with FakeVercel(ENVS) as fake:
        fake.hang = 0.5
        with pytest.raises(VercelError) as info:
            _client(fake, timeout=0.1, max_retries=1)
        assert info.value.kind == "timeout"
        fake.hang = 0
        fake.faults = [(200, {}, b"{not json")]
        with pytest.raises(VercelError) as info:
            _client(fake)
        assert info.value.kind == "json"


def _run(tmp_path: Path, fake_url: str | None, *, environ: dict[str, str], targets=None, **settings):
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "lib/t.ts": "process.env.TAVUS_API_KEY\n",
                     ".vercel/project.json": json.dumps({"projectId": "prj_123", "orgId": "team_9"})})

    def opts(code: str) -> dict:
        o = options_for(code)
        if targets:
            o["targets"] = targets
        return o

    environ = {**environ, TEST_API_ENV: fake_url} if fake_url else environ
    report = run_check(tmp_path, RunOptions(rules=[all_rules()["TAV007"]], options_for=opts,
                                            settings=Settings(**settings), environ=environ, pack=PACK))
    return report.apps[0].results[0]


def test_rule_passes_and_fails_by_target(tmp_path: Path) -> None:
    with FakeVercel(ENVS) as fake:
        ok = _run(tmp_path / "a", fake.url, environ={"VERCEL_TOKEN": TOKEN}, vercel=True)
        assert ok.status.value == "pass", ok.message
        preview = _run(tmp_path / "b", fake.url, environ={"VERCEL_TOKEN": TOKEN}, vercel=True,
                       targets=["production", "preview"])
    assert preview.status.value == "fail"
    assert [(f.kind, f.data["name"]) for f in preview.findings] == [("missing-on-vercel", "TAVUS_PERSONA_ID")]
    assert preview.findings[0].location.path == ".vercel/project.json"


def test_rule_statuses_without_credentials(tmp_path: Path) -> None:
    assert _run(tmp_path / "a", None, environ={}, vercel=True).status.value == "skip"
    assert _run(tmp_path / "b", None, environ={}, ci=True).status.value == "unknown"
    assert _run(tmp_path / "c", None, environ={}, require_vercel=True).status.value == "unknown"
    assert _run(tmp_path / "d", None, environ={}).status.value == "skip"


def test_api_errors_make_the_rule_unknown_with_the_cause(tmp_path: Path) -> None:
    with FakeVercel(ENVS) as fake:
        result = _run(tmp_path, fake.url, environ={"VERCEL_TOKEN": "wrong-token"}, vercel=True)
    assert result.status.value == "unknown"
    assert "401" in result.unresolved[0] and "wrong-token" not in result.unresolved[0]
