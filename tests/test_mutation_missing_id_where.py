"""Where TAV002 finds the 400 that answers a missing id (`rules/_missing_id.py`): what counts as a
400, which branch it sits in (an `if`, its `else`, a ternary, `&&`/`||`, a `catch`, after an `if`
that leaves when the id is there), helpers called under the test, and what is reported when the
test cannot be decided. Each case is a check a rule-level test did not notice changing (found by
mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from missing_id_probe import Probe, ROUTE, case_ids, line_of
from sop_check_rules._missing_id import is_status

SCHEMAS = ("import { z } from 'zod';\nimport { Missing } from 'some-package';\n"
           "const EndBody = z.object({ conversation_id: z.string() });\n"
           "const Loose = z.object({ conversation_id: z.string().optional() });\n")
BAD = "Response.json({ error: 'Missing ID' }, { status: 400 })"


ANSWERS = [
    (BAD, True),
    ("Response.json({}, { 'status': 400 })", True),
    ("Response.json({}, { \"statusCode\": 400 })", True),
    ("Response.json({}, { code: 400 })", False),
    ("Response.json({}, { statusX: 400 })", False),
    ("Response.json({}, { status: 4000 })", False),
    ("Response.json({}, { status: 0x190 })", False),
    ("res.status(400).end()", True),
    ("res.sendStatus(400)", True),
    ("res.writeHead(400).end()", True),
    ("error(400, 'missing id')", True),
    ("json({}, 400)", True),
    ("new HttpError(400)", True),
    ("new BadRequestException(400)", True),
    ("reply(400)", False),
    ("res.statusX(400)", False),
    ("[400]", False),
    ("(res.statusCode = 400)", True),
    ("(code = 400)", False),
    ("(res.statusCode += 400)", False),
    ("(res['statusCode'] = 400)", False),
]


@pytest.mark.parametrize("answer, counts", ANSWERS, ids=case_ids(ANSWERS))
def test_what_counts_as_a_400(tmp_path: Path, answer: str, counts: bool) -> None:
    body = f"  if (!conversation_id) return {answer};\n"
    probe = Probe(tmp_path, body)
    assert probe.where() == ((ROUTE, line_of(body, "if (!conv")) if counts else None)


def test_a_400_without_a_parent_is_no_status(tmp_path: Path) -> None:
    probe = Probe(tmp_path, "")
    assert is_status(probe.mod.root, probe.mod) is False  # the module itself: no parent to read


BRANCHES = [
    # (the handler's check, is its 400 the answer to a missing id)
    (f"  if (!conversation_id) return {BAD};\n  else return null;\n", True),
    (f"  if (conversation_id) return null;\n  else return {BAD};\n", True),
    (f"  if (conversation_id) return null;\n  else {{ return {BAD}; }}\n", True),
    (f"  if (!conversation_id) return null;\n  else return {BAD};\n", False),
    (f"  if (conversation_id) return {BAD};\n", False),
    (f"  return !conversation_id ? {BAD} : null;\n", True),
    (f"  return conversation_id ? null : {BAD};\n", True),
    (f"  return conversation_id ? {BAD} : null;\n", False),
    (f"  if ({BAD}) return null;\n", False),  # a 400 inside the test itself answers nothing
    (f"  if (!conversation_id || {BAD}) return null;\n", False),  # built when the id is there
    ("  return Response.json(conversation_id, { status: 400 }) || null;\n", False),  # always built
    (f"  return !conversation_id && {BAD};\n", True),
    (f"  return conversation_id && {BAD};\n", False),
    (f"  return conversation_id || {BAD};\n", True),
    (f"  return conversation_id ?? {BAD};\n", True),
    (f"  return !conversation_id || {BAD};\n", False),
    (f"  return {BAD} && !conversation_id;\n", False),
    (f"  return (!conversation_id) + {BAD};\n", False),
    # after an `if` that leaves whenever the id is there
    (f"  if (conversation_id) {{ return null; }}\n  return {BAD};\n", True),
    (f"  if (conversation_id) return null;\n  return {BAD};\n", True),
    (f"  if (conversation_id) {{ throw new Error('x'); }}\n  return {BAD};\n", True),
    (f"  if (conversation_id) {{ return null; // done\n  }}\n  return {BAD};\n", True),
    (f"  if (conversation_id) {{ log(); }}\n  return {BAD};\n", False),
    (f"  if (conversation_id) {{ log(); return null; }}\n  return {BAD};\n", True),
    (f"  if (conversation_id) {{ log(); log(); return null; }}\n  return {BAD};\n", True),
    (f"  if (conversation_id) {{ return null; }} else {{ log(); }}\n  return {BAD};\n", False),
    (f"  if (reason) {{ return null; }}\n  return {BAD};\n", False),
    (f"  if (conversation_id) {{ }}\n  return {BAD};\n", False),
    (f"  if (conversation_id) log();\n  return {BAD};\n", False),
    (f"  if (reason) return {BAD};\n  if (conversation_id) return null;\n", False),  # the `if` comes after
    # in a switch, a case's statements sit in the case itself
    (f"  switch (reason) {{\n    case 'x':\n      if (conversation_id) return null;\n      return {BAD};\n  }}\n", True),
    (f"  switch (reason) {{\n    default:\n      if (conversation_id) return null;\n      return {BAD};\n  }}\n", True),
    (f"  switch (reason) {{\n    case 'x':\n      if (reason) return null;\n      return {BAD};\n  }}\n", False),
    # in the `catch` of a `try` that throws when the id is missing
    (f"  try {{ if (!conversation_id) throw new Error('x'); }} catch {{ return {BAD}; }}\n", True),
    (f"  try {{ if (reason) throw new Error('x'); }} catch {{ return {BAD}; }}\n", False),
    (f"  try {{ if (!conversation_id) {{ setTimeout(() => {{ throw new Error('x'); }}); }} }} "
     f"catch {{ return {BAD}; }}\n", False),  # thrown later, in a callback: not in the try
    (f"  try {{ EndBody.parse(body); }} catch {{ return {BAD}; }}\n", True),
    (f"  try {{ log(); EndBody.parse(body); }} catch {{ return {BAD}; }}\n", True),
    (f"  try {{ await EndBody.parseAsync(body); }} catch {{ return {BAD}; }}\n", True),
    (f"  try {{ EndBody.validateSync(body); }} catch {{ return {BAD}; }}\n", True),
    (f"  try {{ EndBody.assert(body); }} catch {{ return {BAD}; }}\n", True),
    (f"  try {{ Loose.parse(body); }} catch {{ return {BAD}; }}\n", False),
    (f"  try {{ EndBody.safeParse(body); }} catch {{ return {BAD}; }}\n", False),
    (f"  try {{ JSON.parse(reason); }} catch {{ return {BAD}; }}\n", False),
    (f"  try {{ parse(EndBody); }} catch {{ return {BAD}; }}\n", False),
    (f"  try {{ log(); }} catch {{ return {BAD}; }}\n", False),
    # a callback's 400 is answered where the callback is called, not where it is written
    (f"  if (!conversation_id) {{ setTimeout(() => log({BAD}), 0); }}\n", False),
    (f"  if (!conversation_id) {{ const later = () => {BAD}; }}\n", False),
]


@pytest.mark.parametrize("body, answers", BRANCHES, ids=case_ids(BRANCHES))
def test_which_branch_a_400_sits_in(tmp_path: Path, body: str, answers: bool) -> None:
    probe = Probe(tmp_path, body, SCHEMAS)
    found = probe.answer()
    assert found.unresolved == []
    assert probe.where() == ((ROUTE, line_of(body, "status: 400", SCHEMAS)) if answers else None)


UNDECIDED = [
    (f"  if (!isValid(body)) return {BAD};\n", "`isValid(body)` checks the request with code not followed here"),
    (f"  if ({'!' * 9}conversation_id) return {BAD};\n", "a test that could not be decided"),
    (f"  try {{ if (!isValid(body)) throw new Error('x'); }} catch {{ return {BAD}; }}\n",
     "`isValid(body)` checks the request with code not followed here"),
    (f"  try {{ Missing.parse(body); }} catch {{ return {BAD}; }}\n", "the schema `Missing` could not be read"),
    (f"  if (isValid(body)) return null;\n  else return {BAD};\n",
     "`isValid(body)` checks the request with code not followed here"),
]


@pytest.mark.parametrize("body, why", UNDECIDED, ids=case_ids(UNDECIDED))
def test_an_undecided_test_is_named_never_passed(tmp_path: Path, body: str, why: str) -> None:
    probe = Probe(tmp_path, body, SCHEMAS)
    found = probe.answer()
    line = line_of(body, "status: 400", SCHEMAS)
    col = len(body.split("status: 400")[0].rsplit("\n", 1)[-1]) + len("status: ") + 1  # 1-based, at `400`
    assert found.where is None
    assert found.unresolved == [f"{ROUTE}:{line}:{col}: whether this 400 answers a missing id ({why})"]


def test_the_first_400_that_answers_wins_and_undecided_ones_are_dropped(tmp_path: Path) -> None:
    body = (f"  if (!isValid(body)) return {BAD};\n  if (reason) return {BAD};\n"
            f"  if (!conversation_id) return {BAD};\n  if (conversation_id == null) return {BAD};\n")
    probe = Probe(tmp_path, body, SCHEMAS)
    found = probe.answer()
    assert found.unresolved == []
    assert probe.where() == (ROUTE, line_of(body, "if (!conv", SCHEMAS))


def test_every_undecided_400_is_named(tmp_path: Path) -> None:
    body = f"  if (!isValid(body)) return {BAD};\n  if (!check(body)) return {BAD};\n"
    found = Probe(tmp_path, body, SCHEMAS).answer()
    assert [u.split(": ", 1)[0].rsplit(":", 1)[0] for u in found.unresolved] == [
        f"{ROUTE}:{line_of(body, 'isValid', SCHEMAS)}", f"{ROUTE}:{line_of(body, 'check(', SCHEMAS)}"]


def test_an_undecided_400_is_named_with_the_last_reason(tmp_path: Path) -> None:
    body = f"  if (!check(body) || !Missing.safeParse(body).success) return {BAD};\n"
    found = Probe(tmp_path, body, SCHEMAS).answer()
    assert [u.split(": ", 1)[1] for u in found.unresolved] == [
        "whether this 400 answers a missing id (the schema `Missing` could not be read)"]


def _helpers(depth: int) -> str:
    """A chain of helpers `h1` … `hN`, the last answering 400."""
    chain = "".join(f"function h{i}(): any {{ return h{i + 1}(); }}\n" for i in range(1, depth))
    return chain + f"function h{depth}(): any {{ return {BAD}; }}\n"


@pytest.mark.parametrize("depth, answers", [(1, True), (4, True), (5, False)])
def test_a_helpers_400_counts_where_it_is_called_under_the_test(tmp_path: Path, depth: int, answers: bool) -> None:
    tail = _helpers(depth)
    probe = Probe(tmp_path, "  if (!conversation_id) return h1();\n", tail=tail)
    found = probe.where()
    assert found == ((ROUTE, line_of("  if (!conversation_id) return h1();\n  return Response.json({});\n}\n" + tail,
                                     "status: 400")) if answers else None)


def test_a_helper_called_only_outside_the_test_is_no_answer(tmp_path: Path) -> None:
    probe = Probe(tmp_path, "  if (reason) return h1();\n", tail=_helpers(1))
    assert probe.answer().where is None and probe.answer().unresolved == []


def test_a_helper_called_under_an_undecided_test_is_undecided(tmp_path: Path) -> None:
    probe = Probe(tmp_path, "  if (!isValid(body)) return h1();\n", tail=_helpers(1))
    found = probe.answer()
    assert found.where is None
    assert [u.split(": ", 1)[1] for u in found.unresolved] == [
        "whether this 400 answers a missing id (`isValid(body)` checks the request with code not followed here)"]


def test_a_helper_that_tests_the_id_itself_answers(tmp_path: Path) -> None:
    tail = f"function need(id: string): any {{ if (!id) return {BAD}; return null; }}\n"
    probe = Probe(tmp_path, "  const stop = need(conversation_id);\n  if (stop) return stop;\n", tail=tail)
    assert probe.where() == (ROUTE, line_of("  const stop = need(conversation_id);\n  if (stop) return stop;\n"
                                            "  return Response.json({});\n}\n" + tail, "status: 400"))
