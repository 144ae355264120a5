"""A representative whose consent is withdrawn stops reading the case at once (issue 29, item 4): their
tracking link opened the page and downloaded letters for up to 28 days. Now the link is revoked at its
first use after the withdrawal, whichever way it was recorded, and consent given again does not revive
it. SQLite and PostgreSQL; the read model's events as the worker projects them."""

from datetime import UTC, datetime

from sqlmodel import Session, select

from casework.tracking import issue_link
from models.residents import ResidentLink
from models.tables import CaseEvent
from tests.test_input_boundaries import Browser, app  # noqa: F401 (fixture)
from tests.test_like_wildcards import REFERENCE, a_case_with_a_consenting_representative


def consent(engine, seq: int, given: bool) -> None:
    with Session(engine) as session:
        session.add(
            CaseEvent(
                reference=REFERENCE,
                seq=seq,
                at=datetime.now(UTC),
                type="record_consent",
                stage=1,
                state="stage1_acknowledged",
                details={"representative_ref": "rep-1", "given": given},
            )
        )
        session.commit()


async def test_withdrawing_consent_closes_the_representatives_link_for_good(app, engine):
    a_case_with_a_consenting_representative(engine)
    with Session(engine) as session:
        token = issue_link(session, app.state.settings.web_secret, REFERENCE, "representative", "rep-1")
        session.commit()
    representative = Browser(app)
    opened = await representative.http.get(f"/track/{token}")
    assert opened.status_code == 303 and (await representative.get("/track")).status_code == 200

    consent(engine, 2, given=False)
    page = await representative.get("/track")
    # the case is gone from their view: /track asks for a reference and code again (issue 27's way in)
    assert REFERENCE not in page.text and 'name="code"' in page.text
    assert (await representative.http.get(f"/track/{token}")).status_code == 404
    assert (await representative.get("/track/letters/any")).status_code == 404

    consent(engine, 3, given=True)
    assert (await Browser(app).http.get(f"/track/{token}")).status_code == 404, "consent given again needs a new link"
    with Session(engine) as session:
        assert all(
            link.revoked_at is not None for link in session.exec(select(ResidentLink).where(ResidentLink.person_id == "rep-1"))
        )
