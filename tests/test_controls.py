"""What is an End control (corpus L1, G1) and what is the Daily call object (corpus L3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._examples import client_project

END = "() => fetch('/api/tavus/end', { method: 'POST', body: '{}' })"


@pytest.mark.parametrize("element, head", [
    (f"<motion.button onClick={{{END}}}>End Session</motion.button>", "import { motion } from 'framer-motion';\n"),
    (f"<EndBtn onClick={{{END}}}>End Session</EndBtn>",
     "import styled from 'styled-components';\nconst EndBtn = styled.button`color: red;`;\n"),
    (f"<Quit onClick={{{END}}}>Leave</Quit>", "import styled from '@emotion/styled';\nconst Quit = styled('button')({});\n"),
    (f"<ActionIcon aria-label='Hang up' onClick={{{END}}}><svg /></ActionIcon>",
     "import { ActionIcon } from '@mantine/core';\n"),
    (f"<a href='#' onClick={{{END}}}>Disconnect</a>", ""),
    (f"<button onClick={{{END}}}><span>✕</span> Exit</button>", ""),
], ids=["motion.button", "styled.button", "styled('button')", "Mantine ActionIcon", "a with onClick", "Exit"])
def test_library_and_styled_controls_are_controls(tmp_path: Path, element: str, head: str) -> None:
    avatar = f"'use client';\n{head}export default function Avatar() {{ return <div>{element}</div>; }}\n"
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV005")["TAV005"]
    assert got.status is Status.PASS, (got.message, [f.message for f in got.findings])


def test_a_link_without_a_click_handler_is_not_a_control(tmp_path: Path) -> None:
    avatar = "'use client';\nexport default function Avatar() { return <a href='/'>End of the list</a>; }\n"
    write(tmp_path, client_project(avatar))
    assert kinds(verdicts(tmp_path, "TAV005")["TAV005"]) == ["no-control"]


CALL = """'use client';
import { useEffect, useRef } from 'react';
import Daily from '@daily-co/daily-js';
import { useDaily } from '@daily-co/daily-react';
import { makeStore } from 'chat-store';
export default function Avatar({ url }: { url: string }) {
  BODY
  return <div />;
}
"""


@pytest.mark.parametrize("body", [
    "useEffect(() => { const x = Daily.createCallObject(); x.join({ url }); return () => { x.leave(); }; }, [url]);",
    "const r = useRef<any>(null);\n  useEffect(() => { r.current = Daily.createFrame(); return () => { r.current?.destroy(); }; }, []);",
    "const d = useDaily();\n  useEffect(() => () => { d?.leave(); }, [d]);",
], ids=["createCallObject", "ref set from createFrame", "useDaily"])
def test_the_call_object_is_known_by_what_made_it(tmp_path: Path, body: str) -> None:
    write(tmp_path, client_project(CALL.replace("BODY", body)))
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message


def test_leave_on_something_else_is_not_leaving_the_call(tmp_path: Path) -> None:
    body = "useEffect(() => { const s = makeStore(); return () => { s.leave(); }; }, []);"
    write(tmp_path, client_project(CALL.replace("BODY", body)))
    assert verdicts(tmp_path, "TAV105")["TAV105"].status is Status.SKIP


def test_a_label_split_across_children_is_read_in_order(tmp_path: Path) -> None:
    """`Hang <b>up</b>` is "Hang up": the children were read last-first ("up Hang"), so a label of
    two words split by markup matched nothing and TAV005 failed a working control."""
    avatar = f"'use client';\nexport default function Avatar() {{ return <button onClick={{{END}}}>Hang <b>up</b></button>; }}\n"
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV005")["TAV005"]
    assert got.status is Status.PASS and '"Hang up"' in got.evidence[0].message, got.message
