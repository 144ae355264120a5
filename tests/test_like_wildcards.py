"""What people type into a search or a lookup is text, not a pattern (issue 29, item 9): `%` on the
anonymous new-link form used to match every representative's contact (revoking a consenting
representative's link and emailing them), and `/residents?q=%%%` listed everyone. Contacts are matched
exactly (normalised); a search's `%` and `_` are letters. SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from casework.tracking import issue_link
from models.record import Complaint, Representative, Resident
from models.residents import ResidentLink, ResidentMessage
from models.tables import Case, CaseEvent
from tests.test_input_boundaries import Browser, app, said  # noqa: F401 (fixture)

REFERENCE = "CMP-2026-000901"


def a_case_with_a_consenting_representative(engine) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.add(Resident(id="res-1", landlord="code-2024", name="Ann Resident", email="ann@example.org", created_at=now))
        session.add(Resident(id="res-2", landlord="code-2024", name="Bea Other", email="bea@example.org", created_at=now))
        session.flush()
        session.add(Representative(id="rep-1", resident_id="res-1", name="Rob Rep", contact="Rob.Rep@example.org"))
        session.flush()
        session.add(
            Complaint(
                reference=REFERENCE,
                intake_id="i-1",
                landlord="code-2024",
                policy_id="code-2024",
                policy_version=1,
                region="ENG",
                resident_id="res-1",
                representative_id="rep-1",
                channel="phone",
                text="Leak",
                received_at=now,
            )
        )
        session.add(
            Case(
                reference=REFERENCE,
                landlord="code-2024",
                policy_id="code-2024",
                policy_version=1,
                region="ENG",
                state="stage1_acknowledged",
                stage=1,
                received_at=now,
            )
        )
        session.flush()
        session.add(
            CaseEvent(
                reference=REFERENCE,
                seq=1,
                at=now,
                type="record_consent",
                stage=1,
                state="stage1_acknowledged",
                details={"representative_ref": "rep-1", "given": True},
            )
        )
        issue_link(session, "secret", REFERENCE, "representative", "rep-1", now=now)
        session.commit()


def representatives_link_works(engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(ResidentLink).where(ResidentLink.person_id == "rep-1")).one().revoked_at is None


@pytest.mark.parametrize("typed", ["%", "%@%", "_%", "%example.org"])
async def test_a_new_link_request_with_wildcards_matches_nobody(app, engine, typed):
    a_case_with_a_consenting_representative(engine)
    browser = Browser(app)
    await browser.get("/track/new-link")
    answer = await browser.post("/track/new-link", {"email": typed})
    assert answer.status_code == 200 and "We will send it the way you asked" in answer.text  # the same answer whatever matched
    assert representatives_link_works(engine)
    with Session(engine) as session:
        assert session.exec(select(ResidentMessage)).first() is None


async def test_the_representatives_own_address_still_finds_their_case(app, engine):
    a_case_with_a_consenting_representative(engine)
    browser = Browser(app)
    await browser.get("/track/new-link")
    await browser.post("/track/new-link", {"email": " rob.rep@EXAMPLE.org "})
    assert not representatives_link_works(engine)


@pytest.mark.parametrize(
    ("q", "listed"),
    [("%%%", []), ("___", []), ("%@%", []), ("ann", ["Ann Resident"]), ("example.org", ["Ann Resident", "Bea Other"])],
)
async def test_the_residents_search_takes_wildcards_as_letters(app, engine, q, listed):
    a_case_with_a_consenting_representative(engine)
    browser = Browser(app)
    await browser.sign_in("adam")
    page = said(await browser.get(f"/residents?q={q.replace('%', '%25')}"))
    assert [name for name in ("Ann Resident", "Bea Other") if name in page] == listed
