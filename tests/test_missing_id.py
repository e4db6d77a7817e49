"""TAV002: the end route's 400 must answer a missing or empty conversation id (issue 13).

Each case is the SOP's route with its id check rewritten. A 400 reached only when the body is
not JSON, when Tavus fails, or on a schema that does not require the id, is not the answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import kinds, verdicts, write
from sop_check.model import Status

PKG = '{"dependencies": {"next": "15.0.0", "zod": "3.23.0"}}'
CALL = """  const response = await fetch(`https://tavusapi.com/v2/conversations/${ID}/end`, {
    method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });
  return NextResponse.json({ success: response.ok });
"""


def route(check: str, head: str = "", id_name: str = "conversation_id") -> str:
    return ("import { NextResponse } from 'next/server';\nimport { z } from 'zod';\n" + head +
            "export async function POST(request: Request) {\n" + check + CALL.replace("ID", id_name) + "}\n")


BAD = "NextResponse.json({ error: 'Missing ID' }, { status: 400 })"
BODY = "  const body = await request.json();\n"
PASSING = {
    "the SOP's guard": "  const { conversation_id } = await request.json();\n"
                       f"  if (!conversation_id) return {BAD};\n",
    "typeof, or-ed with a falsy test": "  const { conversation_id } = await request.json();\n"
                                       f"  if (!conversation_id || typeof conversation_id !== 'string') return {BAD};\n",
    "typeof on a property": BODY + "  const conversation_id = body.conversation_id;\n"
                            f"  if (typeof body.conversation_id !== 'string') return {BAD};\n",
    "a renamed destructured id": "  const { conversation_id: cid } = await request.json();\n"
                                 f"  if (!cid) return {BAD};\n  const conversation_id = cid;\n",
    "either field name, trimmed": BODY + "  const conversation_id = body?.conversation_id ?? body?.conversationId;\n"
                                  f"  if (!conversation_id?.trim()) return {BAD};\n",
    "== null": "  const { conversation_id } = await request.json();\n"
               f"  if (conversation_id == null) return {BAD};\n",
    "a zod safeParse failure": "  const parsed = EndBody.safeParse(await request.json());\n"
                               f"  if (!parsed.success) return {BAD};\n"
                               "  const { conversation_id } = parsed.data;\n",
    "zod parse in try, 400 in catch": "  let conversation_id: string;\n  try {\n"
                                      "    ({ conversation_id } = EndBody.parse(await request.json()));\n"
                                      f"  }} catch {{\n    return {BAD};\n  }}\n",
    "a throw on a missing id inside try": "  let conversation_id: string;\n  try {\n"
                                          "    ({ conversation_id } = await request.json());\n"
                                          "    if (!conversation_id) throw new Error('missing');\n"
                                          f"  }} catch {{\n    return {BAD};\n  }}\n",
    "after an if that leaves when the id is there": "  const { conversation_id } = await request.json();\n"
                                                    "  if (conversation_id) {\n" + CALL.replace("ID", "conversation_id")
                                                    + f"  }}\n  return {BAD};\n",
    "a helper called under the guard": "  const { conversation_id } = await request.json();\n"
                                       "  if (!conversation_id) return badRequest('Missing ID');\n",
    "the query string": "  const conversation_id = new URL(request.url).searchParams.get('conversation_id');\n"
                        f"  if (!conversation_id) return {BAD};\n",
    "a test held in a variable": BODY + "  const conversation_id = body.conversation_id;\n"
                                 "  const missing = !conversation_id;\n"
                                 f"  if (missing) return {BAD};\n",
    "lodash's isEmpty": "  const { conversation_id } = await request.json();\n"
                        f"  if (isEmpty(conversation_id)) return {BAD};\n",
}
HEAD = ("const EndBody = z.object({ conversation_id: z.string().min(1) });\n"
        "const badRequest = (error: string) => NextResponse.json({ error }, { status: 400 });\n")

FAILING = {
    "only the catch of request.json()": "  let conversation_id: string;\n  try {\n"
                                        "    ({ conversation_id } = await request.json());\n"
                                        f"  }} catch {{\n    return {BAD};\n  }}\n",
    "only .catch() on request.json()": "  const { conversation_id } = await request.json()"
                                       f".catch(() => {BAD});\n",
    "a 400 when Tavus fails": "  const { conversation_id } = await request.json();\n"
                              "  const r = await fetch('https://example.com');\n"
                              f"  if (!r.ok) return {BAD};\n",
    "a check of the body, not the id": BODY + "  const { conversation_id } = body;\n"
                                       f"  if (!body) return {BAD};\n",
    "a schema that does not name the id": "  const parsed = Reason.safeParse(await request.json());\n"
                                          f"  if (!parsed.success) return {BAD};\n"
                                          "  const { conversation_id } = (parsed.data as any);\n",
    "a schema where the id is optional": "  const parsed = Loose.safeParse(await request.json());\n"
                                         f"  if (!parsed.success) return {BAD};\n"
                                         "  const { conversation_id } = (parsed.data as any);\n",
    "=== '' alone misses an absent key": "  const { conversation_id } = await request.json();\n"
                                         f"  if (conversation_id === '') return {BAD};\n",
    "the negation of isEmpty (a present id gets the 400)": "  const { conversation_id } = await request.json();\n"
                                                           f"  if (!isEmpty(conversation_id)) return {BAD};\n",
    "the success branch of safeParse": "  const parsed = EndBody.safeParse(await request.json());\n"
                                       f"  if (parsed.success) return {BAD};\n"
                                       "  const { conversation_id } = (parsed as any).data;\n",
}
FAIL_HEAD = ("const Reason = z.object({ reason: z.string() });\n"
             "const Loose = z.object({ conversation_id: z.string().optional() });\n" + HEAD)


def _tav002(tmp_path: Path, text: str) -> object:
    write(tmp_path, {"package.json": PKG, "app/api/tavus/end/route.ts": text})
    return verdicts(tmp_path, "TAV002")["TAV002"]


@pytest.mark.parametrize("case", sorted(PASSING))
def test_a_400_that_answers_a_missing_id_passes(tmp_path: Path, case: str) -> None:
    got = _tav002(tmp_path, route(PASSING[case], HEAD))
    assert got.status is Status.PASS, (case, got.message, got.findings, got.unresolved)
    assert any("400 answer when the id is missing" in e.message for e in got.evidence)


@pytest.mark.parametrize("case", sorted(FAILING))
def test_a_400_that_does_not_answer_a_missing_id_fails(tmp_path: Path, case: str) -> None:
    got = _tav002(tmp_path, route(FAILING[case], FAIL_HEAD))
    assert got.status is Status.FAIL and kinds(got) == ["no-400"], (case, got.message, got.unresolved)


def test_the_projects_own_validator_of_the_body_is_unknown_not_a_pass(tmp_path: Path) -> None:
    check = BODY + "  const { conversation_id } = body;\n" + f"  if (!isEndRequest(body)) return {BAD};\n"
    head = "import { isEndRequest } from 'some-validators';\n"
    got = _tav002(tmp_path, route(check, head))
    assert got.status is Status.UNKNOWN
    assert any("isEndRequest(body)" in u for u in got.unresolved)


def test_a_schema_imported_from_another_module_is_read(tmp_path: Path) -> None:
    write(tmp_path, {"lib/schemas.ts": "import { z } from 'zod';\n"
                                       "export const EndBody = z.object({ conversationId: z.string().uuid() });\n"})
    check = ("  const parsed = EndBody.safeParse(await request.json());\n"
             f"  if (!parsed.success) return {BAD};\n  const {{ conversationId }} = parsed.data;\n")
    got = _tav002(tmp_path, route(check, "import { EndBody } from '../../../../lib/schemas';\n", "conversationId"))
    assert got.status is Status.PASS, (got.findings, got.unresolved)


PAGES = """import type { NextApiRequest, NextApiResponse } from 'next';
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  CHECK
  const r = await fetch(`https://tavusapi.com/v2/conversations/${req.body.conversation_id}/end`, {
    method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });
  res.status(200).json({ ok: r.ok });
}
"""


@pytest.mark.parametrize("check, status", [
    ("if (!req.body?.conversation_id) return res.status(400).json({ error: 'Missing ID' });", Status.PASS),
    ("if (req.method !== 'POST') return res.status(400).end();", Status.FAIL),
])
def test_pages_router_res_status_400(tmp_path: Path, check: str, status: Status) -> None:
    write(tmp_path, {"package.json": PKG, "pages/api/tavus/end.ts": PAGES.replace("CHECK", check)})
    assert verdicts(tmp_path, "TAV002")["TAV002"].status is status


PY = '''import os
from flask import Flask, jsonify, request
import httpx

app = Flask(__name__)


@app.route("/api/tavus/end", methods=["POST"])
def end():
CHECK
    httpx.post("https://tavusapi.com/v2/conversations/" + str(cid) + "/end",
               headers={"x-api-key": os.getenv("TAVUS_API_KEY")})
    return jsonify(ok=True)
'''
PY_BODY = "    data = request.get_json(silent=True) or {}\n"


@pytest.mark.parametrize("check, status", [
    (PY_BODY + "    cid = data.get('conversation_id')\n    if not cid:\n        return jsonify(error='id'), 400\n",
     Status.PASS),
    (PY_BODY + "    cid = data.get('conversation_id')\n    if cid is None or not isinstance(cid, str):\n"
               "        return jsonify(error='id'), 400\n", Status.PASS),
    (PY_BODY + "    if 'conversation_id' not in data:\n        return jsonify(error='id'), 400\n"
               "    cid = data['conversation_id']\n", Status.PASS),
    (PY_BODY + "    cid = data.get('conversation_id')\n    if cid:\n        pass\n    else:\n"
               "        return jsonify(error='id'), 400\n", Status.PASS),
    ("    try:\n        cid = request.get_json()['conversation_id']\n        if not cid:\n"
     "            raise ValueError('missing')\n    except Exception:\n        return jsonify(error='bad'), 400\n",
     Status.PASS),
    # Only a body that is not JSON, or Tavus failing, answers 400: not the missing id.
    ("    try:\n        cid = request.get_json()['conversation_id']\n    except Exception:\n"
     "        return jsonify(error='bad'), 400\n", Status.FAIL),
    (PY_BODY + "    cid = data.get('conversation_id')\n    r = httpx.get('https://example.com')\n"
               "    if not r.is_success:\n        return jsonify(error='upstream'), 400\n", Status.FAIL),
    (PY_BODY + "    cid = data.get('conversation_id')\n    if cid == '':\n        return jsonify(error='id'), 400\n",
     Status.FAIL),
    # Every assignment of the id's name counts, not only the last (the `except` that blanks it).
    ("    try:\n        cid = request.get_json()['conversation_id']\n    except (KeyError, TypeError):\n"
     "        cid = None\n    if not cid:\n        return jsonify(error='id'), 400\n", Status.PASS),
    ("    cid = None\n    try:\n        cid = request.get_json()['conversation_id']\n    except KeyError:\n"
     "        pass\n    if cid is None:\n        return jsonify(error='id'), 400\n", Status.PASS),
    (PY_BODY + "    cid = data.get('conversation_id')\n    cid = cid.strip()\n    if not cid:\n"
               "        return jsonify(error='id'), 400\n", Status.PASS),
    # ... so a fallback that is not blank means a missing id never reaches the 400,
    ("    try:\n        cid = request.get_json()['conversation_id']\n    except KeyError:\n"
     "        cid = 'default'\n    if not cid:\n        return jsonify(error='id'), 400\n", Status.FAIL),
    # and a blank that is not None never passes `is None`.
    ("    try:\n        cid = request.get_json()['conversation_id']\n    except KeyError:\n"
     "        cid = ''\n    if cid is None:\n        return jsonify(error='id'), 400\n", Status.FAIL),
], ids=["not cid", "is None or not isinstance", "not in data", "else of if cid", "raise in try",
        "only a json failure", "only an upstream failure", "== '' alone", "blank in except",
        "None before try", "strip reassigned", "default in except", "'' is not None"])
def test_python_400_answers_a_missing_id(tmp_path: Path, check: str, status: Status) -> None:
    write(tmp_path, {"package.json": PKG, "api/tavus/end.py": PY.replace("CHECK\n", check)})
    got = verdicts(tmp_path, "TAV002")["TAV002"]
    assert got.status is status, (got.message, got.findings, got.unresolved)
    if status is Status.FAIL:
        assert kinds(got) == ["no-400"]
