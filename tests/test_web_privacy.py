"""The administrator's residents' data page against the real stack: find a resident, download the
subject access export (the same record as the CLI's), anonymise only those due; everyone else refused."""

import io
import json
from datetime import timedelta

from pypdf import PdfReader
from sqlmodel import Session, select

from accounts.audit import AuditEntry
from models.record import Complaint, Resident
from models.tables import CaseEvent
from tests.test_subject_access import a_withdrawn_case, NAME, EMAIL
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_an_administrator_finds_a_resident_and_downloads_everything_held(stack, signed_in):
    reference, resident_id = await a_withdrawn_case(stack, "web-sar-1")
    adam = await signed_in("adam")
    page = await adam.get("/residents?q=quarrington")
    assert page.status_code == 200 and NAME in page.text and f"/residents/{resident_id}/export.pdf" in page.text
    short = await adam.get("/residents?q=ab")
    assert short.status_code == 400 and "Enter at least 3 characters" in short.text

    as_json = await adam.get(f"/residents/{resident_id}/export.json")
    assert as_json.status_code == 200 and "attachment" in as_json.headers["content-disposition"]
    held = json.loads(as_json.text)
    assert held["resident"]["email"] == EMAIL and held["cases"][0]["complaint"]["reference"] == reference
    as_pdf = await adam.get(f"/residents/{resident_id}/export.pdf")
    assert as_pdf.headers["content-type"] == "application/pdf" and as_pdf.headers["cache-control"] == "no-store"
    assert NAME in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf.content)).pages)
    with Session(stack.engine) as session:
        exports = session.exec(
            select(AuditEntry).where(AuditEntry.event == "subject_access_export", AuditEntry.username == resident_id)
        ).all()
    assert [e.actor for e in exports] == ["adam", "adam"]
    assert (await adam.get("/residents/res-nobody/export.json")).status_code == 404


async def test_only_an_administrator_sees_exports_or_anonymises(stack, signed_in):
    _, resident_id = await a_withdrawn_case(stack, "web-sar-2")
    for username in ("hana", "mira", "aude", "rita"):
        staff = await signed_in(username)
        for path in ("/residents", f"/residents/{resident_id}/export.json"):
            assert (await staff.get(path)).status_code == 403, (username, path)
        assert (await staff.post(f"/residents/{resident_id}/anonymise")).status_code == 403
    with Session(stack.engine) as session:
        assert session.get(Resident, resident_id).name == NAME


async def test_anonymising_from_the_page_only_once_the_retention_period_has_passed(stack, signed_in):
    reference, resident_id = await a_withdrawn_case(stack, "web-sar-3")
    adam = await signed_in("adam")
    await adam.get("/residents")
    early = await adam.post(f"/residents/{resident_id}/anonymise")
    assert early.status_code == 400 and "is not due" in early.text
    with Session(stack.engine) as session:
        assert session.get(Resident, resident_id).name == NAME
        for event in session.exec(select(CaseEvent).where(CaseEvent.reference == reference)):
            event.at = event.at - timedelta(days=7 * 366)
            session.add(event)
        session.commit()
    page = await adam.get("/residents")
    assert f"/residents/{resident_id}/anonymise" in page.text.split("Due for anonymisation", 1)[1]
    done = await adam.post(f"/residents/{resident_id}/anonymise")
    assert done.status_code == 303
    assert f"Resident {resident_id} anonymised: 1 case(s)" in (await adam.get("/residents")).text
    with Session(stack.engine) as session:
        assert session.get(Resident, resident_id).name == "[anonymised]"
        assert session.get(Complaint, reference).text == "[anonymised]"
