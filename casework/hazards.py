"""Hazards in the service layer (Awaab's Law, SI 2025/1042): report one, and take a step on it.

Every way in (CLI, web) goes through here, so a refusal reads the same everywhere: the field and the rule
in plain words (`CommandRejected`), and nothing written. A hazard is reported with or without a complaint or
service request (a repairs call, a member of staff noticing it on a visit); its reference
`HZD-YYYY-NNNNNN` is allocated in the read model before its workflow starts.
"""

import asyncio
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from casework.access import Actor
from casework.errors import CommandRejected
from models.calendar import local_date
from models.hazard import HAZARD_COMMANDS, HazardInput, HazardView
from models.hazard_rules import load_hazard_rules
from models.hazard_tables import Hazard, HazardDeadline, HazardEvent
from models.record import Complaint, ServiceRequest
from models.refusal import refusal_of, validation_message
from workflows.hazard import HazardWorkflow
from workflows.hazard_state import report_problem


class UnknownHazard(LookupError):
    def __init__(self, reference: str):
        super().__init__(f"no hazard with reference {reference!r}")


async def report_hazard(
    client: Client,
    engine: Engine,
    *,
    category: str,
    landlord: str | None,
    actor: Actor,
    linked: tuple[str, ...] = (),
    aware_at: datetime | None = None,
    task_queue: str = "complaints",
    now: datetime | None = None,
) -> str:
    """Record the hazard and start its workflow; Day 0 is `aware_at` (default now). Returns its reference."""
    now = now or datetime.now(timezone.utc)
    landlord = _landlord_of(engine, linked, landlord)
    with Session(engine) as session:
        reference = _next_reference(session, local_date(now).year)
        try:
            hazard = HazardInput(
                reference=reference,
                landlord=landlord,
                category=category,
                aware_at=aware_at or now,
                recorded_at=now,
                reported_by=actor.username,
                linked_cases=linked,
            )
        except ValidationError as invalid:
            first = invalid.errors()[0]
            raise CommandRejected(".".join(str(p) for p in first["loc"]), validation_message(first)) from None
        problem = report_problem(hazard, load_hazard_rules(), now)
        if problem is not None:
            raise CommandRejected(problem.field, problem.message, problem.rule)
        session.add(
            Hazard(reference=reference, landlord=landlord, category=category, aware_at=hazard.aware_at, linked=",".join(linked))
        )
        session.commit()
    try:
        await client.start_workflow(HazardWorkflow.run, hazard, id=reference, task_queue=task_queue)
    except Exception:
        with Session(engine) as session:  # nothing half-written: the reference is free again
            session.delete(session.get(Hazard, reference))
            session.commit()
        raise
    return reference


async def act_on_hazard(
    client: Client,
    engine: Engine,
    reference: str,
    action: str,
    form: dict[str, Any],
    actor: Actor,
    command_id: str,
) -> HazardView:
    """One step on a hazard, as an Update: refused by its form or by the workflow's rules, or applied."""
    if action not in HAZARD_COMMANDS:
        raise CommandRejected("action", f"{action!r} is not a hazard step; one of {', '.join(HAZARD_COMMANDS)}")
    with Session(engine) as session:
        if session.get(Hazard, reference) is None:
            raise UnknownHazard(reference)
    if action == "hazard_linked":
        _landlord_of(engine, (str(form.get("linked_reference", "")),), "-")  # the case must exist
    try:
        command = HAZARD_COMMANDS[action](command_id=command_id, actor=actor.username, **form)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        raise CommandRejected(".".join(str(p) for p in first["loc"]), validation_message(first)) from None
    try:
        view = await client.get_workflow_handle(reference).execute_update(action, command, result_type=HazardView)
    except WorkflowUpdateFailedError as failed:
        refusal = refusal_of(failed)
        if refusal is None:
            raise
        raise CommandRejected(None if refusal.field == "action" else refusal.field, refusal.message, refusal.rule) from None
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise CommandRejected(None, f"{action}: the hazard {reference} is closed") from None
    return view  # an applied hazard_summary_sent had its reg 9 letter issued by the workflow (decision 207)


def _landlord_of(engine: Engine, linked: tuple[str, ...], given: str | None) -> str:
    """The landlord of the cases that reported it (each must exist), else the one given."""
    landlords = set()
    with Session(engine) as session:
        for reference in linked:
            row = session.get(Complaint, reference) or session.get(ServiceRequest, reference)
            if row is None:
                raise CommandRejected("linked", f"there is no complaint or service request {reference[:40]}")
            landlords.add(row.landlord)
    if len(landlords) > 1:
        raise CommandRejected("linked", "the linked cases belong to different landlords")
    if landlords:
        return landlords.pop()
    if not given:
        raise CommandRejected("landlord", "a hazard reported without a complaint or service request needs its landlord")
    return given


def _next_reference(session: Session, year: int) -> str:
    prefix = f"HZD-{year}-"
    last = session.exec(select(func.max(Hazard.reference)).where(col(Hazard.reference).like(f"{prefix}%"))).one()
    return f"{prefix}{int(last.removeprefix(prefix)) + 1 if last else 1:06d}"


CLOCK_WORDS = {
    "emergency": "Make safe within 24 hours",
    "investigate": "Investigate (reg 6)",
    "summary": "Written summary to the tenant (reg 9)",
    "safety_work": "Safety work (reg 11)",
    "preventative_start": "Begin preventative work (reg 13)",
}


def hazard_queue(engine: Engine, now: datetime, limit: int = 100) -> list[dict]:
    """Open hazards with a clock owed or awaiting triage: emergencies first, then those awaiting triage with no
    clock yet (any could be an emergency), then by the nearest clock; each with its hours left."""
    with Session(engine) as session:
        rows = session.exec(
            select(Hazard).where(Hazard.state == "open", col(Hazard.next_due_at).is_not(None) | col(Hazard.level).is_(None))
        ).all()
        queue: list[dict[str, Any]] = []
        for row in rows:
            due_at = (
                None
                if row.next_due_at is None
                else row.next_due_at
                if row.next_due_at.tzinfo
                else row.next_due_at.replace(tzinfo=timezone.utc)
            )
            clock = session.exec(
                select(HazardDeadline)
                .where(
                    HazardDeadline.reference == row.reference,
                    col(HazardDeadline.met_on).is_(None),
                    col(HazardDeadline.ceased).is_(None),
                )
                .order_by(col(HazardDeadline.due))
            ).first()
            queue.append(
                {
                    "hazard": row,
                    "due_at": due_at,
                    "clock": clock,
                    "awaiting_triage": row.level is None,
                    "hours_left": None if due_at is None else (due_at - now).total_seconds() / 3600,
                    "emergency": clock is not None and clock.name == "emergency",
                }
            )
    queue.sort(
        key=lambda item: (
            0 if item["emergency"] else 1 if item["due_at"] is None else 2,
            item["due_at"] or item["hazard"].aware_at,
        )
    )
    return queue[:limit]


def hazard_record(engine: Engine, reference: str) -> tuple[Hazard, list[HazardDeadline], list[HazardEvent]]:
    with Session(engine) as session:
        hazard = session.get(Hazard, reference)
        if hazard is None:
            raise UnknownHazard(reference)
        clocks = list(
            session.exec(
                select(HazardDeadline).where(HazardDeadline.reference == reference).order_by(col(HazardDeadline.due))
            ).all()
        )
        events = list(
            session.exec(select(HazardEvent).where(HazardEvent.reference == reference).order_by(col(HazardEvent.seq))).all()
        )
    return hazard, clocks, events


def hazards_linked_to(engine: Engine, reference: str) -> list[tuple[Hazard, list[HazardDeadline]]]:
    """The hazards a complaint or service request reported, each with its clocks (the case page shows both
    timescales side by side, as the Ombudsman expects)."""
    with Session(engine) as session:
        candidates = session.exec(select(Hazard).where(col(Hazard.linked).contains(reference, autoescape=True))).all()
        linked = [hazard for hazard in candidates if reference in hazard.linked.split(",")]
        return [
            (
                hazard,
                list(
                    session.exec(
                        select(HazardDeadline)
                        .where(HazardDeadline.reference == hazard.reference)
                        .order_by(col(HazardDeadline.due))
                    ).all()
                ),
            )
            for hazard in linked
        ]


async def report_at_intake(
    client: Client,
    engine: Engine,
    complaint: str,
    received_at: datetime | None,
    actor: Actor,
    category: str,
    level: str,
    vulnerabilities: list[str],
    task_queue: str,
) -> str:
    """Triage at the door: the hazard a new complaint reports, Day 0 its receipt, and the triage decided then
    (who decided, the level and the household's vulnerabilities), if it was."""
    reference = await report_hazard(
        client,
        engine,
        category=category,
        landlord=None,
        actor=actor,
        linked=(complaint,),
        aware_at=received_at,
        task_queue=task_queue,
    )
    if level:
        form = {"level": level, "vulnerabilities": vulnerabilities}
        await act_on_hazard(client, engine, reference, "hazard_triaged", form, actor, f"intake-{reference}-triage")
    return reference


def intake_categories(now: datetime) -> dict[str, str]:
    """The hazards in scope today, damp and mould first (the phase 1 significant hazard)."""
    today = local_date(now)
    rules = load_hazard_rules()
    keys = sorted((k for k, c in rules.categories.items() if c.levels_on(today)), key=lambda k: (k != "damp_and_mould", k))
    return {key: rules.categories[key].name for key in keys}


PUBLIC_FORM = Actor(username="online-form", role="handler")
"""Who recorded a hazard the resident reported on the public form (the event's `reported_by`)."""


async def report_from_public_form(client: Client, engine: Engine, complaint: str, category: str, task_queue: str) -> str:
    """Triage at the door on the public form (decision 152): the hazard the resident says is in the home,
    linked to their complaint, Day 0 its receipt, awaiting a member of staff's triage. Sending the form twice
    records it once."""
    with Session(engine) as session:
        received_at = session.get(Complaint, complaint).received_at  # type: ignore[union-attr]
    for hazard, _ in hazards_linked_to(engine, complaint):
        if hazard.category == category:
            return hazard.reference
    received_at = received_at if received_at.tzinfo else received_at.replace(tzinfo=timezone.utc)
    return await report_hazard(
        client,
        engine,
        category=category,
        landlord=None,
        actor=PUBLIC_FORM,
        linked=(complaint,),
        aware_at=received_at,
        task_queue=task_queue,
    )


async def projected_hazard(engine: Engine, reference: str, attempts: int = 100) -> bool:
    """Whether a new hazard's first projection (its clocks) landed, waiting up to about 5 s for it."""
    for _ in range(attempts):
        with Session(engine) as session:
            row = session.get(Hazard, reference)
        if row is not None and row.last_seq >= 1:
            return True
        await asyncio.sleep(0.05)
    return False
