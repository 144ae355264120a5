"""Staff actions on a case: the form checked, its record rows written, the workflow's Update sent.

`act` validates what staff typed (naming the field and the rule), records the command on its case
(`command_ids.claim`: a used id with other details is refused), writes the personal-data rows of the
case record (models/record.py) keyed by the case-scoped command id, drafts the letter the action
issues (`letter_issue`), and sends the Update that decides; the workflow issues the letter once it has
applied the command (decision 130). If the workflow refuses, the rows, the draft and the command's record
are removed again, so a refusal leaves nothing half written. The workflow never sees the text (notes,
definitions, staff's reasons): only references to these rows (DESIGN.md principle 5).
"""

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import partial
from typing import Any, get_args

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel
from temporalio.client import Client

from casework import command_ids, delivery, letter_issue, letters
from casework.access import Actor, check_action
from casework.case_record import projected_case
from casework.command_ids import scoped_id
from casework.errors import CommandRejected, UnknownCase
from casework.forms import (
    LIFECYCLE_ACTION,
    AcknowledgeForm,
    AssignForm,
    AddComplaintForm,
    AdjustmentForm,
    Channel,
    CompleteActionForm,
    ConsentForm,
    DeterminationForm,
    ExcludeForm,
    ExtendForm,
    Form,
    OrderCompliedForm,
    ResidentInputForm,
    RespondForm,
    RestrictionForm,
    ReviewForm,
    form_of,
    parse_form,
    policy_profile,
)
from casework.intake import Intake, ResidentDetails, file_complaint
from casework.promises import promised
from casework.themes import root_cause_rows
from casework.reasons import REASON_FIELDS, reason_rows
from casework.staff import check_case_staff
from casework.updates import CASE_ENDED, case_summary, send_command
from models.calendar import local_date
from models.case import CaseSummary, PromisedAction
from models.commands import COMMANDS
from models.policy import PolicyProfile
from models.record import Adjustment, Complaint, Definition, OutstandingAction, Representative, Resident, Restriction
from models.tables import Case, CaseDeadline, OmbudsmanEvidence, ResidentNote
from models.clock import london_today


LETTER_ACTIONS = frozenset({"respond", "exclude"})
"""Actions whose letter is drafted from the form and checked before the action is sent (so it can be previewed)."""
NOT_NOW = frozenset({"lifecycle", CASE_ENDED})
"""Refusals of an additional complaint that mean "not on this case any more" (responded, closed or
ended): it then starts a new case linked to this one (Code 6.8) instead of being refused."""


async def act(
    client: Client,
    engine: Engine,
    reference: str,
    action: str,
    form: dict[str, Any],
    actor: Actor,
    command_id: str,
    task_queue: str = "complaints",
) -> CaseSummary:
    """Take one staff action on a case. Refused (`casework.access`) when this person may not act on the
    case; CommandRejected when the form or the workflow refuses; either leaves nothing behind."""
    form_of(action)
    with Session(engine) as session:
        complaint = session.get(Complaint, reference)
    if complaint is None:
        raise UnknownCase(reference)
    case = await projected_case(engine, reference)
    if case is None:
        raise CommandRejected(None, f"{reference} is still being opened; try again in a moment")
    parsed = parse_form(action, form)
    check_action(actor, case, action, parsed.handler if isinstance(parsed, AssignForm) else None)
    if isinstance(parsed, AssignForm):
        check_case_staff(engine, parsed.handler, "handler")
    with Session(engine) as session:
        profile = policy_profile(complaint.policy_id, complaint.policy_version)
        if isinstance(parsed, AddComplaintForm) and not parsed.related:
            return await _file_linked(client, engine, complaint, parsed, command_id, task_queue)
        rows, payload = _prepare(session, complaint, profile, action, parsed, actor, command_id)
        stage = _stage(session, reference)
        due_before = _due(session, reference, f"stage{stage}.respond")
    drafted = letter_issue.draft(engine, complaint, profile, parsed, stage, actor, due_before)
    fresh = command_ids.claim(engine, reference, command_id, action, parsed.model_dump(mode="json"))
    if drafted is not None:
        await asyncio.to_thread(letter_issue.store_draft, engine, reference, command_id, *drafted)
        payload["letter_ref"] = command_id  # the workflow issues the draft once the command applies
    with Session(engine) as session:
        # A repeated command id finds the rows of its first attempt and keeps them.
        new_rows = [row for row in rows if session.get(type(row), _key(row_key(row))) is None]
        session.add_all(new_rows)
        session.commit()
        keys = [(type(row), row_key(row)) for row in new_rows]
    lifecycle_action = LIFECYCLE_ACTION.get(action, action)
    command = COMMANDS[lifecycle_action](command_id=command_id, actor=actor.username, **payload)
    try:
        summary = await send_command(client, reference, lifecycle_action, command, task_queue)
    except BaseException as failure:
        _forget(engine, reference, command_id, keys, fresh)
        if isinstance(failure, CommandRejected) and action == "add_complaint" and failure.rule in NOT_NOW:
            return await _file_linked(client, engine, complaint, parsed, command_id, task_queue)
        raise
    _settle_rows(engine, reference, parsed, summary)
    return summary


def _forget(engine: Engine, reference: str, command_id: str, keys: list, fresh: bool) -> None:
    """Remove what was written for a command that did not reach the workflow or was refused by it (a
    retry of an earlier attempt keeps that attempt's rows)."""
    _remove(engine, keys)
    if fresh:
        letter_issue.drop_draft(engine, reference, command_id)
        command_ids.release(engine, reference, command_id)


def draft_letter(engine: Engine, reference: str, action: str, form: dict[str, Any], actor: Actor) -> str:
    """The letter `act` would issue for this form, rendered as it would be stored (in large print when the
    resident's adjustment asks for it), built and checked by the same `letters.decision_letter`: staff
    read it before issuing. Nothing is sent or stored; an incomplete letter is refused naming what is missing."""
    if action not in LETTER_ACTIONS:
        raise CommandRejected(None, f"{action.replace('_', ' ')} issues no letter to preview")
    with Session(engine) as session:
        complaint = session.get(Complaint, reference)
        case = session.get(Case, reference)
        if complaint is None or case is None:
            raise UnknownCase(reference)
        stage = _stage(session, reference)
    check_action(actor, case, action)
    letter = letters.decision_letter(
        engine, complaint, policy_profile(complaint.policy_id, complaint.policy_version), parse_form(action, form), stage, actor
    )
    assert letter is not None  # the respond and exclude forms each make one
    return letters.render_html(letter, delivery.large_print(engine, reference))


def _settle_rows(engine: Engine, reference: str, form: Form, summary: CaseSummary) -> None:
    """Mark a completed action done, and a reviewed adjustment or restriction reviewed, in the record."""
    on = local_date(summary.last_event.at) if summary.last_event else london_today()
    with Session(engine) as session:
        if isinstance(form, CompleteActionForm):
            action = session.get(OutstandingAction, (reference, form.action_id))
            if action is not None:
                action.completed_on = local_date(summary.last_event.at) if summary.last_event else on
                session.add(action)
        if isinstance(form, ReviewForm):
            reviews: list[Adjustment | Restriction | None] = [
                session.get(Adjustment, form.review_id),
                session.get(Restriction, form.review_id),
            ]
            for reviewed in reviews:
                if reviewed is not None and reviewed.reference == reference:
                    reviewed.reviewed_on = on
                    if form.next_review_on is not None:
                        reviewed.review_on, reviewed.reviewed_on = form.next_review_on, None
                    session.add(reviewed)
        session.commit()


def _due(session: Session, reference: str, name: str) -> date | None:
    row = session.get(CaseDeadline, (reference, name))
    return row.due if row is not None else None


def _prepare(
    session: Session,
    complaint: Complaint,
    profile: PolicyProfile,
    action: str,
    form: Form,
    actor: Actor,
    command_id: str,
) -> tuple[list[SQLModel], dict[str, Any]]:
    """The case-record rows a command writes, and the workflow payload that refers to them."""
    now = datetime.now(timezone.utc)
    reference = complaint.reference
    key = partial(scoped_id, reference=reference, command_id=command_id)  # rows of this command on this case
    rows: list[SQLModel]
    if isinstance(form, (AcknowledgeForm, AddComplaintForm, RespondForm, ResidentInputForm)):
        rows, payload = _written_record(session, reference, form, actor, key, now)
    elif isinstance(form, (AdjustmentForm, RestrictionForm)):
        rows, payload = _arrangement_under_review(reference, form, actor, key)
    elif isinstance(form, (DeterminationForm, OrderCompliedForm)):
        rows, payload = _ombudsman_decision(reference, form, key, now)
    else:
        rows, payload = [], _checked_payload(session, complaint, profile, form)
    if action in REASON_FIELDS:  # staff's words stay in the read model; the workflow gets their rows' ids
        texts = {name: payload.pop(name, None) for name in REASON_FIELDS[action]}
        reasons, refs = reason_rows(action, reference, key("cmd"), texts, now)
        rows += reasons
        payload.update(refs)
    return rows, payload


RowId = Callable[[str], str]
"""A row id scoped to this command on this case (`command_ids.scoped_id`), from the kind of row."""


def _written_record(
    session: Session,
    reference: str,
    form: AcknowledgeForm | AddComplaintForm | RespondForm | ResidentInputForm,
    actor: Actor,
    key: RowId,
    now: datetime,
) -> tuple[list[SQLModel], dict[str, Any]]:
    """What staff or the resident put into words: a complaint definition (at acknowledgement, or for an
    additional complaint), a response's root causes and promised actions, a resident's note."""
    rows: list[SQLModel] = []
    payload: dict[str, Any] = {}
    if isinstance(form, AcknowledgeForm):
        rows.append(
            Definition(
                command_id=key("def"), reference=reference, stage=_stage(session, reference), points=form.points, recorded_at=now
            )
        )
        payload["definition_ref"] = key("def")
    elif isinstance(form, AddComplaintForm):
        rows.append(
            Definition(
                command_id=key("def"),
                reference=reference,
                stage=_stage(session, reference),
                points=form.points,
                recorded_at=now,
                kind="additional",
            )
        )
        payload["definition_ref"] = key("def")
    elif isinstance(form, RespondForm):
        stage = _stage(session, reference)
        rows += root_cause_rows(form, reference, stage, key("cmd"), now)
        payload.update(
            outcome=form.outcome,
            actions=[PromisedAction(action_id=a.action_id, target_on=a.target_on) for a in promised(form, stage, actor.username)],
        )
    else:
        rows.append(ResidentNote(id=key("note"), reference=reference, at=now, text=form.note))
        payload.update(note_ref=key("note"), on_behalf_of=form.on_behalf_of)
    return rows, payload


def _arrangement_under_review(
    reference: str, form: AdjustmentForm | RestrictionForm, actor: Actor, key: RowId
) -> tuple[list[SQLModel], dict[str, Any]]:
    """A reasonable adjustment or a restriction on contact, each with the date it is next reviewed."""
    if isinstance(form, AdjustmentForm):
        review_id = key("adj")
        row: SQLModel = Adjustment(
            id=review_id, reference=reference, kind=form.kind, details=form.details, review_on=form.review_on
        )
        return [row], {"review_id": review_id, "kind": "adjustment", "review_on": form.review_on}
    review_id = key("res")
    row = Restriction(
        id=review_id,
        reference=reference,
        reasons=form.reasons,
        scope=form.scope,
        review_on=form.review_on,
        decided_by=actor.username,
    )
    return [row], {"review_id": review_id, "kind": "restriction", "review_on": form.review_on}


def _ombudsman_decision(
    reference: str, form: DeterminationForm | OrderCompliedForm, key: RowId, now: datetime
) -> tuple[list[SQLModel], dict[str, Any]]:
    """The Ombudsman's determination (findings and orders), or an order complied with and its evidence."""
    if isinstance(form, DeterminationForm):
        return [], {
            "findings": [f.model_dump() for f in form.findings],
            "orders": [
                {"order_id": o.order_id or f"{o.kind}-{number}", "kind": o.kind, "due_on": o.due_on}
                for number, o in enumerate(form.orders, start=1)
            ],
        }
    rows: list[SQLModel] = []
    payload: dict[str, Any] = {}
    if form.evidence:
        rows.append(
            OmbudsmanEvidence(id=key("evidence"), reference=reference, order_id=form.order_id, at=now, text=form.evidence)
        )
        payload["evidence_ref"] = key("evidence")
    payload["order_id"] = form.order_id
    return rows, payload


def _checked_payload(session: Session, complaint: Complaint, profile: PolicyProfile, form: Form) -> dict[str, Any]:
    """The payload of a command that writes no rows, once what it names is checked against the policy (an
    exclusion's ground) or the record (the representative whose consent is recorded)."""
    if isinstance(form, ExtendForm):
        return form.model_dump()
    if isinstance(form, ExcludeForm):
        if form.ground not in profile.exclusion_grounds:
            raise CommandRejected(
                "ground", f"must be one of {profile.id}'s exclusion grounds: {', '.join(profile.exclusion_grounds)}"
            )
        return form.model_dump()
    if isinstance(form, ConsentForm):
        representative = session.get(Representative, form.representative_id)
        if representative is None or representative.resident_id != complaint.resident_id:
            raise CommandRejected("representative_id", f"no representative {form.representative_id!r} for this resident")
        return {"representative_ref": form.representative_id, "given": form.given}
    return form.model_dump(exclude_none=True)


def _stage(session: Session, reference: str) -> int:
    """The case's current formal stage as last projected (1 until the first projection)."""
    case = session.get(Case, reference)
    return max(case.stage, 1) if case is not None else 1


def _key(key: tuple):
    return key if len(key) > 1 else key[0]


def row_key(row: SQLModel) -> tuple:
    mapper = inspect(type(row)).local_table.primary_key.columns
    return tuple(getattr(row, column.name) for column in mapper)


def _remove(engine: Engine, keys: list[tuple[type[SQLModel], tuple]]) -> None:
    with Session(engine) as session:
        for model, key in keys:
            row = session.get(model, _key(key))
            if row is not None:
                session.delete(row)
        session.commit()


async def _file_linked(
    client: Client, engine: Engine, complaint: Complaint, form: Form, command_id: str, task_queue: str
) -> CaseSummary:
    """An additional complaint that is unrelated or comes after the response: a new case, linked (Code 6.8)."""
    assert isinstance(form, AddComplaintForm)
    with Session(engine) as session:
        resident = session.get(Resident, complaint.resident_id) if complaint.resident_id else None
    filed = await file_complaint(
        client,
        engine,
        Intake(
            intake_id=f"additional-{command_id}",
            policy=complaint.policy_id,
            region=complaint.region,
            channel=complaint.channel if complaint.channel in get_args(Channel) else "phone",
            resident=ResidentDetails.of(resident),
            text=form.text or "\n".join(form.points),
            linked_to=complaint.reference,
        ),
        task_queue,
    )
    return await case_summary(client, filed.reference)
