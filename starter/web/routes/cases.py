"""Cases: the list with filters, the case page with the actions the lifecycle allows now, each a form,
the action posts (workflow Updates through `casework.actions`), intake, and letters."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from casework import case_record
from casework.access import Actor, actions_offered, require
from casework.case_list import STATES, CaseListError, CaseListFilter, list_cases, today
from casework.case_record import projected_case
from models.policy import load_profile
from models.refusal import validation_message
from models.users import StaffUser
from starter.web.auth import FormRejected, checked_form, current_user
from starter.web.fields import field_name, form_fields, form_values, validation_errors
from starter.web.pages import render

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
        return render(request, "case_list.html", status=400, errors=errors, values=params, cases=[], next_params=None, states=STATES, today=today())
    filter_params = {k: v for k, v in params.items() if k != "page"}
    next_params = filter_params | {"page": page.next_page} if page.next_page else None
    return render(request, "case_list.html", values=params, cases=page.rows, filter_params=filter_params, next_params=next_params, states=STATES, today=today())


def _case_page(request: Request, user: StaffUser, reference: str, status: int = 200, errors: dict | None = None, open_action: str | None = None, values: dict | None = None) -> HTMLResponse:
    try:
        record = case_record.case_file(request.app.state.engine, reference, today())
    except case_record.CaseNotFound:
        return render(request, "error.html", status=404, title="Case not found", message=f"There is no case {reference}.")
    from casework.forms import ACTION_FORMS

    actions = [{"name": action, "fields": form_fields(ACTION_FORMS[action]), "command_id": str(uuid.uuid4())}
               for action in actions_offered(Actor.of(user), record.case)]
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
        actions=actions,
        open_action=open_action,
        decision_points=points,
        remedy_policy=load_profile(record.case.policy_id).remedies,
        remedy_rows=range(REMEDY_ROWS),
        action_rows=range(ACTION_ROWS),
        decision_error=any(name.startswith("respond-decisions") for name in errors or {}),
        completing=next((a for a in actions if a["name"] == "complete_action"), None),
        history_url=f"{ui}/namespaces/{namespace}/workflows/{reference}",
        flash=request.session.pop("flash", None),
    )


@router.get("/cases/new")
def intake_page(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    from casework.intake import Intake

    require(user.role, "file_complaint")
    return render(request, "intake.html", fields=form_fields(Intake), intake_id=str(uuid.uuid4()))


@router.post("/cases")
async def file_complaint(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    from casework.errors import CommandRejected
    from casework.intake import Intake, file_complaint

    require(user.role, "file_complaint")
    form = await checked_form(request)
    fields = form_fields(Intake)
    values = form_values(fields, form)
    intake_id = form.get("intake_id")
    if not isinstance(intake_id, str) or not 1 <= len(intake_id) <= 100:
        raise FormRejected({"intake_id": "is missing; open the form again"})
    try:
        intake = Intake.model_validate(values | {"intake_id": intake_id})
        filed = await file_complaint(request.app.state.client, request.app.state.engine, intake, request.app.state.settings.task_queue)
    except ValidationError as error:
        errors = validation_errors(error)
    except CommandRejected as error:
        errors = {error.field or "form": error.message}
    else:
        await projected_case(request.app.state.engine, filed.reference)
        request.session["flash"] = f"Complaint filed as {filed.reference}." + (
            " The issue is older than this landlord's complaint window: decide whether to exclude it." if filed.out_of_window else ""
        )
        return RedirectResponse(f"/cases/{filed.reference}", status_code=303)
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return render(request, "intake.html", status=400, errors=errors, values=shown, fields=fields, intake_id=intake_id)


@router.get("/cases/{reference}")
def case_page(request: Request, reference: str, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_cases")
    return _case_page(request, user, _reference(reference))


@router.post("/cases/{reference}/actions/{action}")
async def act(request: Request, reference: str, action: str, user: StaffUser = Depends(current_user)) -> Response:
    from casework.actions import act as send
    from casework.errors import CommandRejected, UnknownCase
    from casework.forms import ACTION_FORMS

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
    if not isinstance(command_id, str) or not 1 <= len(command_id) <= 100:
        raise FormRejected({"command_id": "is missing; reload the case page and try again"})
    if any((event.details or {}).get("command_id") == command_id for event in record.events):
        request.session["flash"] = "That form was already sent; it was acted on once."
        return RedirectResponse(f"/cases/{reference}", status_code=303)
    fields = form_fields(ACTION_FORMS[action])
    values = form_values(fields, form)
    if action == "respond":
        values.update(decisions=_decisions(form), remedies=_remedies(form), actions=_promised_actions(form))
    try:
        await send(request.app.state.client, request.app.state.engine, reference, action, values, Actor.of(user), command_id,
                   request.app.state.settings.task_queue)
    except UnknownCase:
        raise FormRejected({"reference": f"There is no complaint record for {reference}."}, status=404) from None
    except IntegrityError:
        raise FormRejected({action: "This form is being acted on already (sent twice); reload the case page."}, status=409) from None
    except ValidationError as error:
        errors = validation_errors(error)
    except CommandRejected as error:
        errors = {field_name((error.field or action).split(".")): error.message}
        seen = form.get("seen_state")
        if isinstance(seen, str) and seen != record.case.state:
            errors = {action: f"The case changed since you opened this page (it is now {record.case.state.replace('_', ' ')}): {error.message}"}
    else:
        request.session["flash"] = f"{action.replace('_', ' ').capitalize()}: done."
        return RedirectResponse(f"/cases/{reference}", status_code=303)
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return _case_page(request, user, reference, status=400, errors={f"{action}-{k}": v for k, v in errors.items()}, open_action=action, values=shown)


@router.post("/cases/{reference}/take")
async def take(request: Request, reference: str, user: StaffUser = Depends(current_user)) -> Response:
    """"Assign to me" from the Unassigned queue: the assign action with the signed-in person as handler."""
    from casework.actions import act as send
    from casework.errors import CommandRejected, UnknownCase

    require(user.role, "read_cases")
    reference = _reference(reference)
    await checked_form(request)
    try:
        await send(request.app.state.client, request.app.state.engine, reference, "assign", {"handler": user.username},
                   Actor.of(user), f"take-{uuid.uuid4()}", request.app.state.settings.task_queue)
    except UnknownCase:
        raise FormRejected({"reference": f"There is no complaint record for {reference}."}, status=404) from None
    except CommandRejected as error:
        raise FormRejected({"handler": error.message}) from None
    await projected_case(request.app.state.engine, reference)
    request.session["flash"] = f"{reference} is assigned to you."
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.get("/cases/{reference}/letters/{letter_id}")
def letter(request: Request, reference: str, letter_id: str, user: StaffUser = Depends(current_user)) -> Response:
    from models.record import Letter

    require(user.role, "read_cases")
    with Session(request.app.state.engine) as session:
        row = session.get(Letter, letter_id[:100])
    if row is None or row.reference != reference:
        return render(request, "error.html", status=404, title="Letter not found", message="There is no such letter on this case.")
    return render(request, "letter.html", letter=row, reference=reference)


MAX_POINTS = 20


def _decisions(form) -> list[dict]:
    """A response's decision on each point of the definition (Code 6.7, 6.9c): `decisions.N.point` (its number),
    `.upheld` (checkbox) and `.reasons`, in the order the page listed the points."""
    decisions = []
    for number in range(MAX_POINTS):
        point = form.get(f"decisions.{number}.point")
        if not isinstance(point, str):
            break
        reasons = form.get(f"decisions.{number}.reasons")
        decisions.append({
            "point": point,
            "upheld": form.get(f"decisions.{number}.upheld") in ("true", "on"),
            "reasons": reasons.strip() if isinstance(reasons, str) else reasons,
        })
    return decisions


REMEDY_ROWS = ACTION_ROWS = 3
"""Empty rows on the respond form for remedies and promised actions (no JavaScript needed); blank rows are ignored."""


def _posted(form, name: str):
    """A posted value, stripped if text; an upload is passed on for the model to reject by name."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else value


def _pence(amount):
    """Pounds as staff type them ("150", "£75.50") in pence; anything else is passed on for the model to reject."""
    if not isinstance(amount, str):
        return amount
    pounds = amount.removeprefix("£").replace(",", "")
    if len(pounds) > 12:
        return amount
    try:
        pence = Decimal(pounds) * 100
    except InvalidOperation:
        return amount
    return int(pence) if pence == pence.to_integral_value() and pence.is_finite() else amount


def _remedies(form) -> list[dict]:
    """The remedies offered (Code 7.1): `remedies.N.kind`, `.description`, `.amount` (pounds),
    `.compensation_type` and `.offset_against_arrears` (checkbox, shown where the policy allows it)."""
    remedies = []
    for number in range(REMEDY_ROWS):
        row = {name: _posted(form, f"remedies.{number}.{name}") for name in ("kind", "description", "amount", "compensation_type")}
        offset = form.get(f"remedies.{number}.offset_against_arrears") in ("true", "on")
        if not any(row.values()) and not offset:
            continue
        amount = row.pop("amount")
        remedies.append({k: v for k, v in row.items() if v} | {"offset_against_arrears": offset}
                        | ({"amount_pence": _pence(amount)} if amount else {}))
    return remedies


def _promised_actions(form) -> list[dict]:
    """What the landlord promises to do, tracked until done (Code 6.6): `actions.N.description`, `.owner`, `.target_on`."""
    rows = [{name: _posted(form, f"actions.{number}.{name}") for name in ("description", "owner", "target_on")}
            for number in range(ACTION_ROWS)]
    return [{k: v for k, v in row.items() if v} for row in rows if any(row.values())]
