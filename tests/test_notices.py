"""Notices by email, exactly once, against a real SMTP server (aiosmtpd): retries, replays, outages."""

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.notices import NoticeActivities
from models.activity_inputs import NoticeDelivery
from models.policy import load_profile
from models.case import CaseInput, NoticeView
from models.settings import Settings
from models.tables import Case, Notice
from accounts.users import StaffUser, create_user, set_active
from tests.mailbox import Mailbox
from worker import build_worker
from workflows.complaint import ComplaintWorkflow
from tests.eventually import case_set_up


def mail_settings(port: int) -> Settings:
    return Settings(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_TIMEOUT_SECONDS=5,
        NOTICE_FROM="complaints@greatwell.example",
        STAFF_EMAIL_DOMAIN="greatwell.example",
        NOTICE_ADDRESSES={
            "complaints_manager": "manager@greatwell.example",
            "head_of_service": "head@greatwell.example",
            "stage2_reviewer": "review@greatwell.example",
        },
    )


def overdue_notice() -> NoticeDelivery:
    return NoticeDelivery(
        reference="CMP-2026-000123",
        landlord="greatwell",
        handler="asmith",
        notice=NoticeView(
            kind="overdue",
            deadline="stage1.respond",
            due=date(2026, 3, 17),
            at=datetime(2026, 3, 18, tzinfo=timezone.utc),
            recipients=("handler", "complaints_manager"),
        ),
    )


@pytest.fixture
def engine(engine):
    """The read model with the case the notices belong to (the outbox row refers to it) and its handler's
    staff account (notices go only to active accounts)."""
    with Session(engine) as session:
        session.add(
            Case(
                reference="CMP-2026-000123",
                landlord="greatwell",
                policy_id="code-2024",
                policy_version=load_profile("code-2024").version,
                region="ENG",
                state="stage1_acknowledged",
                stage=1,
                received_at=datetime(2026, 3, 2, tzinfo=timezone.utc),
            )
        )
        session.commit()
    create_user(engine, "asmith", "A Smith", "handler", "correct horse battery staple")
    return engine


def outbox(engine) -> list[Notice]:
    with Session(engine) as session:
        return list(session.exec(select(Notice).order_by(Notice.at)).all())


async def test_a_retried_activity_mails_a_notice_once_with_its_key_as_message_id(engine):
    mailbox = Mailbox().start()
    try:
        activities = NoticeActivities(engine, mail_settings(mailbox.port))
        delivery = overdue_notice()
        first = ActivityEnvironment().run(activities.deliver_notice, delivery)
        again = ActivityEnvironment().run(activities.deliver_notice, delivery)
    finally:
        mailbox.stop()
    assert (first, again) == (True, False)
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["Message-ID"] == "<CMP-2026-000123|stage1.respond|overdue|2026-03-17@greatwell.example>"
    assert mail["To"] == "asmith@greatwell.example, manager@greatwell.example"
    assert mail["Subject"] == "Overdue: respond at stage 1 for an anonymous resident, due Tuesday 17 March 2026 (CMP-2026-000123)"
    body = mail.get_content()
    assert "Respond at stage 1 was due by the end of Tuesday 17 March 2026." in body
    assert "raised on 18 March 2026 at midnight" in body
    assert "the case's handler and the complaints manager" in body
    assert "2026-03" not in body and "Temporal" not in body  # issue 26: no ISO timestamps, no ops link
    [row] = outbox(engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")


async def test_a_leavers_notices_go_to_the_complaints_manager_instead(engine):
    """Issue 18.5: recipients only from active staff accounts and the configured role mailboxes."""
    set_active(engine, "asmith", False, by="admin")
    mailbox = Mailbox().start()
    try:
        assert ActivityEnvironment().run(NoticeActivities(engine, mail_settings(mailbox.port)).deliver_notice, overdue_notice())
    finally:
        mailbox.stop()
    assert [m["To"] for m in mailbox.messages] == ["manager@greatwell.example"]


async def test_a_notice_that_can_never_be_written_fails_once_with_the_reason_and_is_not_retried(engine):
    """Issue 14.5: a permanent error ends as `failed` with the error recorded, never a retry loop."""
    delivery = overdue_notice()
    delivery = delivery.model_copy(update={"notice": delivery.notice.model_copy(update={"recipients": ("handler", "auditor")})})
    mailbox = Mailbox().start()
    try:
        activities = NoticeActivities(engine, mail_settings(mailbox.port))
        assert ActivityEnvironment().run(activities.deliver_notice, delivery) is False
        assert ActivityEnvironment().run(activities.deliver_notice, delivery) is False
    finally:
        mailbox.stop()
    assert mailbox.messages == []
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "the message could not be written: 'auditor'"


async def test_while_smtp_is_down_the_activity_fails_for_a_retry_and_sends_once_it_is_back(engine):
    mailbox = Mailbox()
    activities = NoticeActivities(engine, mail_settings(mailbox.port))
    delivery = overdue_notice()
    with pytest.raises(ApplicationError, match=f"SMTP 127.0.0.1:{mailbox.port} unreachable") as failure:
        ActivityEnvironment().run(activities.deliver_notice, delivery)
    assert not failure.value.non_retryable
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("queued", 1)
    mailbox.start()
    try:
        assert ActivityEnvironment().run(activities.deliver_notice, delivery) is True
        assert ActivityEnvironment().run(activities.deliver_notice, delivery) is False
    finally:
        mailbox.stop()
    assert len(mailbox.messages) == 1
    [row] = outbox(engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


async def test_without_smtp_notices_stay_in_the_outbox(engine):
    activities = NoticeActivities(engine, Settings(SMTP_HOST=""))
    assert ActivityEnvironment().run(activities.deliver_notice, overdue_notice()) is True
    assert ActivityEnvironment().run(activities.deliver_notice, overdue_notice()) is False
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("queued", 0)


async def test_every_notice_of_a_case_arrives_once_though_smtp_was_down_when_the_first_fell_due(sim):
    """Ack due Mon 9 Mar 2026: due_soon Fri 6 Mar 09:00, overdue at midnight, escalated Thu 12 Mar 09:00."""
    mailbox = Mailbox()
    task_queue = f"smtp-{uuid.uuid4().hex[:6]}"
    reference = f"SMTP-2026-{uuid.uuid4().int % 10**6:06d}"
    received = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    if not Session(sim.engine).get(StaffUser, "asmith"):
        create_user(sim.engine, "asmith", "A Smith", "handler", "correct horse battery staple")
    async with build_worker(sim.env.client, sim.engine, task_queue, settings=mail_settings(mailbox.port)):
        handle = await sim.env.client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(
                reference=reference,
                landlord="smtp",
                policy_id="code-2024",
                policy_version=load_profile("code-2024").version,
                handler="asmith",
                received_at=received,
                clock_anchored_to_received=True,
            ),
            id=reference,
            task_queue=task_queue,
        )
        await case_set_up(handle)
        offset = timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))
        await sim.sleep_until(datetime(2026, 3, 6, 9, 5, tzinfo=timezone.utc) - offset)
        with Session(sim.engine) as session:
            down = session.get(Notice, f"{reference}|stage1.acknowledge|due_soon|2026-03-09")
        assert (down.status, mailbox.messages) == ("queued", [])
        assert down.attempts >= 2 and "unreachable" in down.last_error

        mailbox.start()
        try:
            await sim.sleep_until(datetime(2026, 3, 12, 10, tzinfo=timezone.utc) - offset)
            view = await handle.query(ComplaintWorkflow.case)
        finally:
            mailbox.stop()
    assert [n.kind for n in view.notices] == ["due_soon", "overdue", "escalated"]
    assert sorted(m["Message-ID"] for m in mailbox.messages) == sorted(
        f"<{reference}|stage1.acknowledge|{kind}|2026-03-09@greatwell.example>" for kind in ("due_soon", "overdue", "escalated")
    )
    with Session(sim.engine) as session:
        rows = session.exec(select(Notice).where(Notice.reference == reference)).all()
    assert {row.kind: row.status for row in rows} == {"due_soon": "sent", "overdue": "sent", "escalated": "sent"}
    await handle.terminate("test over")


async def test_a_handlers_notices_go_to_their_own_email_address(engine):
    """Issue 26 item 12: staff accounts have an email address; notices use it."""
    create_user(
        engine, "bjones", "Bea Jones", "handler", "correct horse battery staple", email="Bea.Jones@Mail.Greatwell.example"
    )
    delivery = overdue_notice().model_copy(update={"handler": "bjones"})
    mailbox = Mailbox().start()
    try:
        assert ActivityEnvironment().run(NoticeActivities(engine, mail_settings(mailbox.port)).deliver_notice, delivery)
    finally:
        mailbox.stop()
    assert [m["To"] for m in mailbox.messages] == ["bea.jones@mail.greatwell.example, manager@greatwell.example"]
