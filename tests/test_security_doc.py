"""SECURITY.md names a test for every threat; each one it names must exist (a renamed or deleted test
fails here, so the table never points at nothing)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def named_tests() -> list[tuple[str, str]]:
    """(file, test) for every `tests/FILE::NAME` and following `::NAME` (same file) in the table."""
    found = []
    for row in (ROOT / "SECURITY.md").read_text().splitlines():
        if not row.startswith("|"):
            continue
        current = None
        for file, name in re.findall(r"`(tests/[\w/]+\.py)?::(\w+)`", row):
            current = file or current
            assert current, f"`::{name}` without a file before it: {row[:80]}"
            found.append((current, name))
    return found


def test_every_test_security_md_names_exists():
    named = named_tests()
    assert len(named) > 40
    missing = []
    for file, name in named:
        path = ROOT / file
        functions = (
            {
                node.name
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            if path.exists()
            else set()
        )
        if name not in functions:
            missing.append(f"{file}::{name}")
    assert missing == []
