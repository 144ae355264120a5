"""Per-case facts for the reports (`reports/reporting.py`): what they are, and how they are read from a
case's events, either the SQL read model (projection and case record) or the `simulate` JSON of a
generated year.

Events carry what the figures need: `acknowledge` (with `definition_ref`), `extend` (`working_days`,
`ombudsman_details_given` where recorded), `respond` (`outcome`, `actor`), `request_stage2`, `assign`
(`handler`), `exclude` (`ground`), `withdraw`, `close` (`resolved_informally`) and `ombudsman_referral`.
An informal pre-stage resolution counts as the stage-1 acknowledgement and response (Code 5.2: the
pre-stage is part of the complaint), see docs/decisions.md.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.policy import DEFAULT_PROFILE_ID
from models.record import Complaint, Definition, LearningPoint, Letter, OutstandingAction, Remedy, Restriction
from models.tables import Case, CaseDeadline, CaseEvent, ClosureDay
from models.calendar import local_date
from models.letter_requirements import missing_contents
from models.letters import letter_from_content
from models.governance import ResponseRootCause
from models.taxonomy import service_area_of
from workflows.commands import stage1_decider


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Extension(Fact):
    on: date
    working_days: int
    ombudsman_details_given: bool = True
    good_reason_given: bool = False
    """A good reason was recorded for going past the normal limit (Code 6.4 / 6.15)."""
    late_contact: bool | None = None
    """Agreed after the landlord's own window for contacting the resident (Wolverhampton 002 §7.1/7.2); None where
    its policy sets no window."""


class StageRecord(Fact):
    """What happened at one formal stage of one case."""

    stage: int
    received_on: date
    """Stage 1: the complaint's receipt (an informal pre-stage does not stop the Code's clock); stage 2: the request."""
    acknowledged_on: date | None = None
    responded_on: date | None = None
    outcome: str | None = None
    responder: str | None = None
    handlers: tuple[str, ...] = ()
    definition_recorded: bool = False
    extensions: tuple[Extension, ...] = ()
    letter_issued_on: date | None = None
    letter_complete: bool | None = None
    excluded_ground: str | None = None
    excluded: bool = False
    own_deadlines_met: bool | None = None
    """Whether the landlord's own acknowledge and respond deadlines at this stage were both met."""


class RemedyFact(Fact):
    stage: int
    kind: str
    amount_pence: int = 0
    compensation_type: str = ""
    band: str = ""
    """Compensation: the remedies-guidance band (models/remedies_guidance.py)."""
    due_on: date | None = None
    """Compensation: the date it is promised to be paid by (its promised action's target)."""
    paid_on: date | None = None
    """Compensation: when its promised action was completed (paid); None while unpaid."""


class CauseFact(Fact):
    """A root cause (models/taxonomy.py) found when a stage was answered."""

    stage: int
    code: str
    recorded_on: date


class ActionFact(Fact):
    action_id: str
    description: str = ""
    target_on: date
    completed_on: date | None = None


class LearningFact(Fact):
    text: str
    recorded_on: date
    root_cause: str | None = None


class RestrictionFact(Fact):
    review_on: date
    reviewed_on: date | None = None


class CaseFacts(Fact):
    """Everything the figures need about one case, wherever it came from."""

    reference: str
    landlord: str = ""
    policy_id: str = DEFAULT_PROFILE_ID
    region: str = "ENG"
    closures: tuple[date, ...] = ()
    category: str | None = None
    """The service area (models/taxonomy.py code); older free-text categories read as their code."""
    received_on: date
    state: str = "received"
    withdrawn: bool = False
    stages: tuple[StageRecord, ...] = ()
    remedies: tuple[RemedyFact, ...] = ()
    actions: tuple[ActionFact, ...] = ()
    learning: tuple[LearningFact, ...] = ()
    restrictions: tuple[RestrictionFact, ...] = ()
    root_causes: tuple[CauseFact, ...] = ()
    ombudsman_referred_on: date | None = None
    stage1_people: tuple[str, ...] = ()
    """Everyone a stage-1 decision rules out of stage 2 (Code 6.13), by the workflow's own rule."""
    last_event_on: date | None = None
    """The day of the case's latest event: how far the record's own clock has come."""
    letters_recorded: bool = True
    """False for a simulated case: it has no case record, so no letters to evidence Code 6.9 / 6.19 with."""

    def stage(self, number: int) -> StageRecord | None:
        return next((record for record in self.stages if record.stage == number), None)


def facts_from_events(
    *,
    reference: str,
    received_at: datetime,
    events: list[dict],
    deadlines: dict[str, bool | None],
    state: str = "",
    **extra,
) -> CaseFacts:
    """A case's facts from its events (each `{"type", "at", "stage", **details}`) and deadline outcomes
    (`{"stage1.respond": True, ...}`); `extra` sets the other CaseFacts fields (category, closures, ...)."""
    received_on = local_date(received_at)
    stages: dict[int, dict] = {1: {"stage": 1, "received_on": received_on}}
    extensions: dict[int, list[Extension]] = defaultdict(list)
    handlers: dict[int, list[str]] = defaultdict(list)
    withdrawn, referred = False, None
    stage1_people: list[str] = []
    for event in sorted(events, key=lambda e: e.get("seq", 0)):
        kind, day = event["type"], local_date(event_instant(event["at"]))
        person = stage1_decider(kind, int(event.get("stage") or 0), event.get("actor"), event.get("handler"))
        if person and person not in stage1_people:
            stage1_people.append(person)
        stage = max(1, int(event.get("stage") or 1))
        record = stages.setdefault(stage, {"stage": stage, "received_on": day})
        if kind == "extend":
            extensions[stage].append(_extension(event, day))
        elif kind == "assign" and event.get("handler"):
            handlers[stage].append(str(event["handler"]))
        elif kind == "withdraw":
            withdrawn = True
        elif kind == "ombudsman_referral":
            referred = day
        else:
            _record_stage_step(kind, event, day, record, stages)
    return CaseFacts(
        reference=reference,
        received_on=received_on,
        state=state,
        withdrawn=withdrawn,
        stages=_stage_records(stages, extensions, handlers, deadlines),
        ombudsman_referred_on=referred,
        stage1_people=tuple(stage1_people),
        last_event_on=max((local_date(event_instant(e["at"])) for e in events), default=None),
        **extra,
    )


def _record_stage_step(kind: str, event: dict, day: date, record: dict, stages: dict[int, dict]) -> None:
    """What a stage's own milestones (acknowledged, responded, excluded, stage 2 requested, resolved
    informally) set on its record."""
    if kind == "acknowledge":
        record["acknowledged_on"] = day
        record["definition_recorded"] = bool(event.get("definition_ref"))
    elif kind == "respond":
        record.update(responded_on=day, outcome=event.get("outcome"), responder=event.get("actor"))
    elif kind == "request_stage2":
        stages[2] = {"stage": 2, "received_on": day}
    elif kind == "exclude":
        record.update(excluded=True, excluded_ground=event.get("ground"))
    elif kind == "close" and event.get("resolved_informally"):
        record.setdefault("acknowledged_on", day)
        record["responded_on"] = day


def _extension(event: dict, day: date) -> Extension:
    """An `extend` event as the reports count it: its length, and whether the reason, the Ombudsman's details
    and the policy's contact window were honoured."""
    return Extension(
        on=day,
        working_days=int(event["working_days"]),
        ombudsman_details_given=event.get("ombudsman_details_given", True),
        good_reason_given=bool(event.get("good_reason_ref")),
        late_contact=bool(event.get("late_contact")) if "contact_due" in event else None,
    )


def _stage_records(
    stages: dict[int, dict],
    extensions: dict[int, list[Extension]],
    handlers: dict[int, list[str]],
    deadlines: dict[str, bool | None],
) -> tuple[StageRecord, ...]:
    """Each stage's record in stage order, with its extensions, handlers and whether its own deadlines were met."""
    records = []
    for number, record in sorted(stages.items()):
        met = [deadlines.get(f"stage{number}.{name}") for name in ("acknowledge", "respond")]
        own = None if None in met else all(met)
        records.append(
            StageRecord(**record, extensions=tuple(extensions[number]), handlers=tuple(handlers[number]), own_deadlines_met=own)
        )
    return tuple(records)


def event_instant(value: datetime | str) -> datetime:
    """An event's `at`, as the read model (a datetime) or a simulation's JSON (ISO text) holds it."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def facts_from_simulation(result: dict, received_at: datetime, **extra) -> CaseFacts:
    """Facts from one `simulate` result (DESIGN.md's JSON: deadlines, events with their details inline)."""
    return facts_from_events(
        reference=extra.pop("reference"),
        received_at=received_at,
        events=result["events"],
        deadlines={d["name"]: d["met"] for d in result["deadlines"]},
        state=result["state"],
        letters_recorded=False,
        **extra,
    )


def read_facts(engine: Engine, landlord: str | None = None) -> list[CaseFacts]:
    """Every case in the read model (or one landlord's), with its case record, as report facts."""
    with Session(engine) as session:
        query = select(Case) if landlord is None else select(Case).where(Case.landlord == landlord)
        cases = session.exec(query.order_by(Case.reference)).all()
        references = [case.reference for case in cases]
        by_ref = _grouped(session, references)
        closures: dict[str, tuple[date, ...]] = defaultdict(tuple)
        for row in session.exec(select(ClosureDay).where(ClosureDay.kind == "closure")).all():
            closures[row.landlord] += (row.day,)
    facts = []
    for case in cases:
        rows = by_ref[case.reference]
        complaint = next(iter(rows[Complaint]), None)
        actions = {a.action_id: a for a in rows[OutstandingAction]}
        base = facts_from_events(
            reference=case.reference,
            received_at=case.received_at,
            events=[{"seq": e.seq, "type": e.type, "at": e.at, "stage": e.stage, **e.details} for e in rows[CaseEvent]],
            deadlines={d.name: d.met for d in rows[CaseDeadline]},
            state=case.state,
            landlord=case.landlord,
            policy_id=case.policy_id,
            region=case.region,
            closures=tuple(sorted(closures[case.landlord])),
            category=service_area_of(complaint.category) if complaint else None,
            remedies=tuple(_remedy(r, actions) for r in rows[Remedy]),
            root_causes=tuple(
                CauseFact(stage=c.stage, code=c.code, recorded_on=local_date(c.recorded_at)) for c in rows[ResponseRootCause]
            ),
            actions=tuple(
                ActionFact(action_id=a.action_id, description=a.description, target_on=a.target_on, completed_on=a.completed_on)
                for a in rows[OutstandingAction]
            ),
            learning=tuple(
                LearningFact(text=p.text, recorded_on=local_date(p.recorded_at), root_cause=p.root_cause)
                for p in rows[LearningPoint]
            ),
            restrictions=tuple(RestrictionFact(review_on=r.review_on, reviewed_on=r.reviewed_on) for r in rows[Restriction]),
        )
        facts.append(_with_record(base, rows[Definition], rows[Letter]))
    return facts


def _remedy(remedy: Remedy, actions: dict[str, OutstandingAction]) -> RemedyFact:
    """A remedy with, for compensation, its promised payment's date and when it was paid."""
    payment = actions.get(remedy.payment_id) if remedy.payment_id else None
    return RemedyFact(
        stage=remedy.stage,
        kind=remedy.kind,
        amount_pence=remedy.amount_pence,
        compensation_type=remedy.compensation_type,
        band=remedy.band,
        due_on=payment.target_on if payment else None,
        paid_on=payment.completed_on if payment else None,
    )


def _grouped(session: Session, references: list[str]) -> dict[str, dict[type, list]]:
    grouped: dict[str, dict[type, list]] = defaultdict(lambda: defaultdict(list))
    tables: tuple[type[Any], ...] = (  # every one has a `reference` column
        CaseEvent,
        CaseDeadline,
        Complaint,
        Definition,
        Letter,
        Remedy,
        OutstandingAction,
        LearningPoint,
        Restriction,
        ResponseRootCause,
    )
    for table in tables:
        for chunk in range(0, len(references), 500):
            wanted = references[chunk : chunk + 500]
            for row in session.exec(select(table).where(table.reference.in_(wanted))).all():
                grouped[row.reference][table].append(row)
    return grouped


def _with_record(facts: CaseFacts, definitions: list[Definition], letters: list[Letter]) -> CaseFacts:
    """Add what the case record shows: definitions recorded per stage, and each stage's response letter."""
    defined = {d.stage for d in definitions if d.kind == "definition"}
    stages = []
    for record in facts.stages:
        update: dict = {}
        if record.stage in defined:
            update["definition_recorded"] = True
        sent = sorted(
            (letter for letter in letters if letter.kind == f"stage{record.stage}_response"), key=lambda letter: letter.issued_at
        )
        if sent:
            update["letter_issued_on"] = local_date(sent[0].issued_at)
            update["letter_complete"] = letter_complete(sent[0])
        stages.append(record.model_copy(update=update))
    return facts.model_copy(update={"stages": tuple(stages)})


def letter_complete(letter: Letter) -> bool:
    """Checked again, by the rule that let it be issued (`missing_contents`), from what the record holds:
    a letter whose stored content cannot be read back is no evidence that it was complete."""
    try:
        return not missing_contents(letter_from_content(letter.content))
    except ValidationError:
        return False
