"""Service requests (Code 1.2-1.3): a request for a service is recorded and reviewed, not treated as a
complaint; staff who take complaints record one here, see the open ones, and convert one to a complaint
when the resident is dissatisfied (its clock starts at conversion)."""

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from models.record import Resident, ServiceRequest
from models.taxonomy import SERVICE_AREAS
from models.users import StaffUser
from casework.access import can, require
from casework.case_record import projected_case
from starter.web.auth import FormRejected, checked_form, current_user
from starter.web.fields import form_fields, form_values, validation_errors
from starter.web.pages import render

router = APIRouter()
OPEN_ROWS = 100
REQUEST_ID = re.compile(r"^SR-\d{4}-[0-9a-f]{8}$")


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
def service_requests(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_cases")
    return render(request, "service_requests.html", requests=_open_requests(request.app.state.engine), areas=SERVICE_AREAS,
                  may_convert=can(user.role, "file_complaint"), flash=request.session.pop("flash", None))


@router.get("/service-requests/new")
def new_service_request(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    from casework.service_requests import ServiceRequestIntake

    require(user.role, "file_complaint")
    return render(request, "service_request_new.html", fields=form_fields(ServiceRequestIntake), errors={}, values={})


@router.post("/service-requests")
async def record(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    from casework.errors import CommandRejected
    from casework.service_requests import ServiceRequestIntake, record_service_request

    require(user.role, "file_complaint")
    form = await checked_form(request)
    fields = form_fields(ServiceRequestIntake)
    try:
        intake = ServiceRequestIntake.model_validate(form_values(fields, form))
        request_id = record_service_request(request.app.state.engine, intake)
    except ValidationError as error:
        errors = validation_errors(error)
    except CommandRejected as error:
        errors = {error.field or "form": error.message}
    else:
        request.session["flash"] = f"Service request {request_id} recorded."
        return RedirectResponse("/service-requests", status_code=303)
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return render(request, "service_request_new.html", status=400, fields=fields, errors=errors, values=shown)


@router.post("/service-requests/{request_id}/convert")
async def convert(request: Request, request_id: str, user: StaffUser = Depends(current_user)) -> Response:
    """Convert to a complaint and open its case page; a second press finds the case already filed."""
    from casework.service_requests import convert_service_request

    require(user.role, "file_complaint")
    form = await checked_form(request)
    category = form.get("category") or None
    if category is not None and category not in SERVICE_AREAS:
        raise FormRejected({"category": "Choose the service area from the list"})
    engine = request.app.state.engine
    with Session(engine) as session:
        service_request = session.get(ServiceRequest, request_id) if REQUEST_ID.match(request_id) else None
    if service_request is None:
        raise FormRejected({"request_id": f"There is no service request {request_id[:40]!r}."}, status=404)
    if service_request.status == "resolved":
        raise FormRejected({"request_id": f"{request_id} was resolved; record a new complaint instead."}, status=409)
    filed = await convert_service_request(request.app.state.client, engine, request_id, service_request.landlord,
                                          request.app.state.settings.task_queue, category=category)
    await projected_case(engine, filed.reference)
    request.session["flash"] = f"Service request {request_id} converted to complaint {filed.reference}; its clock starts today (Code 1.3)."
    return RedirectResponse(f"/cases/{filed.reference}", status_code=303)
