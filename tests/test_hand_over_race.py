"""Decision 219, reproduced: a resident's note signalled while the case hands itself over to a new run
(continue-as-new) is lost, when staff screens are asking the case for its state at the same time.

How it happens (a history where it did shows it): the last note before the hand-over is projected by a local
activity; the worker completes that workflow task with the projection's marker and hands the projection's
result to the workflow on the next task, which decides to hand over. A note signalled while that task is in
flight makes Temporal refuse it (UnhandledCommand) and the worker replays the case, but on replay the SDK
(temporalio 1.35) delivers the projection's result on the earlier task, ahead of the note: the run hands over
again before the note's handler starts, so the note is in neither run and never reaches the read model. Here
the hand-over's task is held for a moment by a workflow interceptor while a note is signalled, and three tasks
query the case as staff pages do. The split of marker and result is not under the test's control: the note was
lost in 3 of 20 runs here (`pytest -m faults tests/test_hand_over_race.py --runxfail`, repeated).

Marked `faults` (`make faults`, outside `make test`) and expected to fail until the hand-over is fixed; the
fixes tried, and why they are not in, are in decision 222.
"""

import asyncio
import contextlib
import threading
from datetime import datetime, timezone
from typing import NoReturn

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.worker import (
    ContinueAsNewInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from models.case import CaseInput, ResidentInput
from models.policy import load_profile
from models.tables import CaseEvent
from tests.dev_stack import dev_stack
from tests.eventually import eventually
from worker import build_worker
from workflows.complaint import ComplaintWorkflow

pytestmark = [
    pytest.mark.faults,
    pytest.mark.xfail(
        reason="decisions 219 and 222: a note racing the hand-over can be lost", raises=AssertionError, strict=False
    ),
]

REFERENCE = "RACE-2026-000001"
RUN_LIMIT = 60
"""The case's own history limit (the lowest allowed is 30): a dozen notes bring its first hand-over."""


class HandOverHold:
    """Holds the first hand-over's workflow task until the test has signalled (at most a second, well inside
    the SDK's two-second deadlock limit); the replay of that task and later hand-overs pass at once."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        self.held = 0

    def interceptor(self) -> Interceptor:
        hold = self

        class Outbound(WorkflowOutboundInterceptor):
            def continue_as_new(self, input: ContinueAsNewInput) -> NoReturn:
                if hold.held == 0:
                    hold.held += 1
                    hold.reached.set()
                    hold.released.wait(1.0)
                super().continue_as_new(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        class Holding(Interceptor):
            def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
                return Inbound

        return Holding()


def projected_notes(engine: Engine) -> int:
    """From the read model: a query would wait for the held task."""
    with Session(engine) as session:
        return len(session.exec(select(CaseEvent.seq).where(CaseEvent.type == "resident_input")).all())


async def staff_pages_asking(case: WorkflowHandle) -> None:
    while True:
        with contextlib.suppress(RPCError):
            await case.query(ComplaintWorkflow.case)


async def test_a_note_signalled_during_the_hand_over_is_kept():
    hold = HandOverHold()
    async with dev_stack(persistent=False) as (env, engine, _):
        async with build_worker(env.client, engine, "race", interceptors=[hold.interceptor()]):
            first = await env.client.start_workflow(
                ComplaintWorkflow.run,
                CaseInput(
                    reference=REFERENCE,
                    landlord="race",
                    policy_id="code-2024",
                    policy_version=load_profile("code-2024").version,
                    received_at=datetime.now(timezone.utc),
                    history_events_limit=RUN_LIMIT,
                ),
                id=REFERENCE,
                task_queue="race",
            )
            case = env.client.get_workflow_handle(REFERENCE)  # the latest run, whichever it is
            pages = [asyncio.create_task(staff_pages_asking(case)) for _ in range(3)]
            try:
                sent = 0
                while not hold.reached.is_set():  # a note at a time, each projected, until the hand-over begins
                    assert sent < 100, "no hand-over after 100 notes"
                    await case.signal("resident_input", ResidentInput(command_id=f"note-{sent}", note_ref=f"row-{sent}"))
                    sent += 1
                    await eventually(
                        lambda: hold.reached.is_set() or projected_notes(engine) >= sent,  # noqa: B023
                        f"note {sent} projected",
                        timeout=30,
                    )
                await case.signal("resident_input", ResidentInput(command_id="racing", note_ref="row-racing"))
                hold.released.set()
                await case.signal("resident_input", ResidentInput(command_id="next", note_ref="row-next"))

                await eventually(
                    lambda: projected_notes(engine) == sent + 2,
                    "the note that raced the hand-over, and the next, in the read model",
                    timeout=15,
                )
            finally:
                for page in pages:
                    page.cancel()

            async def handed_over() -> bool:
                return (await case.describe()).run_id != first.result_run_id

            await eventually(handed_over, "the hand-over to a new run", timeout=15)
            with Session(engine) as session:
                seqs = session.exec(select(CaseEvent.seq).where(CaseEvent.reference == REFERENCE).order_by(CaseEvent.seq)).all()

    assert hold.held == 1
    assert list(seqs) == list(range(1, len(seqs) + 1)), "the new run numbers its events on from the last one"
