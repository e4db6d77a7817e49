"""The mutation-testing setup stays runnable (tests/mutation/README.md); mutmut itself is not run here.

Cheap checks of what would make a later `mutmut run` silently wrong: a test module named in the
selection that no longer exists, an equivalent mutant whose function is gone, or the rule-pack
alias not making `sop_check_rules` the mutated `rules` (every rule mutant would then survive).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from mutation_report import equivalent_mutants  # noqa: E402

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]


def test_the_selection_is_the_test_folder_less_existing_slow_modules() -> None:
    args = CONFIG["pytest_add_cli_args_test_selection"]
    assert "tests" in args and args[args.index("-m") + 1] == "not e2e"
    ignored = [args[i + 1] for i, a in enumerate(args) if a == "--ignore"]
    for path in ignored:
        assert (ROOT / path).exists(), f"{path} is ignored but does not exist"
    assert {"tests/e2e", "tests/test_metamorphic.py"} <= set(ignored)
    # The fix recipes (rules/_*fixes.py) and TAV102's git reading are reached only by these: left
    # out, a recipe's mutants survive (a whole run with them left out scored TAV102 at 4%).
    assert not {"tests/test_fix_engine.py", "tests/test_fix_fixtures.py", "tests/test_fix_cli.py",
                "tests/test_staged.py"} & set(ignored)
    for source in CONFIG["source_paths"]:
        assert (ROOT / source).is_dir(), source


def _functions(path: Path) -> set[str]:
    """mutmut's names for the functions of a module: `x_f`, and `xǁClassǁmethod`."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(f"x_{node.name}")
        elif isinstance(node, ast.ClassDef):
            names |= {f"xǁ{node.name}ǁ{f.name}" for f in node.body
                      if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


def test_every_equivalent_mutant_names_a_function_that_exists() -> None:
    listed = equivalent_mutants()
    assert listed
    for name in sorted(listed):
        function = name.partition("__mutmut_")[0]
        module, _, mangled = function.rpartition(".")
        path = ROOT / (module.replace(".", "/") + ".py")
        assert path.is_file(), f"{name}: no module {path}"
        assert mangled in _functions(path), f"{name}: {mangled} is not in {path.relative_to(ROOT)}"


def test_under_mutmut_the_rule_pack_is_the_mutated_rules_folder() -> None:
    code = (
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\n"
        "import mutmut_support\n"
        "mutmut_support.install()\n"
        "import rules._urls, sop_check_rules._urls\n"
        "assert sop_check_rules._urls is rules._urls and rules._urls.__name__ == 'rules._urls'\n"
        "from sop_check.registry import all_rules\n"
        "modules = {r.__module__ for r in all_rules().values()}\n"
        "assert modules and all(m.startswith('rules.') for m in modules), modules\n"
        "assert sys.modules['sop_check_rules'] is sys.modules['rules']\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
