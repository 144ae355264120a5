"""Calendar closures (administrator): a landlord's office closure days; adding or removing one re-plans the
cases `casework.calendar_changes` chooses, by the `calendar_changed` signal (DESIGN.md principle 2). Both
are audited."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.presentation import long_date
from casework.calendar_changes import REPORT_WAIT, CalendarError, add_closure, check_closure, landlords, remove_closure
from casework.promised_dates import residents_moved_by
from models.tables import ClosureDay
from models.clock import london_today
from starter.web.auth import audit_staff_action, checked_form, text
from starter.web.deps import AppSettings, Database, MayManageClosures, MayReadClosures, Temporal
from starter.web.fields import Said, date_of
from starter.web.pages import render

router = APIRouter()


def _page(
    request: Request,
    engine: Engine,
    status: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
    confirming: dict | None = None,
) -> Response:
    """The page; `confirming` (a closure that moves dates residents were given: how many, issue 27) asks
    the administrator to confirm before anything is recorded."""
    with Session(engine) as session:
        rows = list(session.exec(select(ClosureDay).order_by(col(ClosureDay.landlord), col(ClosureDay.day))))
    return render(
        request,
        "closures.html",
        status=status,
        errors=errors or {},
        values=values or {},
        closures=rows,
        landlords=landlords(engine),
        flash=request.session.pop("flash", None),
        today=london_today(),
        confirming=confirming,
    )


@router.get("/closures")
def closures(request: Request, user: MayReadClosures, engine: Database) -> Response:
    return _page(request, engine)


@router.post("/closures")
async def record_closure(
    request: Request, user: MayManageClosures, engine: Database, client: Temporal, settings: AppSettings
) -> Response:
    """Record the day and re-plan the landlord's cases, through the same function as the CLI."""
    form = await checked_form(request)
    landlord, reason = text(form, "landlord", 64), text(form, "reason", 200)
    day, typed, problem = _closure_date(form)
    values = {"landlord": landlord, "day": typed, "reason": reason}
    errors = {}
    if not landlord:
        errors["landlord"] = Said("Choose a landlord")
    if problem:
        errors["day"] = Said(problem)
    if not reason:
        errors["reason"] = Said("Enter why the office is closed (shown to staff with the closure days)")
    if errors:
        return _page(request, engine, status=400, errors=errors, values=values)
    assert day is not None, "_closure_date gives a date or a problem"
    try:
        check_closure(engine, landlord, day, reason)  # refusals first, then the question
        moved = residents_moved_by(engine, landlord, day)
        if moved and form.get("confirm") != "yes":
            return _page(request, engine, values=values, confirming={"moved": moved, "day": day, "landlord": landlord})
        report = await add_closure(
            engine,
            client,
            landlord,
            day,
            reason,
            task_queue=settings.task_queue,
            wait=REPORT_WAIT,
        )
    except CalendarError as error:
        return _page(
            request, engine, status=400, errors={error.field: Said(f"{LABELS[error.field]}: {error.message}")}, values=values
        )
    audit_staff_action(
        request,
        engine,
        user,
        "closure_added",
        detail=f"{landlord} {day.isoformat()}",
    )
    request.session["flash"] = f"{long_date(day, weekday=True)} is now a closure day for {landlord}; {_replanned(report)}"
    return RedirectResponse("/closures", status_code=303)


LABELS = {"landlord": "Landlord", "day": "Closure date", "reason": "Reason"}


def _closure_date(form) -> tuple[date | None, dict | str, str | None]:
    """The closure date from its day, month and year boxes (or whole, YYYY-MM-DD, as scripts post it),
    what was typed to show again, and the problem in people's words."""
    for name in ("day", "day-day", "day-month", "day-year"):
        text(form, name, 10)  # text, and short, before anything reads it
    iso, problem = date_of(form, "day")
    typed = {part: text(form, f"day-{part}", 10) for part in ("day", "month", "year")}
    shown = typed if any(typed.values()) else text(form, "day", 10)
    if problem:
        return None, shown, f"{LABELS['day']} {problem}"
    if iso is None:
        return None, shown, "Enter the closure date"
    try:
        return date.fromisoformat(iso), shown, None
    except ValueError:
        return None, shown, f"{LABELS['day']} must be a real date, like 27 3 2026"


def _replanned(report) -> str:
    pending = f"; {report.pending} more are being re-planned and will follow in the next minutes" if report.pending else ""
    return f"{report.signalled} open case(s) re-planned, {report.already_ended} already ended{pending}."


@router.post("/closures/remove")
async def take_back_closure(
    request: Request, user: MayManageClosures, engine: Database, client: Temporal, settings: AppSettings
) -> Response:
    """Make a closure day a working day again, re-planning through the same function as the CLI."""
    form = await checked_form(request)
    landlord, day_text = text(form, "landlord", 64), text(form, "day", 10)
    try:
        day = date.fromisoformat(day_text)
        if form.get("confirm") != "yes":
            return _page(
                request,
                engine,
                status=400,
                errors={"confirm": Said(f"Tick the box to confirm: remove the closure on {day_text}")},
            )
        report = await remove_closure(
            engine,
            client,
            landlord,
            day,
            task_queue=settings.task_queue,
            wait=REPORT_WAIT,
        )
    except CalendarError as error:  # a ValueError too: caught first, so its own words are shown
        return _page(request, engine, status=400, errors={error.field: Said(f"{LABELS[error.field]}: {error.message}")})
    except ValueError:
        return _page(request, engine, status=400, errors={"day": Said("Choose a closure day from the list")})
    audit_staff_action(
        request,
        engine,
        user,
        "closure_removed",
        detail=f"{landlord} {day.isoformat()}",
    )
    request.session["flash"] = f"{long_date(day, weekday=True)} is a working day again for {landlord}; {_replanned(report)}"
    return RedirectResponse("/closures", status_code=303)
