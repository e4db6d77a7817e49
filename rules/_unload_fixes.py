"""TAV003's fixes (SOP section 1.B): remove the unload listener in its effect's cleanup (safe), and
move a listener registered outside an effect into one (unsafe: it changes when it runs).

Both find the listener again in the unload analysis TAV003 made (matched on the finding's
location) and copy the registration's own text (target, event, handler, options) into the
removal, so `removeEventListener` gets exactly what `addEventListener` got. An inline handler
cannot be removed (a new function is never the same one): it is first given a name.
"""

from __future__ import annotations

from typing import Any

from sop_check.context import CheckContext
from sop_check.evaluate import FunctionBinding, VarBinding, call_args, returns
from sop_check.fixes import Edit
from sop_check.fixing.edits import CodeFile, ancestors, unique_name
from sop_check.fixing.recipe import Draft
from sop_check.jsmodule import FUNCTION_TYPES, Module
from sop_check.model import Finding

from sop_check_rules._client import Listener
from sop_check_rules._fixes import at
from sop_check_rules._unload import analyse_unload

_NAMED = ("identifier", "member_expression")


def _listener(ctx: CheckContext, finding: Finding) -> tuple[Listener, CodeFile, Any] | None:
    """The listener, its file, and the statement that registers it (a registration of its own)."""
    analysis = analyse_unload(ctx)
    lst = at(analysis.listeners, finding.location, lambda item: item.location)
    if lst is None:
        return None
    node = lst.node
    stmt = node.parent
    if stmt is None or stmt.type != "expression_statement":
        return None
    registers = node.type == "assignment_expression" or (
        node.type == "call_expression" and (node.child_by_field_name("function") is not None) and
        _text(lst.module, node.child_by_field_name("function")).endswith("addEventListener"))
    file = CodeFile(ctx.app, lst.module)
    if not registers or file.broken(stmt):
        return None
    return lst, file, stmt


def _text(mod: Module, node: Any) -> str:
    return mod.text(node).replace(" ", "")


def _semi(file: CodeFile) -> str:
    return ";" if file.style.semicolons else ""


def _handler_name(lst: Listener) -> str:
    return "handle" + "".join(part.capitalize() for part in ("before unload" if lst.event == "beforeunload"
                                                              else lst.event).split())


def _removal(file: CodeFile, lst: Listener, handler_text: str | None = None) -> str | None:
    """The statement that undoes the registration: `removeEventListener` with the same target,
    event, handler and options, or the `on...` property set back to null."""
    node = lst.node
    if node.type == "assignment_expression":
        left = node.child_by_field_name("left")
        return f"{file.text(left)} = null" if left is not None else None
    fn = node.child_by_field_name("function")
    args = call_args(node)
    if fn is None or len(args) < 2:
        return None
    target = fn.child_by_field_name("object") if fn.type == "member_expression" else None
    handler = handler_text or (file.text(args[1]) if args[1].type in _NAMED else None)
    if handler is None:
        return None
    rest = "".join(", " + file.text(a) for a in args[2:3])
    head = f"{file.text(target)}." if target is not None else ""
    return f"{head}removeEventListener({file.text(args[0])}, {handler}{rest})"


def _inline_handler(lst: Listener) -> Any:
    """The handler node when it is a function written in the call (to be named first)."""
    args = call_args(lst.node) if lst.node.type == "call_expression" else []
    return args[1] if len(args) >= 2 and args[1].type in FUNCTION_TYPES else None


def add_cleanup(ctx: CheckContext, finding: Finding) -> Draft | None:
    found = _listener(ctx, finding)
    if found is None:
        return None
    lst, file, stmt = found
    effect = lst.effect
    if effect is None or not (effect.start_byte <= stmt.start_byte and stmt.end_byte <= effect.end_byte):
        return None  # registered through a hook from elsewhere: the hook's own file is where to fix it
    body = effect.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    edits: list[Edit] = []
    inline = _inline_handler(lst)
    name = None
    if inline is not None:
        name = unique_name(file, _handler_name(lst))
        edits.append(file.statement_before(stmt, f"const {name} = {file.text(inline)}{_semi(file)}", reindent=False))
        edits.append(file.replace(inline, name))
    elif not _visible_at_end(ctx, file, lst, body):
        return None
    removal = _removal(file, lst, name)
    if removal is None:
        return None
    cleanup = _into_cleanup(file, body, removal + _semi(file))
    if cleanup is None:
        return None
    return Draft(tuple(edits) + cleanup)


def _visible_at_end(ctx: CheckContext, file: CodeFile, lst: Listener, body: Any) -> bool:
    """Is the handler's name declared where a cleanup at the end of the effect body sees it (in the
    body itself or outside the effect, not in a block nested in it)?"""
    args = call_args(lst.node) if lst.node.type == "call_expression" else []
    handler = args[1] if len(args) >= 2 else None
    if handler is None or handler.type != "identifier":
        return handler is not None and handler.type == "member_expression" or lst.node.type != "call_expression"
    decl = ctx.evaluator.find_decl(file.text(handler), handler, file.module)
    if not isinstance(decl, (VarBinding, FunctionBinding)):
        return True  # a parameter or an import: visible in the whole function
    block = next((a for a in ancestors(decl.node) if a.type == "statement_block"), None)
    if block is None or not (body.start_byte <= block.start_byte and block.end_byte <= body.end_byte):
        return True  # declared outside the effect
    return bool(block.id == body.id)


def _into_cleanup(file: CodeFile, body: Any, removal: str) -> tuple[Edit, ...] | None:
    """`removal` run by the effect's cleanup: appended to the cleanup it returns, or a new one."""
    valued = [r for r in returns(body) if [c for c in r.named_children if c.type != "comment"]]
    if not valued:
        top = [c for c in body.named_children if c.type != "comment"]
        if top and top[-1].type == "return_statement":
            return None  # an early `return;` at the end: the cleanup would never be reached as written
        edit = file.append_to_block(body, f"return () => {removal}")
        return (edit,) if edit is not None else None
    ret = valued[0]
    value = next(c for c in ret.named_children if c.type != "comment")
    if len(valued) > 1 or ret.parent is None or ret.parent.id != body.id or value.type not in FUNCTION_TYPES:
        return None  # several cleanups, or one we cannot see into (a function named elsewhere)
    inner = value.child_by_field_name("body")
    if inner is None:
        return None
    if inner.type == "statement_block":
        edit = file.append_to_block(inner, removal)
        return (edit,) if edit is not None else None
    return (file.replace(inner, "{ " + file.text(inner) + _semi(file) + " " + removal + " }"),)


# -- outside an effect (unsafe) -------------------------------------------------------------------
def wrap_in_effect(ctx: CheckContext, finding: Finding) -> Draft | None:
    """`window.addEventListener(...)` run on every render (or at module level) becomes an effect
    that registers it and removes it on cleanup, in the component that owns it. Unsafe: the
    listener is now registered after the render is committed, not during it."""
    found = _listener(ctx, finding)
    if found is None or found[0].effect is not None:
        return None
    lst, file, stmt = found
    if "use client" not in file.module.directives and "pages/" not in file.module.path:
        return None  # an effect in a server component does not build
    owner = next((a for a in ancestors(stmt) if a.type in FUNCTION_TYPES), None)
    edits: list[Edit] = []
    if owner is not None:
        body = owner.child_by_field_name("body")
        if body is None or stmt.parent is None or stmt.parent.id != body.id or not _is_component(file, owner):
            return None
        indent = file.line_indent(stmt.start_byte)
    else:
        component = _module_component(file)
        if stmt.parent is None or stmt.parent.type != "program" or component is None:
            return None
        body = component.child_by_field_name("body")
        first = next((c for c in (body.named_children if body is not None else []) if c.type != "comment"), None)
        if first is None:
            return None
        indent = file.line_indent(first.start_byte)
    use_effect, import_edit = _use_effect(file)
    effect = _effect_text(file, lst, stmt, use_effect, indent)
    if effect is None:
        return None
    if owner is not None:
        edits.append(file.replace(stmt, effect))
    else:
        edits.append(file.statement_before(first, effect, reindent=False))
        edits.append(_delete_lines(file, stmt))
    if import_edit is not None:
        edits.append(import_edit)
    return Draft(tuple(edits))


def _effect_text(file: CodeFile, lst: Listener, stmt: Any, use_effect: str, indent: str) -> str | None:
    unit, nl, semi = file.style.indent, file.style.newline, _semi(file)
    inline = _inline_handler(lst)
    lines = []
    handler_name = None
    registration = file.text(stmt)
    if inline is not None:
        handler_name = unique_name(file, _handler_name(lst))
        lines.append(f"const {handler_name} = {file.text(inline)}{semi}")
        cut = inline.start_byte - stmt.start_byte, inline.end_byte - stmt.start_byte
        raw = file.source[stmt.start_byte:stmt.end_byte]
        registration = (raw[:cut[0]] + handler_name.encode() + raw[cut[1]:]).decode("utf-8", "replace")
    lines.append(registration)
    removal = _removal(file, lst, handler_name)
    if removal is None:
        return None
    lines.append(f"return () => {removal}{semi}")
    # Copied code keeps its continuation lines where they were relative to its first line, one
    # level inside the effect (wherever the effect goes: in place, or into the component).
    was = file.line_indent(stmt.start_byte)
    moved = [nl.join([first, *(indent + unit + (rest[len(was):] if rest.startswith(was) else rest.lstrip(" \t"))
                               for rest in more)])
             for first, *more in (line.split(nl) for line in lines)]
    inner = (nl + indent + unit).join(moved)
    return f"{use_effect}(() => {{{nl}{indent}{unit}{inner}{nl}{indent}}}){semi}"


def _delete_lines(file: CodeFile, stmt: Any) -> Edit:
    start = file.source.rfind(b"\n", 0, stmt.start_byte) + 1
    end = file.source.find(b"\n", stmt.end_byte)
    return file.edit(start, len(file.source) if end < 0 else end + 1, "")


def _function_name(node: Any, file: CodeFile) -> str:
    name = node.child_by_field_name("name")
    if name is None and node.parent is not None and node.parent.type == "variable_declarator":
        name = node.parent.child_by_field_name("name")
    return file.text(name) if name is not None else ""


def _is_component(file: CodeFile, fn: Any) -> bool:
    """A function component or a hook: where React lets an effect be declared."""
    name = _function_name(fn, file)
    return bool(name) and (name[0].isupper() or (name.startswith("use") and name[3:4].isupper()))


def _module_component(file: CodeFile) -> Any:
    """The module's component (its default export, else its only one), as a function node."""
    found: list[tuple[bool, Any]] = []
    for child in file.module.root.named_children:
        default = child.type == "export_statement" and any(c.type == "default" for c in child.children)
        decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
        nodes = [decl] if decl is not None and decl.type == "function_declaration" else [
            d.child_by_field_name("value") for d in (decl.named_children if decl is not None and
                                                     decl.type == "lexical_declaration" else [])]
        for fn in nodes:
            if fn is not None and fn.type in FUNCTION_TYPES and _is_component(file, fn) and \
                    _function_name(fn, file)[:1].isupper():
                found.append((default, fn))
    defaults = [fn for is_default, fn in found if is_default]
    if defaults:
        return defaults[0]
    return found[0][1] if len(found) == 1 else None


def _use_effect(file: CodeFile) -> tuple[str, Edit | None]:
    """How this module calls useEffect, and the import edit that makes it callable if needed."""
    for local, binding in file.module.imports.items():
        if binding.source == "react" and binding.name == "useEffect":
            return local, None
    for local, binding in file.module.imports.items():
        if binding.source == "react" and binding.name in ("*", "default"):
            return f"{local}.useEffect", None
    semi = _semi(file)
    imports = [c for c in file.module.root.named_children if c.type == "import_statement"]
    for imp in imports:
        source = imp.child_by_field_name("source")
        if source is None or file.text(source).strip("'\"") != "react" or any(c.type == "type" for c in imp.children):
            continue  # `import type { FC }`: a name added there would be a type, not the callable hook
        named = next((n for c in imp.named_children if c.type == "import_clause"
                      for n in c.named_children if n.type == "named_imports"), None)
        first = next((s for s in (named.named_children if named is not None else []) if s.type == "import_specifier"),
                     None)
        if first is not None:
            return "useEffect", file.insert(first.start_byte, "useEffect, ")
    line = f"import {{ useEffect }} from {file.style.quote}react{file.style.quote}{semi}"
    if imports:
        return "useEffect", file.statement_after(imports[-1], line)
    prologue = [c for c in file.module.root.named_children if c.type == "expression_statement"
                and c.named_children and c.named_children[0].type == "string"]
    if prologue:
        return "useEffect", file.statement_after(prologue[-1], line)
    return "useEffect", file.insert(0, line + file.style.newline)
