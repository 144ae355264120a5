"""Issue 26 item 6: a case entered after its deadlines had passed reaches everyone on the ladder once
(handler, complaints manager, head of service), in one notice of the most serious kind, and the notice
names the resident and the step in words with the date as people write it."""

import asyncio
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from activities.notices import notice_email, resident_name
from casework.intake import Intake, ResidentDetails, file_complaint
from models.activity_inputs import NoticeDelivery
from models.case import NoticeView
from models.presentation import long_date
from models.tables import Notice
from tests.web_stack import TASK_QUEUE, stack  # noqa: F401


async def test_catching_up_tells_every_rung_once_in_words(stack):
    intake = Intake(
        intake_id="catch-up-1",
        policy="code-2024",
        channel="phone",
        handler="hana",
        resident=ResidentDetails(name="Ann Khan", address="4 Mill Lane"),
        text="Nobody has answered my letters about the damp since October.",
        received_at=datetime.now(timezone.utc) - timedelta(days=40),
    )
    reference = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    for _ in range(200):
        with Session(stack.engine) as session:
            rows = session.exec(
                select(Notice).where(Notice.reference == reference, Notice.deadline == "stage1.acknowledge")
            ).all()
        if rows:
            break
        await asyncio.sleep(0.05)
    assert [(r.kind, r.recipients) for r in rows] == [("escalated", "handler,complaints_manager,head_of_service")]
    row = rows[0]
    delivery = NoticeDelivery(
        reference=reference,
        landlord="code-2024",
        handler="hana",
        notice=NoticeView(
            kind=row.kind, deadline=row.deadline, due=row.due, at=row.at, recipients=tuple(row.recipients.split(","))
        ),
    )
    with Session(stack.engine) as session:
        mail = notice_email(stack.settings, delivery, "hana", resident_name(session, reference))
    assert (
        mail["Subject"]
        == f"Escalated, overdue: acknowledge at stage 1 for Ann Khan, due {long_date(row.due, weekday=True)} ({reference})"
    )
    assert "the case's handler, the complaints manager and the head of service" in mail.get_content()
    assert row.due.isoformat() not in mail["Subject"] + mail.get_content()  # the Message-ID keeps its key
