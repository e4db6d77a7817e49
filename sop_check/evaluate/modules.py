"""Names across modules: what a module exports (through re-exports and `export *`) and imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sop_check.evaluate.scopes import ImportedBinding
from sop_check.evaluate.values import External, Func, Namespace, Unknown, UnknownKind, Value
from sop_check.jsmodule import ImportBinding, Module

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol


def module_export(ev: EvaluatorProtocol, path: str, name: str) -> Value:
    """The value a module exports under `name` (memoised; a re-export cycle is `Unknown(CYCLE)`)."""
    def cut(cycle: bool) -> Unknown:
        if cycle:
            return Unknown(UnknownKind.CYCLE, f"the export '{name}' of {path} is defined in terms of itself")
        return Unknown(UnknownKind.TOO_DEEP, f"re-export chain too long at {path}")

    return ev.memoised(("export", path, name), lambda: _export(ev, path, name), cut)


def _export(ev: EvaluatorProtocol, path: str, name: str) -> Value:
    mod = ev.index.module(path)
    if mod is None:
        return Unknown(UnknownKind.UNREADABLE, f"cannot read {path}")
    entry = mod.exports.get(name)
    if entry is not None:
        if entry.source is not None:
            target = ev.index.resolve_import(path, entry.source)
            if target is None:
                return unresolved_import(ev, entry.source, entry.imported or name)
            if entry.imported == "*":
                return Namespace(target)
            return module_export(ev, target, entry.imported or name)
        if entry.local is not None:
            return lookup_top(ev, mod, entry.local)
        if entry.node is not None:
            return ev.eval(entry.node, mod, None)
    for star in mod.star_exports:
        target = ev.index.resolve_import(path, star)
        if target is not None:
            value = module_export(ev, target, name)
            if not _not_there(ev, value, target, name):
                return value
    return Unknown(UnknownKind.NO_EXPORT, f"no export '{name}' in {path}")


def _not_there(ev: EvaluatorProtocol, value: Value, target: str, name: str) -> bool:
    """`export *` from `target` does not provide `name` (also when only a cycle of `export *` led back)."""
    if not isinstance(value, Unknown):
        return False
    if value.kind is UnknownKind.NO_EXPORT:
        return True
    mod = ev.index.module(target)
    return value.kind is UnknownKind.CYCLE and (mod is None or name not in mod.exports)


def unresolved_import(ev: EvaluatorProtocol, spec: str, name: str) -> Value:
    """A package import is an `External`; a local one that does not resolve is unknown."""
    if ev.index.is_local_specifier(spec):
        return Unknown(UnknownKind.UNRESOLVED_IMPORT, f"import '{name}' from '{spec}' does not resolve to a file")
    return External(f"{spec}:{name}")


def lookup_top(ev: EvaluatorProtocol, mod: Module, name: str) -> Value:
    """A name at module level: a declaration, an import, or a global."""
    if name in mod.decls:
        return ev.decl_value(mod.decls[name], name, mod, None)
    if name in mod.imports:
        return import_value(ev, mod, mod.imports[name])
    return External(name)


def import_value(ev: EvaluatorProtocol, mod: Module, binding: ImportBinding) -> Value:
    target = ev.index.resolve_import(mod.path, binding.source)
    if target is None:
        return unresolved_import(ev, binding.source, binding.name)
    if binding.name == "*":
        return Namespace(target)
    return module_export(ev, target, binding.name)


def origin_name(ev: EvaluatorProtocol, node: Node, mod: Module) -> str:
    """The name a callee or JSX tag has where it is defined, read through the imports: `alias` in
    `import { useEffect as alias } from 'react'` is `useEffect`, `B` in `import { Button as B }` is
    `Button`, `React.useEffect` and `<ui.Button>` their last part. A default import is the name of
    what the module exports (`import B from './EndButton'` -> the function's name) when that is a
    named function or a package's export; anything else (a local name, a global) is its spelling.
    Rules that know hooks and components by name ask this, never the text at the call."""
    text = mod.text(node).replace("?.", ".").replace(" ", "")
    if "." in text or text not in mod.imports:
        return text.rsplit(".", 1)[-1]
    decl = ev.find_decl(text, node, mod)
    if not isinstance(decl, ImportedBinding) or decl.binding.name == "*":
        return text
    binding = decl.binding
    if not ev.index.is_local_specifier(binding.source):
        return binding.name if binding.name != "default" else text
    value = import_value(ev, mod, binding)
    if isinstance(value, External):  # a project module re-exporting a package's name
        return value.name.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
    if isinstance(value, Func):
        own = function_name(value.node, value.module)
        if own is not None:
            return own
    return binding.name if binding.name != "default" else text


def function_name(fn: Node, mod: Module) -> str | None:
    """A function's own name: `function F`, `const F = () => …`, `const F = memo(function …)`."""
    name = fn.child_by_field_name("name")
    parent = fn.parent
    if name is None and parent is not None and parent.type == "arguments" and parent.parent is not None:
        parent = parent.parent.parent  # forwardRef(…) / memo(…)
    if name is None and parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
    return mod.text(name) if name is not None and name.type == "identifier" else None
