"""TAV003's fix recipes (rules/_unload_fixes.py), pinned byte for byte: the removal added to an
effect's cleanup (safe) and the effect written around a listener registered outside one
(unsafe), the file's own style kept, and every shape where no fix may be offered.

Each case runs the rule in process and applies the attached fix's edits to the file's text
(tests/fix_support.py): what the fix would write, exactly, without the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from fix_support import applied, findings
from helpers import write
from sop_check.fixes import Applicability
from sop_check_rules._examples import PAGE, PKG, ROUTE

AVATAR = "components/Avatar.tsx"
SENDS = "fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: '{}' })"


def project(tmp_path: Path, avatar: str, path: str = AVATAR, page: str = PAGE) -> Path:
    return write(tmp_path, {"package.json": PKG, "app/page.tsx": page, "app/api/tavus/end/route.ts": ROUTE,
                            path: avatar})


def fixed(tmp_path: Path, avatar: str, kind: str, path: str = AVATAR, page: str = PAGE) -> str | None:
    """The component's text after the fix of the one `kind` finding (None: no fix offered)."""
    root = project(tmp_path, avatar, path, page)
    [finding] = findings(root, "TAV003", kind)
    if finding.fix is None:
        return None
    return applied(root, finding.fix)[path]


def effect(body: str, head: str = "'use client';\nimport { useEffect } from 'react';\n") -> str:
    """A component whose effect body is `body` (lines indented by four spaces)."""
    return (head + "export default function Avatar() {\n  useEffect(() => {\n" + body +
            "  }, []);\n  return <div>tavus avatar</div>;\n}\n")


NAMED = f"    const onLeave = () => {{ {SENDS}; }};\n    window.addEventListener('beforeunload', onLeave);\n"


# -- never-removed: the removal in the cleanup (safe) --------------------------------------------
def test_the_removal_is_a_new_cleanup_at_the_end_of_the_effect_with_the_same_target_event_handler(
        tmp_path: Path) -> None:
    root = project(tmp_path, effect(NAMED))
    [finding] = findings(root, "TAV003", "never-removed")
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert finding.fix.title == ("remove the listener in the effect's cleanup (the same event and handler), "
                                 "adding the cleanup if there is none")
    assert applied(root, finding.fix) == {AVATAR: effect(
        NAMED + "    return () => window.removeEventListener('beforeunload', onLeave);\n")}


def test_without_semicolons_the_cleanup_has_none_and_options_are_copied_third_argument_only(tmp_path: Path) -> None:
    body = (f"    const onLeave = () => {{ {SENDS} }}\n"
            "    globalThis.addEventListener(\"beforeunload\", onLeave, { capture: true }, 'extra')\n")
    head = "'use client'\nimport { useEffect } from 'react'\n"
    text = effect(body, head).replace(";\n", "\n")
    assert fixed(tmp_path, text, "never-removed") == effect(
        body + "    return () => globalThis.removeEventListener(\"beforeunload\", onLeave, { capture: true })\n",
        head).replace(";\n", "\n")


def test_a_listener_added_without_a_target_is_removed_without_one(tmp_path: Path) -> None:
    body = NAMED.replace("window.addEventListener", "addEventListener")
    assert fixed(tmp_path, effect(body), "never-removed") == effect(
        body + "    return () => removeEventListener('beforeunload', onLeave);\n")


def test_an_onbeforeunload_property_is_set_back_to_null(tmp_path: Path) -> None:
    body = f"    window.onbeforeunload = () => {{ {SENDS}; }};\n"
    assert fixed(tmp_path, effect(body), "never-removed") == effect(
        body + "    return () => window.onbeforeunload = null;\n")


def test_an_inline_handler_is_named_before_the_registration_and_removed_by_that_name(tmp_path: Path) -> None:
    body = f"    window.addEventListener('beforeunload', () => {{ {SENDS}; }});\n"
    assert fixed(tmp_path, effect(body), "never-removed") == effect(
        f"    const handleBeforeUnload = () => {{ {SENDS}; }};\n"
        "    window.addEventListener('beforeunload', handleBeforeUnload);\n"
        "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n")


def test_an_inline_function_expression_handler_is_named_too(tmp_path: Path) -> None:
    body = f"    window.addEventListener('beforeunload', function () {{ {SENDS}; }});\n"
    assert fixed(tmp_path, effect(body), "never-removed") == effect(
        f"    const handleBeforeUnload = function () {{ {SENDS}; }};\n"
        "    window.addEventListener('beforeunload', handleBeforeUnload);\n"
        "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n")


@pytest.mark.parametrize("outside", [
    f"  const onLeave = () => {{ {SENDS}; }};\n",  # in the component, before the effect
    f"  function onLeave() {{ {SENDS}; }}\n",
], ids=["const", "function"])
def test_a_handler_declared_outside_the_effect_is_seen_by_its_cleanup(outside: str, tmp_path: Path) -> None:
    body = "    window.addEventListener('beforeunload', onLeave);\n"
    text = effect(body).replace("  useEffect(", outside + "  useEffect(")
    assert fixed(tmp_path, text, "never-removed") == effect(
        body + "    return () => window.removeEventListener('beforeunload', onLeave);\n").replace(
        "  useEffect(", outside + "  useEffect(")


def test_a_member_handler_is_removed_as_written(tmp_path: Path) -> None:
    body = "    window.addEventListener('beforeunload', handlers.leave);\n"
    text = effect(body).replace("  useEffect(", f"  const handlers = {{ leave: () => {{ {SENDS}; }} }};\n  useEffect(")
    assert fixed(tmp_path, text, "never-removed") == text.replace(
        body, body + "    return () => window.removeEventListener('beforeunload', handlers.leave);\n")


def test_a_hook_parameter_handler_is_visible_in_the_whole_hook(tmp_path: Path) -> None:
    hook = ("'use client';\nimport { useEffect } from 'react';\n"
            "export function useLeave(onLeave: () => void) {\n  useEffect(() => {\n"
            "    window.addEventListener('beforeunload', onLeave);\n  }, [onLeave]);\n}\n"
            "export default function Avatar() {\n"
            f"  useLeave(() => {{ {SENDS}; }});\n  return <div>tavus avatar</div>;\n}}\n")
    assert fixed(tmp_path, hook, "never-removed") == hook.replace(
        "    window.addEventListener('beforeunload', onLeave);\n",
        "    window.addEventListener('beforeunload', onLeave);\n"
        "    return () => window.removeEventListener('beforeunload', onLeave);\n")


def test_a_handler_declared_in_a_block_inside_the_effect_gets_no_fix(tmp_path: Path) -> None:
    """The cleanup goes at the end of the effect body, where a name declared in an `if` block is not seen."""
    body = "    if (document) {\n" + "".join("  " + line + "\n" for line in NAMED.splitlines()) + "    }\n"
    assert fixed(tmp_path, effect(body), "never-removed") is None


@pytest.mark.parametrize("cleanup, written", [
    ("    return () => { console.log('bye'); };\n",
     "    return () => { console.log('bye'); window.removeEventListener('beforeunload', onLeave); };\n"),
    ("    return () => console.log('bye');\n",
     "    return () => { console.log('bye'); window.removeEventListener('beforeunload', onLeave); };\n"),
    ("    return function cleanup() { console.log('bye'); };\n",
     "    return function cleanup() { console.log('bye'); window.removeEventListener('beforeunload', onLeave); };\n"),
], ids=["block", "expression", "function-expression"])
def test_an_existing_cleanup_gets_the_removal_appended(cleanup: str, written: str, tmp_path: Path) -> None:
    assert fixed(tmp_path, effect(NAMED + cleanup), "never-removed") == effect(NAMED + written)


def test_an_expression_cleanup_without_semicolons_stays_without(tmp_path: Path) -> None:
    head = "'use client'\nimport { useEffect } from 'react'\n"
    text = effect(NAMED + "    return () => console.log('bye')\n", head).replace(";\n", "\n")
    assert fixed(tmp_path, text, "never-removed") == text.replace(
        "return () => console.log('bye')\n",
        "return () => { console.log('bye') window.removeEventListener('beforeunload', onLeave) }\n")


@pytest.mark.parametrize("body", [
    NAMED + "    return;\n",  # a bare return last: a cleanup after it would never be returned
    NAMED + "    if (!document) return () => {};\n    return () => {};\n",  # two cleanups
    NAMED + "    if (document) {\n      return () => console.log('bye');\n    }\n",  # one, nested
    NAMED + "    const cleanup = () => {};\n    return cleanup;\n",  # a cleanup named elsewhere
], ids=["bare-return-last", "two-cleanups", "nested-cleanup", "named-cleanup"])
def test_no_fix_where_the_cleanup_cannot_be_written_or_seen_into(body: str, tmp_path: Path) -> None:
    assert fixed(tmp_path, effect(body), "never-removed") is None


def test_a_bare_return_before_the_end_does_not_stop_a_new_cleanup(tmp_path: Path) -> None:
    body = "    if (!document) return;\n" + NAMED
    assert fixed(tmp_path, effect(body), "never-removed") == effect(
        body + "    return () => window.removeEventListener('beforeunload', onLeave);\n")


@pytest.mark.parametrize("body", [
    # the registration is not a statement of its own
    f"    const off = window.addEventListener('beforeunload', () => {{ {SENDS}; }});\n",
    f"    document && window.addEventListener('beforeunload', () => {{ {SENDS}; }});\n",
], ids=["declared", "in-expression"])
def test_no_fix_for_a_registration_that_is_not_its_own_statement(body: str, tmp_path: Path) -> None:
    assert fixed(tmp_path, effect(body), "never-removed") is None


def test_a_listener_in_a_hook_from_another_file_is_fixed_in_that_file(tmp_path: Path) -> None:
    """The listener is registered in the hook's own file: the fix edits that file, not the component."""
    hook = ("import { useEffect } from 'react';\nexport function useLeave(onLeave: () => void) {\n"
            "  useEffect(() => {\n    window.addEventListener('beforeunload', onLeave);\n  }, [onLeave]);\n}\n")
    avatar = ("'use client';\nimport { useLeave } from './useLeave';\nexport default function Avatar() {\n"
              f"  useLeave(() => {{ {SENDS}; }});\n  return <div>tavus avatar</div>;\n}}\n")
    root = write(project(tmp_path, avatar), {"components/useLeave.ts": hook})
    [finding] = findings(root, "TAV003", "never-removed")
    assert finding.fix is not None and list(applied(root, finding.fix)) == ["components/useLeave.ts"]


# -- outside-effect: an effect written around the registration (unsafe) ----------------------------
def component(head: str, body: str, name: str = "Avatar", tail: str = "") -> str:
    return (head + f"export default function {name}() {{\n" + body + "  return <div>tavus avatar</div>;\n}\n" + tail)


LEAVE = f"  const onLeave = () => {{ {SENDS}; }};\n"
ADD = "  window.addEventListener('beforeunload', onLeave);\n"
WRAPPED = ("  EFFECT(() => {\n    window.addEventListener('beforeunload', onLeave);\n"
           "    return () => window.removeEventListener('beforeunload', onLeave);\n  });\n")


@pytest.mark.parametrize("imports, imports_after, call", [
    ("import React from 'react';\n", "import React from 'react';\n", "React.useEffect"),
    ("import * as R from 'react';\n", "import * as R from 'react';\n", "R.useEffect"),
    ("import { useEffect as useE } from 'react';\n", "import { useEffect as useE } from 'react';\n", "useE"),
    ('import { useState } from "react";\n', 'import { useEffect, useState } from "react";\n', "useEffect"),
    ("", "import { useEffect } from 'react';\n", "useEffect"),  # after the directive
    ("import x from './x';\nimport y from './y';\n",
     "import x from './x';\nimport y from './y';\nimport { useEffect } from 'react';\n", "useEffect"),
    ("import type { FC } from 'react';\n", "import type { FC } from 'react';\nimport { useEffect } from 'react';\n",
     "useEffect"),
], ids=["default", "namespace", "aliased", "named-imports", "no-imports", "after-last-import", "type-only-react"])
def test_a_listener_in_the_component_body_becomes_an_effect_with_useeffect_made_callable(
        imports: str, imports_after: str, call: str, tmp_path: Path) -> None:
    root = project(tmp_path, component("'use client';\n" + imports, LEAVE + ADD))
    [finding] = findings(root, "TAV003", "outside-effect")
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert finding.fix.title == "register the listener in an effect of its component and remove it on cleanup"
    assert applied(root, finding.fix) == {
        AVATAR: component("'use client';\n" + imports_after, LEAVE + WRAPPED.replace("EFFECT", call))}


def test_a_pages_component_needs_no_directive_and_a_module_without_imports_gets_one_first(tmp_path: Path) -> None:
    page = component("", LEAVE + ADD).replace(";\n", "\n")
    root = write(tmp_path, {"package.json": PKG, "pages/index.tsx": page, "pages/api/tavus/end.ts":
                            "export default function h(req, res) { res.status(200).json({}) }\n"})
    [finding] = findings(root, "TAV003", "outside-effect")
    assert finding.fix is not None
    assert applied(root, finding.fix)["pages/index.tsx"] == component(
        "import { useEffect } from 'react'\n", LEAVE + WRAPPED.replace("EFFECT", "useEffect")).replace(";\n", "\n")


def test_a_hook_body_gets_the_effect_and_an_inline_handler_is_named_in_it(tmp_path: Path) -> None:
    hook = ("'use client';\nimport { useEffect } from 'react';\nexport function useLeave() {\n"
            f"  window.addEventListener('beforeunload', () => {{ {SENDS}; }}, true);\n}}\n"
            "export default function Avatar() {\n  useLeave();\n  return <div>tavus avatar</div>;\n}\n")
    text = fixed(tmp_path, hook, "outside-effect")
    assert text == hook.replace(
        f"  window.addEventListener('beforeunload', () => {{ {SENDS}; }}, true);\n",
        "  useEffect(() => {\n"
        f"    const handleBeforeUnload = () => {{ {SENDS}; }};\n"
        "    window.addEventListener('beforeunload', handleBeforeUnload, true);\n"
        "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, true);\n  });\n")


def test_continuation_lines_move_one_level_in_with_the_registration(tmp_path: Path) -> None:
    add = "  window.addEventListener(\n    'beforeunload',\n    onLeave,\n  );\n"
    text = fixed(tmp_path, component("'use client';\nimport { useEffect } from 'react';\n", LEAVE + add),
                 "outside-effect")
    assert text == component("'use client';\nimport { useEffect } from 'react';\n", LEAVE + (
        "  useEffect(() => {\n    window.addEventListener(\n      'beforeunload',\n      onLeave,\n    );\n"
        "    return () => window.removeEventListener('beforeunload', onLeave);\n  });\n"))


def test_a_tab_indented_component_gets_tabs(tmp_path: Path) -> None:
    source = component("'use client';\nimport { useEffect } from 'react';\n", LEAVE + ADD).replace("  ", "\t")
    assert fixed(tmp_path, source, "outside-effect") == component(
        "'use client';\nimport { useEffect } from 'react';\n", LEAVE + WRAPPED.replace("EFFECT", "useEffect")
    ).replace("  ", "\t")


MODULE_LEVEL = f"function onLeave() {{ {SENDS}; }}\nwindow.addEventListener('beforeunload', onLeave);\n"


@pytest.mark.parametrize("components, into", [
    # the default export wins over another component declared before it
    ("function Other() {\n  return <p />;\n}\n" + component("", "  const x = 1;\n"), "Avatar"),
    ("export const Avatar = () => {\n  const x = 1;\n  return <div>tavus avatar</div>;\n};\n", "Avatar"),
    ("export function Avatar() {\n  const x = 1;\n  return <div>tavus avatar</div>;\n}\n", "Avatar"),
], ids=["default-over-other", "exported-arrow", "only-component"])
def test_a_module_level_listener_moves_into_its_components_first_statement(components: str, into: str,
                                                                          tmp_path: Path) -> None:
    head = "'use client';\nimport { useEffect } from 'react';\n"
    page = PAGE.replace("import Avatar from", "import { Avatar } from") if "export default" not in components else PAGE
    text = fixed(tmp_path, head + MODULE_LEVEL + components, "outside-effect", page=page)
    effect_text = WRAPPED.replace("EFFECT", "useEffect")
    assert text == head + f"function onLeave() {{ {SENDS}; }}\n" + components.replace(
        "  const x = 1;\n", effect_text + "  const x = 1;\n")


def test_a_module_level_listener_on_the_last_line_without_newline_is_deleted_to_the_end(tmp_path: Path) -> None:
    head = "'use client';\nimport { useEffect } from 'react';\n"
    comp = component("", "  const x = 1;\n")
    source = head + f"function onLeave() {{ {SENDS}; }}\n" + comp + "window.addEventListener('beforeunload', onLeave);"
    assert fixed(tmp_path, source, "outside-effect") == head + f"function onLeave() {{ {SENDS}; }}\n" + comp.replace(
        "  const x = 1;\n", WRAPPED.replace("EFFECT", "useEffect") + "  const x = 1;\n")


@pytest.mark.parametrize("source", [
    # a server component: an effect there does not build
    component("import { useEffect } from 'react';\n", LEAVE + ADD),
    # a function that is neither a component nor a hook (`user...` is not `use` + a capital)
    "'use client';\nexport function userLeave() {\n" + LEAVE + ADD + "}\n" + component("", "  userLeave();\n"),
    "'use client';\nexport function leave() {\n" + LEAVE + ADD + "}\n" + component("", "  leave();\n"),
    # nested in a block of the component: an effect cannot be declared conditionally
    component("'use client';\n", LEAVE + "  if (typeof window !== 'undefined') {\n  " + ADD + "  }\n"),
    # module level, no component to move it into: two, neither the default export
    "'use client';\n" + MODULE_LEVEL + "export function A() {\n  return <p>tavus</p>;\n}\n"
    "export function B() {\n  return <p />;\n}\n",
    # module level, the component's body has nothing to put the effect before
    "'use client';\n" + MODULE_LEVEL + "export default function Avatar() {}\n",
], ids=["server-component", "user-not-hook", "plain-function", "nested-block", "two-components", "empty-body"])
def test_no_effect_is_written_where_react_would_not_run_it_or_there_is_no_component(source: str,
                                                                                    tmp_path: Path) -> None:
    root = project(tmp_path, source)
    outside = findings(root, "TAV003", "outside-effect")
    assert outside and all(f.fix is None for f in outside)
