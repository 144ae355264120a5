"""Cases: the list with filters, and the case page with the actions the lifecycle allows now, each a form
(`starter/web/action_form.py`; the posts are `case_actions.py`, intake `intake.py`)."""

import re
import uuid
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework import case_record
from casework.access import Actor, actions_offered, can, may_take
from casework.actions import LETTER_ACTIONS
from casework.case_list import STATES, CaseListError, CaseListFilter, list_cases, today
from casework.forms import DETERMINATION_ELEMENTS
from casework.hazards import CLOCK_WORDS, hazards_linked_to
from models.ombudsman_commands import OmbudsmanFinding, OrderKind
from models.policy_versions import load_profile_version
from models.refusal import validation_message
from models.remedies_guidance import remedies_guidance
from models.settings import Settings
from models.taxonomy import ROOT_CAUSES
from accounts.users import StaffUser
from starter.web.action_form import WARNING_ACTIONS, action_fields
from starter.web.auth import audit_staff_action, FormRejected
from starter.web.deps import AppSettings, Database, MayReadCases
from starter.web.determination_form import FINDING_ROWS, ORDER_ROWS
from starter.web.pages import render
from starter.web.respond_form import ACTION_ROWS, MAX_ROWS, REMEDY_ROWS, rows_shown

router = APIRouter()
PAGE_SIZE = 25
REFERENCE = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{6}$")


def case_reference(reference: str) -> str:
    """The case reference in the address, or 404 when it is not one (before anything is read)."""
    if not REFERENCE.match(reference):
        raise FormRejected({"reference": f"{reference[:40]!r} is not a case reference like CMP-2026-000123"}, status=404)
    return reference


CaseReference = Annotated[str, Depends(case_reference)]
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
def case_list(request: Request, user: MayReadCases, engine: Database) -> Response:
    params, filters, errors = _filters(request)
    page = None
    if filters is not None:
        with Session(engine) as session:
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


@router.get("/cases/{reference}")
def case_page(
    request: Request, user: MayReadCases, reference: CaseReference, engine: Database, settings: AppSettings
) -> Response:
    audit_staff_action(request, engine, user, "case_viewed", user.username, reference)
    return case_page_response(request, engine, settings, user, reference)


def case_page_response(
    request: Request,
    engine: Engine,
    settings: Settings,
    user: StaffUser,
    reference: str,
    status: int = 200,
    errors: dict | None = None,
    open_action: str | None = None,
    values: dict | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    """The case page, with `open_action`'s form open showing `values` as typed and `errors` by field
    (after a refused post), or the letter `preview` above it."""
    try:
        record = case_record.case_file(engine, reference, today())
    except case_record.CaseNotFound:
        return render(request, "error.html", status=404, title="Case not found", message=f"There is no case {reference}.")
    values = values or {}
    ui = settings.temporal_ui_url.rstrip("/")
    return render(
        request,
        "case.html",
        status=status,
        errors=errors or {},
        values=values,
        record=record,
        linked_hazards=hazards_linked_to(engine, record.case.reference),
        clock_words=CLOCK_WORDS,
        open_action=open_action,
        preview=preview,
        letter_actions=LETTER_ACTIONS,
        **_action_forms(engine, user, record),
        **_response_rows(record, values, open_action, errors or {}),
        history_url=f"{ui}/namespaces/{settings.temporal_namespace}/workflows/{reference}"
        if can(user.role, "open_workflow_history")
        else None,
        taking=record.case.handler is None
        and "assign" in (record.case.allowed_actions or ())
        and may_take(user.role, record.case.stage),
        flash=request.session.pop("flash", None),
    )


def _action_forms(engine: Engine, user: StaffUser, record) -> dict:
    """The forms of the actions this person may take on the case now (each with a fresh command id), and
    the ones the page lays out in their own places (consent, reviews, promised actions done)."""
    allowed = actions_offered(Actor.of(user), record.case)
    offered = [
        a
        for a in allowed
        if not (a == "record_consent" and record.representative is None)
        and not (a == "record_review" and not record.open_reviews)
        and a != "complete_action"
    ]
    actions = [
        {
            "name": action,
            "fields": action_fields(engine, record, action),
            "command_id": str(uuid.uuid4()),
            "warning": WARNING_ACTIONS.get(action),
        }
        for action in offered
    ]
    return {
        "actions": actions,
        "completing": {a.action_id: str(uuid.uuid4()) for a in record.outstanding} if "complete_action" in allowed else None,
        "consent_action": "record_consent" in offered,
        "consent_command_id": str(uuid.uuid4()),
        "review_action": "record_review" in offered,
    }


def _response_rows(record, values: dict, open_action: str | None, errors: dict) -> dict:
    """What the respond and determination forms lay out: the points to decide, the policy's remedies and
    the Ombudsman's guidance, and how many rows of each (more once "Add another" was pressed)."""
    stage_points = [d.points for d in record.definitions if d.stage == record.case.stage]
    responding = open_action == "respond"
    return {
        "decision_points": [p for group in stage_points for p in group],
        "remedy_policy": load_profile_version(record.case.policy_id, record.case.policy_version).remedies,
        "max_rows": MAX_ROWS,
        "guidance": remedies_guidance(),
        "root_causes": ROOT_CAUSES,
        "remedy_rows": range(rows_shown(values, "remedies") if responding else REMEDY_ROWS),
        "action_rows": range(rows_shown(values, "actions") if responding else ACTION_ROWS),
        "action_names": {a.action_id: a.description for a in record.outstanding},
        "finding_rows": range(FINDING_ROWS),
        "order_rows": range(ORDER_ROWS),
        "determination_elements": DETERMINATION_ELEMENTS,
        "ombudsman_findings": get_args(OmbudsmanFinding),
        "order_kinds": get_args(OrderKind),
        "decision_error": any(name.startswith("respond-decisions") for name in errors),
    }
