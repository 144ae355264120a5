"""The `complaints` command run inside the test process with Typer's CliRunner: the same Typer app the
console script runs (`starter.cli:main` adds only the process exit), without a Python start-up and
imports per call. `tests/test_cli.py` keeps a few runs of the installed console script itself."""

import asyncio
from collections.abc import Mapping

from typer.testing import CliRunner, Result

from reports.timeliness import code_profile
from starter.cli import app

Environment = Mapping[str, str | None]
"""Variables set for one call only and restored afterwards (None: unset for the call)."""


def complaints(*args: str, input: str | bytes | None = None, env: Environment | None = None) -> Result:
    """`complaints ARGS` with `input` on standard input: `.stdout` and `.stderr` apart, `.exit_code`.

    Settings are read from the environment at each call (`models.settings.load_settings`, uncached); the one
    cache read from it, the Code's profile from `$COMPLAINTS_POLICY_DIR`, is cleared before and after, so
    neither this call nor a later test sees another's directory. An exception the command does not handle
    is raised here, where the console script would print a traceback and exit 1."""
    code_profile.cache_clear()
    try:
        return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False, prog_name="complaints")
    finally:
        code_profile.cache_clear()


async def complaints_in_thread(*args: str, input: str | bytes | None = None, env: Environment | None = None) -> Result:
    """`complaints` from an async test: commands call `asyncio.run`, which cannot start inside the test's
    running event loop, so the command runs in a worker thread (one call at a time: the runner swaps
    `sys.stdout` and `os.environ` for the process while it runs)."""
    return await asyncio.to_thread(complaints, *args, input=input, env=env)
