"""Fault tests: things break, nothing is lost or done twice.

A worker killed with SIGKILL mid-batch, the Temporal dev server stopped with timers pending, and two
staff acting on one case at the same moment. Real processes throughout: `complaints worker` as a child
process, the `temporal` dev server on a SQLite file.
"""

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.postgres import PostgresUnavailable, private_cluster
from models.policy import load_profile
from models.case import Acknowledge, CaseInput, Respond, Withdraw
from models.tables import Case, CaseEvent, Notice, create_schema, make_engine
from starter.dev import dev_server_command
from workflows.complaint import ComplaintWorkflow

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def connect(port: int) -> Client:
    for _ in range(450):
        try:
            return await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise RuntimeError("dev server did not start within 90 s")


def start_server(port: int, db_file: Path) -> subprocess.Popen:
    command = dev_server_command(port, free_port(), db_file) + ["--headless"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_worker(port: int, database_url: str, task_queue: str, policy_dir: Path | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "COMPLAINTS_TASK_QUEUE": task_queue,
    }
    if policy_dir is not None:
        env["COMPLAINTS_POLICY_DIR"] = str(policy_dir)
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "complaints"), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytest.mark.serial
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
                CaseInput(
                    reference=f"KIL-2026-{i:06d}",
                    landlord="kill",
                    policy_id="code-2024",
                    policy_version=load_profile("code-2024").version,
                    received_at=received,
                ),
                id=f"KIL-2026-{i:06d}",
                task_queue="kill9",
            )
            for i in range(30)
        ]
        await asyncio.gather(*(h.execute_update(ComplaintWorkflow.opened) for h in handles))
        acks = [
            asyncio.create_task(h.execute_update("acknowledge", Acknowledge(command_id="ack", definition_ref="definition-1")))
            for h in handles
        ]
        await asyncio.sleep(0.3)
        worker.send_signal(signal.SIGKILL)  # mid-batch: some acknowledgements done, some in flight
        worker.wait()
        worker = start_worker(port, database_url, "kill9")
        await asyncio.wait_for(asyncio.gather(*acks), 120)
        # A retry from a UI that never saw its answer carries the same command_id: a no-op.
        await asyncio.gather(
            *(h.execute_update("acknowledge", Acknowledge(command_id="ack", definition_ref="definition-1")) for h in handles)
        )
        await asyncio.gather(*(h.execute_update("respond", Respond(command_id="resp", outcome="upheld")) for h in handles))
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


def fast_ack_policies(tmp_path: Path) -> Path:
    """The Code's profile with a one-working-day stage-1 acknowledgement: a case received on Monday just
    before 09:00 gets its due_soon notice at 09:00 that day (one working day before Tuesday's due date)."""
    policies = tmp_path / "policies"
    policies.mkdir()
    text = (ROOT / "policies" / "code-2024.toml").read_text()
    (policies / "fast-ack.toml").write_text(
        text.replace('id = "code-2024"', 'id = "fast-ack"').replace(
            "acknowledge_working_days = 5", "acknowledge_working_days = 1", 1
        )
    )
    return policies


@pytest.mark.serial
async def test_timers_due_while_the_server_is_down_fire_after_restart_at_their_instant(tmp_path):
    """A one-day acknowledgement profile puts a due_soon notice ten seconds after receipt."""
    policies = fast_ack_policies(tmp_path)
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
            CaseInput(
                reference="SRV-2026-000001",
                landlord="restart",
                policy_id="fast-ack",
                policy_version=load_profile("code-2024").version,
                received_at=datetime(2026, 3, 2, 8, 59, 50, tzinfo=timezone.utc),
                clock_anchored_to_received=True,
            ),
            id="SRV-2026-000001",
            task_queue="restart",
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
        handle.execute_update("acknowledge", Acknowledge(command_id="alice", definition_ref="definition-1", occurred_at=when)),
        handle.execute_update("acknowledge", Acknowledge(command_id="bob", definition_ref="definition-1", occurred_at=when)),
        return_exceptions=True,
    )
    outcomes = [first, second]
    failures = [o for o in outcomes if isinstance(o, WorkflowUpdateFailedError)]
    assert len(failures) == 1, outcomes
    assert "acknowledge is not allowed while the complaint is Stage 1 acknowledged" in str(failures[0].cause)
    view = await handle.query(ComplaintWorkflow.case)
    assert [e.type for e in view.events] == ["received", "acknowledge"]


def open_fast_ack_cases(client: Client, prefix: str, n: int, received: datetime, task_queue: str):
    return asyncio.gather(
        *(
            client.start_workflow(
                ComplaintWorkflow.run,
                CaseInput(
                    reference=f"{prefix}-2026-{i:06d}",
                    landlord="faults",
                    policy_id="fast-ack",
                    policy_version=load_profile("code-2024").version,
                    received_at=received,
                    clock_anchored_to_received=True,
                ),
                id=f"{prefix}-2026-{i:06d}",
                task_queue=task_queue,
            )
            for i in range(n)
        )
    )


async def wait_for_rows(engine, model, count: int, seconds: float = 60) -> None:
    for _ in range(int(seconds * 10)):
        with Session(engine) as session:
            if len(session.exec(select(model)).all()) >= count:
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{model.__name__}: fewer than {count} rows after {seconds} s")


def assert_read_model_equals_histories(engine, views) -> None:
    """Every case row, event and notice in the read model is the workflow's own, each exactly once."""
    with Session(engine) as session:
        for view in views:
            case = session.get(Case, view.reference)
            assert (case.state, case.stage, case.last_seq) == (view.state, view.stage, len(view.events))
            events = session.exec(select(CaseEvent).where(CaseEvent.reference == view.reference)).all()
            assert sorted((e.seq, e.type) for e in events) == [(e.seq, e.type) for e in view.events]
            notices = session.exec(select(Notice).where(Notice.reference == view.reference)).all()
            assert sorted((n.kind, n.deadline, n.due) for n in notices) == sorted(
                (n.kind, n.deadline, n.due) for n in view.notices
            )


@pytest.mark.faults
async def test_worker_killed_inside_its_activities_every_case_finishes_and_no_notice_twice(tmp_path):
    """The read model is locked while every case's due_soon notice falls due, so each deliver_notice
    activity is stuck inside its write when the worker is killed; a new worker retries them all."""
    port = free_port()
    server = start_server(port, tmp_path / "temporal.db")
    db_file = tmp_path / "read.db"
    database_url = f"sqlite:///{db_file}"
    engine = make_engine(database_url)
    create_schema(engine)
    policies = fast_ack_policies(tmp_path)
    worker = start_worker(port, database_url, "midactivity", policies)
    lock = sqlite3.connect(db_file, isolation_level=None)
    try:
        client = await connect(port)
        # Received Mon 2 Mar 2026 08:59:45: each case's due_soon notice falls due 15 s from now.
        handles = await open_fast_ack_cases(
            client, "ACT", 10, datetime(2026, 3, 2, 8, 59, 45, tzinfo=timezone.utc), "midactivity"
        )
        await wait_for_rows(engine, Case, 10)
        lock.execute("BEGIN EXCLUSIVE")
        for _ in range(400):
            pending = [await h.describe() for h in handles]
            started = [p.raw_description.pending_activities for p in pending]
            if all(any(a.activity_type.name == "deliver_notice" and a.state == 2 for a in acts) for acts in started):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("deliver_notice never started on every case")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        lock.execute("ROLLBACK")
        worker = start_worker(port, database_url, "midactivity", policies)
        await wait_for_rows(engine, Notice, 10, seconds=90)  # retried after the 30 s start-to-close timeout
        await asyncio.gather(*(h.execute_update("withdraw", Withdraw(command_id="end")) for h in handles))
        views = await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), 60)
        assert {(v.state, tuple(n.kind for n in v.notices)) for v in views} == {("withdrawn", ("due_soon",))}
        assert_read_model_equals_histories(engine, views)
    finally:
        lock.close()
        worker.kill()
        server.terminate()
        server.wait(30)
        engine.dispose()


@pytest.mark.faults
async def test_database_down_for_a_while_activities_retry_and_nothing_is_lost_or_doubled(tmp_path):
    """PostgreSQL stops while staff act on some cases and the others' due_soon notices fall due."""
    with contextlib.ExitStack() as stack:
        try:
            database = stack.enter_context(private_cluster())
        except PostgresUnavailable as err:
            pytest.skip(f"database outage on PostgreSQL: {err}")
        port = free_port()
        server = start_server(port, tmp_path / "temporal.db")
        stack.callback(server.wait, 30)
        stack.callback(server.terminate)
        engine = make_engine(database.url)
        stack.callback(engine.dispose)
        create_schema(engine)
        worker = start_worker(port, database.url, "dbdown", fast_ack_policies(tmp_path))
        stack.callback(lambda: worker.kill())
        client = await connect(port)
        # Received Mon 2 Mar 2026 08:59:40: due_soon notices fall due 20 s from now, mid-outage.
        handles = await open_fast_ack_cases(client, "PGD", 12, datetime(2026, 3, 2, 8, 59, 40, tzinfo=timezone.utc), "dbdown")
        await wait_for_rows(engine, Case, 12)
        database.stop()
        acted, waiting = handles[:4], handles[4:]
        acks = [
            asyncio.create_task(h.execute_update("acknowledge", Acknowledge(command_id="ack", definition_ref="definition-1")))
            for h in acted
        ]
        await asyncio.sleep(25)
        assert not any(a.done() for a in acks), "an acknowledgement finished without its projection"
        database.start()
        await asyncio.wait_for(asyncio.gather(*acks), 90)
        await wait_for_rows(engine, Notice, len(waiting), seconds=90)
        await asyncio.gather(*(h.execute_update("withdraw", Withdraw(command_id="end")) for h in handles))
        views = await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), 60)
        assert [[e.type for e in v.events] for v in views[:4]] == [["received", "acknowledge", "withdraw"]] * 4
        assert [[(n.kind, n.at) for n in v.notices] for v in views[4:]] == [
            [("due_soon", datetime(2026, 3, 2, 9, tzinfo=timezone.utc))]
        ] * len(waiting)
        assert_read_model_equals_histories(engine, views)
