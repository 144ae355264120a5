"""Triage at the door on the public form (Awaab's Law, SI 2025/1042; decision 152): a resident who says there is
damp or mould in the home gets a hazard linked to their complaint, its clocks running from receipt, awaiting
staff's triage in the hazards queue, and is told what happens next and by when, on the confirmation page and
on their tracking page."""

import re
from uuid import uuid4
from datetime import UTC, date, timedelta

from sqlmodel import Session, select

from activities.hazards import load_statutory_calendar
from casework.resident_hazards import hazards_for_resident
from models.calendar import local_date
from models.hazard_tables import Hazard, HazardDeadline
from models.record import Complaint
from models.residents import ResidentMessage
from tests.eventually import eventually
from tests.test_web_residents import complain, resident
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


def tenth_working_day_after(day0: date) -> date:
    """Counted by hand from the day after Day 0: weekdays that are not England's bank holidays (reg 6)."""
    holidays = set(load_statutory_calendar([day0.year, day0.year + 1]).non_working)
    day, counted = day0, 0
    while counted < 10:
        day += timedelta(days=1)
        counted += day.weekday() < 5 and day not in holidays
    return day


def _hazard_of(stack, complaint: str) -> Hazard | None:
    with Session(stack.engine) as session:
        return next((h for h in session.exec(select(Hazard)) if complaint in h.linked.split(",")), None)


async def test_a_resident_reporting_mould_gets_a_hazard_from_receipt_awaiting_triage(stack, signed_in):
    browser = resident(stack)
    form = (await browser.get("/complain")).text
    assert "Is there damp or mould, or something dangerous, in your home?" in form
    assert 'value="damp_and_mould"' in form and "Yes, damp or mould" in form
    assert not re.search(r'name="home_hazard" value="no" checked', form), "the safety question is not answered for them"
    sent = await complain(browser, "mould@example.org", text="Black mould in the child's bedroom.", home_hazard="damp_and_mould")
    assert sent.status_code == 303, sent.text[:2000]
    confirmation = (await browser.get("/complain/received")).text
    reference = re.search(r'class="reference">([^<]+)<', confirmation).group(1)

    hazard = _hazard_of(stack, reference)
    assert hazard is not None and hazard.category == "damp_and_mould" and hazard.level is None
    with Session(stack.engine) as session:
        received_at = session.get(Complaint, reference).received_at
        investigate = session.get(HazardDeadline, (hazard.reference, "investigate"))
    assert hazard.aware_at.replace(tzinfo=UTC) == received_at.replace(tzinfo=UTC)
    due = tenth_working_day_after(local_date(received_at.replace(tzinfo=UTC)))
    assert investigate is not None and investigate.due == due

    words = f"{due:%A} {due.day} {due:%B %Y}"
    assert "Damp and mould growth in your home" in confirmation and "We are deciding how urgent it is." in confirmation
    assert "Look into it, within 10 working days" in confirmation and words in confirmation
    assert "we must make your home safe within 24 hours of your complaint" in confirmation
    with Session(stack.engine) as session:
        email = session.exec(
            select(ResidentMessage).where(ResidentMessage.reference == reference, ResidentMessage.purpose == "confirmation")
        ).one()
    assert (
        f"You told us about damp and mould growth in your home. We are deciding how urgent it is. Look into it, within 10 "
        f"working days: by {words}." in email.body
    )

    hana = await signed_in("hana")
    queue = (await hana.get("/hazards")).text.split('id="hazards"', 1)[1].split("</table>", 1)[0]
    row = queue.split(hazard.reference, 1)[1].split("</tr>", 1)[0]
    assert "awaiting triage" in row and "Investigate (reg 6)" in row

    again = await browser.http.post("/complain", data={})  # a forged resend files nothing
    assert again.status_code in (400, 403)
    assert [h.reference for h in hazards_for_resident(stack.engine, reference, due)] == [hazard.reference]


async def test_something_dangerous_awaits_triage_with_no_clock_and_no_means_no_hazard(stack, signed_in):
    gas = await complain(
        resident(stack), "gas@example.org", text="It smells of gas by the boiler.", home_hazard="uncombusted_fuel_gas"
    )
    assert gas.status_code == 303
    browser = resident(stack)
    plain = await complain(browser, "plain@example.org", home_hazard="no")
    assert plain.status_code == 303
    plain_ref = re.search(r'class="reference">([^<]+)<', (await browser.get("/complain/received")).text).group(1)
    assert _hazard_of(stack, plain_ref) is None
    wrong = await complain(resident(stack), "wrong@example.org", home_hazard="overcrowding")
    assert wrong.status_code == 400
    assert "Is there damp or mould, or something dangerous, in your home?: choose one of the answers given" in wrong.text

    hana = await signed_in("hana")
    queue = (await hana.get("/hazards")).text.split('id="hazards"', 1)[1].split("</table>", 1)[0]
    assert "Uncombusted fuel gas" in queue or "uncombusted fuel gas" in queue
    row = queue.split("uncombusted fuel gas", 1)[-1].split("</tr>", 1)[0]
    assert "awaiting triage" in row and "Triage: is it an emergency?" in row


async def test_the_tracking_page_shows_the_hazards_steps_and_dates_from_its_clocks(stack, signed_in):
    from casework.tracking import issue_link
    from tests.web_stack import WEB_SECRET

    browser = resident(stack)
    await complain(browser, "track-mould@example.org", text="Mould on the bedroom ceiling.", home_hazard="damp_and_mould")
    reference = re.search(r'class="reference">([^<]+)<', (await browser.get("/complain/received")).text).group(1)
    hazard = _hazard_of(stack, reference).reference
    hana = await signed_in("hana")
    for step in (
        {"action": "hazard_triaged", "level": "significant"},
        {"action": "hazard_investigated", "found": "significant", "safety_work": "yes"},
    ):
        done = await hana.post(f"/hazards/{hazard}/act", step | {"command_id": "web-" + uuid4().hex})
        assert done.status_code == 303, done.text[:2000]
    with Session(stack.engine) as session:
        complaint = session.get(Complaint, reference)
        token = issue_link(session, WEB_SECRET, reference, "resident", complaint.resident_id)
        session.commit()

    async def summary_clock():
        with Session(stack.engine) as session:
            return session.get(HazardDeadline, (hazard, "summary"))

    summary = await eventually(summary_clock, "the summary clock projected")
    with Session(stack.engine) as session:
        investigate = session.get(HazardDeadline, (hazard, "investigate"))
    await browser.get(f"/track/{token}")
    page = (await browser.get("/track")).text
    told = page.split("Damp and mould growth in your home", 1)[1].split("</section>", 1)[0]
    assert "We decided it is a significant hazard" in told
    assert (
        f"Look into it, within 10 working days</td><td>{_long(investigate.due)}</td><td>done on {_long(investigate.met_on)}</td>"
        in told
    )
    assert (
        f"Write to you with what we found, within 3 working days of looking</td><td>{_long(summary.due)}</td><td>not yet</td>"
        in told
    )
    assert "Do the work to make your home safe, within 5 working days of looking" in told


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"
