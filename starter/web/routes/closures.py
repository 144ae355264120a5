"""Calendar closures (administrator): a landlord's office closure days; adding one re-plans every open
case of that landlord by the `calendar_changed` signal (DESIGN.md principle 2)."""

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from models.case import CalendarChanged
from models.policy import known_profile_ids
from models.tables import Case, ClosureDay, add_closures
from models.users import StaffUser
from casework.access import require
from starter.web.auth import checked_form, current_user, text
from casework.case_list import DONE_STATES
from starter.web.pages import render

router = APIRouter()


def _landlords(engine) -> list[str]:
    with Session(engine) as session:
        used = set(session.exec(select(Case.landlord).distinct()))
    return sorted(used | set(known_profile_ids()))


def _page(request: Request, status: int = 200, errors: dict | None = None, values: dict | None = None) -> Response:
    with Session(request.app.state.engine) as session:
        rows = list(session.exec(select(ClosureDay).order_by(col(ClosureDay.landlord), col(ClosureDay.day))))
    return render(
        request, "closures.html", status=status, errors=errors or {}, values=values or {},
        closures=rows, landlords=_landlords(request.app.state.engine), flash=request.session.pop("flash", None),
    )


@router.get("/closures")
def closures(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_closures")
    return _page(request)


@router.post("/closures")
async def add_closure(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "manage_closures")
    form = await checked_form(request)
    landlord, day_text, reason = text(form, "landlord", 64), text(form, "day", 10), text(form, "reason", 200)
    errors = {}
    if landlord not in _landlords(request.app.state.engine):
        errors["landlord"] = "Choose a landlord from the list"
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        errors["day"] = "Enter the closure date like 2026-12-31"
    if not reason:
        errors["reason"] = "Enter why the office is closed (shown to staff and in the case history)"
    if errors:
        return _page(request, status=400, errors=errors, values={"landlord": landlord, "day": day_text, "reason": reason})
    signalled = await record_closure(request, landlord, day, reason)
    request.session["flash"] = f"{day.isoformat()} is now a closure day for {landlord}; {signalled} open case(s) re-planned."
    return RedirectResponse("/closures", status_code=303)


async def record_closure(request: Request, landlord: str, day: date, reason: str) -> int:
    """Record the day, then signal `calendar_changed` to every open case of the landlord."""
    engine, client = request.app.state.engine, request.app.state.client
    add_closures(engine, landlord, [day], "closure", reason)
    with Session(engine) as session:
        references = list(session.exec(select(Case.reference).where(Case.landlord == landlord, col(Case.state).not_in(DONE_STATES))))
    for reference in references:
        await client.get_workflow_handle(reference).signal("calendar_changed", CalendarChanged(reason=f"closure {day}: {reason}"[:200]))
    return len(references)
