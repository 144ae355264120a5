"""Residents' personal data (administrator): find a resident, download everything held about them for a
subject access request (JSON or PDF), and anonymise those past the retention period. The same functions
as `complaints residents ...` (casework/subject_access.py), each audited."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, func, or_, select

from casework.subject_access import (
    REMOVED,
    UnknownResident,
    anonymise,
    as_json,
    as_pdf,
    due_for_anonymisation,
    subject_access,
)
from models.input_text import containing
from models.record import Complaint, Resident
from models.clock import london_today
from starter.web.auth import FormRejected, checked_form
from starter.web.deps import AppSettings, Database, MaySubjectAccess
from starter.web.pages import render

router = APIRouter()
SEARCH_LIMIT = 50


def _with_cases(session: Session, residents: list[Resident]) -> list[tuple[Resident, int]]:
    ids = [r.id for r in residents]
    counts = (
        dict(
            session.exec(
                select(Complaint.resident_id, func.count())
                .where(col(Complaint.resident_id).in_(ids))
                .group_by(Complaint.resident_id)
            ).all()
        )
        if ids
        else {}
    )
    return [(r, counts.get(r.id, 0)) for r in residents]


@router.get("/residents")
def residents(request: Request, user: MaySubjectAccess, engine: Database, settings: AppSettings, q: str = "") -> Response:
    q, errors, found = q.strip()[:200], {}, []
    with Session(engine) as session:
        if q and len(q) < 3:
            errors["q"] = "Enter at least 3 characters of the name, email address or resident id"
        elif q:
            found = _with_cases(
                session,
                list(
                    session.exec(
                        select(Resident)
                        .where(
                            or_(
                                containing(Resident.name, q),
                                containing(Resident.email, q),
                                Resident.id == q,
                            ),
                            Resident.name != REMOVED,
                        )
                        .order_by(col(Resident.name))
                        .limit(SEARCH_LIMIT)
                    )
                ),
            )
        years = settings.retention_years
        due_ids = due_for_anonymisation(engine, years, london_today())
        due = _with_cases(session, list(session.exec(select(Resident).where(col(Resident.id).in_(due_ids))))) if due_ids else []
    return render(
        request,
        "residents_admin.html",
        status=400 if errors else 200,
        errors=errors,
        q=q,
        found=found,
        searched=bool(q) and not errors,
        due=due,
        years=years,
        flash=request.session.pop("flash", None),
    )


@router.get("/residents/{resident_id}/export.{kind}")
def export(request: Request, resident_id: str, kind: str, user: MaySubjectAccess, engine: Database) -> Response:
    if kind not in ("json", "pdf"):
        raise FormRejected({"kind": "Download the export as json or pdf"}, status=404)
    try:
        held = subject_access(engine, resident_id[:40], user.username)
    except UnknownResident:
        raise FormRejected({"resident": f"There is no resident {resident_id[:40]!r}."}, status=404) from None
    body, media = (as_json(held).encode(), "application/json") if kind == "json" else (as_pdf(held), "application/pdf")
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="subject-access-{held["resident"]["id"]}.{kind}"'},
    )


@router.post("/residents/{resident_id}/anonymise")
async def anonymise_resident(
    request: Request, resident_id: str, user: MaySubjectAccess, engine: Database, settings: AppSettings
) -> Response:
    await checked_form(request)
    years = settings.retention_years
    if resident_id not in due_for_anonymisation(engine, years, london_today()):
        raise FormRejected(
            {
                "resident": f"{resident_id[:40]} is not due: anonymisation comes {years} years after the "
                "resident's last case closed, with nothing open."
            },
            status=400,
        )
    cases = anonymise(engine, resident_id, user.username)
    request.session["flash"] = f"Resident {resident_id} anonymised: {cases} case(s) kept without their personal data."
    return RedirectResponse("/residents", status_code=303)
