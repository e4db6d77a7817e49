"""What `next.config.*` says about routing (`basePath`, `pageExtensions`, `output`), read without running it.

Mirrors Next.js 15.5 (`server/config.js`): it loads the first of `next.config.js`,
`next.config.mjs`, `next.config.ts` in the app folder or, failing that, in the nearest
parent folder (it searches upwards; we stop at the repository root), and refuses to build when only
an unsupported name (`.cjs`, `.cts`, `.mts`, `.json`, `.jsx`, `.tsx`) is there. The
file is parsed, never executed: a key whose value is not a literal (a variable, an
env read, a spread) is reported as unresolved, naming the key and the file, so a rule
can say `unknown` instead of guessing the default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from sop_check.jsmodule import Module, string_value
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex

CONFIG_FILES = ("next.config.js", "next.config.mjs", "next.config.ts")
UNSUPPORTED_CONFIG_FILES = ("next.config.cjs", "next.config.cts", "next.config.mts", "next.config.json",
                            "next.config.jsx", "next.config.tsx")
DEFAULT_PAGE_EXTENSIONS = ("tsx", "ts", "jsx", "js")
# A key counts only where it configures the app: not inside rewrites/redirects
# (arrays of objects that carry their own `basePath: false`), nor nested options.
_SCOPE_BREAKERS = frozenset({"array", "pair", "method_definition"})
_MAX_SHOWN = 60


@record(frozen=True)
class NextConfig:
    """The routing part of an app's Next.js config, as far as it can be read statically."""

    file: str | None = None  # app-relative config file Next.js loads, None when there is none
    base_path: str = ""
    page_extensions: tuple[str, ...] = DEFAULT_PAGE_EXTENSIONS
    output: str = ""  # "export": a static export, no server (API routes disabled)
    unresolved: tuple[str, ...] = ()  # keys that could not be read, with the reason
    error: str | None = None  # the config makes `next build` fail

    @property
    def base_path_known(self) -> bool:
        return not any(u.startswith("basePath") for u in self.unresolved)

    @property
    def page_extensions_known(self) -> bool:
        return not any(u.startswith("pageExtensions") for u in self.unresolved)

    @property
    def routing_unresolved(self) -> list[str]:
        """What could change which files are served (pageExtensions, output)."""
        return [u for u in self.unresolved if u.startswith(("pageExtensions", "output"))]


def read_next_config(index: AppIndex) -> NextConfig:
    """The app's routing config (computed once per app)."""
    cached = index.memo.get("next-config")
    if isinstance(cached, NextConfig):
        return cached
    config = _read(index)
    index.memo["next-config"] = config
    return config


def find_up(index: AppIndex, names: tuple[str, ...]) -> str | None:
    """The first of `names` in the app folder, else in the nearest parent folder that has one
    (Next.js looks upwards), never above the repository root. App-relative (`../next.config.js`)."""
    found = next((n for n in names if index.has_file(n)), None)
    if found is not None:
        return found
    try:
        depth = len(index.root.resolve().relative_to(index.repo_root.resolve()).parts)
    except ValueError:
        return None
    for up in range(1, depth + 1):
        prefix = "../" * up
        for name in names:
            candidate = index.root / (prefix + name)
            if index.source.is_file(candidate):  # the work tree, or the index under --staged
                return prefix + name
    return None


def _read(index: AppIndex) -> NextConfig:
    name = find_up(index, CONFIG_FILES)
    if name is None:
        bad = find_up(index, UNSUPPORTED_CONFIG_FILES)
        if bad is not None:
            return NextConfig(error=f"Next.js does not load {bad} (only {', '.join(CONFIG_FILES)}): "
                                    "`next build` fails")
        return NextConfig()
    mod = index.module(name)
    if mod is None:
        return NextConfig(file=name, unresolved=(f"basePath: cannot read {name}",
                                                 f"pageExtensions: cannot read {name}", f"output: cannot read {name}"))
    base_path: str = ""
    output = ""
    exts: tuple[str, ...] = DEFAULT_PAGE_EXTENSIONS
    unresolved: list[str] = []
    for key, reader in (("basePath", _string), ("pageExtensions", _string_list), ("output", _string)):
        values = [reader(mod, node) for node in _settings(mod, key)]
        if not values:
            continue
        if any(v is None for v in values) or len({repr(v) for v in values}) > 1:
            shown = "; ".join(_shown(mod, n) for n in _settings(mod, key))
            unresolved.append(f"{key} in {name} is not a literal Next.js config value ({shown})")
            continue
        if key == "basePath":
            base_path = str(values[0])
        elif key == "output":
            output = str(values[0])
        else:
            found = values[0]
            exts = tuple(found) if isinstance(found, tuple) and found else exts
    return NextConfig(file=name, base_path=base_path, page_extensions=exts, output=output,
                      unresolved=tuple(unresolved))


def _settings(mod: Module, key: str) -> Iterator[Any]:
    """Value nodes given to `key` in the config (pairs, shorthands, `config.key = ...`)."""
    stack = [mod.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "pair":
            k = node.child_by_field_name("key")
            if k is not None and mod.text(k).strip("'\"") == key and _at_config_level(node):
                value = node.child_by_field_name("value")
                if value is not None:
                    yield value
        elif node.type == "shorthand_property_identifier" and mod.text(node) == key and _at_config_level(node):
            yield node
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            prop = left.child_by_field_name("property") if left is not None and left.type == "member_expression" \
                else None
            right = node.child_by_field_name("right")
            if prop is not None and mod.text(prop) == key and right is not None:
                yield right
        stack.extend(reversed(node.children))


def _at_config_level(node: Any) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _SCOPE_BREAKERS:
            return False
        parent = parent.parent
    return True


def _string(mod: Module, node: Any) -> str | None:
    if node.type == "string":
        return _literal(mod, node)
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return mod.text(node)[1:-1]
    return None


def _string_list(mod: Module, node: Any) -> tuple[str, ...] | None:
    if node.type != "array":
        return None
    out: list[str] = []
    for child in node.named_children:
        if child.type == "comment":
            continue
        value = _string(mod, child)
        if value is None:
            return None
        out.append(value)
    return tuple(out)


def _literal(mod: Module, node: Any) -> str:
    return string_value(mod, node)


def _shown(mod: Module, node: Any) -> str:
    text = " ".join(mod.text(node).split())
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
