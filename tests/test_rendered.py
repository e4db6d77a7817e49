"""Rendered means it can render (issue 13; corpus U3, E1): TAV005 counts an End control only if a page
can show it, following how the component is imported and rendered; TAV003 a listener only if a page
runs the code that adds it. Uses it does not follow count as rendering (never a false fail)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import kinds, verdicts, write
from sop_check.model import Status

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
ROUTE = ("export async function POST(req: Request) { const { conversation_id } = await req.json();\n"
         "  if (!conversation_id) return Response.json({}, { status: 400 });\n  return Response.json({}); }\n")
END_BUTTON = """'use client';
export default function EndButton({ id }: { id: string }) {
  return <button onClick={() => fetch('/api/tavus/end', { method: 'POST', body: id })}>End Session</button>;
}
"""
END = "() => fetch('/api/tavus/end', { method: 'POST', body: 'x' })"
PAGE = "import Avatar from '../components/Avatar';\nexport default function Page() { return <Avatar />; }\n"


def project(tmp_path: Path, avatar: str, extra: dict[str, str] | None = None) -> Path:
    return write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                            "components/EndButton.tsx": END_BUTTON, "components/Avatar.tsx": avatar,
                            **(extra or {})})


RENDERED = {
    "default import under another name": "import Hangup from './EndButton';\n"
                                         "export default function Avatar() { return <Hangup id='c' />; }\n",
    "a barrel re-export": "import { EndButton } from './ui';\n"
                         "export default function Avatar() { return <EndButton id='c' />; }\n",
    "a namespace import": "import * as UI from './ui';\n"
                          "export default function Avatar() { return <UI.EndButton id='c' />; }\n",
    "an alias in the module": "import EndButton from './EndButton';\nconst Control = EndButton;\n"
                              "export default function Avatar() { return <Control id='c' />; }\n",
    "dynamic(() => import(...))": "import dynamic from 'next/dynamic';\n"
                                  "const EndButton = dynamic(() => import('./EndButton'));\n"
                                  "export default function Avatar() { return <EndButton id='c' />; }\n",
    "passed as a prop (taken as rendered)": "import EndButton from './EndButton';\nimport Shell from './Shell';\n"
                                            "export default function Avatar() { return <Shell control={EndButton} />; }\n",
    "under a run-time condition": "import EndButton from './EndButton';\n"
                                  "export default function Avatar({ on }: { on: boolean }) {\n"
                                  "  return <div>{on && <EndButton id='c' />}</div>;\n}\n",
    "through a component in the same module": "import EndButton from './EndButton';\n"
                                              "function Bar() { return <EndButton id='c' />; }\n"
                                              "export default function Avatar() { return <Bar />; }\n",
}
EXTRA = {"components/ui.ts": "export { default as EndButton } from './EndButton';\n",
         "components/Shell.tsx": "export default function Shell({ control: C }: any) { return <C id='c' />; }\n"}


@pytest.mark.parametrize("case", sorted(RENDERED))
def test_a_control_a_page_renders_counts(tmp_path: Path, case: str) -> None:
    got = verdicts(project(tmp_path, RENDERED[case], EXTRA), "TAV005")["TAV005"]
    assert got.status is Status.PASS, (case, got.message, [f.message for f in got.findings])


NOT_RENDERED = {
    "imported, never rendered": "import EndButton from './EndButton';\n"
                                "export default function Avatar() { return <div />; }\nexport const x = EndButton;\n",
    "behind a constant false": "import EndButton from './EndButton';\n"
                               "export default function Avatar() { return <div>{false && <EndButton id='c' />}</div>; }\n",
    "on the dead side of a constant ternary": "import EndButton from './EndButton';\nconst ENABLED = 0;\n"
                                              "export default function Avatar() {\n"
                                              "  return <div>{ENABLED ? <EndButton id='c' /> : null}</div>;\n}\n",
    "rendered by a component nothing renders": "import EndButton from './EndButton';\n"
                                               "function Unused() { return <EndButton id='c' />; }\n"
                                               "Unused.displayName = 'Unused';\n"
                                               "export default function Avatar() { return <div />; }\n",
}


@pytest.mark.parametrize("case", sorted(NOT_RENDERED))
def test_a_control_no_page_can_render_is_not_a_control(tmp_path: Path, case: str) -> None:
    got = verdicts(project(tmp_path, NOT_RENDERED[case]), "TAV005")["TAV005"]
    # The button, and the <EndButton> element itself (a control by its name), are both unrenderable.
    assert got.status is Status.FAIL and set(kinds(got)) == {"not-rendered"}, (case, got.message)
    assert "EndButton" in got.findings[0].message or "renders only when" in got.findings[0].message


def test_a_use_outside_the_route_tree_does_not_render_it(tmp_path: Path) -> None:
    """Corpus U3: the only `<EndButton>` is in a demo folder no page imports."""
    avatar = "import EndButton from './EndButton';\nexport default function Avatar() { return <div />; }\n" \
             "export const keep = [EndButton].length;\n"
    demo = "import EndButton from '../components/EndButton';\nexport default () => <EndButton id='d' />;\n"
    got = verdicts(project(tmp_path, avatar.replace("[EndButton].length", "1"), {"demo/Demo.tsx": demo}),
                   "TAV005")["TAV005"]
    assert kinds(got) == ["not-rendered"]


HOOK = """import { useEffect } from 'react';
export function useEnd(id: string) {
  useEffect(() => {
    const h = () => { fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: id }); };
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [id]);
}
"""


@pytest.mark.parametrize("avatar, status", [
    ("import { useEnd } from '../hooks/useEnd';\n"
     "export default function Avatar() { useEnd('c'); return <div />; }\n", Status.PASS),
    ("import { useEnd } from '../hooks/useEnd';\nfunction Session() { useEnd('c'); return null; }\n"
     "export default function Avatar() { return <div />; }\nexport const s = Session;\n", Status.FAIL),
])
def test_a_listener_counts_only_where_a_rendered_component_calls_its_hook(tmp_path: Path, avatar: str,
                                                                          status: Status) -> None:
    got = verdicts(project(tmp_path, avatar, {"hooks/useEnd.ts": HOOK}), "TAV003")["TAV003"]
    assert got.status is status, (got.message, [f.message for f in got.findings])
    if status is Status.FAIL:
        assert kinds(got) == ["not-rendered"] and "useEnd()" in got.findings[0].message


def test_components_that_render_each_other_are_rendered_whatever_is_asked_first(tmp_path: Path) -> None:
    """A tree that recurses (A renders B, B renders A) below a page: a cycle cut while following A must
    not leave B remembered as unrendered."""
    a = ("'use client';\nimport B from './BNode';\n"
         "export default function ANode({ n }: { n: number }) {\n"
         "  return <div><button onClick={() => 1}>Leave</button>{n > 0 && <B n={n - 1} />}</div>;\n}\n")
    b = ("'use client';\nimport A from './ANode';\n"
         "export default function BNode({ n }: { n: number }) {\n"
         f"  return <div><button onClick={{{END}}}>End Session</button>{{n > 0 && <A n={{n - 1}} />}}</div>;\n}}\n")
    avatar = "import ANode from './ANode';\nexport default function Avatar() { return <ANode n={2} />; }\n"
    got = verdicts(project(tmp_path, avatar, {"components/ANode.tsx": a, "components/BNode.tsx": b}),
                   "TAV005")["TAV005"]
    assert got.status is Status.PASS, [f.message for f in got.findings]
