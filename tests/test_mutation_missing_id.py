"""TAV002's "the 400 must answer a missing id" (`rules/_missing_id.py`), one check at a time.

Each case is a check of that reader that a rule-level test did not notice changing (found by
mutation testing). Most ask `_Check.test` what a condition says when the id is missing: True
(it holds then, so the 400 under it answers the missing id), False (it does not: `no-400`), None
(it cannot be decided here: `unknown`, naming the test). A check lost would let a stub route's
400 pass the gate, or fail the SOP's own guard.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from missing_id_probe import Probe, case_ids
from sop_check_rules._missing_id import MISSING, PRESENT

SCHEMAS = ("import { z } from 'zod';\nimport * as v from 'valibot';\nimport { safeParse } from 'valibot';\n"
           "import * as valibot from 'valibot';\n"
           "import { Missing } from 'some-package';\n"
           "const EndBody = z.object({ conversation_id: z.string() });\n"
           "const Loose = z.object({ conversation_id: z.string().optional() });\n")
PARSED = "  const parsed = EndBody.safeParse(body);\n"
LOOSE = "  const parsed = Loose.safeParse(body);\n"
N = "!" * 7  # seven negations: still read; nine: past the depth where a test is given up as undecided

WHEN_MISSING = [
    # (statements before, the condition of `if (…) return 400`, does it hold for a missing id)
    ("", "!conversation_id", True),
    ("", "conversation_id", False),
    ("", N + "conversation_id", True),
    ("", N + "!conversation_id", False),
    ("", N + "!!conversation_id", None),
    ("", "-conversation_id", False),
    ("", "typeof conversation_id", False),
    ("", "!conversation_id || !reason", True),
    ("", "!reason || !conversation_id", True),
    ("", "!reason || reason", False),
    ("", "!isValid(body) || !reason", None),
    ("", "!reason || !isValid(body)", None),
    ("", "!conversation_id || !isValid(body)", True),
    # each side of `||` / `&&` is one level deeper: nine levels is where a test is given up
    ("", "!!!!!!(!conversation_id || reason)", True),
    ("", "!!!!!!(reason || !conversation_id)", True),
    ("", "!!!!!!!!(!conversation_id || reason)", None),
    ("", "!!!!!!!!(reason || !conversation_id)", None),
    ("", "!conversation_id && !body.conversationId", True),
    ("", "!conversation_id && reason", False),
    ("", "reason && !conversation_id", False),
    ("", "!conversation_id && !isValid(body)", None),
    ("", "!isValid(body) && !conversation_id", None),
    ("", "reason && !isValid(body)", False),
    ("", "!isValid(body) && reason", False),
    ("", "!isValid(body) && !isValid(request.body)", None),
    ("", "'conversation_id' in body", False),
    ("", "!('conversation_id' in body)", True),
    ("", "!('reason' in body)", False),
    ("", "!(reason in body)", False),
    ("", "typeof conversation_id !== 'string'", True),
    ("", "typeof conversation_id != 'string'", True),
    ("", "typeof conversation_id === 'string'", False),
    ("", "typeof conversation_id === 'undefined'", True),
    ("", "typeof conversation_id == 'undefined'", True),
    ("", "typeof conversation_id !== 'undefined'", False),
    ("", "'string' !== typeof conversation_id", True),
    ("", "typeof reason !== 'string'", False),
    ("", "typeof conversation_id !== reason", False),
    ("", "conversation_id == null", True),
    ("", "conversation_id === null", False),
    ("", "conversation_id == undefined", True),
    ("  const typeofId = conversation_id;\n", "typeofId == null", True),  # a name, not a typeof
    ("", "conversation_id === undefined", True),
    ("", "undefined === conversation_id", True),
    ("", "null == conversation_id", True),
    ("", "conversation_id != null", False),
    ("", "conversation_id !== undefined", False),
    ("", "conversation_id === ''", False),
    ("", "reason == null", False),
    ("", "conversation_id < 1", False),
    ("", "conversation_id ?? reason", False),
    ("", "body.hasOwnProperty('conversation_id')", False),
    ("", "!body.hasOwnProperty('conversation_id')", True),
    ("", "!Object.hasOwn(body, 'conversationId')", True),
    ("", "!params.has('conversation_id')", True),
    ("", "!body.hasOwnProperty('reason')", False),
    ("", "!request.body.hasOwnProperty('conversation_id')", True),
    ("", "!check('conversation_id')", False),
    ("", "!isValidId(conversation_id)", True),
    ("", "isValidId(conversation_id)", False),
    # predicates true for a missing value: the other way round (a false pass when read as validators)
    ("", "isEmpty(conversation_id)", True),
    ("", "!isEmpty(conversation_id)", False),
    ("", "_.isNil(conversation_id)", True),
    ("", "!_.isNil(conversation_id)", False),
    ("", "isBlank(conversation_id)", True),
    ("", "validator.isEmpty(conversation_id)", True),
    ("", "isNullOrEmpty(conversation_id)", True),
    ("", "!invalidateCache(conversation_id)", True),  # a longer word: read as any call of the id
    ("", "!isValid(body)", None),
    ("", "!isValid(await request.json())", None),
    ("", "!isValid(request.body)", None),
    ("", "!isValid(new URL(request.url).searchParams)", None),
    ("", "!isValid(await request.formData())", None),
    ("", "!isValid(request.query)", None),
    ("  const q = request.query;\n", "!isValid(q)", None),
    ("", "!isValid(reason)", False),
    ("", "!isValid(request.bodyUsed)", False),
    ("", "!isValid(request.queryString)", False),
    ("", "!isValid(request)", False),
    ("", "!isValid(undeclared)", False),
    (PARSED, "!parsed.success", True),
    (PARSED, "parsed.success", False),
    (LOOSE, "!parsed.success", False),
    (PARSED, "parsed.error", True),
    (PARSED, "parsed.errors", True),
    (PARSED, "parsed.issues", True),
    (PARSED, "parsed.data", False),
    ("  const { error } = EndBody.validate(body);\n", "error", True),
    ("  const { error } = Loose.validate(body);\n", "error", False),
    ("  const { error } = lookup(body);\n", "error", False),
    ("  let error;\n", "error", False),
    ("", "!EndBody.safeParse(body).success", True),
    ("", "!(await EndBody.safeParseAsync(body)).success", True),
    ("", "!v.safeParse(EndBody, body).success", True),
    ("", "!v.safeParse(Loose, body).success", False),
    ("", "!valibot.safeParse(EndBody, body).success", True),
    ("", "!valibot.safeParse(Loose, body).success", False),
    ("", "!v.safeParse().success", None),  # no schema to read
    ("", "!safeParse(EndBody, body).success", True),
    ("", "!lookup(body).success", False),
    ("", "!lookup(EndBody, body).success", False),  # not a schema's verdict, whatever its arguments
    ("  const parsed = lookup(EndBody, body);\n", "!parsed.success", False),
    ("", "!other.success", False),
    ("  const parsed = body;\n", "!parsed.success", False),
    ("  const parsed = await EndBody.safeParseAsync(body);\n", "!parsed.success", True),
    ("", "!Missing.safeParse(body).success", None),
    ("  const missing = !body.conversation_id;\n", "missing", True),
    ("  const missing = !reason;\n", "missing", False),
    ("  const missing = conversation_id == null;\n", "missing", True),
    ("  const missing = " + N + "conversation_id;\n", "missing", True),  # the name is one level more
    ("  const missing = " + N + "!conversation_id;\n", "missing", None),
    ("", "undeclaredFlag", False),
    ("  let missing;\n", "missing", False),
    ("  const { missing } = body;\n", "missing", False),
]


@pytest.mark.parametrize("before, cond, expected", WHEN_MISSING, ids=case_ids(WHEN_MISSING))
def test_what_a_test_says_when_the_id_is_missing(tmp_path: Path, before: str, cond: str, expected: bool | None) -> None:
    probe = Probe(tmp_path, before + f"  if ({cond}) return null;\n", SCHEMAS)
    assert probe.check().test(probe.condition(), probe.mod, MISSING) is expected


WHEN_PRESENT = [
    # (statements before, the condition of `if (…) return ok; else return 400`, is it false for a missing id)
    ("", "conversation_id", True),
    ("", "conversation_id.length", True),
    ("", "reason", False),
    ("", "reason.length", False),
    ("", "!conversation_id", False),
    ("", "'conversation_id' in body", True),
    ("", "'reason' in body", False),
    ("", "reason in body", False),
    ("", "typeof conversation_id === 'string'", True),
    ("", "typeof conversation_id !== 'undefined'", True),
    ("", "typeof conversation_id !== 'string'", False),
    ("", "conversation_id != null", True),
    ("", "conversation_id !== undefined", True),
    ("", "conversation_id !== null", False),
    ("", "conversation_id == null", False),
    ("", "body.hasOwnProperty('conversation_id')", True),
    ("", "isValidId(conversation_id)", True),
    ("", "isValid(body)", None),
    (PARSED, "parsed.success", True),
    (PARSED, "!parsed.success", False),
    (PARSED, "parsed.error", False),
    ("", "conversation_id && reason", True),
    ("", "reason && conversation_id", True),
    ("", "reason && isValid(body)", None),
    ("", "reason && body", False),
    ("", "conversation_id || reason", False),
    ("", "conversation_id || body.conversationId", True),
]


@pytest.mark.parametrize("before, cond, expected", WHEN_PRESENT, ids=case_ids(WHEN_PRESENT))
def test_what_a_test_says_when_the_id_is_present(tmp_path: Path, before: str, cond: str, expected: bool | None) -> None:
    probe = Probe(tmp_path, before + f"  if ({cond}) return null;\n", SCHEMAS)
    assert probe.check().test(probe.condition(), probe.mod, PRESENT) is expected


REQUIRED = [
    # (the schema's declaration, does it name the id as required)
    ("z.object({ conversation_id: z.string() })", True),
    ("z.object({ 'conversation_id': z.string() })", True),
    ("z.object({ \"conversationId\" : z.string() })", True),
    ("z.object({ conversation_id: z.string().optional() })", False),
    ("z.object({ conversation_id: z.string().nullish() })", False),
    ("z.object({ conversation_id: z.string().nullable() })", False),
    ("z.object({ conversation_id: z.string().default('x') })", False),
    ("yup.object({ conversation_id: yup.string().notRequired() })", False),
    ("Joi.object({ conversation_id: Joi.string().allow('') })", False),
    ("Joi.object({ conversation_id: Joi.string().allow( \"\") })", False),
    ("Joi.object({ conversation_id: Joi.string().allow('x') })", True),
    ("z.object({ conversation_id: z.string(), note: z.string().optional() })", True),
    ("z.object({ note: z.string().optional(), conversation_id: z.string() })", True),
    ("z.object({ conversation_id: z.string(), a: z.string().optional(), b: z.string() })", True),
    ("z.object({ my_conversation_id: z.string() })", False),
    ("z.object({ conversation_idx: z.string() })", False),
    ("z.object({ $conversation_id: z.string() })", False),
    ("z.object({ conversation_id$: z.string() })", False),
    ("z.object({ reason: z.string() }) // conversation_id", False),
    ("z.object({ reason: z.string().describe('conversation_id') })", False),
    # the id's own line decides: a field on the next line is another field's
    ("z.object({ conversation_id: z.string() })\n  .extend({ note: z.string().optional() })", True),
    ("z.object({ reason: z.string() })\n  .extend({ conversation_id: z.string() })", True),
    ("z.object({ conversation_id: z.string() })\n  .extend({ a: z.string().optional() })\n  .strict()", True),
    # only the 200 characters after the name are read
    ("z.object({ conversation_id: z.string() }).extend({ note: z.string()" + " " * 150 + ".optional() })", True),
    ("z.object({ conversation_id: z.string() }).extend({ note: z.string()" + " " * 149 + ".optional() })", False),
]


@pytest.mark.parametrize("schema, expected", REQUIRED, ids=case_ids(REQUIRED))
def test_whether_a_schema_requires_the_id(tmp_path: Path, schema: str, expected: bool) -> None:
    probe = Probe(tmp_path, "  const parsed = Schema.safeParse(body);\n  if (!parsed.success) return null;\n",
                  f"import {{ z }} from 'zod';\nconst Schema = {schema};\n")
    assert probe.check().test(probe.condition(), probe.mod, MISSING) is expected


def test_without_id_fields_no_schema_requires_one(tmp_path: Path) -> None:
    head = "import { z } from 'zod';\nconst Quoted = z.object({ 'conversation_id': z.string() });\n"
    probe = Probe(tmp_path, "  const parsed = Quoted.safeParse(body);\n  if (!parsed.success) return null;\n", head)
    assert probe.check(ids=[]).test(probe.condition(), probe.mod, MISSING) is False
    assert probe.check().test(probe.condition(), probe.mod, MISSING) is True


def test_why_a_test_is_undecided(tmp_path: Path) -> None:
    probe = Probe(tmp_path, "  if (!isValid(body) || !Missing.safeParse(body).success) return null;\n", SCHEMAS)
    check = probe.check()
    assert check.test(probe.condition(), probe.mod, MISSING) is None
    assert check.why == ["`isValid(body)` checks the request with code not followed here",
                         "the schema `Missing` could not be read"]
    long = "isValid(body, 'a much longer argument list than sixty characters fits')"
    probe = Probe(tmp_path / "long", f"  if (!{long}) return null;\n", SCHEMAS)
    check = probe.check()
    assert check.test(probe.condition(), probe.mod, MISSING) is None
    assert check.why == [f"`{long[:60]}` checks the request with code not followed here"]
    name = "MissingSchemaWithAVeryLongNameThatGoesOnAndOn"
    probe = Probe(tmp_path / "schema", f"  if (!{name}.safeParse(body).success) return null;\n",
                  SCHEMAS.replace("Missing", name))
    check = probe.check()
    assert check.test(probe.condition(), probe.mod, MISSING) is None
    assert check.why == [f"the schema `{name[:40]}` could not be read"]
