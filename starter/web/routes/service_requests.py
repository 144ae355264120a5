"""Service requests (Code 1.2-1.3): a request for a service is recorded and reviewed, not treated as a
complaint; staff who take complaints record one here, see the open ones, and on each one's page resolve it
or convert it to a complaint when the resident is dissatisfied (its clock starts at conversion). Both are
confirmed (conversion with its reason, chosen from a list) and audited."""

import re

from fastapi import APIRouter, Request
from sqlalchemy.engine import Engine
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from models.policy import DEFAULT_PROFILE_ID
from models.record import Resident, ServiceRequest
from models.taxonomy import SERVICE_AREAS
from accounts.users import StaffUser
from casework.access import can
from starter.web.auth import audit_staff_action, FormRejected, checked_form
from starter.web.deps import AppSettings, Database, MayFileComplaints, MayReadCases, Temporal
from starter.web.fields import Said, chosen, form_fields, people_errors, read_form, refusal_error
from starter.web.pages import render

router = APIRouter()
OPEN_ROWS = 100
REQUEST_ID = re.compile(r"^SR-\d{4}-[0-9a-f]{8}$")
CONVERT_REASONS = {
    "dissatisfied": "The resident is dissatisfied with how the request was dealt with",
    "asked": "The resident asked for it to be treated as a complaint",
    "investigate": "The matter needs investigating as a complaint",
}
"""Why a service request becomes a complaint (Code 1.3), recorded in the audit log."""


def _open_requests(engine) -> list[tuple[ServiceRequest, Resident | None]]:
    with Session(engine) as session:
        query = (
            select(ServiceRequest, Resident)
            .join(Resident, col(Resident.id) == col(ServiceRequest.resident_id), isouter=True)
            .where(ServiceRequest.status == "open")
            .order_by(col(ServiceRequest.received_at).desc())
            .limit(OPEN_ROWS)
        )
        return [(request, resident) for request, resident in session.exec(query)]


@router.get("/service-requests")
def service_requests(request: Request, user: MayReadCases, engine: Database) -> Response:
    return render(
        request,
        "service_requests.html",
        requests=_open_requests(engine),
        areas=SERVICE_AREAS,
        may_convert=can(user.role, "file_complaint"),
        flash=request.session.pop("flash", None),
    )


LABELS = {
    "policy": "Landlord and complaints policy",
    "channel": "How the request was made",
    "text": "What the resident is asking for",
    "received_at": "Date the request was received",
    "resident.preferred_contact": "Resident's preferred way to be contacted",
}
HINTS = {"received_at": "For example, 27 3 2026. Leave empty for today."}


def _fields() -> list:
    """The form from the model that validates it, with the landlord picked by name and people's labels."""
    from casework.service_requests import ServiceRequestIntake
    from starter.web.intake_form import landlord_choices

    return chosen(form_fields(ServiceRequestIntake), choices={"policy": landlord_choices()}, labels=LABELS, hints=HINTS)


@router.get("/service-requests/new")
def new_service_request(request: Request, user: MayFileComplaints) -> Response:
    return render(request, "service_request_new.html", fields=_fields(), errors={}, values={"policy": DEFAULT_PROFILE_ID})


@router.post("/service-requests")
async def record(request: Request, user: MayFileComplaints, engine: Database) -> Response:
    from casework.errors import CommandRejected
    from casework.service_requests import ServiceRequestIntake, record_service_request

    form = await checked_form(request)
    fields = _fields()
    values, errors = read_form(fields, form)
    try:  # every problem at once, in people's words, before anything is recorded
        intake = ServiceRequestIntake.model_validate(values)
    except ValidationError as error:
        errors = people_errors(error, fields) | errors
    if not errors:
        try:
            request_id = record_service_request(engine, intake)
        except CommandRejected as error:
            errors = refusal_error(error.field, error.message, fields)
        else:
            request.session["flash"] = f"Service request {request_id} recorded."
            return RedirectResponse("/service-requests", status_code=303)
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return render(request, "service_request_new.html", status=400, fields=fields, errors=errors, values=shown)


def _request(engine: Engine, request_id: str) -> ServiceRequest:
    with Session(engine) as session:
        found = session.get(ServiceRequest, request_id) if REQUEST_ID.match(request_id) else None
    if found is None:
        raise FormRejected({"request_id": f"There is no service request {request_id[:40]!r}."}, status=404)
    return found


def _request_page(
    request: Request,
    engine: Engine,
    user: StaffUser,
    found: ServiceRequest,
    status: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Response:
    with Session(engine) as session:
        resident = session.get(Resident, found.resident_id) if found.resident_id else None
    return render(
        request,
        "service_request.html",
        status=status,
        errors=errors or {},
        values=values or {},
        sr=found,
        resident=resident,
        may_act=can(user.role, "file_complaint"),
        reasons=CONVERT_REASONS,
        areas=SERVICE_AREAS,
        flash=request.session.pop("flash", None),
    )


@router.get("/service-requests/{request_id}")
def service_request(request: Request, request_id: str, user: MayReadCases, engine: Database) -> Response:
    return _request_page(request, engine, user, _request(engine, request_id))


@router.post("/service-requests/{request_id}/resolve")
async def resolve(request: Request, request_id: str, user: MayFileComplaints, engine: Database) -> Response:
    """The service was given: the request is closed, never converted afterwards."""
    form = await checked_form(request)
    found = _request(engine, request_id)
    if found.status != "open":
        raise FormRejected({"request_id": f"{request_id} is already {found.status}."}, status=409)
    if form.get("confirm") != "yes":
        return _request_page(
            request, engine, user, found, 400, {"resolve-confirm": Said("Tick the box to confirm: the request is resolved")}
        )
    with Session(engine) as session:
        row = session.get_one(ServiceRequest, request_id)
        row.status = "resolved"
        session.add(row)
        session.commit()
    audit_staff_action(request, engine, user, "service_request_resolved", detail=request_id)
    request.session["flash"] = f"Service request {request_id} resolved."
    return RedirectResponse(f"/service-requests/{request_id}", status_code=303)


@router.post("/service-requests/{request_id}/convert")
async def convert(
    request: Request, request_id: str, user: MayFileComplaints, engine: Database, client: Temporal, settings: AppSettings
) -> Response:
    """Convert to a complaint and open its case page; a second press finds the case already filed."""
    from casework.service_requests import convert_service_request

    form = await checked_form(request)
    category = form.get("category") or None
    service_request = _request(engine, request_id)
    if service_request.status == "resolved":
        raise FormRejected({"request_id": f"{request_id} was resolved; record a new complaint instead."}, status=409)
    if service_request.status == "converted" and service_request.converted_to:
        return RedirectResponse(f"/cases/{service_request.converted_to}", status_code=303)
    reason = form.get("reason")
    errors = {}
    if category is not None and category not in SERVICE_AREAS:
        errors["convert-category"] = Said("Choose the service area from the list")
    if reason not in CONVERT_REASONS:
        errors["convert-reason"] = Said("Choose why the request becomes a complaint")
    if form.get("confirm") != "yes":
        errors["convert-confirm"] = Said("Tick the box to confirm: convert the request to a complaint")
    if errors:
        shown = {"reason": reason if isinstance(reason, str) else "", "category": category if isinstance(category, str) else ""}
        return _request_page(request, engine, user, service_request, 400, errors, shown)
    filed = await convert_service_request(
        client,
        engine,
        request_id,
        service_request.landlord,
        settings.task_queue,
        category=category if isinstance(category, str) else None,  # a listed service area by now, or none
    )
    audit_staff_action(request, engine, user, "service_request_converted", detail=f"{request_id} to {filed.reference}: {reason}")
    request.session["flash"] = (
        f"Service request {request_id} converted to complaint {filed.reference}; its clock starts today (Code 1.3)."
    )
    return RedirectResponse(f"/cases/{filed.reference}", status_code=303)
