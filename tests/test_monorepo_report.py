"""Reports that scale to a monorepo: on a generated 40-app repo the apps that use Tavus come first,
the others are one line, apps and rule results are counted apart, and several Tavus apps end
with an app x rule matrix; the GitHub job summary has the same order and counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_check.cli import main
from test_fixtures import copy_fixture

PLAIN_PAGE = "export default function Page() {{\n  return <main>site {n}</main>;\n}}\n"


def make_monorepo(root: Path, plain: int, tavus: dict[str, str]) -> Path:
    """`plain` Next.js apps without Tavus (apps/app-00...) and Tavus apps copied from fixtures.

    The Tavus apps' names sort after the plain ones, so discovery meets them last."""
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "mono", "private": True, "workspaces": ["apps/*"]}))
    for n in range(plain):
        app = root / "apps" / f"app-{n:02d}"
        (app / "app").mkdir(parents=True)
        (app / "package.json").write_text(json.dumps({"name": f"app-{n:02d}", "dependencies": {"next": "15.0.3"}}))
        (app / "app" / "page.tsx").write_text(PLAIN_PAGE.format(n=n))
    for name, fixture in tavus.items():
        copy_fixture(fixture, root / "staging").rename(root / "apps" / name)
    (root / "staging").rmdir()
    return root


@pytest.fixture(scope="module")
def one_tavus_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_monorepo(tmp_path_factory.mktemp("one") / "repo", 39, {"web": "app-router-compliant"})


@pytest.fixture(scope="module")
def two_tavus_apps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_monorepo(tmp_path_factory.mktemp("two") / "repo", 38,
                         {"kiosk": "keepalive-false", "web": "app-router-compliant"})


def check(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root), *args], env={"CI": "", **(env or {})},
                                catch_exceptions=False)
    return result.exit_code, result.stdout


def test_one_tavus_app_first_and_the_other_39_in_one_line(one_tavus_app: Path) -> None:
    code, out = check(one_tavus_app)
    lines = out.splitlines()
    assert code == 0, out
    assert lines[0] == "app apps/web"
    assert lines.count("39 apps do not use Tavus (--verbose lists them)") == 1
    assert not [x for x in lines if x.startswith("app apps/app-")]
    assert "app x rule:" not in lines  # one checked app: its table says it all
    assert lines[-2].startswith("1 app checked, 39 skipped (no Tavus); 7 rule results: 6 passed, 0 failed, "
                                "0 unknown, 1 skipped, 0 errors; 0 findings"), lines[-2]
    assert len(lines) < 20, out


def test_verbose_lists_the_apps_without_tavus(one_tavus_app: Path) -> None:
    _, out = check(one_tavus_app, "--verbose")
    lines = out.splitlines()
    start = lines.index("39 apps do not use Tavus:")
    assert lines[start + 1:start + 40] == [f"  apps/app-{n:02d}" for n in range(39)]
    assert lines.index("app apps/web") < start


def test_several_tavus_apps_end_with_an_app_by_rule_matrix(two_tavus_apps: Path) -> None:
    code, out = check(two_tavus_apps)
    lines = out.splitlines()
    assert code == 1
    # Tavus apps first, in discovery order, though discovery meets them after 38 others.
    assert [x for x in lines if x.startswith("app ")] == ["app apps/kiosk", "app apps/web", "app x rule:"]
    assert "38 apps do not use Tavus (--verbose lists them)" in lines
    header = lines[lines.index("app x rule:") + 1].split()
    assert header[:8] == ["app", "TAV001", "TAV002", "TAV003", "TAV004", "TAV005", "TAV006", "TAV007"]
    rows = {x.split()[0]: x.split()[1:] for x in lines[lines.index("app x rule:") + 2:][:2]}
    assert rows["apps/kiosk"][header.index("TAV004") - 1] == "fail"
    assert rows["apps/kiosk"][header.index("TAV001") - 1] == "pass"
    assert rows["apps/web"][header.index("TAV004") - 1] == "pass"
    assert re.match(r"2 apps checked, 38 skipped \(no Tavus\); 14 rule results: \d+ passed, 1 failed, 0 unknown, "
                    r"\d+ skipped, 0 errors; 1 finding$", lines[-2]), lines[-2]


def test_json_counts_apps_and_rule_results_apart_and_keeps_every_app(two_tavus_apps: Path) -> None:
    _, out = check(two_tavus_apps, "--format", "json")
    data = json.loads(out)
    summary = data["summary"]
    assert (summary["apps"], summary["apps_checked"], summary["apps_skipped"]) == (40, 2, 38)
    assert summary["rules"] == 14 and summary["fail"] == 1
    checked = [r for a in data["apps"] if not a["skipped_reason"] for r in a["results"]]
    assert summary["skip"] == sum(r["status"] == "skip" for r in checked) < 38
    assert [a["root"] for a in data["apps"]][:2] == ["apps/app-00", "apps/app-01"]  # data keeps discovery order


def test_job_summary_has_the_same_order_and_counts(two_tavus_apps: Path, tmp_path: Path) -> None:
    summary_file = tmp_path / "summary.md"
    _, text = check(two_tavus_apps)
    check(two_tavus_apps, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary_file)})
    md = summary_file.read_text(encoding="utf-8")
    text_summary = text.splitlines()[-2]
    assert f"**{text_summary}**" in md
    assert md.index("### app `apps/kiosk`") < md.index("### app `apps/web`") < md.index(
        "<summary>38 apps do not use Tavus</summary>") < md.index("### app × rule")
    assert "### app `apps/app-" not in md and md.count("- `apps/app-") == 38
    assert "| `apps/kiosk` | ✅ | ✅ | ✅ | ❌ |" in md


def test_markdown_format_is_the_job_summary(two_tavus_apps: Path, tmp_path: Path) -> None:
    summary_file = tmp_path / "summary.md"
    check(two_tavus_apps, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary_file)})
    _, md = check(two_tavus_apps, "--format", "markdown")
    assert md == summary_file.read_text(encoding="utf-8")
