"""The benchmarks' stack: a real Temporal dev server, a scratch SQLite read model, and both workers."""

import compileall
import tempfile
from concurrent.futures import ThreadPoolExecutor
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.floor import NoopWorkflow, nothing
from models.tables import create_schema, make_engine
from starter.binaries import binary_path
from workflows import visibility
from worker import build_worker, send_core_logs_to_python

ROOT = Path(__file__).resolve().parent.parent
SERVER_MODES = (("SQLite file", True), ("in memory", False))
"""Benchmarks 1 and 2 run on both: the dev server as `complaints dev` runs it, and in memory."""
CASES = "bench-cases"
FLOOR = "bench-floor"


@dataclass
class Stack:
    client: Client
    engine: Engine
    db_file: Path


def compile_bytecode() -> None:
    """An installed worker runs from bytecode (pip compiles the package; see the Dockerfile), and the
    workflow sandbox re-imports the workflow's modules for every case. This machine sets
    PYTHONDONTWRITEBYTECODE, which would make each case recompile them from source, so compile first."""
    for package in ("workflows", "models"):
        compileall.compile_dir(ROOT / package, quiet=1)


@asynccontextmanager
async def dev_stack(persistent: bool = False, **worker_options) -> AsyncIterator[Stack]:
    """`persistent`: the server keeps its state in a SQLite file, as `complaints dev` runs it;
    otherwise in memory (the floor's fastest case)."""
    send_core_logs_to_python("ERROR")
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="complaints-bench-") as tmp:
        db_file = Path(tmp) / "read.db"
        engine = make_engine(f"sqlite:///{db_file}")
        create_schema(engine)
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=binary_path("temporal"),
            search_attributes=visibility.KEYS,
            dev_server_log_level="error",
            dev_server_extra_args=["--db-filename", str(Path(tmp) / "temporal.db")] if persistent else [],
        )
        try:
            async with build_worker(env.client, engine, CASES, **worker_options), Worker(
                env.client, task_queue=FLOOR, workflows=[NoopWorkflow], activities=[nothing],
                activity_executor=ThreadPoolExecutor(4), **worker_options
            ):
                yield Stack(env.client, engine, db_file)
        finally:
            await env.shutdown()
            engine.dispose()
