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

from mutation_report import equivalent_mutants, sample, table, wilson  # noqa: E402

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


def test_a_sample_is_drawn_from_every_module_less_the_equivalents_and_repeats_with_its_seed() -> None:
    by_module = {"rules.a": {f"rules.a.x_f__mutmut_{i}": None for i in range(50)},
                 "rules.b": {f"rules.b.x_g__mutmut_{i}": None for i in range(50)}}
    equivalent = {"rules.a.x_f__mutmut_3"}
    drawn = sample(by_module, equivalent, 99, seed=7)
    assert len(drawn) == 99 and "rules.a.x_f__mutmut_3" not in drawn
    assert sample(by_module, equivalent, 10, seed=7) == sample(by_module, equivalent, 10, seed=7)
    assert sample(by_module, equivalent, 10, seed=7) != sample(by_module, equivalent, 10, seed=8)
    assert len(sample(by_module, equivalent, 500, seed=1)) == 99  # never more than there are


def test_the_total_of_a_partial_run_is_an_estimate_with_its_interval() -> None:
    low, high = wilson(90, 100)
    assert (round(low, 3), round(high, 3)) == (0.826, 0.945)
    assert wilson(100, 100)[1] == 1.0 and wilson(0, 10)[0] == 0.0
    codes: dict[str, int | None] = {f"m.x_f__mutmut_{i}": (1 if i < 9 else 0) for i in range(10)}
    whole = table({"m": codes}, set())[-1]
    assert whole == "| total | 10 | 10 | 9 | | 1 | | 0 | 90.0% |"
    codes.update({f"m.x_g__mutmut_{i}": None for i in range(10)})
    partial = table({"m": codes}, {"m.x_f__mutmut_9"})[-1]
    assert partial == "| total | 20 | 10 | 9 | | 0 | | 1 | 100.0% (sample; 95%: 70.1-100.0%) |"
