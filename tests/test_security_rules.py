"""The security rules (issue 5) on the tricky cases: false passes and false fails both matter."""

from __future__ import annotations

from pathlib import Path

from helpers import kinds, verdicts, write

PKG = '{"dependencies": {"next": "15.0.0"}}'
KEY = "tvs_" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9"  # never a literal in this repo (TAV103 on ourselves)


def _status(tmp_path: Path, files: dict[str, str], code: str) -> tuple[str, list[str]]:
    """The status and the findings' messages of one rule on a project."""
    write(tmp_path, {"package.json": PKG, **files})
    r = verdicts(tmp_path, code)[code]
    return r.status.value, [f.message for f in r.findings]


def _kinds(tmp_path: Path, files: dict[str, str], code: str) -> tuple[str, list[str]]:
    """The status and the findings' kinds of one rule on a project."""
    write(tmp_path, {"package.json": PKG, **files})
    r = verdicts(tmp_path, code)[code]
    return r.status.value, kinds(r)


def test_key_read_in_module_imported_by_server_and_client_is_client_code_too(tmp_path: Path) -> None:
    """Corpus K1: the client import puts the module in the browser bundle, whoever else imports it
    (this used to pass); `import 'server-only'` keeps it on the server (a client import then fails the build)."""
    files = {
        "lib/tavus.ts": "export const headers = () => ({ 'x-api-key': process.env.TAVUS_API_KEY! });\n",
        "app/api/tavus/end/route.ts": "import { headers } from '../../../../lib/tavus';\nexport const POST = () => headers();\n",
        "components/A.tsx": "'use client';\nimport { headers } from '../lib/tavus';\nexport const x = headers;\n",
    }
    assert _kinds(tmp_path / "shared", files, "TAV101") == ("fail", ["key-in-client"])
    files["lib/tavus.ts"] = "import 'server-only';\n" + files["lib/tavus.ts"]
    assert _status(tmp_path / "server-only", files, "TAV101")[0] == "pass"


def test_key_read_in_module_imported_only_by_client_fails(tmp_path: Path) -> None:
    files = {
        "lib/tavus.ts": "export const headers = () => ({ 'x-api-key': process.env.TAVUS_API_KEY! });\n",
        "components/A.tsx": "'use client';\nimport { headers } from '../lib/tavus';\nexport const x = headers;\n",
    }
    assert _kinds(tmp_path, files, "TAV101") == ("fail", ["key-in-client"])


def test_key_in_comment_or_server_action_passes(tmp_path: Path) -> None:
    files = {
        "components/A.tsx": "'use client';\n// process.env.NEXT_PUBLIC_TAVUS_API_KEY was removed\nexport const a = 1; // tavus\n",
        "app/actions.ts": "'use server';\nexport async function start() { return process.env.TAVUS_API_KEY; }\n",
    }
    assert _status(tmp_path, files, "TAV101")[0] == "pass"


def test_public_key_in_code_fails(tmp_path: Path) -> None:
    files = {"lib/a.ts": "export const k = process.env.NEXT_PUBLIC_TAVUS_API_KEY;\n"}
    assert _kinds(tmp_path, files, "TAV101") == ("fail", ["public-env-read"])


def test_hardcoded_key_never_shown(tmp_path: Path) -> None:
    files = {"lib/tavus.ts": f"// tavus\nexport const tavusApiKey = '{KEY}';\n"}
    status, messages = _status(tmp_path, files, "TAV103")
    assert status == "fail" and KEY not in " ".join(messages) and KEY[:8] not in " ".join(messages)
    assert "<redacted, 36 chars>" in messages[0]
    assert verdicts(tmp_path, "TAV103")["TAV103"].findings[0].kind == "hardcoded-key"


def test_key_like_strings_that_are_not_keys_pass(tmp_path: Path) -> None:
    files = {"lib/tavus.ts": "// tavus\nexport const apiKey = process.env.TAVUS_API_KEY ?? '';\n"
                             "export const label = 'TAVUS_API_KEY is required to start a session';\n"
                             "export const TAVUS_API_KEY_NAME = 'TAVUS_API_KEY';\n"}
    assert _status(tmp_path, files, "TAV103")[0] == "pass"


def test_timeouts_through_helper_and_axios(tmp_path: Path) -> None:
    files = {"app/api/tavus/conversation/route.ts": """import axios from 'axios';
const DEFAULTS = { properties: { max_call_duration: 900, participant_left_timeout: 10 } };
export async function POST() {
  const { data } = await axios.post('https://tavusapi.com/v2/conversations', { ...DEFAULTS, persona_id: 'p' },
    { headers: { 'x-api-key': process.env.TAVUS_API_KEY } });
  return Response.json(data);
}
"""}
    assert _status(tmp_path, files, "TAV104")[0] == "pass"


def test_timeouts_body_built_at_run_time_is_unknown(tmp_path: Path) -> None:
    files = {"app/api/tavus/conversation/route.ts": """export async function POST(req: Request) {
  const body = await req.text();
  return fetch('https://tavusapi.com/v2/conversations', { method: 'POST', body });
}
"""}
    assert _status(tmp_path, files, "TAV104")[0] == "unknown"


def test_unload_that_only_destroys_the_call_frame_fails_single_end_path(tmp_path: Path) -> None:
    files = {
        "app/page.tsx": "import A from '../components/A';\nexport default function P() { return <A />; }\n",
        "app/api/tavus/end/route.ts": "export async function POST() { return Response.json({ tavus: 1 }); }\n",
        "components/A.tsx": """'use client';
import { useEffect } from 'react';
declare const callFrame: { destroy(): void };
export default function A() {
  useEffect(() => {
    const bye = () => callFrame.destroy();
    window.addEventListener('beforeunload', bye);
    return () => window.removeEventListener('beforeunload', bye);
  }, []);
  return null;
}
""",
    }
    status, messages = _status(tmp_path, files, "TAV105")
    assert status == "fail" and any("beforeunload" in m for m in messages)
    assert set(kinds(verdicts(tmp_path, "TAV105")["TAV105"])) == {"exit-without-end"}


def _git_project(tmp_path: Path, gitignore: str) -> Path:
    import subprocess

    write(tmp_path, {"package.json": PKG, "lib/t.ts": "// tavus\n", ".env.local": "TAVUS_API_KEY=x\n",
                     ".env.example": "TAVUS_API_KEY=\n", ".gitignore": gitignore})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def test_env_local_ignored_passes_and_unignored_fails(tmp_path: Path) -> None:
    ok = _git_project(tmp_path / "a", ".env*.local\n")
    assert verdicts(ok, "TAV102")["TAV102"].status.value == "pass"
    bad = _git_project(tmp_path / "b", "node_modules/\n")
    r = verdicts(bad, "TAV102")["TAV102"]
    assert r.status.value == "fail" and kinds(r) == ["not-ignored"]
    negated = _git_project(tmp_path / "c", ".env*\n!.env.local\n")
    assert verdicts(negated, "TAV102")["TAV102"].status.value == "fail"


def test_tracked_env_file_fails_even_when_ignored_later(tmp_path: Path) -> None:
    import subprocess

    project = _git_project(tmp_path, "node_modules/\n")
    subprocess.run(["git", "add", ".env.local"], cwd=project, check=True)
    (project / ".gitignore").write_text(".env*.local\n")
    r = verdicts(project, "TAV102")["TAV102"]
    assert r.status.value == "fail" and kinds(r) == ["tracked"]


def test_key_fetched_from_an_api_and_sent_from_the_browser_fails(tmp_path: Path) -> None:
    files = {"components/A.tsx": """'use client';
export async function start() {
  const config = await (await fetch('/api/config')).json();
  return fetch(`${config.tavus_base_url}/v2/conversations`, {
    method: 'POST',
    headers: { 'x-api-key': config.tavus_api_key },
    body: JSON.stringify({ persona_id: config.persona, properties: { max_call_duration: 60, participant_left_timeout: 5 } }),
  });
}
"""}
    status, found = _kinds(tmp_path, files, "TAV101")
    assert status == "fail" and "client-sends-key" in found
    files["app/page.tsx"] = "import { start } from '../components/A';\nexport default function P() { return null; }\n"
    assert _status(tmp_path / "b", files, "TAV104")[0] == "pass"  # found behind the run-time base URL
