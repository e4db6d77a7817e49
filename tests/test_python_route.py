"""The end route as a Vercel Python function: libcst reads it, the same checks apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import verdicts, write

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


@pytest.mark.parametrize("mutate, fragment", [
    (lambda s: s.replace('{"x-api-key": api_key}', '{"Authorization": f"Bearer {api_key}"}'), "Bearer"),
    (lambda s: s.replace("requests.post(f\"{TAVUS}/conversations/{conversation_id}/end\"",
                         "requests.delete(f\"{TAVUS}/conversations/{conversation_id}\""), "not the end call"),
    (lambda s: s.replace('api_key = os.environ["TAVUS_API_KEY"]', 'api_key = "abcdef0123456789"'), "hard-coded"),
    (lambda s: s.replace("self.send_response(400)", "self.send_response(200)"), "400"),
    (lambda s: s.replace("        r = requests.post", "        # r = requests.post"), "never calls"),
])
def test_python_violations_fail(tmp_path: Path, mutate, fragment: str) -> None:
    v = verdicts(_project(tmp_path, mutate(HANDLER)), "TAV002")
    assert v["TAV002"].status.value == "fail"
    assert any(fragment in f.message for f in v["TAV002"].findings), [f.message for f in v["TAV002"].findings]
    assert all("abcdef0123456789" not in f.message for f in v["TAV002"].findings)


def test_get_only_python_route_fails_and_syntax_error_is_unknown(tmp_path: Path) -> None:
    v = verdicts(_project(tmp_path / "a", HANDLER.replace("do_POST", "do_GET")), "TAV001")
    assert v["TAV001"].status.value == "fail"
    v = verdicts(_project(tmp_path / "b", HANDLER + "\ndef broken(:\n"), "TAV001,TAV002")
    assert v["TAV001"].status.value == "unknown" and v["TAV002"].status.value == "unknown"
