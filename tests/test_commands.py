"""Commands against a running case: validators, signals, repeats, the outbox and calendar changes.

All on the real time-skipping server with the real worker (the `sim` fixture).
"""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from models.policy import load_profile
from models.refusal import refusal_of
from models.case import (
    CaseSummary,
    Acknowledge,
    CalendarChanged,
    CaseInput,
    CaseView,
    Extend,
    RequestStage2,
    ResidentInput,
    Respond,
)
from models.tables import CaseDeadline, CaseEvent, Notice, ResidentNote, add_closures
from starter.simulate import TASK_QUEUE, Simulator
from workflows.complaint import ComplaintWorkflow
from tests.eventually import case_set_up, eventually

_counter = iter(range(1, 10_000))


async def open_case(sim: Simulator, received: str, policy: str = "code-2024", **extra) -> tuple[WorkflowHandle, timedelta]:
    """Start a case whose business clock reads `received`; returns its handle and clock offset."""
    n = next(_counter)
    reference = f"TST-2026-{n:06d}"
    landlord = extra.pop("landlord", f"test-landlord-{n}")
    handle = await sim.env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord=landlord,
            policy_id=policy,
            policy_version=load_profile(policy).version,
            received_at=datetime.fromisoformat(received),
            clock_anchored_to_received=True,
            **extra,
        ),
        id=reference,
        task_queue=TASK_QUEUE,
    )
    await case_set_up(handle)
    return handle, timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))


async def at(sim: Simulator, offset: timedelta, when: str) -> datetime:
    """Move the test server to business time `when`; returns it for `occurred_at`."""
    instant = datetime.fromisoformat(when)
    await sim.sleep_until(instant - offset)
    return instant


def due(view: CaseView | CaseSummary, name: str) -> date:
    return next(d.due for d in view.deadlines if d.name == name)


async def test_rejected_update_gives_a_clear_error_and_leaves_no_event(sim):
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    when = await at(sim, offset, "2026-03-02T10:00:00+00:00")
    before = await handle.query(ComplaintWorkflow.case)
    with pytest.raises(WorkflowUpdateFailedError) as raised:
        await handle.execute_update("respond", Respond(command_id="r1", outcome="upheld", occurred_at=when))
    refusal = refusal_of(raised.value)
    assert refusal.field == "action" and refusal.rule == "lifecycle"
    assert "respond is not allowed while the complaint is Stage 1 received" in refusal.message
    after = await handle.query(ComplaintWorkflow.case)
    assert after.events == before.events and after.state == "received"
    history = [e async for e in handle.fetch_history_events()]
    assert not any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in history)


async def test_future_occurred_at_is_rejected(sim):
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    await at(sim, offset, "2026-03-02T10:00:00+00:00")
    with pytest.raises(WorkflowUpdateFailedError) as raised:
        await handle.execute_update(
            "acknowledge",
            Acknowledge(
                command_id="a1", definition_ref="definition-1", occurred_at=datetime(2026, 3, 3, 10, tzinfo=timezone.utc)
            ),
        )
    refusal = refusal_of(raised.value)
    assert (refusal.field, refusal.message) == ("occurred_at", "must not be in the future")


async def test_repeated_command_id_is_a_no_op(sim):
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    when = await at(sim, offset, "2026-03-03T10:00:00+00:00")
    await handle.execute_update("acknowledge", Acknowledge(command_id="ack-1", definition_ref="definition-1", occurred_at=when))
    extend = Extend(command_id="ext-1", working_days=5, reason_ref="why-survey", occurred_at=when)
    first = await handle.execute_update("extend", extend, result_type=CaseSummary)
    second = await handle.execute_update("extend", extend, result_type=CaseSummary)
    assert first.last_event == second.last_event and second.last_event.type == "extend"
    assert [e.type for e in (await handle.query(ComplaintWorkflow.case)).events] == ["received", "acknowledge", "extend"]
    # 10 WD from Tue 3 Mar is Tue 17 Mar; one 5-day extension (not two) → Tue 24 Mar.
    assert due(first, "stage1.respond") == due(second, "stage1.respond") == date(2026, 3, 24)


async def test_signals_carry_resident_input_extension_and_stage2_request(sim):
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    when = await at(sim, offset, "2026-03-03T10:00:00+00:00")
    note = ResidentNote.store(sim.engine, handle.id, "The damp is back in the bedroom", when)
    await handle.signal("acknowledge", Acknowledge(command_id="s-ack", definition_ref="definition-1", occurred_at=when))
    await handle.signal("resident_input", ResidentInput(command_id="s-note", note_ref=note, occurred_at=when))
    await handle.signal("extension_agreed", Extend(command_id="s-ext", working_days=3, reason_ref="why-survey", occurred_at=when))
    await handle.signal("respond", Respond(command_id="s-resp", outcome="partly_upheld", occurred_at=when))
    # Code 6.12: no reasons needed; the request reaches the same case.
    await handle.signal("stage2_requested", RequestStage2(command_id="s-s2", occurred_at=when))
    await handle.signal("stage2_requested", RequestStage2(command_id="s-s2-again-bad", occurred_at=when))

    async def requested_and_repeat_refused() -> CaseView | None:
        view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
        return view if view.state == "stage2_requested" and view.rejected_signals else None

    view = await eventually(requested_and_repeat_refused, "the stage-2 request applied and its repeat refused")
    assert [e.type for e in view.events] == ["received", "acknowledge", "resident_input", "extend", "respond", "request_stage2"]
    assert view.events[2].details["note_ref"] == note
    assert view.stage == 2 and due(view, "stage2.acknowledge") == date(2026, 3, 10)
    assert view.rejected_signals == (
        "request_stage2 (s-s2-again-bad): request_stage2 is not allowed while the complaint is Stage 2 requested; "
        "allowed now: acknowledge, withdraw, exclude, resident_input, assign, add_complaint, schedule_review, "
        "record_consent, complaint_handling_failure_order",
    )


async def test_late_stage2_request_still_reaches_the_case_and_is_flagged(sim):
    # Greatwell §2.4: appeal "within 20 working days of our response"; a later one is flagged, not lost.
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00", policy="greatwell-homes")
    when = await at(sim, offset, "2026-03-03T10:00:00+00:00")
    await handle.execute_update("acknowledge", Acknowledge(command_id="a", definition_ref="definition-1", occurred_at=when))
    await handle.execute_update("respond", Respond(command_id="r", outcome="not_upheld", occurred_at=when))
    await handle.execute_update("close", {"command_id": "c", "occurred_at": when.isoformat()})
    late = await at(sim, offset, "2026-06-01T10:00:00+00:00")
    view = await handle.execute_update(
        "request_stage2", RequestStage2(command_id="s2", occurred_at=late), result_type=CaseSummary
    )
    assert view.state == "stage2_requested" and view.late_stage2_request is True
    assert view.last_event.details["late"] is True


async def test_each_notice_is_queued_exactly_once_in_the_outbox(sim):
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    await at(sim, offset, "2026-03-20T00:00:00+00:00")
    view = await handle.query(ComplaintWorkflow.case)
    assert [n.kind for n in view.notices] == ["due_soon", "overdue", "escalated"]
    with Session(sim.engine) as session:
        rows = session.exec(select(Notice).where(Notice.reference == handle.id)).all()
        assert sorted(r.kind for r in rows) == ["due_soon", "escalated", "overdue"]
        assert {r.idempotency_key for r in rows} == {
            f"{handle.id}|stage1.acknowledge|{kind}|2026-03-09" for kind in ("due_soon", "overdue", "escalated")
        }
        events = session.exec(select(CaseEvent).where(CaseEvent.reference == handle.id)).all()
        assert [e.seq for e in sorted(events, key=lambda e: e.seq)] == [e.seq for e in view.events]


async def test_calendar_changed_replans_open_deadlines(sim):
    landlord = "closure-landlord"
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00", landlord=landlord)
    assert due(await handle.query(ComplaintWorkflow.case), "stage1.acknowledge") == date(2026, 3, 9)
    await at(sim, offset, "2026-03-03T10:00:00+00:00")
    # The landlord announces a closure on Fri 6 Mar: the acknowledgement moves to Tue 10 Mar.
    add_closures(sim.engine, landlord, [date(2026, 3, 6)], reason="office move")
    await handle.signal(ComplaintWorkflow.calendar_changed, CalendarChanged(change="closure_added", days=(date(2026, 3, 6),)))

    def acknowledgement_moved_in_the_read_model() -> bool:
        with Session(sim.engine) as session:
            stored = session.get(CaseDeadline, (handle.id, "stage1.acknowledge")).due
        assert stored == date(2026, 3, 10), f"the read model still has {stored}"
        return True

    # The read model has the new date before any other event: no command sent, no time passed.
    await eventually(acknowledgement_moved_in_the_read_model, "the re-planned acknowledgement projected")
    await at(sim, offset, "2026-03-10T12:00:00+00:00")
    view = await handle.query(ComplaintWorkflow.case)
    assert due(view, "stage1.acknowledge") == date(2026, 3, 10)
    # The due_soon notice fired for the new date, the working day before (Mon 9 Mar), not on Thu 5 Mar.
    assert [(n.kind, n.at.isoformat()) for n in view.notices] == [("due_soon", "2026-03-09T09:00:00+00:00")]
    replanned = [e for e in view.events if e.type == "deadlines_replanned"]
    assert [e.details["moved"] for e in replanned] == ["stage1.acknowledge, stage1.respond"]


async def history_counts(handle: WorkflowHandle) -> dict[str, int]:
    history = await handle.fetch_history()
    counts: dict[str, int] = {}
    for event in history.events:
        kind = event.WhichOneof("attributes")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


async def test_a_note_leaves_the_timer_and_the_search_attributes_alone_and_notices_still_fire(sim):
    """An ops engineer reading a case's history sees the actions, not a timer replaced at each note;
    an action that moves a deadline re-plans the wake-up once, and the ladder's notices still go."""
    handle, offset = await open_case(sim, "2026-03-02T09:00:00+00:00")
    when = await at(sim, offset, "2026-03-03T10:00:00+00:00")
    await handle.execute_update("acknowledge", Acknowledge(command_id="q-ack", definition_ref="definition-1", occurred_at=when))
    before = await history_counts(handle)
    for n in range(3):
        await handle.execute_update("resident_input", ResidentInput(command_id=f"q-note-{n}", occurred_at=when))
    after_notes = await history_counts(handle)
    for kind in (
        "timer_started_event_attributes",
        "timer_canceled_event_attributes",
        "upsert_workflow_search_attributes_event_attributes",
    ):
        assert after_notes.get(kind, 0) == before.get(kind, 0), kind
    assert (
        after_notes["workflow_execution_update_completed_event_attributes"]
        == before["workflow_execution_update_completed_event_attributes"] + 3
    )
    # Code 5.13 extension: the response moves from Tue 17 Mar to Tue 24 Mar, so the wake-up moves once.
    await handle.execute_update("extend", Extend(command_id="q-ext", working_days=5, reason_ref="why-survey", occurred_at=when))
    after_extension = await history_counts(handle)
    assert after_extension["timer_started_event_attributes"] == after_notes["timer_started_event_attributes"] + 1
    assert (
        after_extension["upsert_workflow_search_attributes_event_attributes"]
        == after_notes["upsert_workflow_search_attributes_event_attributes"] + 1
    )
    await at(sim, offset, "2026-03-26T00:00:00+00:00")
    view = await handle.query(ComplaintWorkflow.case)
    assert [(n.kind, n.deadline, n.at.isoformat()) for n in view.notices] == [
        ("due_soon", "stage1.respond", "2026-03-23T09:00:00+00:00"),
        ("overdue", "stage1.respond", "2026-03-25T00:00:00+00:00"),
    ]
