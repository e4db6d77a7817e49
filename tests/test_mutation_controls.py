"""rules/_controls.py pinned (mutation survivors): what is a control, its label, why it is hidden, and
which composite usage gives way to its inner button. Each case asks `end_controls` of a small app
whose page renders one component, and reads the controls it returns (tag, label, hidden reason): a
control wrongly found visible is a TAV005 false pass; one wrongly dropped, a false fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, options_for, verdicts, write
from sop_check.evaluate import Evaluator
from sop_check_rules._controls import Control, end_controls, is_control, label_matches

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
PAGE = "import Avatar from '../components/Avatar';\nexport default function Page() { return <Avatar />; }\n"
AVATAR = "components/Avatar.tsx"
LABELS: list[str] = list(options_for("TAV005")["labels"])
CLICK = "onClick={() => 1}"


def controls(tmp_path: Path, jsx: str, head: str = "", extra: dict[str, str] | None = None) -> list[Control]:
    avatar = f"{head}export default function Avatar() {{ return <div>{jsx}</div>; }}\n"
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, AVATAR: avatar, **(extra or {})})
    index = index_for(tmp_path)
    return end_controls(index, Evaluator(index), LABELS)


def one(tmp_path: Path, jsx: str, head: str = "") -> Control:
    (control,) = controls(tmp_path, jsx, head)
    return control


# ------------------------------------------------------------------------ labels
@pytest.mark.parametrize("jsx, label", [
    ("<button aria-label='End call'><svg /></button>", "End call"),
    ("<button title='Leave'><svg /></button>", "Leave"),
    ("<button label='Disconnect'><svg /></button>", "Disconnect"),
    ("<button ariaLabel='Hang up'><svg /></button>", "Hang up"),
    ("<button aria-label={`End ${'x'}`}><svg /></button>", "End x"),
    ("<button>{'End'}</button>", "End"),
    ("<button>  End\n   session </button>", "End session"),
    ("<button><span>End</span></button>", "End"),
    ("<button><Icon title='Go' />End</button>", "End"),
    ("<button>{() => 'Start'}End</button>", "End"),
    ("<button aria-label='End' title='call'>now</button>", "End call now"),
    ("<button>Hang {'up'}</button>", "Hang up"),
    ("<button><svg />Hang <b>up</b> now</button>", "Hang up now"),
    ("<button aria-label>End</button>", "End"),
    ("<button aria-label={label}>End</button>", "End"),
    ("<button aria-label={`Leave ${who}`}><svg /></button>", "Leave"),
    ("<button><Icon {...{ title: 'Leave' }} />End</button>", "End"),
    ("<button><span {...{ title: 'Leave' }}>End</span></button>", "End"),
], ids=["aria-label", "title", "label", "ariaLabel", "template", "string child", "whitespace", "nested element",
        "attributes of children", "function child", "attributes then text", "reading order",
        "reading order in elements", "bare attribute", "unknown attribute", "a hole",
        "spread on a child", "spread on a nested element"])
def test_the_label_is_attributes_then_text(tmp_path: Path, jsx: str, label: str) -> None:
    assert one(tmp_path, jsx).label == label


@pytest.mark.parametrize("jsx, label", [
    ("<button id='end-call'><svg /></button>", "button end call"),
    ("<button data-testid='hangUp'><svg /></button>", "button hang Up"),
    ("<button name='leave'><svg /></button>", "button leave"),
    ("<button className={styles.leaveButton}><svg /></button>", "button leave Button"),
    ("<button className='p-2 justify-end end-btn'><svg /></button>", "button end btn"),
    ("<button className='leave-call x'><svg /></button>", "button leave call"),
    ("<button className='end_call'><svg /></button>", "button end call"),
    ("<button className='end-call:x'><svg /></button>", "button"),
    ("<button id data-testid='end'><svg /></button>", "button end"),
    ("<button className data-testid='end'><svg /></button>", "button end"),
    ("<button className='leave-Btn'><svg /></button>", "button leave Btn"),
], ids=["id", "data-testid", "name", "css module", "button class", "call class", "underscore", "not a word",
        "bare id", "bare class", "class in capitals"])
def test_an_icon_only_control_is_labelled_by_its_names(tmp_path: Path, jsx: str, label: str) -> None:
    found = controls(tmp_path, jsx.replace("<button", f"<button {CLICK}"))
    assert [c.label for c in found] == ([label] if label != "button" else [])


def test_an_icon_only_component_is_labelled_by_its_last_name(tmp_path: Path) -> None:
    assert one(tmp_path, "<ui.EndCallButton />", "import * as ui from './ui';\n").label == "End Call Button"


@pytest.mark.parametrize("label, matches", [
    ("End", True), ("end-user list", False), ("Backend", False), ("Ends", False), ("the end.", True),
    ("hang  up", False), ("Hang up", True), ("", False),
])
def test_a_label_matches_a_word_on_its_own(label: str, matches: bool) -> None:
    assert label_matches(label, LABELS) is matches


# ------------------------------------------------------------------------ hidden
@pytest.mark.parametrize("attrs, why", [
    ("hidden", "it has the hidden attribute"),
    ("hidden={true}", "it has the hidden attribute"),
    ("hidden='true'", "it has the hidden attribute"),
    ("aria-hidden", "it has the aria-hidden attribute"),
    ("aria-hidden='true'", "it has the aria-hidden attribute"),
    ("aria-hidden={HIDE}", "it has the aria-hidden attribute"),
    ("style={{ display: 'none' }}", "its style is display: none"),
    ("style={{display:\"none\"}}", "its style is display: none"),
    ("style={GONE}", "its style is display: none"),
    ("style={GHOST}", "its style is visibility: hidden"),
    ("style={{ ...props.base, display: 'none' }}", "its style is display: none"),
    ("className='hidden'", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className='p-2 !hidden'", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className='hidden! p-2'", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("class='hidden'", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className={HIDDEN}", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className='hidden block'", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className='hidden md:hidden'", "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className='hidden hover:underline'",
     "its class hides it (hidden, with no responsive override such as md:block)"),
    ("className='invisible'", "its class hides it"),
    ("className='p-2 sr-only'", "its class hides it"),
], ids=lambda v: v if len(v) < 30 else None)
def test_why_a_control_is_hidden(tmp_path: Path, attrs: str, why: str) -> None:
    head = ("const HIDE = true;\nconst GONE = { display: 'none' };\nconst GHOST = { visibility: 'hidden' };\n"
            "const HIDDEN = 'hidden';\n")
    assert one(tmp_path, f"<button {attrs} {CLICK}>End</button>", head).hidden == why


@pytest.mark.parametrize("attrs", [
    "hidden={false}", "hidden='false'", "aria-hidden={SHOWN}", "style={{ display: 'flex' }}", "style={SEEN}",
    "style={{ visibility: 'visible' }}", "style={inCall ? {} : { display: 'none' }}", "style={load()}", "style", "className='p-2'", "className",
    "className='hidden md:block'", "className='hidden lg:!flex'", "className='!hidden sm:inline-block!'",
    "className='hidden [&.open]:grid'", "className='hidden md:hover:table-cell'", "className={`hidden ${c}`}",
    "className={cls}", "className='hiddenish invisible-x'", "aria-hidden='Xtrue'", "className='Xhidden hiddenX'", "style={{ display: 'block', visibility: 'hidden' }}"[:0]
    + "style={{ color: 'none' }}",
], ids=lambda v: v if len(v) < 30 else None)
def test_a_control_that_shows_is_not_hidden(tmp_path: Path, attrs: str) -> None:
    head = "const SHOWN = false;\nconst SEEN = { display: 'block', visibility: 'visible' };\n"
    assert one(tmp_path, f"<button {attrs} {CLICK}>End</button>", head).hidden is None


# ------------------------------------------------------------------------ what is a control
@pytest.mark.parametrize("jsx, head", [
    ("<button>End</button>", ""),
    ("<EndButton>End</EndButton>", ""),
    ("<Button>End</Button>", ""),
    ("<ui.Button>End</ui.Button>", "import * as ui from './ui';\n"),
    ("<motion.button>End</motion.button>", ""),
    ("<Fab>End</Fab>", ""),
    ("<MenuItem>End</MenuItem>", ""),
    ("<a onClick={go}>End</a>", ""),
    ("<Link onClick={go}>End</Link>", ""),
    ("<B>End</B>", "import { Button as B } from 'ui-kit';\n"),
    ("<Quit>End</Quit>", "const Quit = styled.button``;\n"),
    ("<Quit>End</Quit>", "const Quit = tw.button``;\n"),
    ("<Quit>End</Quit>", "const Quit = styled('button')({});\n"),
    ("<Quit>End</Quit>", "const Quit = styled(IconButton)({});\n"),
    ("<div role='button'>End</div>", ""),
    ("<div role=\"button\">End</div>", ""),
    ("<div role={'button'}>End</div>", ""),
    ("<Quit>End</Quit>", "const Quit = styled(" + " " * 64 + "'button')({});\n"),
    ("<Quit>End</Quit>", "import { Button as Quit } from 'ui-kit';\n"),
    ("<Quit aria-label='End' />", "import { Button as Quit } from 'ui-kit';\n"),
], ids=["button", "*Button", "Button", "ns Button", "motion.button", "library", "menu item", "a onClick",
        "Link onClick", "aliased import", "styled.button", "tw.button", "styled('button')", "styled(IconButton)",
        "role", "role double", "role expression", "styled within 80 characters", "aliased import, longer name", "aliased import, self-closing"])
def test_what_counts_as_a_control(tmp_path: Path, jsx: str, head: str) -> None:
    assert [c.label for c in controls(tmp_path, jsx, head)] == ["End"]


@pytest.mark.parametrize("jsx, head", [
    ("<div>End</div>", ""),
    ("<endButton>End</endButton>", ""),
    ("<Buttons>End</Buttons>", ""),
    ("<a href='/'>End</a>", ""),
    ("<Link href='/'>End</Link>", ""),
    ("<span onClick={go}>End</span>", ""),
    ("<Quit>End</Quit>", "const Quit = styled.div``;\n"),
    ("<Quit>End</Quit>", "const Quit = styled(Box)({});\n"),
    ("<Quit>End</Quit>", "function Quit() { return null; }\n"),
    ("<div role='link'>End</div>", ""),
    ("<div role>End</div>", ""),
    ("<btn>End</btn>", "import { Button as btn } from 'ui-kit';\n"),
    ("<div role='Xbutton'>End</div>", ""),
    ("<Quit>End</Quit>", "const Quit = styled(" + " " * 65 + "'button')({});\n"),
], ids=["div", "lower *Button", "Buttons", "a without onClick", "Link without onClick", "span onClick",
        "styled.div", "styled(Box)", "function", "role link", "bare role", "a lower-case tag is an HTML element, not an import", "role Xbutton",
        "styled past the first 80 characters"])
def test_what_is_not_a_control(tmp_path: Path, jsx: str, head: str) -> None:
    assert controls(tmp_path, jsx, head) == []


def test_is_control_reads_the_origin_before_the_spelling(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, AVATAR: "export default function Avatar() { return null; }\n"})
    mod = index_for(tmp_path).module(AVATAR)
    assert mod is not None
    assert is_control("B", {}, mod, "Button") and is_control("B", {}, mod, "x.SaveButton")
    assert not is_control("B", {}, mod) and not is_control("Button2", {}, mod, "Box")
    assert is_control("button", {}, mod, "Box")  # an HTML button whatever the origin says


def test_a_control_in_a_file_without_a_first_label_word_is_not_read(tmp_path: Path) -> None:
    # The label "hang up" is matched on its first word: a file with neither word in it is skipped.
    assert [c.label for c in controls(tmp_path, "<button>Hang up</button>")] == ["Hang up"]
    assert controls(tmp_path / "x", "<button>Close</button>") == []


def test_an_element_the_parser_could_not_read_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    found = controls(tmp_path, "<span><button onClick={() => end(}>Leave</button></span><button>End</button>")
    assert [c.label for c in found] == ["End"]


# ------------------------------------------------------------------------ composite controls
COMPOSITE = ("export function EndCallButton({ onEnd }: any) {\n"
             "  return <button onClick={onEnd}>Disconnect</button>;\n}\n")


def test_a_composite_usage_gives_way_to_its_inner_button(tmp_path: Path) -> None:
    found = controls(tmp_path, "<EndCallButton onEnd={go} />", "import { EndCallButton } from './EndCallButton';\n",
                     {"components/EndCallButton.tsx": COMPOSITE})
    assert [(c.tag, c.label, c.module.path) for c in found] == [("button", "Disconnect", "components/EndCallButton.tsx")]


def test_a_component_whose_end_control_is_elsewhere_is_kept(tmp_path: Path) -> None:
    other = COMPOSITE.replace("EndCallButton({", "Other({").replace("Disconnect", "Leave") + \
        "export function EndCallButton() { return <span />; }\n"
    found = controls(tmp_path, "<EndCallButton />", "import { EndCallButton } from './EndCallButton';\n",
                     {"components/EndCallButton.tsx": other})
    assert sorted((c.tag, c.label) for c in found) == [("EndCallButton", "End Call Button"), ("button", "Leave")]


def test_a_lower_case_control_is_never_a_composite(tmp_path: Path) -> None:
    found = controls(tmp_path, "<button onClick={go}>End <button>Leave</button></button>")
    assert sorted(c.label for c in found) == ["End Leave", "Leave"]


def test_a_composite_usage_with_children_gives_way_too(tmp_path: Path) -> None:
    found = controls(tmp_path, "<EndCallButton onEnd={go}><svg /></EndCallButton>",
                     "import { EndCallButton } from './EndCallButton';\n", {"components/EndCallButton.tsx": COMPOSITE})
    assert [(c.tag, c.label) for c in found] == [("button", "Disconnect")]


def test_an_arrow_component_whose_body_is_the_button_gives_way(tmp_path: Path) -> None:
    arrow = "export const EndCallButton = ({ onEnd }: any) => <button onClick={onEnd}>Disconnect</button>;\n"
    found = controls(tmp_path, "<EndCallButton onEnd={go} />", "import { EndCallButton } from './EndCallButton';\n",
                     {"components/EndCallButton.tsx": arrow})
    assert [(c.tag, c.label) for c in found] == [("button", "Disconnect")]


@pytest.mark.parametrize("jsx", ["<><i /></><button>End</button>", "<button>Start</button><button>End</button>"],
                         ids=["after a fragment", "after a control with another label"])
def test_controls_are_read_past_elements_that_are_not_end_controls(tmp_path: Path, jsx: str) -> None:
    assert [c.label for c in controls(tmp_path, jsx)] == ["End"]


def test_a_file_holding_a_label_s_second_word_only_is_not_read(tmp_path: Path) -> None:
    # The label comes from another file; this one holds "session" (second word of "end session") and
    # no first word of a label: the byte filter skips it, as designed (corpus files name their labels).
    head = "import { LABEL as sessionLabel } from './labels';\n"
    found = controls(tmp_path, "<button aria-label={sessionLabel} onClick={go}><svg /></button>", head,
                     {"components/labels.ts": "export const LABEL = 'End call';\n"})
    assert found == []


def test_a_library_control_in_a_file_without_click_or_button_is_not_read(tmp_path: Path) -> None:
    """The rule's own byte filter: a file without onClick, onPress or button holds no End control
    (TAV005 declares these needles; any other set reads more files)."""
    avatar = "'use client';\nexport default function Avatar() { return <Fab>End</Fab>; }\n"
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, AVATAR: avatar,
                     "app/api/tavus/end/route.ts": "export async function POST() { return Response.json({}); }\n"})
    got = verdicts(tmp_path, "TAV005")["TAV005"]
    assert kinds(got) == ["no-control"]
