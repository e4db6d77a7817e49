"""Install and publishing instructions that work: one placeholder URL everywhere, no
`pip install sop-check` (the name is not ours on PyPI), one version, a changelog entry for it."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from sop_check import REPOSITORY_URL, __version__

REPO = Path(__file__).resolve().parents[1]
OWNER_REPO = REPOSITORY_URL.removeprefix("https://github.com/")

# Files a user copies snippets from, or that carry the project's address.
SNIPPETS = ["README.md", "action.yml", *(str(p.relative_to(REPO)) for p in sorted((REPO / "examples").glob("*.yml")))]
DOCUMENTS = [*SNIPPETS, "CHANGELOG.md", "pyproject.toml", ".pre-commit-hooks.yaml",
             *(str(p.relative_to(REPO)) for p in sorted((REPO / "docs").glob("*.json")))]
# Actions and projects of others that the snippets legitimately name.
THIRD_PARTY = {"actions/checkout", "actions/setup-python", "github/codeql-action"}


def _existing(names: list[str]) -> list[Path]:
    return [REPO / n for n in names if (REPO / n).is_file()]


def test_the_placeholder_is_one_github_url() -> None:
    assert re.fullmatch(r"https://github\.com/OWNER/sop-check", REPOSITORY_URL), REPOSITORY_URL


@pytest.mark.parametrize("path", _existing(DOCUMENTS), ids=lambda p: p.name)
def test_every_link_to_the_project_uses_the_placeholder(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r"github\.com/([\w.-]+/[\w.-]+)", text):
        if m.group(1) in THIRD_PARTY or m.group(1).startswith("github/"):
            continue
        assert m.group(1) == OWNER_REPO, f"{path.name}: {m.group(0)} is not {REPOSITORY_URL}"
    for m in re.finditer(r"uses:\s*([\w.-]+/[\w.-]+)@", text):
        assert m.group(1) in THIRD_PARTY or m.group(1) == OWNER_REPO, f"{path.name}: uses {m.group(1)}"


@pytest.mark.parametrize("path", _existing(SNIPPETS), ids=lambda p: p.name)
def test_no_snippet_installs_the_unowned_pypi_name(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    bad = re.findall(r"pip install(?:\s+-[-\w]+)*\s+[\"']?sop-check(?:[=<>~\[\s\"']|$)", text, re.M)
    assert not bad, f"{path.name}: {bad}"


def test_pyproject_takes_the_version_and_urls_from_the_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sop_check.__version__"}
    assert project["project"]["urls"]["Repository"] == REPOSITORY_URL
    assert all(u.startswith(REPOSITORY_URL) for u in project["project"]["urls"].values())


def test_links_in_reports_come_from_the_constant() -> None:
    from sop_check.registry import all_rules
    from sop_check.report.sarif import INFO_URI

    assert INFO_URI == REPOSITORY_URL
    for rule in all_rules().values():
        assert rule.info().help_uri.startswith(REPOSITORY_URL + "/"), rule.code
    schema = json.loads((REPO / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    assert schema["$id"].startswith(REPOSITORY_URL + "/")


def test_changelog_has_a_section_for_the_current_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", text, re.M), __version__
    assert re.search(r"^## \[Unreleased\]", text, re.M)


def _yaml_blocks(markdown: str) -> list[object]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", markdown, re.S)]


def test_readme_pre_commit_snippet_pins_a_release_of_this_repository() -> None:
    blocks = [b for b in _yaml_blocks((REPO / "README.md").read_text(encoding="utf-8"))
              if isinstance(b, dict) and "repos" in b]
    assert blocks, "the README has no .pre-commit-config.yaml snippet"
    repo = blocks[0]["repos"][0]
    assert repo["repo"] == REPOSITORY_URL
    assert repo["rev"] == f"v{__version__}"
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in repo["hooks"]] == [hooks[0]["id"]]


def test_readme_git_install_names_the_current_release() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert f'pip install "git+{REPOSITORY_URL}@v{__version__}"' in text
