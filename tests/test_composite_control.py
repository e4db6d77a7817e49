"""TAV005 on a composite control (issue 13, metamorphic COMPOSITE_CONTROL): `<EndCallButton onEnd={…}/>`
renders the project's component whose own `<button>` is the End control. The inner button is the
control a user clicks, judged with the props it is rendered with; the usage is not a second control
with `no-handler` (its handler goes by another prop name)."""

from __future__ import annotations

from pathlib import Path

from helpers import kinds, verdicts, write
from sop_check.model import RuleResult, Status
from sop_check_rules._examples import client_project

END_BUTTON = ("export function EndCallButton({ onEnd }: { onEnd: () => void }) {\n"
              "  return <button onClick={onEnd}>Disconnect</button>;\n}\n")
AVATAR = """'use client';
import { EndCallButton } from './EndCallButton';
async function endSession() {
  await fetch('/api/tavus/end', { method: 'POST', body: '{}' });
}
export default function Avatar() {
  return <EndCallButton onEnd={endSession} />;
}
"""


def _run(tmp_path: Path, avatar: str, button: str = END_BUTTON, codes: str = "TAV005") -> dict[str, RuleResult]:
    write(tmp_path, client_project(avatar) | {"components/EndCallButton.tsx": button})
    return dict(verdicts(tmp_path, codes))


def test_the_inner_button_is_the_control(tmp_path: Path) -> None:
    got = _run(tmp_path, AVATAR, codes="TAV005,TAV105")
    tav005 = got["TAV005"]
    assert tav005.status is Status.PASS and not tav005.findings, tav005.message
    assert tav005.evidence[0].location.path == "components/EndCallButton.tsx"
    assert got["TAV105"].status is Status.PASS


def test_a_composite_whose_handler_does_nothing_is_one_finding_on_the_inner_button(tmp_path: Path) -> None:
    got = _run(tmp_path, AVATAR.replace("<EndCallButton onEnd={endSession} />", "<EndCallButton onEnd={() => {}} />"))
    tav005 = got["TAV005"]
    assert tav005.status is Status.FAIL and kinds(tav005) == ["never-calls-end"], kinds(tav005)
    where = tav005.findings[0].location
    assert (where.path, where.line) == ("components/EndCallButton.tsx", 2)


def test_a_project_button_without_an_end_label_of_its_own_is_not_a_composite(tmp_path: Path) -> None:
    """A design-system `Button` (`<button {...props} />`) is labelled where it is used: the usage stays
    the control, so a usage without onClick is `no-handler` there."""
    button = "export function Button(props: React.ComponentProps<'button'>) {\n  return <button {...props} />;\n}\n"
    avatar = ("'use client';\nimport { Button } from './EndCallButton';\n"
              "export default function Avatar() {\n  return <Button>End call</Button>;\n}\n")
    tav005 = _run(tmp_path, avatar, button)["TAV005"]
    assert tav005.status is Status.FAIL and kinds(tav005) == ["no-handler"], kinds(tav005)
    where = tav005.findings[0].location
    assert (where.path, where.line) == ("components/Avatar.tsx", 4)
    with_handler = avatar.replace("<Button>", "<Button onClick={() => fetch('/api/tavus/end', { method: 'POST' })}>")
    assert _run(tmp_path, with_handler, button)["TAV005"].status is Status.PASS
