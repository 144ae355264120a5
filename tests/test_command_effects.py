"""What the workflow applied decides every letter and email, exactly once; command ids belong to their case.

Issue 29 items 1 and 2, issue 24 must-exist 5. Real parts: the workflow and worker on the time-skipping
server, the simulator's read model, weasyprint, aiosmtpd (tests/mailbox.py).
"""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlmodel import Session, select

from casework import letter_issue
from casework.access import Actor
from casework.actions import act
from casework.case_record import case_file
from casework.command_ids import scoped_id
from casework.delivery import messages_of
from casework.errors import CommandRejected
from casework.intake import Intake, ResidentDetails, file_complaint
from models.case import Acknowledge
from models.record import Definition, Letter
from starter.simulate import TASK_QUEUE
from tests.mailbox import Mailbox
from tests.test_casework import ensure_staff
from tests.test_resident_delivery import mail_settings
from worker import build_worker


@pytest.fixture(scope="module")
async def sim(own_sim):
    """This module's cases stay open after its tests: they run on a test server of their own, so the
    shared one's time skips never wait on their timers (conftest.own_sim)."""
    return own_sim


HANDLER = Actor(username="alice", role="handler")
RESPONSE = dict(
    outcome="upheld",
    decisions=[{"point": 1, "upheld": True, "reasons": "The repair was late"}],
    remedies=[{"kind": "apology", "description": "We are sorry"}],
)


async def file(sim, name: str, email: str, task_queue: str = TASK_QUEUE) -> str:
    ensure_staff(sim.engine, alice="handler")
    intake = Intake(
        channel="phone",
        resident=ResidentDetails(name=name, address="1 Test Street, Telford TF1 1AA", email=email),
        text="The boiler has failed twice.",
        desired_outcome="A working boiler",
        handler="alice",
    )
    return (await file_complaint(sim.env.client, sim.engine, intake, task_queue)).reference


def letters_of(sim, reference: str) -> list[Letter]:
    with Session(sim.engine) as session:
        return list(session.exec(select(Letter).where(Letter.reference == reference)).all())


async def test_a_response_under_a_note_s_command_id_is_refused_and_issues_no_letter(sim):
    reference = await file(sim, "Jane Example", "jane@example.org")
    await act(
        sim.env.client,
        sim.engine,
        reference,
        "acknowledge",
        {"points": ["The boiler failed"]},
        HANDLER,
        f"ack-{uuid4().hex[:8]}",
        TASK_QUEUE,
    )
    reused = f"R-{uuid4().hex[:8]}"
    await act(sim.env.client, sim.engine, reference, "resident_input", {"note": "x"}, HANDLER, reused, TASK_QUEUE)
    with pytest.raises(CommandRejected) as refused:
        await act(sim.env.client, sim.engine, reference, "respond", RESPONSE, HANDLER, reused, TASK_QUEUE)
    assert refused.value.field == "command_id" and refused.value.rule == "command_id_conflict"
    assert "already used" in refused.value.message
    assert [letter.kind for letter in letters_of(sim, reference)] == ["acknowledgement"]
    assert all(m.letter_id is None or m.purpose == "letter" for m in messages_of(sim.engine, reference))
    assert len([m for m in messages_of(sim.engine, reference) if m.purpose == "letter"]) == 1


async def test_a_note_under_another_case_s_command_id_never_shows_that_resident_s_note(sim):
    first = await file(sim, "Ann First", "ann@example.org")
    second = await file(sim, "Bob Second", "bob@example.org")
    reused = f"R-{uuid4().hex[:8]}"
    await act(
        sim.env.client,
        sim.engine,
        first,
        "resident_input",
        {"note": "Ann's private note: my son is unwell"},
        HANDLER,
        reused,
        TASK_QUEUE,
    )
    await act(
        sim.env.client, sim.engine, second, "resident_input", {"note": "Bob's note about the boiler"}, HANDLER, reused, TASK_QUEUE
    )
    today = datetime.now(UTC).date()
    shown = case_file(sim.engine, second, today).notes
    assert list(shown.values()) == ["Bob's note about the boiler"]
    assert list(case_file(sim.engine, first, today).notes.values()) == ["Ann's private note: my son is unwell"]


async def test_a_repeat_of_a_command_with_other_details_is_refused_as_a_conflict(sim):
    reference = await file(sim, "Jane Example", "jane@example.org")
    command_id = f"note-{uuid4().hex[:8]}"
    await act(sim.env.client, sim.engine, reference, "resident_input", {"note": "first words"}, HANDLER, command_id, TASK_QUEUE)
    await act(sim.env.client, sim.engine, reference, "resident_input", {"note": "first words"}, HANDLER, command_id, TASK_QUEUE)
    with pytest.raises(CommandRejected) as refused:
        await act(
            sim.env.client, sim.engine, reference, "resident_input", {"note": "other words"}, HANDLER, command_id, TASK_QUEUE
        )
    assert refused.value.field == "command_id"
    assert list(case_file(sim.engine, reference, datetime.now(UTC).date()).notes.values()) == ["first words"]


def to_resident(mailbox: Mailbox) -> list:
    """The resident's mail (the same worker also mails staff their deadline notices on this shared server)."""
    return [m for m in mailbox.messages if "jane@example.org" in str(m["To"])]


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


async def test_a_crash_between_the_update_and_the_letter_still_sends_one_letter_and_one_email(sim, mailbox):
    """The web process stores the draft, sends the Update, and dies: the workflow issues the letter."""
    queue = f"crash-{uuid4().hex[:8]}"
    async with build_worker(sim.env.client, sim.engine, queue, settings=mail_settings(mailbox.port)):
        reference = await file(sim, "Jane Example", "jane@example.org", task_queue=queue)
        command_id = f"ack-{uuid4().hex[:8]}"
        definition = scoped_id("def", reference, command_id)
        with Session(sim.engine) as session:
            session.add(
                Definition(
                    command_id=definition,
                    reference=reference,
                    stage=1,
                    points=["The boiler failed"],
                    recorded_at=datetime.now(UTC),
                )
            )
            session.commit()
        letter_issue.store_draft(sim.engine, reference, command_id, "acknowledge", {"signed_by": "Alice\nComplaints handler"})
        handle = sim.env.client.get_workflow_handle(reference)
        await handle.execute_update(
            "acknowledge", Acknowledge(command_id=command_id, actor="alice", definition_ref=definition, letter_ref=command_id)
        )
        # ... and the web process is gone. Staff send the same form again: nothing more is written or sent.
        await act(
            sim.env.client, sim.engine, reference, "acknowledge", {"points": ["The boiler failed"]}, HANDLER, command_id, queue
        )
        for _ in range(200):
            if to_resident(mailbox):
                break
            await asyncio.sleep(0.1)
        await handle.execute_update(
            "acknowledge", Acknowledge(command_id=command_id, actor="alice", definition_ref=definition, letter_ref=command_id)
        )
    assert [letter.kind for letter in letters_of(sim, reference)] == ["acknowledgement"]
    assert [str(m["To"]) for m in to_resident(mailbox)] == ["Jane Example <jane@example.org>"]
    letters_owed = [(m.purpose, m.status) for m in messages_of(sim.engine, reference) if m.letter_id is not None]
    assert letters_owed == [("letter", "sent")]  # (an update the events call for, e.g. a late acknowledgement, is no letter)
    history = await handle.fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert scheduled.count("issue_letter") == 1 and scheduled.count("mail_letter") == 1


async def test_an_extension_under_another_case_s_command_id_applies_with_its_own_reason_and_letter(sim):
    first = await file(sim, "Ann First", "ann@example.org")
    second = await file(sim, "Bob Second", "bob@example.org")
    reused = f"X-{uuid4().hex[:8]}"
    for reference, reason in ((first, "Ann's contractor is off sick"), (second, "Bob's survey is booked")):
        await act(
            sim.env.client,
            sim.engine,
            reference,
            "acknowledge",
            {"points": ["The boiler failed"]},
            HANDLER,
            f"ack-{uuid4().hex[:8]}",
            TASK_QUEUE,
        )
        await act(
            sim.env.client,
            sim.engine,
            reference,
            "extend",
            {"working_days": 5, "reason": reason, "agreed_with_resident": True},
            HANDLER,
            reused,
            TASK_QUEUE,
        )
    today = datetime.now(UTC).date()
    extended = [e for e in case_file(sim.engine, second, today).events if e.type == "extend"]
    assert [e.details["reason"] for e in extended] == ["Bob's survey is booked"]
    extension_letters = [letter for letter in letters_of(sim, second) if letter.kind == "extension"]
    assert [letter.content["reason"] for letter in extension_letters] == ["Bob's survey is booked"]
