"""A case record and letters to test with: one resident's complaint with a two-point definition (and an
anonymous one beside it), at Wrekin Housing, and a complete stage-1 response built from it."""

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from casework.letters import addressee_of, definition_of
from models.letters import Decision, Landlord, PendingAction, RemedyOffer, ResponseLetter
from models.policy import load_profile
from models.record import Complaint, Definition, Resident
from models.tables import create_schema, make_engine

REF = "CMP-2026-000123"
ANON_REF = "CMP-2026-000124"
POINTS = ["the boiler repair was late", "the repairs team did not keep two appointments"]


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'complaints.db'}")
    create_schema(engine)
    at = datetime(2026, 12, 18, 10, tzinfo=UTC)
    with Session(engine) as session:
        session.add(
            Resident(id="res-1", landlord="wrekin", name="Amira Khan", address="12 Oak Road, Telford TF3 4AW", created_at=at)
        )
        for reference, resident in ((REF, "res-1"), (ANON_REF, None)):
            session.add(
                Complaint(
                    reference=reference,
                    intake_id=f"intake-{reference}",
                    landlord="wrekin",
                    policy_id="wrekin",
                    policy_version=1,
                    region="ENG",
                    resident_id=resident,
                    channel="phone",
                    text="My boiler has been broken for six weeks.",
                    received_at=at,
                )
            )
        session.add(Definition(command_id="ack-1", reference=REF, stage=1, points=POINTS[:1], recorded_at=at))
        session.add(
            Definition(
                command_id="add-1", reference=REF, stage=1, points=POINTS[1:], recorded_at=at.replace(day=22), kind="additional"
            )
        )
        session.commit()
    return engine


def landlord(profile_id: str = "wrekin") -> Landlord:
    return Landlord.from_profile(load_profile(profile_id))


def response(engine, stage: int = 1, profile_id: str = "wrekin", **changes) -> ResponseLetter:
    """A complete response letter from the record; `changes` replace (or, as None or empty, remove) its parts."""
    fields = dict(
        reference=REF,
        landlord=landlord(profile_id),
        addressee=addressee_of(engine, REF),
        issued_on=date(2027, 1, 14),
        signed_by="Sam Patel\nRepairs Manager",
        stage=stage,
        definition=definition_of(engine, REF, 1),
        decisions=[
            Decision(
                point=1,
                finding="upheld",
                reasons="The repair took 31 working days; our target is 20.",
                references="Repairs Policy 4.2",
            ),
            Decision(
                point=2, finding="not_upheld", reasons="Our records show both appointments were kept; the operative left a card."
            ),
        ],
        outcome="partly_upheld",
        remedies=[
            RemedyOffer(kind="apology", description="We are sorry that the repair took so long."),
            RemedyOffer(kind="action", description="Fit a new boiler", due_on=date(2027, 1, 29)),
            RemedyOffer(
                kind="compensation",
                amount_pence=12_550,
                compensation_type="financial_value",
                description="for six weeks without heating",
            ),
        ],
        outstanding_actions=[
            PendingAction(description="Fit a new boiler", owner="Repairs team (Jo Bell)", target_on=date(2027, 1, 29))
        ],
        learning=["Boiler repairs waiting for parts are now reviewed weekly."],
        stage2_how="Reply to this letter, call 01952 217100 or email complaints@example.org.",
    )
    fields.update(changes)
    return ResponseLetter.model_validate(fields)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
