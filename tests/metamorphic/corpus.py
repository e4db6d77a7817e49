"""The compliant projects the rewrites start from: every fixture whose expected.toml says `pass`
for TAV001-TAV005 (for at least one app), and the bundled example."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from metamorphic.source import Project, load_project

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
EXAMPLE = REPO / "examples" / "tavus-avatar-app"
SOP_RULES = ("TAV001", "TAV002", "TAV003", "TAV004", "TAV005")
RENAMES = {"env.local.fixture": ".env.local", "env.fixture": ".env"}
META = ("expected.toml", "expected.txt")


def _compliant(expect: dict[str, Any]) -> bool:
    tables = expect.values() if all(isinstance(v, dict) for v in expect.values()) else [expect]
    return any(all(t.get(rule) == "pass" for rule in SOP_RULES) for t in tables)


def compliant_names() -> list[str]:
    names = []
    for toml in sorted(FIXTURES.glob("*/expected.toml")):
        if _compliant(tomllib.loads(toml.read_text(encoding="utf-8")).get("expect", {})):
            names.append(toml.parent.name)
    return names + ["example"]


def load(name: str) -> Project:
    root = EXAMPLE if name == "example" else FIXTURES / name
    return load_project(root, RENAMES, META)
