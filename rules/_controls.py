"""End controls: rendered elements a user clicks to end the session (a `<button>`, a component named
or imported as a control, `role="button"`), their label, whether they are hidden, and composite
controls whose inner button is the real one.

Split out of `_client.py`: what counts as a visible End control is TAV005's and TAV105's shared
question, apart from what the control's handler requests.
"""

from __future__ import annotations

import re
from typing import Any

from sop_check.evaluate import Bool, Evaluator, Func, Obj, Str, shown
from sop_check.evaluate.modules import origin_name
from sop_check.index import AppIndex
from sop_check.jsmodule import FUNCTION_TYPES, Module, jsx_attributes, jsx_tag
from sop_check.model import Location
from sop_check.records import record

from sop_check_rules._rendered import RENDERED, Rendering, can_render

@record
class Control:
    module: Module
    node: Any
    tag: str
    label: str
    attrs: dict[str, Any]
    hidden: str | None  # why it is hidden, or None
    rendering: Rendering = RENDERED  # whether a page can render it at all (rules/_rendered.py)

    @property
    def location(self) -> Location:
        return self.module.location(self.node)


def _label(ev: Evaluator, mod: Module, el: Any, attrs: dict[str, Any]) -> str:
    parts: list[str] = []
    for key in ("aria-label", "title", "label", "ariaLabel"):
        v = attrs.get(key)
        if v is not None and v is not True:
            value = ev.eval(v, mod, None)
            if isinstance(value, Str):
                parts.append(shown(value.text, " "))
    if el.type == "jsx_element":
        # Text children and strings in `{...}` children; never attributes of nested elements
        # (`<PhoneOff className="h-4 w-4" />` says nothing about the label).
        # A stack read from its end: children pushed last-first, so the text comes out in reading order.
        stack = [c for c in reversed(el.named_children) if c.type not in ("jsx_opening_element", "jsx_closing_element")]
        while stack:
            n = stack.pop()
            if n.type == "jsx_text" or n.type == "string_fragment":
                parts.append(mod.text(n))
            elif n.type in ("jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element",
                            "jsx_attribute") or n.type in FUNCTION_TYPES:
                continue
            else:
                stack.extend(reversed(n.named_children))
    return " ".join(" ".join(parts).split())


def _hidden(ev: Evaluator, mod: Module, attrs: dict[str, Any]) -> str | None:
    for key in ("hidden", "aria-hidden"):
        if key in attrs:
            v = attrs[key]
            value = None if v is True else ev.eval(v, mod, None)
            if v is True or isinstance(value, Bool) and value.value or \
                    (not isinstance(v, bool) and mod.text(v).strip("'\"") == "true"):
                return f"it has the {key} attribute"
    style = attrs.get("style")
    if style is not None and style is not True:
        # Evaluated, not searched: `style={inCall ? {} : { display: 'none' }}` shows it during the call.
        styled = ev.eval(style, mod, None)  # `style={{ display: 'none' }}`, `style={hiddenStyle}`
        for prop, hiding in (("display", "none"), ("visibility", "hidden")):
            shown_as = ev.get_prop(styled, prop) if isinstance(styled, Obj) else None
            if isinstance(shown_as, Str) and shown_as.text == hiding:
                return f"its style is {prop}: {hiding}"
    cls = attrs.get("className") or attrs.get("class")
    if cls is not None and cls is not True:
        value = ev.eval(cls, mod, None)
        text = value.text if isinstance(value, Str) and value.exact else ""  # a class added at run time may show it
        tokens = text.split()
        # Tailwind: `hidden` (also `!hidden`, `hidden!`) hides it unless a variant shows it (`md:block`).
        if any(t.strip("!") == "hidden" for t in tokens) and not any(_SHOWN_BY_VARIANT.match(t) for t in tokens):
            return "its class hides it (hidden, with no responsive override such as md:block)"
        if "invisible" in tokens or "sr-only" in tokens:
            return "its class hides it"
    return None


_SHOWN_BY_VARIANT = re.compile(r"^(?:[\w\[\]&@/.=-]+:)+!?(?:block|inline-block|inline|flex|inline-flex|grid|inline-grid|"
                               r"table|table-row|table-cell|contents|flow-root|list-item)!?$")


def _name_words(tag: str, attrs: dict[str, Any], mod: Module) -> str:
    parts = [tag.split(".")[-1]]
    for key in ("id", "data-testid", "name"):
        v = attrs.get(key)
        if v is not None and v is not True:
            parts.append(mod.text(v))
    cls = attrs.get("className")
    if cls is not None and cls is not True:
        if cls.type == "member_expression":  # CSS modules: styles.leaveButton
            parts.append(mod.text(cls.child_by_field_name("property")))
        else:
            # Utility classes say little ("justify-end"); only a class that names a control counts.
            parts += [t for t in re.split(r"[\s'\"`{}]+", mod.text(cls))
                      if re.search(r"btn|button|call", t, re.I) and re.fullmatch(r"[\w-]+", t)]
    text = " ".join(parts)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # endCall -> end Call
    return " ".join(re.split(r"[^A-Za-z]+", text)).strip()


# Controls of UI libraries whose names do not end in Button (Mantine, MUI, React Native, Radix menus).
CONTROL_COMPONENTS = frozenset({"ActionIcon", "Fab", "Pressable", "TouchableOpacity", "TouchableHighlight",
                                "MenuItem", "DropdownMenuItem", "ContextMenuItem", "MenubarItem"})


# `styled.button`, `styled('button')`, `tw.button`, `styled(Button)`: a component that is a button.
_STYLED_BUTTON = re.compile(r"^(?:styled|tw|css)\s*(?:\.\s*button\b|\(\s*(?:['\"]button['\"]|\w*Button)\s*[,)])")


def is_control(tag: str, attrs: dict[str, Any], mod: Module, origin: str | None = None) -> bool:
    """Whether `<tag …>` is a control; `origin` is the component's own name read through the imports
    (`Button` for `<B>` after `import { Button as B }`), when it differs from the spelling."""
    last = (origin or tag).split(".")[-1]
    if tag == "button" or (last[:1].isupper() and last.endswith("Button")) or last == "Button":
        return True
    if last == "button" or last in CONTROL_COMPONENTS:
        return True  # `<motion.button>`, `<m.button>`, `<animated.button>`, library controls (corpus L1)
    if tag in ("a", "Link") and "onClick" in attrs:
        return True  # a link that acts on click
    decl = mod.decls.get(tag)
    value = decl.child_by_field_name("value") if decl is not None and decl.type == "variable_declarator" else None
    if value is not None and _STYLED_BUTTON.match(mod.text(value)[:80]):
        return True
    role = attrs.get("role")
    return role is not None and role is not True and mod.text(role).strip("'\"{}") == "button"


def _tag_origin(ev: Evaluator, mod: Module, el: Any, tag: str) -> str:
    """The component a capitalised tag names where it is defined (through an aliased import)."""
    if not tag[:1].isupper() or "." in tag or tag not in mod.imports:
        return tag
    opening = el if el.type == "jsx_self_closing_element" else el.child_by_field_name("open_tag")
    name = opening.child_by_field_name("name") if opening is not None else None
    return origin_name(ev, name, mod) if name is not None else tag


def label_matches(label: str, labels: list[str]) -> bool:
    low = label.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", low) for word in labels)


def end_controls(index: AppIndex, ev: Evaluator, labels: list[str]) -> list[Control]:
    """Rendered controls whose label says end / disconnect / leave … (hidden ones included, marked).
    Found once per app for TAV005 and TAV105 (not kept when the step budget ran out on the way:
    the next rule, with its own budget, looks again)."""
    key = f"end-controls:{labels!r}"
    found: list[Control] | None = index.memo.get(key)
    if found is None:
        found = _end_controls(index, ev, labels)
        if not ev.exhausted:
            index.memo[key] = found
    return list(found)


def _end_controls(index: AppIndex, ev: Evaluator, labels: list[str]) -> list[Control]:
    out: list[Control] = []
    # A control can only match if its own file holds a label word (text, aria-label, title,
    # class, id or component name all live there): other files are not parsed for this.
    words = {w for label in labels for w in label.lower().split()[:1]}
    for mod in index.evidence_modules(("onclick", "button", "onpress"), words=words, jsx=True):
        for el in mod.jsx:
            if mod.in_error(el):
                continue
            tag = jsx_tag(mod, el)
            if tag is None:
                continue
            attrs = jsx_attributes(mod, el)
            origin = _tag_origin(ev, mod, el, tag)
            if not is_control(tag, attrs, mod, origin):
                continue
            label = _label(ev, mod, el, attrs)
            if not label.strip():
                # An icon-only control: what it is called in code is the best label there is
                # (`<EndCallButton/>`, `className={styles.leaveButton}`, `id="hang-up"`).
                label = _name_words(origin, attrs, mod)
            if not label_matches(label, labels):
                continue
            out.append(Control(mod, el, tag, label, attrs, _hidden(ev, mod, attrs), can_render(ev, mod, el)))
    return [c for c in out if not _composite(ev, c, out)]


def _composite(ev: Evaluator, control: Control, controls: list[Control]) -> bool:
    """`<EndCallButton onEnd={end} />` where EndCallButton is the project's component that renders
    another of the end controls (`<button onClick={onEnd}>Disconnect</button>`): the inner control
    is the one a user clicks, judged with the props it is rendered with; the usage is not a
    second control (it has no onClick of its own: its handler goes by another name)."""
    if not control.tag[:1].isupper():
        return False
    opening = control.node if control.node.type == "jsx_self_closing_element" else \
        control.node.child_by_field_name("open_tag")
    name = opening.child_by_field_name("name") if opening is not None else None
    component = ev.eval(name, control.module, None) if name is not None else None
    if not isinstance(component, Func):
        return False
    start, end, path = component.node.start_byte, component.node.end_byte, component.module.path
    return any(other is not control and other.module.path == path and
               start <= other.node.start_byte and other.node.end_byte <= end for other in controls)
