"""The shape the codebase keeps (issue 28): no module of the system over 400 lines, no function over 60.

A function is measured from its first statement: a Typer command's options are declarations (name, type,
help), not logic, and the CLI's `simulate` declares twenty. Left out: the tests themselves, and the Alembic
migrations (each is the frozen record of one schema change, never edited once released).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ("accounts", "activities", "bench", "casework", "models", "reports", "starter", "workflows")
MODULE_LINES = 400
FUNCTION_LINES = 60


def modules() -> list[Path]:
    found = [ROOT / "worker.py"]
    for package in PACKAGES:
        found.extend(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)
    return sorted(found)


def test_the_packages_are_where_this_test_looks():
    assert all((ROOT / package).is_dir() for package in PACKAGES)
    assert len(modules()) > 150


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(ROOT)): n for path in modules() if (n := len(path.read_text().splitlines())) > MODULE_LINES}
    assert long == {}, f"split these by what they hold: {long}"


def test_no_function_is_over_60_lines():
    long = {}
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.body[0].lineno + 1
                if lines > FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}, f"too long to read at once: {long}"
