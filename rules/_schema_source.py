"""The source text of a validation schema (zod, valibot, yup, joi), with the declarations of the names
it uses appended: a shape hoisted into a constant, an imported field, a schema behind a barrel or a
namespace import. TAV002 reads it to tell whether the schema names the conversation id as required
(`_missing_id`); split out of that module because following declarations across modules is its
own job.
"""

from __future__ import annotations

from typing import Any

from sop_check.evaluate import Evaluator, ImportedBinding, VarBinding
from sop_check.jsmodule import Module, descendants

from sop_check_rules._id_expr import unwrap

def schema_source(ev: Evaluator, node: Any, mod: Module, depth: int = 0) -> str | None:
    """The schema's source text, with the declarations of the names it uses (a shape hoisted into
    a constant, an imported field, a schema behind a barrel or a namespace import) appended."""
    node = unwrap(node)
    if node.type in ("identifier", "member_expression"):
        found = _declaration(ev, node, mod)
        if found is None:
            return None
        mod, node = found
    parts = [mod.text(node)]
    if depth < 3:
        for ident in list(descendants(node, frozenset({"identifier"})))[:40]:
            found = _declaration(ev, ident, mod)
            if found is not None and found[1].id != node.id:
                text = schema_source(ev, found[1], found[0], depth + 1)
                if text is not None:
                    parts.append(text)
    return "\n".join(parts)


def _declaration(ev: Evaluator, node: Any, mod: Module) -> tuple[Module, Any] | None:
    """Where a name (or `namespace.name`) is declared: this module or the module it is imported
    from, through re-exports and `export *`."""
    if node.type == "member_expression":
        obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
        if obj is None or prop is None or obj.type != "identifier":
            return None
        ns = ev.find_decl(mod.text(obj), obj, mod)
        if isinstance(ns, ImportedBinding) and ns.binding.name == "*":
            return ev.index.imported_declaration(mod.path, ns.binding.source, mod.text(prop))
        return None
    if node.type != "identifier":
        return None
    decl = ev.find_decl(mod.text(node), node, mod)
    if isinstance(decl, VarBinding):
        return mod, decl.node
    if isinstance(decl, ImportedBinding):
        return ev.index.imported_declaration(mod.path, decl.binding.source, decl.binding.name)
    return None
