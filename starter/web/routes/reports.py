"""The annual complaints performance and service improvement report (Code 8.1), in the browser and as PDF.

The same figures and charts as `complaints report annual`, from the read model; no personal data."""

from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models.ombudsman_figures import ombudsman_figures
from models.report_facts import read_facts
from models.calendar import local_date
from models.reporting import ReportingYear, annual_figures, self_assessment
from models.themes import CutError, cut, cut_words
from models.users import StaffUser
from casework.governance import published_response
from starter.annual_report import annual_report_html, annual_report_pdf
from casework.access import require
from starter.web.auth import FormRejected, current_user

router = APIRouter()


def _current_year(today: date) -> str:
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def cut_facts(request: Request, landlord: str, service_area: str, root_cause: str) -> list:
    """The read model's cases for a report, of one landlord and cut by service area and root cause
    (models/themes.py); a bad choice is refused naming the field."""
    if len(landlord) > 64:
        raise FormRejected({"landlord": "must be at most 64 characters"})
    try:
        return cut(read_facts(request.app.state.engine, landlord or None), service_area or None, root_cause or None)
    except CutError as error:
        field, _, rule = str(error).partition(": ")
        raise FormRejected({field: rule}) from None


def _report(request: Request, year: str, landlord: str, service_area: str = "", root_cause: str = "") -> str:
    try:
        reporting_year = ReportingYear.parse(year or _current_year(date.today()))
    except ValueError as error:
        raise FormRejected({"year": str(error)}) from None
    facts = cut_facts(request, landlord, service_area, root_cause)
    figures = annual_figures(facts, reporting_year, today=local_date(datetime.now(UTC)))
    words = cut_words(service_area or None, root_cause or None)
    engine = request.app.state.engine
    response = None if words else published_response(engine, landlord or None, reporting_year)
    with Session(engine) as session:
        ombudsman = ombudsman_figures(session, landlord or None, reporting_year.first, reporting_year.last)
    return annual_report_html(figures, self_assessment(facts, reporting_year),
                              f"{landlord or 'All landlords'}{f' ({words})' if words else ''}", ombudsman, response)


@router.get("/reports/annual")
def annual(request: Request, year: str = "", landlord: str = "", service_area: str = "", root_cause: str = "",
           user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_reports")
    return HTMLResponse(_report(request, year, landlord, service_area, root_cause))


@router.get("/reports/annual.pdf")
def annual_pdf(request: Request, year: str = "", landlord: str = "", service_area: str = "", root_cause: str = "",
               user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_reports")
    pdf = annual_report_pdf(_report(request, year, landlord, service_area, root_cause))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="complaints-report-{year or "current"}.pdf"'})
