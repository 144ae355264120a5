"""The benchmarks' stack: a real Temporal dev server, a scratch SQLite read model, and both workers."""

import compileall
from concurrent.futures import ThreadPoolExecutor
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from bench.floor import NoopWorkflow, nothing
from tests.dev_stack import dev_stack as server_and_read_model
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
    async with server_and_read_model(persistent, log_level="error") as (env, engine, directory):
        async with (
            build_worker(env.client, engine, CASES, **worker_options),
            Worker(
                env.client,
                task_queue=FLOOR,
                workflows=[NoopWorkflow],
                activities=[nothing],
                activity_executor=ThreadPoolExecutor(4),
                **worker_options,
            ),
        ):
            yield Stack(env.client, engine, directory / "read.db")


async def print_by_server_mode(header: str, measure_rows: Callable[[str, bool], Awaitable[str]], target: str) -> None:
    """A markdown table: `header` (its column names), then the rows `measure_rows(server, persistent)`
    gives for each server mode, printed as each mode finishes, then the target."""
    print(f"| dev server | {header} |")
    print("|---" * (header.count("|") + 2) + "|")
    for server, persistent in SERVER_MODES:
        print(await measure_rows(server, persistent), flush=True)
    print(f"\n{target}")
