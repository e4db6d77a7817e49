"""The end route as a Vercel Python function: libcst reads it, the same checks apply."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from helpers import kinds, verdicts, write

PKG = '{"dependencies": {"next": "15.0.0"}}'
HANDLER = '''import json
import os
from http.server import BaseHTTPRequestHandler

import requests

TAVUS = "https://tavusapi.com/v2"


class handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        conversation_id = body.get("conversation_id")
        if not conversation_id:
            self.send_response(400)
            self.end_headers()
            return
        api_key = os.environ["TAVUS_API_KEY"]
        r = requests.post(f"{TAVUS}/conversations/{conversation_id}/end", headers={"x-api-key": api_key})
        self.send_response(200 if r.ok else 502)
        self.end_headers()
'''
FLASK = '''import os
from flask import Flask, jsonify, request
import httpx

app = Flask(__name__)


@app.route("/api/tavus/end", methods=["POST"])
def end():
    cid = (request.get_json() or {}).get("conversation_id")
    if not cid:
        return jsonify(error="Missing ID"), 400
    httpx.post("https://tavusapi.com/v2/conversations/" + cid + "/end",
               headers={"x-api-key": os.getenv("TAVUS_API_KEY")})
    return jsonify(ok=True)
'''


def _project(tmp_path: Path, source: str) -> Path:
    return write(tmp_path, {"package.json": PKG, "api/tavus/end.py": source})


@pytest.mark.parametrize("source", [HANDLER, FLASK], ids=["http.server", "flask"])
def test_compliant_python_routes_pass(tmp_path: Path, source: str) -> None:
    v = verdicts(_project(tmp_path, source), "TAV001,TAV002")
    assert v["TAV001"].status.value == "pass", v["TAV001"].message
    assert v["TAV002"].status.value == "pass", [f.message for f in v["TAV002"].findings] + v["TAV002"].unresolved


@pytest.mark.parametrize("mutate, kind", [
    (lambda s: s.replace('{"x-api-key": api_key}', '{"Authorization": f"Bearer {api_key}"}'), "bearer-auth"),
    (lambda s: s.replace("requests.post(f\"{TAVUS}/conversations/{conversation_id}/end\"",
                         "requests.delete(f\"{TAVUS}/conversations/{conversation_id}\""), "wrong-endpoint"),
    (lambda s: s.replace("requests.post(f\"{TAVUS}/conversations/{conversation_id}/end\"",
                         "requests.post(f\"https://evil.example/v2/conversations/{conversation_id}/end\""),
     "wrong-host"),
    (lambda s: s.replace("requests.post(f\"{TAVUS}", "requests.put(f\"{TAVUS}"), "wrong-method"),
    (lambda s: s.replace('api_key = os.environ["TAVUS_API_KEY"]', 'api_key = "abcdef0123456789"'), "hardcoded-key"),
    (lambda s: s.replace('api_key = os.environ["TAVUS_API_KEY"]', 'api_key = os.environ["OTHER_KEY"]'),
     "key-wrong-env"),
    (lambda s: s.replace(', headers={"x-api-key": api_key}', ""), "no-api-key"),
    (lambda s: s.replace("self.send_response(400)", "self.send_response(200)"), "no-400"),
    (lambda s: s.replace("        r = requests.post", "        # r = requests.post"), "never-calls-end"),
    (lambda s: s.replace("def do_POST", "def do_PUT"), "no-post-handler"),
])
def test_python_violations_fail(tmp_path: Path, mutate: Callable[[str], str], kind: str) -> None:
    """Each mutation of the compliant handler fails with exactly the kind that names it."""
    v = verdicts(_project(tmp_path, mutate(HANDLER)), "TAV002")
    assert v["TAV002"].status.value == "fail"
    assert kinds(v["TAV002"]) == [kind], [f.message for f in v["TAV002"].findings]
    assert all("abcdef0123456789" not in f.message + f.hint for f in v["TAV002"].findings)


def test_get_only_python_route_fails_and_syntax_error_is_unknown(tmp_path: Path) -> None:
    v = verdicts(_project(tmp_path / "a", HANDLER.replace("do_POST", "do_GET")), "TAV001")
    assert v["TAV001"].status.value == "fail" and kinds(v["TAV001"]) == ["no-post-handler"]
    assert v["TAV001"].findings[0].location.line == 11  # at do_GET
    v = verdicts(_project(tmp_path / "b", HANDLER + "\ndef broken(:\n"), "TAV001,TAV002")
    assert v["TAV001"].status.value == "unknown" and v["TAV002"].status.value == "unknown"
