"""Filing a complaint from the staff side: the intake form, the resident's earlier cases shown before a new
one is filed, and the hazard the complaint reports triaged at the door (Awaab's Law)."""

import uuid
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from casework.access import Actor
from casework.errors import CommandRejected
from casework.hazards import intake_categories
from casework.intake import Intake, file_complaint
from models.policy import DEFAULT_PROFILE_ID
from models.settings import Settings
from accounts.users import StaffUser
from starter.web.auth import FormRejected, checked_form
from starter.web.deps import AppSettings, Database, MayFileComplaints, Temporal
from starter.web.fields import people_errors, read_form, refusal_error
from starter.web.intake_form import intake_fields
from starter.web.pages import render

router = APIRouter()


@router.get("/cases/new")
def intake_page(request: Request, user: MayFileComplaints, engine: Database) -> Response:
    return _intake_page(
        request,
        fields=intake_fields(engine),
        intake_id=str(uuid.uuid4()),
        values={"policy": DEFAULT_PROFILE_ID, "region": "ENG"},
    )


@router.post("/cases")
async def file_intake(
    request: Request, user: MayFileComplaints, engine: Database, client: Temporal, settings: AppSettings
) -> Response:
    form = await checked_form(request)
    fields = intake_fields(engine)
    values, errors = read_form(fields, form)
    intake_id = form.get("intake_id")
    if not isinstance(intake_id, str) or not 1 <= len(intake_id) <= 100:
        raise FormRejected({"intake_id": "is missing; open the form again"})
    try:
        intake = Intake.model_validate(values | {"intake_id": intake_id})
    except ValidationError as error:
        errors = people_errors(error, fields) | errors
    shown = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    if not errors and form.get("earlier_seen") != "yes" and (earlier := _earlier(engine, intake)):
        return _intake_page(request, values=shown, fields=fields, intake_id=intake_id, earlier=earlier)
    if not errors:
        try:
            filed = await file_complaint(client, engine, intake, settings.task_queue)
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
            + await _hazard_at_intake(client, engine, settings, user, form, filed.reference, intake.received_at)
        )
        return RedirectResponse(f"/cases/{filed.reference}", status_code=303)
    return _intake_page(request, status=400, errors=errors, values=shown, fields=fields, intake_id=intake_id)


def _intake_page(request: Request, **context) -> Response:
    """The intake form, which also asks whether the complaint reports a hazard (triage at the door)."""
    return render(request, "intake.html", hazard_categories=intake_categories(datetime.now(timezone.utc)), **context)


async def _hazard_at_intake(
    client: Client, engine: Engine, settings: Settings, user: StaffUser, form, reference: str, received_at
) -> str:
    """Triage at the door (Awaab's Law): the hazard the complaint reports starts its own clocks from receipt."""
    from casework.hazards import report_at_intake

    category = str(form.get("hazard_category") or "")
    if not category:
        return ""
    try:
        hazard = await report_at_intake(
            client,
            engine,
            reference,
            received_at,
            Actor.of(user),
            category,
            str(form.get("hazard_level") or ""),
            [str(v) for v in form.getlist("hazard_vulnerabilities")],
            settings.task_queue,
        )
    except CommandRejected as refused:
        return f" The hazard was not recorded ({refused}): record it from the hazards page."
    return f" Hazard {hazard} recorded: its Awaab's Law clocks run from receipt."


def _earlier(engine: Engine, intake: Intake) -> list:
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
