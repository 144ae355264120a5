"""Cases whose report figures are known by hand (England, 2025), as read-model rows and as events.

Code timescales: stage 1 acknowledged within 5 working days of receipt, answered within 10 of the
acknowledgement (+ up to 10 of extension); stage 2 within 5 and 20 (+ up to 20). 26 May 2025 is a bank holiday.
"""

from datetime import date, datetime, time, timezone

from sqlmodel import Session

from models.letters import Addressee, Decision, Landlord, RemedyOffer, ResponseLetter
from models.policy import load_profile
from models.record import Complaint, Definition, LearningPoint, Letter, OutstandingAction, Remedy, Restriction
from models.tables import Case, CaseDeadline, CaseEvent


def at(day: str, hour: int = 11) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=timezone.utc)


def ev(kind: str, day: str, stage: int = 1, **details) -> dict:
    return {"type": kind, "at": at(day), "stage": stage, **details}


ACK = "acknowledge"
CASES: dict[str, tuple[str, list[dict]]] = {
    # received 2 Jun: ack due 9 Jun; acknowledged 4 Jun, so response due 18 Jun. Met. Stage 2 requested
    # 7 Jul (ack due 14 Jul), acknowledged 9 Jul, response due 6 Aug: met on the day.
    "CMP-2025-000001": (
        "2025-06-02",
        [
            ev(ACK, "2025-06-04", definition_ref="d1"),
            ev("respond", "2025-06-18", outcome="upheld", actor="ann"),
            ev("request_stage2", "2025-07-07", 2),
            ev("assign", "2025-07-08", 2, handler="bob"),
            ev(ACK, "2025-07-09", 2, definition_ref="d2"),
            ev("respond", "2025-08-06", 2, outcome="not_upheld", actor="bob"),
        ],
    ),
    # the same, but answered a day late at both stages; the stage-2 reviewer also answered stage 1.
    "CMP-2025-000002": (
        "2025-06-02",
        [
            ev(ACK, "2025-06-04", definition_ref="d3"),
            ev("respond", "2025-06-19", outcome="not_upheld", actor="cat"),
            ev("request_stage2", "2025-07-07", 2),
            ev(ACK, "2025-07-09", 2),
            ev("respond", "2025-08-07", 2, outcome="partly_upheld", actor="cat"),
        ],
    ),
    # extension of 5 working days agreed 16 Jun, before the 18 Jun due date: due 25 Jun, answered 25 Jun. Met.
    "CMP-2025-000003": (
        "2025-06-02",
        [
            ev(ACK, "2025-06-04"),
            ev("extend", "2025-06-16", working_days=5, reason="survey"),
            ev("respond", "2025-06-25", outcome="partly_upheld"),
        ],
    ),
    # extension agreed on 20 Jun, after the 18 Jun due date: it does not count; answered 24 Jun. Missed.
    "CMP-2025-000004": (
        "2025-06-02",
        [
            ev(ACK, "2025-06-04"),
            ev("extend", "2025-06-20", working_days=5, reason="late"),
            ev("respond", "2025-06-24", outcome="upheld"),
        ],
    ),
    # acknowledged 11 Jun, two days late: the response clock starts at 9 Jun, due 23 Jun; answered 24 Jun. Missed.
    "CMP-2025-000005": ("2025-06-02", [ev(ACK, "2025-06-11"), ev("respond", "2025-06-24", outcome="upheld")]),
    # 15 working days of extension: the Code counts 10, so due 2 Jul; answered 3 Jul. Missed.
    "CMP-2025-000006": (
        "2025-06-02",
        [
            ev(ACK, "2025-06-04"),
            ev("extend", "2025-06-10", working_days=15, reason="complex"),
            ev("respond", "2025-07-03", outcome="not_upheld"),
        ],
    ),
    # received Fri 23 May before the bank holiday: acknowledgement due Mon 2 Jun, acknowledged then. Not yet answered.
    "CMP-2025-000007": ("2025-05-23", [ev(ACK, "2025-06-02")]),
    # received 31 Mar 2025 (the previous year), answered 10 Apr (due 15 Apr): in CH02 for 2025-26, not in CH01.
    "CMP-2025-000008": ("2025-03-31", [ev(ACK, "2025-04-01"), ev("respond", "2025-04-10", outcome="upheld")]),
    # excluded at stage 1: not a complaint for CH01.
    "CMP-2025-000009": ("2025-06-02", [ev("exclude", "2025-06-03", reason="court", ground="legal_proceedings")]),
}
"""reference -> (received date, events). Hand figures for 2025-26 with 2,000 homes: CH01 (1) = 7 complaints
(3.50 per 1,000), CH01 (2) = 2 (1.00); CH02 (1) = 3 of 8 in time (37.5%: 7 responses and case 7, unanswered since 16 Jun), CH02 (2) = 1 of 2 (50.0%)."""


def response_content(reference: str, issued_on: date, **changes) -> dict:
    """A stage-1 response letter's stored content (`Letter.content`), complete unless `changes` remove a part."""
    fields = dict(
        reference=reference,
        landlord=Landlord.from_profile(load_profile("code-2024")),
        addressee=Addressee(name="A Resident", address="1 Road, Town"),
        issued_on=issued_on,
        signed_by="Sam Patel, Complaints Officer",
        stage=1,
        definition=["The leak was not repaired"],
        outcome="upheld",
        decisions=[Decision(point=1, finding="upheld", reasons="The repair took too long.")],
        remedies=[RemedyOffer(kind="apology", description="We are sorry the repair took so long.")],
        stage2_how="Reply to this letter and ask for stage 2.",
    )
    fields.update(changes)
    return ResponseLetter.model_validate(fields).model_dump(mode="json")


def insert_cases(engine, landlord: str = "acme") -> None:
    """The hand-known cases as read-model rows, with a little case record on the first two."""
    with Session(engine) as session:
        for reference, (received, events) in CASES.items():
            session.add(
                Case(
                    reference=reference,
                    landlord=landlord,
                    policy_id="code-2024",
                    policy_version=1,
                    region="ENG",
                    state="open",
                    stage=max(e["stage"] for e in events),
                    received_at=at(received, 9),
                )
            )
            session.add(
                Complaint(
                    reference=reference,
                    intake_id=reference,
                    landlord=landlord,
                    policy_id="code-2024",
                    policy_version=1,
                    region="ENG",
                    channel="phone",
                    text="...",
                    category="repairs" if reference < "CMP-2025-000004" else "anti-social behaviour",
                    received_at=at(received, 9),
                )
            )
            session.flush()
            for seq, event in enumerate(events, start=1):
                details = {k: v for k, v in event.items() if k not in ("type", "at", "stage")}
                session.add(
                    CaseEvent(
                        reference=reference,
                        seq=seq,
                        at=event["at"],
                        type=event["type"],
                        stage=event["stage"],
                        state="x",
                        details=details,
                    )
                )
        session.add(
            CaseDeadline(
                reference="CMP-2025-000001", name="stage1.respond", due=date(2025, 6, 18), met_on=date(2025, 6, 18), met=True
            )
        )
        session.add(
            Definition(command_id="def-3", reference="CMP-2025-000003", stage=1, points=["leak"], recorded_at=at("2025-06-04"))
        )
        session.add(
            Letter(
                id="l1",
                reference="CMP-2025-000001",
                kind="stage1_response",
                stage=1,
                command_id="l1",
                content=response_content("CMP-2025-000001", date(2025, 6, 18)),
                html="<p>",
                issued_at=at("2025-06-18", 15),
            )
        )
        # Stored by an earlier release, without the decision on the point: incomplete by today's rule (Code 6.9c).
        session.add(
            Letter(
                id="l2",
                reference="CMP-2025-000002",
                kind="stage1_response",
                stage=1,
                command_id="l2",
                content=response_content("CMP-2025-000002", date(2025, 6, 20), decisions=[]),
                html="<p>",
                issued_at=at("2025-06-20", 15),
            )
        )
        session.add(
            Remedy(
                id="r1",
                reference="CMP-2025-000001",
                stage=1,
                kind="compensation",
                amount_pence=25000,
                compensation_type="time_and_trouble",
            )
        )
        session.add(
            Remedy(
                id="r2",
                reference="CMP-2025-000003",
                stage=1,
                kind="compensation",
                amount_pence=5050,
                compensation_type="discretionary",
            )
        )
        session.add(Remedy(id="r3", reference="CMP-2025-000004", stage=1, kind="apology"))
        session.add(
            OutstandingAction(
                reference="CMP-2025-000001",
                action_id="fix-roof",
                description="Fix the roof",
                owner="repairs",
                target_on=date(2025, 9, 1),
            )
        )
        session.add(
            OutstandingAction(
                reference="CMP-2025-000003",
                action_id="survey",
                description="Damp survey",
                owner="repairs",
                target_on=date(2025, 7, 1),
                completed_on=date(2025, 6, 30),
            )
        )
        session.add(
            LearningPoint(
                id="lp1", reference="CMP-2025-000001", text="Roof repairs need a follow-up visit", recorded_at=at("2025-06-18")
            )
        )
        session.add(
            Restriction(
                id="x1",
                reference="CMP-2025-000002",
                reasons="abuse",
                scope="email only",
                review_on=date(2025, 9, 1),
                reviewed_on=date(2025, 8, 29),
            )
        )
        session.add(
            Restriction(id="x2", reference="CMP-2025-000005", reasons="abuse", scope="email only", review_on=date(2025, 10, 1))
        )
        session.commit()
