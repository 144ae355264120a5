"""Casework end to end: intake, staff actions with their letters, and the refusals people see.

Real parts: the workflow and worker on the time-skipping server, the read model the simulator uses
(SQLite, or PostgreSQL when COMPLAINTS_TEST_READ_MODEL=postgresql), weasyprint for the letters.
"""

from datetime import date, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from sqlmodel import Session, select

from models.governance import ResponseRootCause
from models.record import (
    Complaint,
    Definition,
    LearningPoint,
    Letter,
    OutstandingAction,
    Remedy,
    Resident,
    Restriction,
    ServiceRequest,
)
from models.tables import Case, CaseDeadline
from casework.access import Actor, Refused
from casework.actions import act
from casework.errors import CommandRejected, UnknownCase
from casework.intake import Intake, RepresentativeDetails, ResidentDetails, file_complaint
from casework.service_requests import ServiceRequestIntake, convert_service_request, record_service_request
from starter.simulate import TASK_QUEUE


@pytest.fixture(scope="module")
def sim(own_sim):
    """This module's cases run on a server of their own (dates here are bounded by today's; conftest.own_sim)."""
    return own_sim


HANDLER = Actor(username="alice", role="handler")
REVIEWER = Actor(username="bob", role="stage2_reviewer")
MANAGER = Actor(username="maria", role="complaints_manager")
RESIDENT = ResidentDetails(
    name="Jane Example", address="1 Test Street, Telford TF1 1AA", phone="01952 000000", email="jane@example.org"
)


def ensure_staff(engine, **roles: str) -> None:
    """Active accounts for the people the tests name as handlers (staff come from active accounts)."""
    from accounts.users import create_user, get_user

    for username, role in roles.items():
        if get_user(engine, username) is None:
            create_user(engine, username, username.capitalize(), role, "correct horse battery")


@pytest.fixture
def casework(sim):
    """File and act against the simulator's server, worker and read model."""

    ensure_staff(sim.engine, alice="handler", bob="stage2_reviewer", maria="complaints_manager")

    class Casework:
        engine = sim.engine

        async def file(self, **fields) -> str:
            intake = Intake(
                **{
                    "channel": "phone",
                    "resident": RESIDENT,
                    "text": "The boiler has failed twice.",
                    "desired_outcome": "A working boiler",
                    **fields,
                }
            )
            return (await file_complaint(sim.env.client, sim.engine, intake, TASK_QUEUE)).reference

        async def act(self, reference: str, action: str, actor: Actor = HANDLER, command_id: str | None = None, **form):
            return await act(
                sim.env.client, sim.engine, reference, action, form, actor, command_id or f"cmd-{uuid4().hex[:16]}", TASK_QUEUE
            )

        def rows(self, model, reference: str) -> list:
            with Session(sim.engine) as session:
                return list(session.exec(select(model).where(model.reference == reference)).all())

    return Casework()


async def test_filing_twice_with_one_intake_id_gives_one_case(casework, sim):
    ensure_staff(sim.engine, alice="handler")
    intake = Intake(channel="email", resident=RESIDENT, text="Damp in the bedroom", intake_id=f"web-{uuid4().hex}")
    first = await file_complaint(sim.env.client, sim.engine, intake, TASK_QUEUE)
    again = await file_complaint(sim.env.client, sim.engine, intake, TASK_QUEUE)
    assert again.reference == first.reference and first.created and not again.created
    assert first.reference.startswith(f"CMP-{date.today().year}-")
    complaints = casework.rows(Complaint, first.reference)
    assert len(complaints) == 1 and complaints[0].channel == "email"
    with Session(sim.engine) as session:
        assert session.get(Resident, complaints[0].resident_id).name == "Jane Example"
    assert (await casework.act(first.reference, "assign", actor=MANAGER, handler="alice")).state == "received"
    with Session(sim.engine) as session:
        assert session.get(Case, first.reference).handler == "alice"


async def test_anonymous_complaints_only_where_the_policy_accepts_them(casework, sim):
    with pytest.raises(CommandRejected) as refused:
        await casework.file(policy="wolverhampton-homes", resident=None, intake_id="anon-wh")
    assert refused.value.field == "resident"
    assert "Wolverhampton Homes does not accept anonymous complaints" in refused.value.message
    with Session(sim.engine) as session:
        assert session.exec(select(Complaint).where(Complaint.intake_id == "anon-wh")).first() is None
    reference = await casework.file(policy="code-2024", resident=None)
    assert casework.rows(Complaint, reference)[0].resident_id is None


async def test_a_complaint_outside_the_window_is_flagged_for_a_decision_not_refused(casework):
    reference = await casework.file(issue_date=date.today() - timedelta(days=500))
    assert casework.rows(Complaint, reference)[0].out_of_window
    with pytest.raises(CommandRejected, match="older than the policy's window"):
        await casework.act(reference, "acknowledge", points=["Boiler failed"])
    assert casework.rows(Definition, reference) == []
    await casework.act(
        reference, "accept_outside_window", exception="good_reason_discretion", reason="The resident was in hospital"
    )
    summary = await casework.act(reference, "acknowledge", points=["Boiler failed"])
    assert summary.state == "stage1_acknowledged"


async def test_a_case_from_intake_to_stage2_with_its_letters(casework, sim):
    reference = await casework.file(handler="alice")

    with pytest.raises(CommandRejected) as refused:
        await casework.act(reference, "acknowledge", points=[" "])
    assert refused.value.field == "points" and "at least one point" in refused.value.message

    await casework.act(reference, "acknowledge", points=["The boiler failed twice", "Engineers missed two visits"])
    acknowledgement = casework.rows(Letter, reference)
    assert [letter.kind for letter in acknowledgement] == ["acknowledgement"]
    assert "Engineers missed two visits" in acknowledgement[0].html and acknowledgement[0].pdf.startswith(b"%PDF")

    await casework.act(reference, "extend", working_days=5, reason="Contractor report awaited", agreed_with_resident=True)
    with Session(sim.engine) as session:
        respond_due = session.get(CaseDeadline, (reference, "stage1.respond")).due
    extension = [letter for letter in casework.rows(Letter, reference) if letter.kind == "extension"][0]
    assert f"{respond_due.day} {respond_due:%B %Y}" in extension.html and "0300 111 3000" in extension.html

    incomplete = dict(
        outcome="upheld",
        decisions=[{"point": 1, "upheld": True, "reasons": "Parts were late"}],
        remedies=[{"kind": "apology", "description": "We are sorry"}],
    )
    with pytest.raises(CommandRejected) as refused:
        await casework.act(reference, "respond", **incomplete)
    assert refused.value.field == "letter"
    assert "a decision on point 2 'Engineers missed two visits'" in refused.value.message
    assert casework.rows(Remedy, reference) == [] and len(casework.rows(Letter, reference)) == 2

    target = (await sim.env.get_current_time()).date() + timedelta(days=30)  # the workflow's clock, not the PC's
    complete = dict(
        outcome="upheld",
        decisions=[
            {"point": 1, "upheld": True, "reasons": "Parts were late"},
            {"point": 2, "upheld": True, "reasons": "Visits were not kept"},
        ],
        remedies=[
            {"kind": "apology", "description": "We are sorry"},
            {
                "kind": "compensation",
                "description": "For the time without heating",
                "amount_pence": 15000,
                "band": "some_impact",
                "due_on": target.isoformat(),
                "compensation_type": "time_and_trouble",
            },
        ],
        actions=[{"description": "Replace the boiler", "owner": "Repairs", "target_on": target.isoformat()}],
        root_causes=["repair_delayed", "not_kept_informed"],
        learning="Book engineers with the parts in stock",
        learning_root_cause="repair_delayed",
    )
    summary = await casework.act(reference, "respond", **complete)
    assert summary.state == "stage1_responded"
    due = {d.name: d.due for d in summary.deadlines}
    assert due["action.s1-1"] == target and due["action.s1-pay-1"] == target  # the payment: a promised action
    assert [a.action_id for a in casework.rows(OutstandingAction, reference)] == ["s1-1", "s1-pay-1"]
    assert sum(r.amount_pence for r in casework.rows(Remedy, reference)) == 15000
    assert sorted(c.code for c in casework.rows(ResponseRootCause, reference)) == ["not_kept_informed", "repair_delayed"]
    assert [p.root_cause for p in casework.rows(LearningPoint, reference)] == ["repair_delayed"]
    response = [letter for letter in casework.rows(Letter, reference) if letter.kind == "stage1_response"][0]
    assert "£150" in response.html and "You do not have to explain your reasons" in response.html
    assert "Pay the compensation of £150" in response.html  # the letter lists the payment among outstanding actions

    with pytest.raises(CommandRejected, match="still outstanding"):
        await casework.act(reference, "close")
    await casework.act(reference, "request_stage2")
    with pytest.raises(CommandRejected) as refused:
        await casework.act(reference, "assign", actor=MANAGER, handler="alice")
    assert refused.value.field == "handler" and "(Code 6.13)" in refused.value.message
    await casework.act(reference, "assign", actor=MANAGER, handler="bob")
    with pytest.raises(Refused, match="assigned to bob"):
        await casework.act(reference, "acknowledge", actor=HANDLER, points=["The stage 1 remedy was too small"])
    await casework.act(reference, "acknowledge", actor=REVIEWER, points=["The stage 1 remedy was too small"])
    with Session(sim.engine) as session:
        stages = sorted(d.stage for d in session.exec(select(Definition).where(Definition.reference == reference)))
    assert stages == [1, 2], "the refused stage-2 acknowledgement left no definition behind"


async def test_a_role_that_may_not_act_is_refused_and_nothing_is_written(casework):
    reference = await casework.file()
    with pytest.raises(Refused, match="Auditors can read cases but not act on them"):
        await casework.act(reference, "acknowledge", actor=Actor(username="audrey", role="auditor"), points=["x"])
    assert casework.rows(Definition, reference) == []
    with pytest.raises(UnknownCase):
        await casework.act("CMP-1999-000001", "acknowledge", points=["x"])


async def test_an_exclusion_needs_one_of_the_policys_grounds_and_sends_a_letter(casework):
    reference = await casework.file(policy="wolverhampton-homes")
    with pytest.raises(CommandRejected) as refused:
        await casework.act(reference, "exclude", ground="too_busy", reason="No capacity")
    assert refused.value.field == "ground" and "previously_considered" in refused.value.message
    assert casework.rows(Letter, reference) == []
    await casework.act(reference, "exclude", ground="legal_proceedings", reason="Court action has started")
    letter = casework.rows(Letter, reference)[0]
    assert letter.kind == "exclusion" and "Court action has started" in letter.html and "0300 111 3000" in letter.html


async def test_a_representative_acts_only_with_the_residents_consent(casework):
    reference = await casework.file(representative=RepresentativeDetails(name="Sam Helper", relationship="son"))
    representative = casework.rows(Complaint, reference)[0].representative_id
    await casework.act(reference, "acknowledge", points=["Boiler"])
    with pytest.raises(CommandRejected) as refused:
        await casework.act(reference, "resident_input", note="Still no heating", on_behalf_of=representative)
    assert refused.value.field == "on_behalf_of"
    await casework.act(reference, "record_consent", representative_id=representative)
    summary = await casework.act(reference, "resident_input", note="Still no heating", on_behalf_of=representative)
    assert summary.last_event.details["on_behalf_of"] == representative


async def test_an_additional_complaint_joins_before_the_response_and_starts_a_linked_case_after(casework):
    reference = await casework.file()
    await casework.act(reference, "acknowledge", points=["Boiler"])
    merged = await casework.act(reference, "add_complaint", points=["Rude call handler"])
    assert merged.reference == reference
    unrelated = await casework.act(reference, "add_complaint", points=["Parking permit"], related=False)
    assert unrelated.reference != reference
    assert casework.rows(Complaint, unrelated.reference)[0].linked_to == reference


async def test_a_converted_service_request_starts_the_clock_at_conversion(casework, sim):
    request_id = record_service_request(
        sim.engine, ServiceRequestIntake(channel="phone", resident=RESIDENT, text="Please fix the gate")
    )
    converted_at = datetime.now(timezone.utc).replace(microsecond=0)
    filed = await convert_service_request(sim.env.client, sim.engine, request_id, "code-2024", TASK_QUEUE, at=converted_at)
    with Session(sim.engine) as session:
        request = session.get(ServiceRequest, request_id)
        complaint = session.get(Complaint, filed.reference)
    assert request.status == "converted" and request.converted_to == filed.reference
    received = complaint.received_at
    assert (received if received.tzinfo else received.replace(tzinfo=timezone.utc)) == converted_at
    assert complaint.service_request_id == request_id


async def test_a_restriction_limits_contact_but_never_the_complaint_process(casework, sim):
    reference = await casework.file()
    await casework.act(reference, "acknowledge", points=["Boiler"])
    review_on = (await sim.env.get_current_time()).date() + timedelta(days=90)
    summary = await casework.act(
        reference,
        "record_restriction",
        reasons="Abusive calls to staff on 3 occasions",
        scope="Contact by email only",
        review_on=review_on.isoformat(),
    )
    restriction = casework.rows(Restriction, reference)[0]
    assert (restriction.scope, restriction.review_on, restriction.decided_by) == ("Contact by email only", review_on, "alice")
    assert {d.name: d.due for d in summary.deadlines}[f"review.{restriction.id}"] == review_on
    await casework.act(reference, "resident_input", note="Still waiting for the engineer")
    await casework.act(
        reference,
        "respond",
        outcome="not_upheld",
        decisions=[{"point": 1, "upheld": False, "reasons": "The boiler was serviced on time"}],
    )
    assert (await casework.act(reference, "request_stage2")).state == "stage2_requested"
    reviewed = await casework.act(reference, "record_review", review_id=restriction.id)
    assert "record_review" not in reviewed.allowed_actions
    assert casework.rows(Restriction, reference)[0].reviewed_on is not None


async def test_a_double_submitted_action_acts_once(casework):
    reference = await casework.file()
    first = await casework.act(reference, "acknowledge", command_id="form-1234", points=["Boiler"])
    again = await casework.act(reference, "acknowledge", command_id="form-1234", points=["Boiler"])
    assert first.state == again.state == "stage1_acknowledged"
    assert len(casework.rows(Definition, reference)) == 1
    assert [letter.kind for letter in casework.rows(Letter, reference)] == ["acknowledgement"]
