"""TAV002's 400 guard in a Python end route (rules/_python_fixes.py), pinned byte for byte: where it
goes (after the statement that gives the id its value, however many lines it spans), how it is
indented (the handler's own step), what it answers per framework, in the file's quotes and line
endings; and no guard where the id is never read or the framework would ignore the status."""

from __future__ import annotations

from pathlib import Path

import pytest

from fix_support import applied, findings
from sop_check.fixes import Applicability

PKG = '{"dependencies": {"next": "15.0.0"}}'
PY = "api/tavus/end.py"
FLASK = '''import os
from flask import Flask, request
import httpx

app = Flask(__name__)


@app.route("/api/tavus/end", methods=["POST"])
def end():
  data = request.get_json()
  x = data.get(
      "conversation_id")
  httpx.post(f"https://tavusapi.com/v2/conversations/{x}/end", headers={"x-api-key": os.environ["TAVUS_API_KEY"]})
  return {"ok": True}
'''
READ = '  x = data.get(\n      "conversation_id")\n'
HANDLER = '''import os
import requests


class handler:
    def do_POST(me):
        cid = me.body.get('conversation_id')
        requests.post(f'https://tavusapi.com/v2/conversations/{cid}/end', headers={'x-api-key': os.environ['TAVUS_API_KEY']})
'''


def guarded(tmp_path: Path, source: str | bytes) -> str | None:
    """The route's text after the no-400 fix (None: no fix offered)."""
    (tmp_path / "api/tavus").mkdir(parents=True)
    (tmp_path / "package.json").write_text(PKG)
    (tmp_path / PY).write_bytes(source if isinstance(source, bytes) else source.encode())
    [finding] = findings(tmp_path, "TAV002", "no-400")
    if finding.fix is None:
        return None
    assert finding.fix.applicability is Applicability.SAFE
    assert finding.fix.title == "answer 400 when conversation_id is missing, before calling Tavus"
    return applied(tmp_path, finding.fix)[PY]


@pytest.mark.parametrize("imports, answer", [
    ("from flask import Flask, request", '    return {"error": "Missing ID"}, 400\n'),
    ("from flask import Flask, jsonify, request", '    return jsonify(error="Missing ID"), 400\n'),
    # jsonify under another name: not called by a name the guard does not know
    ("from flask import Flask, jsonify as j, request", '    return {"error": "Missing ID"}, 400\n'),
    ("import flask\nfrom flask import request", '    return {"error": "Missing ID"}, 400\n'),
    ("from flask.json import jsonify\nfrom flask import Flask, request", '    return jsonify(error="Missing ID"), 400\n'),
], ids=["dict", "jsonify", "jsonify-aliased", "import-flask", "submodule-import"])
def test_a_flask_guard_follows_the_whole_statement_in_the_handlers_indent_step(imports: str, answer: str,
                                                                               tmp_path: Path) -> None:
    source = FLASK.replace("from flask import Flask, request", imports)
    assert guarded(tmp_path, source) == source.replace(READ, READ + "  if not x:\n" + answer)


def test_the_guard_uses_the_handlers_own_self_name_and_the_files_single_quotes(tmp_path: Path) -> None:
    assert guarded(tmp_path, HANDLER) == HANDLER.replace(
        "        cid = me.body.get('conversation_id')\n",
        "        cid = me.body.get('conversation_id')\n        if not cid:\n            me.send_response(400)\n"
        "            me.end_headers()\n            return\n")


def test_fastapi_in_single_quotes_raises_httpexception(tmp_path: Path) -> None:
    source = ("import os\nfrom fastapi import FastAPI, HTTPException, Request\nimport httpx\n\napp = FastAPI()\n\n\n"
              "@app.post('/api/tavus/end')\nasync def end(request: Request):\n    data = await request.json()\n"
              "    cid = data.get('conversation_id')\n    httpx.post(f'https://tavusapi.com/v2/conversations/{cid}/end', "
              "headers={'x-api-key': os.environ['TAVUS_API_KEY']})\n    return {'ok': True}\n")
    assert guarded(tmp_path, source) == source.replace(
        "    cid = data.get('conversation_id')\n", "    cid = data.get('conversation_id')\n    if not cid:\n"
        "        raise HTTPException(status_code=400, detail='Missing ID')\n")


def test_the_last_assignment_of_an_id_wins_and_a_nested_functions_names_do_not_count(tmp_path: Path) -> None:
    read = ('  def pick(d):\n    conversation_id = d\n    return conversation_id\n'
            '  x = data.get("x")\n  y = data.get("conversation_id")\n')
    source = FLASK.replace(READ, read).replace("{x}", "{y}")
    assert guarded(tmp_path, source) == source.replace(read, read + '  if not y:\n    return {"error": "Missing ID"}, 400\n')


def test_crlf_is_kept_and_a_last_line_without_newline_gets_one_first(tmp_path: Path) -> None:
    source = HANDLER.replace("\n", "\r\n")
    assert guarded(tmp_path, source.encode()) == HANDLER.replace(
        "        cid = me.body.get('conversation_id')\n",
        "        cid = me.body.get('conversation_id')\n        if not cid:\n            me.send_response(400)\n"
        "            me.end_headers()\n            return\n").replace("\n", "\r\n")
    last = HANDLER.replace("        cid = me.body.get('conversation_id')\n", "").rstrip("\n") + \
        "\n        cid = me.body.get('conversation_id')"
    assert guarded(tmp_path / "last", last) == last + \
        "\n        if not cid:\n            me.send_response(400)\n            me.end_headers()\n            return\n"


@pytest.mark.parametrize("source", [
    # the id is never given a value in the handler
    FLASK.replace(READ, "  x = 1\n").replace("{x}", "{data}"),
    # a framework whose status a returned tuple would not set
    FLASK.replace("from flask import Flask, request", "from starlette.requests import Request\nfrom flask_x import Flask"),
], ids=["no-id", "unknown-framework"])
def test_no_guard_without_an_id_or_a_framework_that_answers_it(source: str, tmp_path: Path) -> None:
    assert guarded(tmp_path, source) is None


@pytest.mark.parametrize("imports", [
    "import flask.views",  # `import M.sub` is M's
    "try:\n    import ujson as json\nexcept ImportError:\n    import json\nfrom flask import Flask, request",
    "from flask import *",
], ids=["import-submodule", "after-a-try-block", "star-import"])
def test_flask_is_known_however_it_is_imported(imports: str, tmp_path: Path) -> None:
    source = FLASK.replace("from flask import Flask, request", imports)
    if "views" in imports:
        source = source.replace("Flask(", "flask.Flask(").replace("request.get_json", "flask.request.get_json")
    assert guarded(tmp_path, source) == source.replace(READ, READ + '  if not x:\n    return {"error": "Missing ID"}, 400\n')


def test_a_handler_written_on_its_def_line_gets_no_guard(tmp_path: Path) -> None:
    """A guard on the next line would sit outside the function (at class level: `return` there does
    not even compile); the body would have to be rewritten, not guarded."""
    source = HANDLER.replace("    def do_POST(me):\n        cid = me.body.get('conversation_id')\n        requests",
                             "    def do_POST(me): cid = me.body.get('conversation_id'); requests")
    assert "def do_POST(me): cid" in source
    assert guarded(tmp_path, source) is None
