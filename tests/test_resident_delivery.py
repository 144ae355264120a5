"""Letters and updates reach the resident: email with the letter attached, on a real SMTP server
(aiosmtpd), exactly once; post in the day's print batch; nobody skipped silently; large print honoured.

Real parts: the workflow and worker on the time-skipping server, the simulator's read model, weasyprint,
aiosmtpd, pypdf to read the PDFs back.
"""

import asyncio
import io
from datetime import timedelta
from uuid import uuid4

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from casework.resident_mail import ResidentMailer
from casework import post_room
from casework.access import Actor
from casework.actions import act
from casework.delivery import messages_of
from casework.errors import CommandRejected
from casework.intake import Intake, RepresentativeDetails, ResidentDetails, file_complaint
from models.record import Letter
from models.residents import ResidentMessage
from models.settings import Settings
from starter.simulate import TASK_QUEUE
from tests.test_casework import ensure_staff
from tests.mailbox import Mailbox


@pytest.fixture(scope="module")
async def sim(own_sim):
    """These tests act through the casework layer, which bounds dates by today, on a test server of their
    own whose clock the other modules' scenarios have not moved on (conftest.own_sim)."""
    return own_sim


HANDLER = Actor(username="alice", role="handler")
EMAIL_RESIDENT = ResidentDetails(name="Jane Example", address="1 Test Street, Telford TF1 1AA", email="jane@example.org")
POST_RESIDENT = ResidentDetails(name="Sam Post", address="2 Mill Lane, Telford TF2 2BB", preferred_contact="post")
NOBODY = ResidentDetails(name="Pat Nocontact", phone="01952 000001")


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


def mail_settings(port: int) -> Settings:
    return Settings(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, WEB_SECRET="delivery-tests-secret-0123", WEB_BASE_URL="http://residents.test"
    )


@pytest.fixture
def mailer(sim, mailbox):
    """The dispatcher, after earlier tests' letters on the shared read model went to a mailbox of their own,
    so this test's mailbox holds only what this test sends."""
    drain = Mailbox().start()
    try:
        while ResidentMailer(sim.engine, mail_settings(drain.port)).deliver_due():
            pass
    finally:
        drain.stop()
    return ResidentMailer(sim.engine, mail_settings(mailbox.port))


async def file(sim, resident, **fields) -> str:
    ensure_staff(sim.engine, alice="handler")
    intake = Intake(
        channel="phone",
        resident=resident,
        text="The boiler has failed twice.",
        desired_outcome="A working boiler",
        handler="alice",
        **fields,
    )
    return (await file_complaint(sim.env.client, sim.engine, intake, TASK_QUEUE)).reference


async def take(sim, reference, action, **form):
    return await act(sim.env.client, sim.engine, reference, action, form, HANDLER, f"cmd-{uuid4().hex[:16]}", TASK_QUEUE)


async def delivered(mailer, mailbox, count: int) -> list:
    """Run the dispatcher until `count` messages have arrived (the projection lands a moment after an action)."""
    for _ in range(100):
        await asyncio.to_thread(mailer.deliver_due)
        if len(mailbox.messages) >= count:
            return mailbox.messages
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(mailbox.messages)} messages arrived, expected {count}")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_each_letter_is_emailed_once_with_the_pdf_to_the_resident_and_the_consented_representative(sim, mailer, mailbox):
    reference = await file(
        sim,
        EMAIL_RESIDENT,
        representative=RepresentativeDetails(
            name="Rob Advocate", relationship="son", contact="rob@example.org", consent_given=True
        ),
    )
    await take(sim, reference, "acknowledge", points=["The boiler failed twice"])
    messages = await delivered(mailer, mailbox, 2)
    assert sorted(str(m["To"]) for m in messages) == ["Jane Example <jane@example.org>", "Rob Advocate <rob@example.org>"]
    for message in messages:
        assert message["Subject"] == f"Your complaint {reference}: We have received your complaint"
        assert message["Message-ID"].startswith(f"<{reference}.letter-")
        attachment = next(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"{reference}-acknowledgement.pdf"
        with Session(sim.engine) as session:
            letter = session.exec(select(Letter).where(Letter.reference == reference)).one()
        assert attachment.get_content() == letter.pdf, "the attachment is the stored letter"
        assert "The boiler failed twice" in pdf_text(attachment.get_content())
        body = message.get_body(("plain",)).get_content()
        assert "/track/" in body and "We will send you our response by" in body

    # A second, third round of the dispatcher (a retry, a restart) sends nothing again.
    await asyncio.to_thread(mailer.deliver_due)
    await asyncio.to_thread(mailer.deliver_due)
    assert len(mailbox.messages) == 2
    rows = messages_of(sim.engine, reference)
    assert [(r.recipient, r.channel, r.status) for r in rows] == [
        ("representative", "email", "sent"),
        ("resident", "email", "sent"),
    ] or sorted((r.recipient, r.channel, r.status) for r in rows) == [
        ("representative", "email", "sent"),
        ("resident", "email", "sent"),
    ]
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


async def test_a_refused_response_letter_never_reaches_the_resident(sim, mailer, mailbox):
    reference = await file(sim, EMAIL_RESIDENT)
    await take(sim, reference, "acknowledge", points=["Point one"])
    await delivered(mailer, mailbox, 1)
    await take(sim, reference, "withdraw")  # the case ends: a response is refused by the workflow
    with pytest.raises(CommandRejected):
        await take(
            sim,
            reference,
            "respond",
            outcome="upheld",
            decisions=[{"point": 1, "upheld": True, "reasons": "Late"}],
            remedies=[{"kind": "apology", "description": "We are sorry"}],
        )
    await asyncio.to_thread(mailer.deliver_due)
    assert len(mailbox.messages) == 1
    assert [r.purpose for r in messages_of(sim.engine, reference)] == ["letter"]


async def test_large_print_is_honoured_when_the_adjustment_records_it(sim, mailer, mailbox):
    reference = await file(sim, EMAIL_RESIDENT)
    review_on = (await sim.env.get_current_time()).date() + timedelta(days=60)
    await take(
        sim,
        reference,
        "record_adjustment",
        kind="format",
        details="Letters in large print (16pt)",
        review_on=review_on.isoformat(),
    )
    await take(sim, reference, "acknowledge", points=["Point one"])
    with Session(sim.engine) as session:
        letter = session.exec(select(Letter).where(Letter.reference == reference)).one()
    assert '<body class="large-print">' in letter.html  # letter.css sets .large-print at 16pt
    message = (await delivered(mailer, mailbox, 1))[0]
    assert next(message.iter_attachments()).get_content() == letter.pdf
    assert all(r.large_print for r in messages_of(sim.engine, reference))


async def test_post_goes_in_one_print_batch_and_nobody_is_skipped_silently(sim, mailer, mailbox):
    by_post = await file(sim, POST_RESIDENT)
    unreachable = await file(sim, NOBODY)
    await take(sim, by_post, "acknowledge", points=["Point one"])
    await take(sim, unreachable, "acknowledge", points=["Point one"])
    for _ in range(100):
        if any(r.reference == by_post for r in post_room.waiting(sim.engine)):
            break
        await asyncio.sleep(0.1)
    flagged = messages_of(sim.engine, unreachable)
    assert [(r.channel, r.status) for r in flagged] == [("none", "no_contact")]
    assert "no email address or postal address" in flagged[0].last_error

    batch = post_room.make_batch(sim.engine, "alice")
    text = pdf_text(post_room.batch_pdf(sim.engine, batch.id))
    assert by_post in text and "Sam Post" in text and "2 Mill Lane" in text
    assert [(r.channel, r.status, r.batch_id) for r in messages_of(sim.engine, by_post)] == [("post", "printed", batch.id)]
    assert not any(r.reference == by_post for r in post_room.waiting(sim.engine)), "printed once"
    await asyncio.to_thread(mailer.deliver_due)
    assert mailbox.messages == [], "post and unreachable residents get no email"


async def test_the_resident_is_told_when_a_promised_action_is_late_and_when_it_is_done(sim, mailer, mailbox):
    reference = await file(sim, EMAIL_RESIDENT)
    await take(sim, reference, "acknowledge", points=["The boiler failed twice"])
    today = (await sim.env.get_current_time()).date()
    await take(
        sim,
        reference,
        "respond",
        outcome="upheld",
        decisions=[{"point": 1, "upheld": True, "reasons": "Parts were late"}],
        remedies=[{"kind": "apology", "description": "We are sorry"}],
        actions=[{"description": "Replace the boiler", "owner": "Repairs", "target_on": (today + timedelta(days=2)).isoformat()}],
    )
    await delivered(mailer, mailbox, 2)
    await sim.env.sleep(timedelta(days=4))
    late = await delivered(mailer, mailbox, 3)
    assert late[2]["Subject"] == f"Your complaint {reference}: An action we promised is late"
    assert "we would replace the boiler by" in late[2].get_body(("plain",)).get_content()
    await take(sim, reference, "complete_action", action_id="s1-1")
    done = await delivered(mailer, mailbox, 4)
    assert done[3]["Subject"] == f"Your complaint {reference}: An action we promised is done"
    with Session(sim.engine) as session:
        purposes = [r.purpose for r in session.exec(select(ResidentMessage).where(ResidentMessage.reference == reference))]
    assert sorted(purposes) == ["action_done", "action_missed", "letter", "letter"]


async def test_the_resident_is_kept_informed_while_the_response_is_late(sim, mailer, mailbox):
    """Code 5.9: an extension that came by the `extension_agreed` Signal (no staff letter), the interval for
    updates agreed, and an update at it falling due with none given each reach the resident, with the dates
    the case record holds."""
    from models.case import CaseView, Extend
    from models.tables import CaseDeadline

    reference = await file(sim, EMAIL_RESIDENT)
    await take(sim, reference, "acknowledge", points=["The boiler failed twice"])
    await delivered(mailer, mailbox, 1)
    handle = sim.env.client.get_workflow_handle(reference)
    await handle.signal(
        "extension_agreed", Extend(command_id=f"sig-{uuid4().hex[:12]}", working_days=5, reason_ref="reason-by-signal")
    )

    def due(name: str):
        with Session(sim.engine) as session:
            row = session.get(CaseDeadline, (reference, name))
            return row.due if row is not None else None

    for _ in range(100):
        if (await handle.query("case", result_type=CaseView)).state == "stage1_extended":
            break
        await asyncio.sleep(0.1)
    extended = await delivered(mailer, mailbox, 2)
    respond_on = due("stage1.respond")
    assert extended[1]["Subject"] == f"Your complaint {reference}: We need more time to respond to your complaint"
    body = extended[1].get_body(("plain",)).get_content()
    assert f"It is now due by {respond_on:%A} {respond_on.day} {respond_on:%B %Y}." in body

    await take(sim, reference, "agree_update_interval", working_days=2)
    agreed = await delivered(mailer, mailbox, 3)
    first = due("update.1")
    assert agreed[2]["Subject"] == f"Your complaint {reference}: We will keep you updated"
    body = agreed[2].get_body(("plain",)).get_content()
    assert "at least every 2 working days" in body and f"You will hear from us by {first:%A} {first.day} {first:%B %Y}." in body

    await sim.env.sleep(timedelta(days=5))  # two working days pass at least, with no update given
    told = await delivered(mailer, mailbox, 4)
    assert told[3]["Subject"] == f"Your complaint {reference}: An update on your complaint"
    assert "We are still working on our stage 1 response" in told[3].get_body(("plain",)).get_content()
    with Session(sim.engine) as session:
        purposes = [r.purpose for r in session.exec(select(ResidentMessage).where(ResidentMessage.reference == reference))]
    # Five days may hold two missed updates (the next falls due 2 working days after a missed one).
    assert set(purposes) == {"extension_agreed", "letter", "update_due", "updates_agreed"}
    await handle.terminate(reason="test finished")
