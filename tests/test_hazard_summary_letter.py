"""The reg 9 written summary (SI 2025/1042) is issued like every other letter when `hazard_summary_sent` is
recorded: previewed first, stored with the linked complaint, its PDF emailed to the resident exactly once
(a real aiosmtpd server), its words matching the hazard's record; a hazard with no complaint says nobody
could be sent it."""

import io

from pypdf import PdfReader
from sqlmodel import Session, select

from casework.resident_mail import ResidentMailer
from casework.access import Actor
from casework.hazards import report_hazard
from casework.intake import Intake, ResidentDetails, file_complaint
from casework.letters import _letter_date
from models.hazard import HAZARD_COMMANDS, HazardView
from models.hazard_tables import HazardDeadline, HazardEvent
from models.record import Letter
from models.settings import Settings
from accounts.users import ROLE_NAMES
from tests.mailbox import Mailbox
from tests.test_web_hazards import _projected
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)

HANA = Actor(username="hana", role="handler")


async def _investigated(stack, hana, linked: tuple[str, ...]) -> str:
    reference = await report_hazard(
        stack.client,
        stack.engine,
        category="damp_and_mould",
        landlord="code-2024",
        actor=HANA,
        linked=linked,
        task_queue=TASK_QUEUE,
    )
    await _projected(stack, reference, 1)
    done = await hana.post(
        f"/hazards/{reference}/act",
        {"action": "hazard_investigated", "found": "significant", "safety_work": "yes", "preventative_work": "yes"},
    )
    assert done.status_code == 303, done.text[:2000]
    await _projected(stack, reference, 2)
    return reference


def _summaries(stack, hazard: str) -> list[Letter]:
    with Session(stack.engine) as session:
        rows = session.exec(select(Letter).where(Letter.kind == "hazard_summary")).all()
        return [row for row in rows if row.content.get("hazard") == hazard]


async def test_recording_the_summary_previews_then_emails_the_resident_one_pdf_that_says_what_the_record_says(stack, signed_in):
    intake = Intake(
        intake_id="hazard-summary-letter",
        policy="code-2024",
        channel="phone",
        resident=ResidentDetails(
            name="Amira Khan", address="4 Mill Lane", email="amira.khan@example.com", preferred_contact="email"
        ),
        text="Black mould in the child's bedroom.",
    )
    complaint = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    await stack.projected(complaint)
    hana = await signed_in("hana")
    hazard = await _investigated(stack, hana, (complaint,))
    command = {"action": "hazard_summary_sent", "command_id": "web-" + "5" * 32}

    preview = await hana.post(f"/hazards/{hazard}/act", command)
    assert (
        preview.status_code == 200 and "Nothing has been sent yet" in preview.text and "Send the written summary" in preview.text
    )
    assert _summaries(stack, hazard) == [], "the preview stores and sends nothing"

    sent = await hana.post(f"/hazards/{hazard}/act", command | {"previewed": "yes"})
    assert sent.status_code == 303, sent.text[:2000]
    page = (await hana.get(f"/hazards/{hazard}")).text
    assert f"The written summary was issued with {complaint}, to the resident by email (" in page
    again = await hana.post(f"/hazards/{hazard}/act", command | {"previewed": "yes"})  # a double click
    assert again.status_code == 303
    [letter] = _summaries(stack, hazard)
    assert letter.reference == complaint
    case_page = (await hana.get(f"/cases/{complaint}")).text
    assert f"/cases/{complaint}/letters/{letter.id}" in case_page, "filed with the complaint's letters"
    shown = await hana.get(f"/cases/{complaint}/letters/{letter.id}")
    assert shown.status_code == 200, shown.text[:1000]

    mailbox = Mailbox().start()
    try:
        settings = Settings(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=mailbox.port,
            WEB_SECRET="hazard-summary-secret-0123",
            WEB_BASE_URL="http://residents.test",
        )
        assert ResidentMailer(stack.engine, settings).deliver_letter(letter.id) == 0
        assert ResidentMailer(stack.engine, settings).deliver_letter(letter.id) == 0
    finally:
        mailbox.stop()
    [email] = mailbox.messages
    assert email["To"].addresses[0].addr_spec == "amira.khan@example.com"
    with Session(stack.engine) as session:
        due = {d.name: d.due for d in session.exec(select(HazardDeadline).where(HazardDeadline.reference == hazard))}
        investigated = session.exec(
            select(HazardEvent).where(HazardEvent.reference == hazard, HazardEvent.type == "hazard_investigated")
        ).one()
    text = email.get_body(("plain",)).get_content()
    assert f"investigated it on {_letter_date(investigated.at.date())} and found a significant hazard" in text
    assert f"Safety work (reg 11): by {_letter_date(due['safety_work'])}." in text
    assert f"Begin preventative work (reg 13): by {_letter_date(due['preventative_start'])}." in text
    [pdf] = [part for part in email.iter_attachments() if part.get_content_type() == "application/pdf"]
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert hazard in words and "Amira Khan" in words and "Housing Ombudsman" in words


async def test_a_hazard_with_no_complaint_says_nobody_could_be_sent_the_summary(stack, signed_in):
    hana = await signed_in("hana")
    hazard = await _investigated(stack, hana, ())
    preview = (await hana.post(f"/hazards/{hazard}/act", {"action": "hazard_summary_sent"})).text
    assert "not linked to a complaint, so there is no resident contact on file" in preview
    recorded = await hana.post(f"/hazards/{hazard}/act", {"action": "hazard_summary_sent", "previewed": "yes"})
    assert recorded.status_code == 303
    page = (await hana.get(f"/hazards/{hazard}")).text
    assert "No letter was sent: this hazard is not linked to a complaint" in page
    assert _summaries(stack, hazard) == []


async def test_the_workflow_issues_the_summary_it_applied_even_if_the_web_process_dies_after_the_update(stack, signed_in):
    """Decision 207 (issue 29 item 2 for hazards): the letter comes from the workflow's own activity, so an
    Update that applied with nobody left to issue the letter afterwards still has its letter, once."""
    intake = Intake(
        intake_id="hazard-summary-crash",
        policy="code-2024",
        channel="phone",
        resident=ResidentDetails(name="Ola Bello", address="9 Quay Street", email="ola.bello@example.com"),
        text="Mould on the bathroom ceiling.",
    )
    complaint = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    await stack.projected(complaint)
    hana = await signed_in("hana")
    hazard = await _investigated(stack, hana, (complaint,))
    command = HAZARD_COMMANDS["hazard_summary_sent"](command_id="web-" + "7" * 32, actor="hana")
    handle = stack.client.get_workflow_handle(hazard)
    await handle.execute_update("hazard_summary_sent", command, result_type=HazardView)  # and then the web died
    [letter] = _summaries(stack, hazard)
    assert letter.reference == complaint
    assert letter.content["signed_by"].endswith(ROLE_NAMES["handler"]) and not letter.content["signed_by"].startswith("hana")
    await handle.execute_update("hazard_summary_sent", command, result_type=HazardView)  # a retry: a no-op
    assert [row.id for row in _summaries(stack, hazard)] == [letter.id]
