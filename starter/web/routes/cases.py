"""Cases: the list with filters, the case page with the actions the lifecycle allows now, each a form,
the action posts (workflow Updates through `casework.actions`), intake, and letters."""

import asyncio
import re
import uuid
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from casework import case_record
from casework.hazards import CLOCK_WORDS, hazards_linked_to, intake_categories
from casework.access import Actor, actions_offered, can, may_take, require
from casework.case_list import STATES, CaseListError, CaseListFilter, list_cases, today
from casework.actions import LETTER_ACTIONS
from casework.case_record import projected_case
from casework.forms import ACTION_FORMS, DETERMINATION_ELEMENTS
from models.case import ChfoReason, OmbudsmanFinding, OrderKind
from models.input_text import command_id_problem
from models.policy import DEFAULT_PROFILE_ID
from models.refusal import validation_message
from models.remedies_guidance import remedies_guidance
from models.taxonomy import ROOT_CAUSES
from models.users import StaffUser
from models.policy_versions import load_profile_version
from models.audit import audit
from starter.web.auth import FormRejected, checked_form, client_address
from starter.web.deps import current_user
from starter.web.fields import Said, date_of, form_fields, people_errors, read_form, refusal_error
from starter.web.pages import render
from starter.web.routes.letters import linked_sheet
from starter.web.determination_form import FINDING_ROWS, ORDER_ROWS, determination_specs, read_determination
from starter.web.intake_form import intake_fields
from starter.web.respond_form import (
    ACTION_ROWS,
    MAX_ROWS,
    REMEDY_ROWS,
    letter_gaps,
    outcome_problem,
    read_decisions,
    rows_shown,
    read_promised_actions,
    read_remedies,
    read_root_causes,
    row_field,
    row_specs,
)

router = APIRouter()
PAGE_SIZE = 25
REFERENCE = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{6}$")


def _reference(reference: str) -> str:
    if not REFERENCE.match(reference):
        raise FormRejected({"reference": f"{reference[:40]!r} is not a case reference like CMP-2026-000123"}, status=404)
    return reference


FILTERS = ("stage", "state", "handler", "landlord", "overdue", "due_from", "due_to")
OVERDUE = {"yes": True, "no": False}


def _filters(request: Request) -> tuple[dict[str, str], CaseListFilter | None, dict[str, str]]:
    """The list's filters from the query string as `CaseListFilter` checks them; errors by field."""
    params = {k: v.strip() for k, v in request.query_params.items() if k in FILTERS + ("page",) and v.strip()}
    errors: dict[str, str] = {}
    values: dict[str, object] = {k: v for k, v in params.items() if k in FILTERS}
    if "overdue" in values:
        if params["overdue"] not in OVERDUE:
            errors["overdue"] = "must be yes or no"
        values["overdue"] = OVERDUE.get(params["overdue"])
    try:
        filters = CaseListFilter.model_validate(values)
    except ValidationError as error:
        for e in error.errors(include_url=False):
            errors.setdefault(str(e["loc"][0]), validation_message(e))
        return params, None, errors
    return params, (None if errors else filters), errors


@router.get("/cases")
def case_list(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_cases")
    params, filters, errors = _filters(request)
    page = None
    if filters is not None:
        with Session(request.app.state.engine) as session:
            try:
                page = list_cases(session, filters, PAGE_SIZE, params.get("page"))
            except CaseListError as error:
                errors["page"] = error.message
    if page is None:
        return render(
            request,
            "case_list.html",
            status=400,
            errors=errors,
            values=params,
            cases=[],
            next_params=None,
            states=STATES,
            today=today(),
        )
    filter_params = {k: v for k, v in params.items() if k != "page"}
    next_params = filter_params | {"page": page.next_page} if page.next_page else None
    return render(
        request,
        "case_list.html",
        values=params,
        cases=page.rows,
        filter_params=filter_params,
        next_params=next_params,
        states=STATES,
        today=today(),
    )


def _case_page(
    request: Request,
    user: StaffUser,
    reference: str,
    status: int = 200,
    errors: dict | None = None,
    open_action: str | None = None,
    values: dict | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    try:
        record = case_record.case_file(request.app.state.engine, reference, today())
    except case_record.CaseNotFound:
        return render(request, "error.html", status=404, title="Case not found", message=f"There is no case {reference}.")

    offered = [
        a
        for a in actions_offered(Actor.of(user), record.case)
        if not (a == "record_consent" and record.representative is None)
        and not (a == "record_review" and not record.open_reviews)
        and a != "complete_action"
    ]
    actions = [
        {
            "name": action,
            "fields": action_fields(request.app.state.engine, record, action),
            "command_id": str(uuid.uuid4()),
            "warning": WARNING_ACTIONS.get(action),
        }
        for action in offered
    ]
    completing = "complete_action" in actions_offered(Actor.of(user), record.case)
    stage_points = [d.points for d in record.definitions if d.stage == record.case.stage]
    points = [p for group in stage_points for p in group]
    ui = request.app.state.settings.temporal_ui_url.rstrip("/")
    namespace = request.app.state.settings.temporal_namespace
    return render(
        request,
        "case.html",
        status=status,
        errors=errors or {},
        values=values or {},
        record=record,
        linked_hazards=hazards_linked_to(request.app.state.engine, record.case.reference),
        clock_words=CLOCK_WORDS,
        actions=actions,
        open_action=open_action,
        preview=preview,
        letter_actions=LETTER_ACTIONS,
        decision_points=points,
        remedy_policy=load_profile_version(record.case.policy_id, record.case.policy_version).remedies,
        max_rows=MAX_ROWS,
        guidance=remedies_guidance(),
        root_causes=ROOT_CAUSES,
        remedy_rows=range(rows_shown(values or {}, "remedies") if open_action == "respond" else REMEDY_ROWS),
        action_rows=range(rows_shown(values or {}, "actions") if open_action == "respond" else ACTION_ROWS),
        action_names={a.action_id: a.description for a in record.outstanding},
        finding_rows=range(FINDING_ROWS),
        order_rows=range(ORDER_ROWS),
        determination_elements=DETERMINATION_ELEMENTS,
        ombudsman_findings=OmbudsmanFinding.__args__,
        order_kinds=OrderKind.__args__,
        decision_error=any(name.startswith("respond-decisions") for name in errors or {}),
        completing={a.action_id: str(uuid.uuid4()) for a in record.outstanding} if completing else None,
        consent_action="record_consent" in offered,
        consent_command_id=str(uuid.uuid4()),
        review_action="record_review" in offered,
        history_url=f"{ui}/namespaces/{namespace}/workflows/{reference}" if can(user.role, "open_workflow_history") else None,
        taking=record.case.handler is None
        and "assign" in (record.case.allowed_actions or ())
        and may_take(user.role, record.case.stage),
        flash=request.session.pop("flash", None),
    )


WARNING_ACTIONS = {
    "withdraw": "Withdraw the complaint",
    "close": "Close the case",
    "exclude": "Exclude the complaint",
    "complete_action": "Mark the promised action done",
}
"""Actions that end or refuse the complaint, or tell the resident at once that a promise was kept: a
confirmation box (and, for the first three, a warning button and a reason)."""
ACTION_LABELS = {
    "acknowledge": {
        "points": "The complaint definition: the points you will answer",
        "outcomes_sought": "The outcomes the resident is seeking",
    },
    "extend": {
        "working_days": "How many more working days",
        "reason": "Why more time is needed",
        "agreed_with_resident": "The resident agreed to the extension",
    },
    "exclude": {"ground": "Why the complaint is excluded", "reason": "Explain the decision to the resident"},
    "assign": {"handler": "Assign to"},
    "record_consent": {"representative_id": "Representative", "given": "The resident has given consent"},
    "record_review": {"review_id": "Which review", "next_review_on": "Next review date"},
    "record_adjustment": {"review_on": "Review date", "details": "What the adjustment is"},
    "record_restriction": {"review_on": "Review date", "scope": "What contact is restricted", "reasons": "Why"},
    "accept_outside_window": {"exception": "Exception that applies", "reason": "Why"},
    "agree_update_interval": {"working_days": "Working days between updates, as agreed with the resident"},
    "respond": {
        "outcome": "Outcome",
        "learning": "What we have learned",
        "learning_root_cause": "The root cause this learning answers (one of those ticked below)",
    },
    "resident_input": {"note": "What the resident said", "on_behalf_of": "On behalf of (if a representative)"},
    "ombudsman_referral": {"ombudsman_ref": "The Ombudsman's case reference"},
    "ombudsman_evidence_requested": {"due_on": "Evidence due by"},
    "ombudsman_order_complied": {"order_id": "Which order", "evidence": "Evidence of compliance"},
    "complaint_handling_failure_order": {"reason": "Why the order was issued", "issued_on": "Date issued"},
}
PRINTED = {
    "acknowledge": {"points", "outcomes_sought"},
    "extend": {"reason"},
    "exclude": {"reason"},
    "respond": {"learning"},
}
"""Fields whose text goes into the resident's letter as typed (casework/letters.py), marked on the form."""


def action_fields(engine, record, action: str) -> list:
    """An action's form: the model's fields, with choices where the record or the policy has them."""
    from casework.staff import case_staff
    from starter.web.fields import chosen

    profile = load_profile_version(record.case.policy_id, record.case.policy_version)
    choices: dict[str, list[tuple[str, str]]] = {}
    if action == "assign":
        choices["handler"] = [(s.username, s.label) for s in case_staff(engine)]
    elif action == "exclude":
        choices["ground"] = [(g, g.replace("_", " ").capitalize()) for g in profile.exclusion_grounds]
    elif action == "record_consent" and record.representative is not None:
        rep = record.representative
        choices["representative_id"] = [(rep.id, f"{rep.name}{f' ({rep.relationship})' if rep.relationship else ''}")]
    elif action == "record_review":
        choices["review_id"] = record.open_reviews
    elif action == "accept_outside_window":
        choices["exception"] = [(e, e.replace("_", " ").capitalize()) for e in profile.complaint_window.exceptions]
    elif action == "ombudsman_order_complied":
        choices["order_id"] = [
            (d.name.removeprefix("ombudsman.order."), f"{d.name.removeprefix('ombudsman.order.')}, due {d.due:%d %b %Y}")
            for d in (row.deadline for row in record.deadlines)
            if d.name.startswith("ombudsman.order.") and d.met_on is None and not d.cancelled
        ]
    elif action == "complaint_handling_failure_order":
        choices["reason"] = [(r, r.replace("_", " ").capitalize()) for r in ChfoReason.__args__]
    elif action == "respond":
        choices["learning_root_cause"] = list(ROOT_CAUSES.items())
    specs = [s for s in form_fields(ACTION_FORMS[action]) if s.name not in ROWS_OF_THEIR_OWN]
    return chosen(specs, choices=choices, labels=ACTION_LABELS.get(action, {}), printed=frozenset(PRINTED.get(action, ())))


ROWS_OF_THEIR_OWN = frozenset({"root_causes"})
"""Fields the case page lays out itself (the respond form's root-cause checkboxes), not one generic field each."""


@router.get("/cases/new")
def intake_page(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "file_complaint")
    return _intake_page(
        request,
        fields=intake_fields(request.app.state.engine),
        intake_id=str(uuid.uuid4()),
        values={"policy": DEFAULT_PROFILE_ID, "region": "ENG"},
    )


@router.post("/cases")
async def file_complaint(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    from casework.errors import CommandRejected
    from casework.intake import Intake, file_complaint

    require(user.role, "file_complaint")
    form = await checked_form(request)
    fields = intake_fields(request.app.state.engine)
    values, errors = read_form(fields, form)
    intake_id = form.get("intake_id")
    if not isinstance(intake_id, str) or not 1 <= len(intake_id) <= 100:
        raise FormRejected({"intake_id": "is missing; open the form again"})
    try:
        intake = Intake.model_validate(values | {"intake_id": intake_id})
    except ValidationError as error:
        errors = people_errors(error, fields) | errors
    if not errors and form.get("earlier_seen") != "yes" and (earlier := _earlier(request.app.state.engine, intake)):
        shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        return _intake_page(request, values=shown, fields=fields, intake_id=intake_id, earlier=earlier)
    if not errors:
        try:
            filed = await file_complaint(
                request.app.state.client, request.app.state.engine, intake, request.app.state.settings.task_queue
            )
        except CommandRejected as error:
            errors = refusal_error(error.field, error.message, fields)
    if not errors:
        request.session["flash"] = (
            f"Complaint filed as {filed.reference}."
            + (
                " The issue is older than this landlord's complaint window: decide whether to exclude it."
                if filed.out_of_window
                else ""
            )
            + await _hazard_at_intake(request, user, form, filed.reference, intake.received_at)
        )
        return RedirectResponse(f"/cases/{filed.reference}", status_code=303)
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return _intake_page(request, status=400, errors=errors, values=shown, fields=fields, intake_id=intake_id)


def _intake_page(request: Request, **context) -> Response:
    """The intake form, which also asks whether the complaint reports a hazard (triage at the door)."""
    return render(request, "intake.html", hazard_categories=intake_categories(datetime.now(timezone.utc)), **context)


async def _hazard_at_intake(request: Request, user: StaffUser, form, reference: str, received_at) -> str:
    """Triage at the door (Awaab's Law): the hazard the complaint reports starts its own clocks from receipt."""
    from casework.errors import CommandRejected
    from casework.hazards import report_at_intake

    category = str(form.get("hazard_category") or "")
    if not category:
        return ""
    try:
        hazard = await report_at_intake(
            request.app.state.client,
            request.app.state.engine,
            reference,
            received_at,
            Actor.of(user),
            category,
            str(form.get("hazard_level") or ""),
            [str(v) for v in form.getlist("hazard_vulnerabilities")],
            request.app.state.settings.task_queue,
        )
    except CommandRejected as refused:
        return f" The hazard was not recorded ({refused}): record it from the hazards page."
    return f" Hazard {hazard} recorded: its Awaab's Law clocks run from receipt."


def _earlier(engine, intake) -> list:
    """The resident's earlier cases, shown before a new one is filed (none for an anonymous complaint, or
    when this very intake was filed already: sending the form again files nothing new)."""
    from casework.case_search import earlier_cases
    from models.record import Complaint

    if intake.resident is None:
        return []
    with Session(engine) as session:
        if session.exec(select(Complaint).where(Complaint.intake_id == intake.intake_id)).first() is not None:
            return []
    r = intake.resident
    return earlier_cases(engine, r.name, r.address, r.phone, r.email)


@router.get("/cases/{reference}")
def case_page(request: Request, reference: str, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_cases")
    reference = _reference(reference)
    audit(
        request.app.state.engine,
        "case_viewed",
        user.username,
        actor=user.username,
        address=client_address(request),
        detail=reference,
    )
    return _case_page(request, user, reference)


@router.post("/cases/{reference}/actions/{action}")
async def act(request: Request, reference: str, action: str, user: StaffUser = Depends(current_user)) -> Response:
    from casework.actions import act as send, draft_letter
    from casework.errors import CommandRejected, UnknownCase

    require(user.role, "read_cases")
    reference = _reference(reference)
    form = await checked_form(request)
    if action not in ACTION_FORMS:
        raise FormRejected({"action": f"{action[:40]!r} is not an action"}, status=404)
    try:
        record = case_record.case_file(request.app.state.engine, reference, today())
    except case_record.CaseNotFound:
        raise FormRejected({"reference": f"There is no case {reference}."}, status=404) from None
    command_id = form.get("command_id")
    if command_id_problem(command_id):
        raise FormRejected({"command_id": "is missing or was changed; reload the case page and try again"})
    if any((event.details or {}).get("command_id") == command_id for event in record.events):
        request.session["flash"] = "That form was already sent; it was acted on once."
        return RedirectResponse(f"/cases/{reference}", status_code=303)
    fields = action_fields(request.app.state.engine, record, action)
    values, errors = read_form(fields, form)
    if action == "respond" and form.get("more") in ("remedies", "actions"):  # "Add another": the form again, one row longer
        shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"} | {
            "root_causes": read_root_causes(form)
        }
        return _case_page(request, user, reference, open_action=action, values=shown)
    previewing = action in LETTER_ACTIONS and form.get("preview") == "yes"
    if action in WARNING_ACTIONS and form.get("confirm") != "yes" and not previewing:
        errors["confirm"] = Said(f"Tick the box to confirm: {WARNING_ACTIONS[action].lower()}")
    rows: dict[str, list[int]] = {}
    if action == "respond":
        remedies, rows["remedies"] = read_remedies(form)
        actions, rows["actions"] = read_promised_actions(form)
        values.update(decisions=read_decisions(form), remedies=remedies, actions=actions, root_causes=read_root_causes(form))
        errors = outcome_problem(form, values.get("outcome")) | errors
        for group in ("remedies", "actions"):
            for n in range(MAX_ROWS):
                for part in ("due_on", "target_on"):
                    problem = date_of(form, f"{group}.{n}.{part}")[1]
                    if problem:
                        errors[f"{group}.{n}.{part}"] = Said(
                            f"{'Remedy' if group == 'remedies' else 'Promised action'} {n + 1}: the date {problem}"
                        )
    if action == "ombudsman_determination":
        determined, rows, problems = read_determination(form)
        values.update(determined)
        errors.update(problems)
    labelled = fields + (determination_specs(rows) if action == "ombudsman_determination" else row_specs(rows))
    try:  # every problem at once, in people's words, before anything is sent
        ACTION_FORMS[action].model_validate(values)
    except ValidationError as error:
        errors = {row_field(k, rows): v for k, v in people_errors(error, labelled).items()} | errors
    preview = None
    if not errors and previewing:  # the letter issuing would write, shown with the form as typed; nothing sent
        try:
            preview = linked_sheet(
                await asyncio.to_thread(draft_letter, request.app.state.engine, reference, action, values, Actor.of(user))
            )
        except ValidationError as error:
            errors = {row_field(k, rows): v for k, v in people_errors(error, labelled).items()}
        except CommandRejected as error:
            errors = letter_gaps(error) or {
                row_field(k, rows): v for k, v in refusal_error(error.field, error.message, labelled).items()
            }
    elif not errors:
        try:
            await send(
                request.app.state.client,
                request.app.state.engine,
                reference,
                action,
                values,
                Actor.of(user),
                command_id,
                request.app.state.settings.task_queue,
            )
        except UnknownCase:
            raise FormRejected({"reference": f"There is no complaint record for {reference}."}, status=404) from None
        except IntegrityError:
            raise FormRejected(
                {action: "This form is being acted on already (sent twice); reload the case page."}, status=409
            ) from None
        except ValidationError as error:
            errors = {row_field(k, rows): v for k, v in people_errors(error, labelled).items()}
        except CommandRejected as error:
            errors = letter_gaps(error) or {
                row_field(k, rows): v for k, v in refusal_error(error.field, error.message, labelled).items()
            }
            seen = form.get("seen_state")
            if isinstance(seen, str) and seen != record.case.state:
                errors = {
                    action: Said(
                        f"The case changed since you opened this page (it is now {record.case.state.replace('_', ' ')}): {error.message}"
                    )
                }
        else:
            if action == "assign":
                audit(
                    request.app.state.engine,
                    "case_reassigned",
                    values["handler"],
                    actor=user.username,
                    address=client_address(request),
                    detail=f"{reference} to {values['handler']}",
                )
            request.session["flash"] = f"{action.replace('_', ' ').capitalize()}: done."
            return RedirectResponse(f"/cases/{reference}", status_code=303)
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"} | {"root_causes": read_root_causes(form)}
    return _case_page(
        request,
        user,
        reference,
        status=400 if errors else 200,
        errors={f"{action}-{k}": v for k, v in errors.items()},
        open_action=action,
        values=shown,
        preview=preview,
    )


@router.post("/cases/{reference}/take")
async def take(request: Request, reference: str, user: StaffUser = Depends(current_user)) -> Response:
    """ "Assign to me" from the Unassigned queue: the assign action with the signed-in person as handler."""
    from casework.actions import act as send
    from casework.errors import CommandRejected, UnknownCase

    require(user.role, "read_cases")
    reference = _reference(reference)
    await checked_form(request)
    try:
        await send(
            request.app.state.client,
            request.app.state.engine,
            reference,
            "assign",
            {"handler": user.username},
            Actor.of(user),
            f"take-{uuid.uuid4()}",
            request.app.state.settings.task_queue,
        )
    except UnknownCase:
        raise FormRejected({"reference": f"There is no complaint record for {reference}."}, status=404) from None
    except CommandRejected as error:
        raise FormRejected({"handler": error.message}) from None
    await projected_case(request.app.state.engine, reference)
    audit(
        request.app.state.engine,
        "case_reassigned",
        user.username,
        actor=user.username,
        address=client_address(request),
        detail=f"{reference} to {user.username}",
    )
    request.session["flash"] = f"{reference} is assigned to you."
    return RedirectResponse(f"/cases/{reference}", status_code=303)
