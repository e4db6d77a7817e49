"""A request URL with an unknown part that could still be the end route (`/api/tavus/${action}`)
is `unknown`, naming it: it was read as another route, so an End control sending its action as
a value the analysis could not see failed TAV005 and TAV105 (`calls-other-route`,
`exit-without-end`), with the raw hole character in the message. A URL that cannot be the route
whatever the hole is (`/api/${x}/start`) still fails, its hole shown as `{…}`."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._examples import PKG, ROUTE

PAGE = ("import EndButton from '../components/EndButton';\n"
        "export default function P() { return <EndButton />; }\n")


def _button(url: str) -> str:
    return ("'use client';\nimport { pick } from 'some-lib';\nexport default function EndButton() {\n"
            f"  const action = pick();\n  return <button onClick={{() => fetch(`{url}`, {{ method: 'POST' }})}}>"
            "End session</button>;\n}\n")


def _results(tmp_path: Path, url: str) -> dict:
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                     "components/EndButton.tsx": _button(url), "lib/tavus.ts": "export const T = 'tavus';\n"})
    return verdicts(tmp_path, "TAV005,TAV105")


@pytest.mark.parametrize("url", ["/api/tavus/${action}", "/api/${action}", "/api/${action}/end"],
                         ids=["last-segment", "rest-of-path", "middle"])
def test_a_url_that_could_be_the_route_is_unknown_naming_it(tmp_path: Path, url: str) -> None:
    got = _results(tmp_path, url)
    for code in ("TAV005", "TAV105"):
        assert got[code].status is Status.UNKNOWN and kinds(got[code]) == [], (code, kinds(got[code]))
        assert [u for u in got[code].unresolved if "components/EndButton.tsx:5:" in u and "{…}" in u], \
            got[code].unresolved


def test_a_url_that_cannot_be_the_route_fails_with_its_hole_shown(tmp_path: Path) -> None:
    got = _results(tmp_path, "/api/${action}/start")
    assert kinds(got["TAV005"]) == ["calls-other-route"] and kinds(got["TAV105"]) == ["exit-without-end"]
    for code in ("TAV005", "TAV105"):
        message = got[code].findings[0].message
        assert "/api/{…}/start" in message and "\x00" not in message, message
