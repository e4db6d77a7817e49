"""What makes an app a Tavus app, and a Tavus CVI app (sop_check/usage.py; corpus D1 and D2).

The word "tavus" alone (a dashboard about Tavus) is not use; an API host, a Tavus setting
variable, a Tavus package, the SOP's routes are. An app that calls the Tavus API but never a
conversation (video generation) is not a CVI app; anything less than that positive evidence is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, verdicts, write
from sop_check.discover import discover
from sop_check.model import Status
from sop_check.usage import TavusUsage, talks_to_tavus, tavus_usage

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
VIDEOS = ("export const make = (script: string) => fetch('https://tavusapi.com/v2/videos', { method: 'POST', "
          "headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' }, body: JSON.stringify({ script }) });\n")


def usage(tmp_path: Path, files: dict[str, str]) -> TavusUsage:
    write(tmp_path, {"package.json": PKG, **files})
    app = discover(tmp_path).apps[0]
    return tavus_usage(index_for(tmp_path), app.package, None, "", "/api/tavus/end")


@pytest.mark.parametrize("text", [
    "<h1>TAVUS PULSE</h1>", "const p = '{{TAVUS_FACTS}}';", "// see tavus.io", "import x from './tavus-pulse';",
    "class TavusPulse {}",
])
def test_naming_tavus_is_not_talking_to_it(text: str) -> None:
    assert not talks_to_tavus(text.encode())


@pytest.mark.parametrize("text", [
    "fetch('https://tavusapi.com/v2/conversations')", "process.env.TAVUS_API_KEY", "const { TAVUS_PERSONA_ID } = env",
    "os.environ['TAVUS_REPLICA_ID']", "const tavusApiKey = k;", "import { Conversation } from '@tavus/cvi-ui';",
    "fetch('/api/tavus/end', { method: 'POST' })", "iframe src='https://tavus.daily.co/abc'",
    "NEXT_PUBLIC_TAVUS_BASE_URL",
])
def test_what_talks_to_tavus(text: str) -> None:
    assert talks_to_tavus(text.encode())


def test_the_word_alone_does_not_make_a_tavus_app(tmp_path: Path) -> None:
    found = usage(tmp_path, {"app/page.tsx": "export default () => <h1>TAVUS metrics {'{{TAVUS_FACTS}}'}</h1>;\n"})
    assert not found.tavus


@pytest.mark.parametrize("files", [
    {".env.example": "TAVUS_API_KEY=\n"},
    {"lib/k.ts": "export const k = process.env.TAVUS_API_KEY;\n"},
    {"app/api/tavus/end/route.ts": "export async function POST() { return Response.json({}); }\n"},
])
def test_a_setting_an_env_key_or_the_sop_route_makes_a_tavus_app(tmp_path: Path, files: dict[str, str]) -> None:
    assert usage(tmp_path, files).tavus


def test_a_tavus_dependency_makes_a_tavus_app(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0", "@tavus/cvi-ui": "1.0.0"}}'})
    app = discover(tmp_path).apps[0]
    found = tavus_usage(index_for(tmp_path), app.package, None, "", "/api/tavus/end")
    assert found.tavus and found.cvi


def test_video_generation_alone_is_not_a_cvi_app(tmp_path: Path) -> None:
    found = usage(tmp_path, {"lib/tavus.ts": VIDEOS, "app/page.tsx": "export default () => <p>notes</p>;\n"})
    assert found.tavus and not found.cvi
    assert "lib/tavus.ts" in found.why


@pytest.mark.parametrize("extra", [
    {"lib/conv.ts": "// tavus\nexport const open = () => fetch('/api/x').then(r => r.json()).then(d => d.conversation_url);\n"},
    {"lib/tavus2.ts": "export const start = (base: string) => fetch(`${base}/conversations`);\n"},
    {"components/Call.tsx": "import Daily from '@daily-co/daily-js';\nexport const co = Daily.createCallObject();\n"},
    {"app/api/tavus/end/route.ts": "export async function POST() { return Response.json({}); }\n"},
    {".env.local": "TAVUS_PERSONA_ID=p\n"},
])
def test_any_sign_of_a_conversation_makes_a_cvi_app(tmp_path: Path, extra: dict[str, str]) -> None:
    assert usage(tmp_path, {"lib/tavus.ts": VIDEOS, **extra}).cvi


def test_without_a_request_to_the_tavus_host_an_app_is_taken_as_a_cvi_app(tmp_path: Path) -> None:
    """A key read and nothing else: no positive evidence of another product, so the SOP applies."""
    assert usage(tmp_path, {"lib/k.ts": "export const k = process.env.TAVUS_API_KEY;\n"}).cvi


def test_a_video_only_app_skips_the_session_rules_and_keeps_the_key_rules(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "lib/tavus.ts": VIDEOS,
                     "app/page.tsx": "export default () => <button onClick={() => 1}>End</button>;\n"})
    got = verdicts(tmp_path, "TAV001,TAV003,TAV005,TAV101,TAV103", )
    assert got["TAV001"].status is Status.SKIP and "never creates or joins a CVI conversation" in got["TAV001"].message
    assert got["TAV005"].status is Status.SKIP
    assert got["TAV101"].status is Status.PASS and got["TAV103"].status is Status.PASS
    write(tmp_path, {"lib/start.ts": VIDEOS.replace("/v2/videos", "/v2/conversations")})
    assert verdicts(tmp_path, "TAV001")["TAV001"].status is Status.FAIL



def test_a_request_whose_path_is_decided_elsewhere_is_taken_as_a_cvi_app(tmp_path: Path) -> None:
    """No conversation word and no other API named: the helper's path may be a conversation, so the
    session rules apply (a skip needs positive evidence; TAV104 must not skip such a request)."""
    helper = "export const tavus = (path: string) => fetch(`https://tavusapi.com/v2${path}`);\n"
    found = usage(tmp_path, {"lib/tavus.ts": helper})
    assert found.tavus and found.cvi
    assert "no other API" in found.why
    found = usage(tmp_path, {"lib/tavus.ts": helper, "lib/video.ts": VIDEOS})
    assert found.tavus and not found.cvi
