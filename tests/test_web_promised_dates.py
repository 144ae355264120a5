"""Issue 27 item 3: a date the resident was given in writing never moves silently. The administrator
adding a closure is told first how many residents' dates it moves, and nothing is recorded until they
confirm; each resident is then told the new date and why, by their channel (here email, read on a real
SMTP server as the resident reads it)."""

import asyncio
import re
from datetime import timedelta
from uuid import uuid4

from sqlmodel import Session

from casework.access import Actor
from casework.actions import act
from casework.case_list import today
from casework.case_record import working_calendar
from models.tables import CaseDeadline, ClosureDay
from tests.test_web_residents import complain, mailbox, mailer, resident  # noqa: F401 (fixtures)
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)


def long_date(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


async def mail_about(mailer, mailbox, address: str, subject: str):
    for _ in range(300):
        await asyncio.to_thread(mailer.deliver_due)
        found = [m for m in mailbox.messages if address in str(m["To"]) and m["Subject"].endswith(subject)]
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail about {subject!r} to {address}: {[m['Subject'] for m in mailbox.messages]}")


async def test_a_closure_that_moves_a_resident_s_response_date_is_confirmed_first_and_the_resident_is_told(
    stack, signed_in, mailer, mailbox
):
    email = f"dana-{uuid4().hex[:6]}@example.org"
    browser = resident(stack)
    await complain(browser, email)
    reference = re.search(r"CMP-\d{4}-\d{6}", (await browser.get("/complain/received")).text).group(0)
    await act(
        stack.client,
        stack.engine,
        reference,
        "acknowledge",
        {"points": ["Roof leak not repaired"]},
        Actor(username="mira", role="complaints_manager"),
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    case = await stack.projected(reference, "stage1_acknowledged")
    with Session(stack.engine) as session:
        promised = session.get(CaseDeadline, (reference, "stage1.respond"))
    assert not promised.provisional
    closure = working_calendar(stack.engine, case, today()).next_working_day(today() + timedelta(days=2))
    assert closure <= promised.due

    adam = await signed_in("adam")
    form = {"landlord": case.landlord, "day": closure.isoformat(), "reason": "staff training"}
    asked = await adam.post("/closures", form)
    assert asked.status_code == 200 and "moves a date we gave in writing to <strong>1 resident</strong>" in asked.text
    with Session(stack.engine) as session:
        assert session.get(ClosureDay, (case.landlord, closure)) is None, "nothing recorded before confirming"
    assert (await adam.post("/closures", form | {"confirm": "yes"})).status_code == 303

    told = (await mail_about(mailer, mailbox, email, "A date we gave you has changed"))[0]
    with Session(stack.engine) as session:
        moved = session.get(CaseDeadline, (reference, "stage1.respond")).due
    assert moved > promised.due
    body = " ".join(told.get_body(("plain",)).get_content().split())
    assert f"When we will send you our response: now by {long_date(moved)}" in body
    assert f"our office is closed on {long_date(closure)}" in body
