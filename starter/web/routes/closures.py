"""Calendar closures (administrator): a landlord's office closure days; adding one re-plans the cases
`casework.calendar_changes` chooses, by the `calendar_changed` signal (DESIGN.md principle 2)."""

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from casework.access import require
from casework.calendar_changes import CalendarError, add_closure, landlords
from models.tables import ClosureDay
from models.users import StaffUser
from starter.web.auth import checked_form, current_user, text
from starter.web.pages import render

router = APIRouter()


def _page(request: Request, status: int = 200, errors: dict | None = None, values: dict | None = None) -> Response:
    with Session(request.app.state.engine) as session:
        rows = list(session.exec(select(ClosureDay).order_by(col(ClosureDay.landlord), col(ClosureDay.day))))
    return render(
        request, "closures.html", status=status, errors=errors or {}, values=values or {},
        closures=rows, landlords=landlords(request.app.state.engine), flash=request.session.pop("flash", None),
    )


@router.get("/closures")
def closures(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_closures")
    return _page(request)


@router.post("/closures")
async def record_closure(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    """Record the day and re-plan the landlord's cases, through the same function as the CLI."""
    require(user.role, "manage_closures")
    form = await checked_form(request)
    landlord, day_text, reason = text(form, "landlord", 64), text(form, "day", 10), text(form, "reason", 200)
    values = {"landlord": landlord, "day": day_text, "reason": reason}
    errors = {}
    if not landlord:
        errors["landlord"] = "Choose a landlord"
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        errors["day"] = "Enter the closure date like 2026-12-31"
    if not reason:
        errors["reason"] = "Enter why the office is closed (shown to staff with the closure days)"
    if errors:
        return _page(request, status=400, errors=errors, values=values)
    try:
        report = await add_closure(request.app.state.engine, request.app.state.client, landlord, day, reason)
    except CalendarError as error:
        return _page(request, status=400, errors={error.field: error.message[:1].upper() + error.message[1:]}, values=values)
    failed = (f"; {len(report.failed)} could not be reached now and will be re-planned as soon as the case system "
              f"answers: {', '.join(report.failed)}") if report.failed else ""
    request.session["flash"] = (f"{day.isoformat()} is now a closure day for {landlord}; {report.signalled} open case(s) "
                                f"re-planned, {report.already_ended} already ended{failed}.")
    return RedirectResponse("/closures", status_code=303)
