"""A real Temporal dev server (its own SQLite file, our search attributes registered) and a migrated
SQLite read model beside it: what several test modules and the benchmarks (bench/stack.py) start,
in one place."""

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from models.tables import create_schema, make_engine
from starter.binaries import binary_path
from starter.search_attributes import ALL_KEYS


DELETE_AT_ONCE = ["--dynamic-config-value", "history.transferProcessorEnsureCloseBeforeDelete=false"]
"""Deleting a closed workflow (the retention tests) takes effect at once instead of after about 30 s, which
the server otherwise spends making sure the close's own tasks ran (they have: the tests wait for the result)."""


@asynccontextmanager
async def dev_stack(persistent: bool = True, log_level: str = "warn") -> AsyncIterator[tuple[WorkflowEnvironment, Engine, Path]]:
    """The dev server, the read model's engine, and the directory both live in (removed afterwards).
    `persistent`: the server keeps its state in a SQLite file there, as `complaints dev` runs it (so it
    survives a restart); otherwise in memory."""
    with tempfile.TemporaryDirectory(prefix="complaints-dev-") as tmp:
        directory = Path(tmp)
        engine = make_engine(f"sqlite:///{directory / 'read.db'}")
        create_schema(engine)
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=binary_path("temporal"),
            search_attributes=ALL_KEYS,
            dev_server_log_level=log_level,
            dev_server_extra_args=DELETE_AT_ONCE + (["--db-filename", str(directory / "temporal.db")] if persistent else []),
        )
        try:
            yield env, engine, directory
        finally:
            await env.shutdown()
            engine.dispose()
