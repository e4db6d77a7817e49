"""`import_specifiers` is the one regex it replaces (kept here as the reference), only faster: the
same specifiers in the same order on every input, including matches that start inside another."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sop_check.bytescan import import_specifiers

REFERENCE = re.compile(rb"""(?:\bfrom|\bimport|\brequire)\s*+\(?\s*+['"]([^'"\n]{1,300})['"]""")

CASES = [
    b"import a from './a';\nexport * from \"../b\";\nconst c = require('./c');\nconst d = await import('./d');\n",
    b"from 'a from 'b'",  # a second match starting inside the first is not taken
    b"xfrom 'a' _import 'b' import1 'c' $from 'd'",  # not a word boundary: `$` is not a word character
    b"require  (  \"q\"  ) import('x') from 'y'",
    b"from" + b" " * 50_000 + b"'a'",
    b"import '" + b"a" * 301 + b"'",  # longer than 300: not a specifier
    b"from\n'a'\nfrom 'b\n'",
    "import x from './caf\u00e9'".encode(),
]


def test_the_cases_match_the_reference() -> None:
    for data in CASES:
        assert import_specifiers(data) == REFERENCE.findall(data), data


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"from", b"import", b"require", b"x", b"_", b"$", b" ", b"\n", b"(", b"'", b'"',
                                 b"./a", b"from'", b"import(", b"re"]), max_size=40))
def test_random_inputs_match_the_reference(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert import_specifiers(data) == REFERENCE.findall(data)


def test_needles_answer_as_the_set_of_declared_needles_found() -> None:
    from sop_check.bytescan import Needles

    lower = b"const x = 'tavus'; // onclick handler\n"
    declared = frozenset({"tavus", "onclick", "keepalive"})
    needles = Needles(lower, declared)
    expected = {n for n in declared if n.encode() in lower}
    for word in ("tavus", "onclick", "keepalive", "const", "TAVUS", "", "tavus"):  # asked twice: same answer
        assert (word in needles) == (word in expected), word
