"""Fault tests: things break, nothing is lost or done twice.

A worker killed with SIGKILL mid-batch, the Temporal dev server stopped with timers pending, and two
staff acting on one case at the same moment. Real processes throughout: `complaints worker` as a child
process, the `temporal` dev server on a SQLite file.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter

from models.case import Acknowledge, CaseInput, Respond
from models.tables import Case, CaseEvent, Notice, create_schema, make_engine
from starter.binaries import binary_path
from starter.dev import dev_server_command
from worker import build_worker
from workflows.complaint import ComplaintWorkflow

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def connect(port: int) -> Client:
    for _ in range(150):
        try:
            return await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise RuntimeError("dev server did not start")


def start_server(port: int, db_file: Path) -> subprocess.Popen:
    command = dev_server_command(port, free_port(), db_file) + ["--headless"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_worker(port: int, database_url: str, task_queue: str, policy_dir: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "TEMPORAL_ADDRESS": f"127.0.0.1:{port}", "DATABASE_URL": database_url,
           "COMPLAINTS_TASK_QUEUE": task_queue}
    if policy_dir is not None:
        env["COMPLAINTS_POLICY_DIR"] = str(policy_dir)
    return subprocess.Popen([str(Path(sys.executable).parent / "complaints"), "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def test_worker_killed_mid_batch_loses_and_repeats_nothing(tmp_path):
    port = free_port()
    server = start_server(port, tmp_path / "temporal.db")
    database_url = f"sqlite:///{tmp_path / 'read.db'}"
    engine = make_engine(database_url)
    create_schema(engine)
    worker = start_worker(port, database_url, "kill9")
    try:
        client = await connect(port)
        received = datetime.now(timezone.utc)
        handles = [
            await client.start_workflow(
                ComplaintWorkflow.run,
                CaseInput(reference=f"KIL-2026-{i:06d}", landlord="kill", policy_id="code-2024", policy_version=1,
                          received_at=received),
                id=f"KIL-2026-{i:06d}", task_queue="kill9",
            )
            for i in range(30)
        ]
        acks = [asyncio.create_task(h.execute_update(ComplaintWorkflow.acknowledge, Acknowledge(command_id="ack", definition_ref="definition-1")))
                for h in handles]
        await asyncio.sleep(0.3)
        worker.send_signal(signal.SIGKILL)  # mid-batch: some acknowledgements done, some in flight
        worker.wait()
        worker = start_worker(port, database_url, "kill9")
        await asyncio.wait_for(asyncio.gather(*acks), 120)
        # A retry from a UI that never saw its answer carries the same command_id: a no-op.
        await asyncio.gather(*(h.execute_update(ComplaintWorkflow.acknowledge, Acknowledge(command_id="ack", definition_ref="definition-1"))
                               for h in handles))
        await asyncio.gather(*(h.execute_update(ComplaintWorkflow.respond, Respond(command_id="resp", outcome="upheld"))
                               for h in handles))
        for handle in handles:
            view = await handle.query(ComplaintWorkflow.case)
            assert [e.type for e in view.events] == ["received", "acknowledge", "respond"]
            with Session(engine) as session:
                for _ in range(100):
                    rows = session.exec(select(CaseEvent).where(CaseEvent.reference == handle.id)).all()
                    if len(rows) == 3:
                        break
                    await asyncio.sleep(0.05)
                assert sorted((r.seq, r.type) for r in rows) == [(e.seq, e.type) for e in view.events]
                assert session.get(Case, handle.id).state == "stage1_responded"
    finally:
        worker.kill()
        server.terminate()
        server.wait(30)
        engine.dispose()


async def test_timers_due_while_the_server_is_down_fire_after_restart_at_their_instant(tmp_path):
    """A one-day acknowledgement profile puts a due_soon notice ten seconds after receipt."""
    policies = tmp_path / "policies"
    policies.mkdir()
    text = (ROOT / "policies" / "code-2024.toml").read_text()
    (policies / "fast-ack.toml").write_text(
        text.replace('id = "code-2024"', 'id = "fast-ack"').replace("acknowledge_working_days = 5", "acknowledge_working_days = 1", 1)
    )
    port = free_port()
    db_file = tmp_path / "temporal.db"
    server = start_server(port, db_file)
    database_url = f"sqlite:///{tmp_path / 'read.db'}"
    engine = make_engine(database_url)
    create_schema(engine)
    worker = start_worker(port, database_url, "restart", policies)
    try:
        client = await connect(port)
        # Received Mon 2 Mar 2026 08:59:50; acknowledge by Tue 3 Mar; due_soon at Mon 09:00:00.
        handle = await client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(reference="SRV-2026-000001", landlord="restart", policy_id="fast-ack", policy_version=1,
                      received_at=datetime(2026, 3, 2, 8, 59, 50, tzinfo=timezone.utc), clock_anchored_to_received=True),
            id="SRV-2026-000001", task_queue="restart",
        )
        for _ in range(100):
            if (await handle.query(ComplaintWorkflow.case)).events:
                break
            await asyncio.sleep(0.1)
        server.terminate()
        server.wait(30)
        await asyncio.sleep(12)  # the notice falls due while the server is down
        server = start_server(port, db_file)
        client = await connect(port)
        handle = client.get_workflow_handle("SRV-2026-000001")
        for _ in range(300):
            view = await handle.query(ComplaintWorkflow.case)
            if view.notices:
                break
            await asyncio.sleep(0.1)
        assert [(n.kind, n.deadline, n.at) for n in view.notices] == [
            ("due_soon", "stage1.acknowledge", datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
        ]
        for _ in range(100):
            with Session(engine) as session:
                rows = session.exec(select(Notice)).all()
            if rows:
                break
            await asyncio.sleep(0.1)
        assert [(r.kind, r.idempotency_key) for r in rows] == [
            ("due_soon", "SRV-2026-000001|stage1.acknowledge|due_soon|2026-03-03")
        ]
    finally:
        worker.kill()
        server.terminate()
        server.wait(30)
        engine.dispose()


async def test_two_staff_acting_at_once_exactly_one_wins(sim):
    from tests.test_commands import at, open_case

    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    when = await at(sim, offset, "2026-03-03T10:00:00+00:00")
    first, second = await asyncio.gather(
        handle.execute_update(ComplaintWorkflow.acknowledge, Acknowledge(command_id="alice", definition_ref="definition-1", occurred_at=when)),
        handle.execute_update(ComplaintWorkflow.acknowledge, Acknowledge(command_id="bob", definition_ref="definition-1", occurred_at=when)),
        return_exceptions=True,
    )
    outcomes = [first, second]
    failures = [o for o in outcomes if isinstance(o, WorkflowUpdateFailedError)]
    assert len(failures) == 1, outcomes
    assert "acknowledge is not allowed while the complaint is Stage 1 acknowledged" in str(failures[0].cause)
    view = await handle.query(ComplaintWorkflow.case)
    assert [e.type for e in view.events] == ["received", "acknowledge"]
