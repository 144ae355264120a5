"""The annual complaints performance and service improvement report (Code 8.1), in the browser and as PDF.

The same figures and charts as `complaints report annual`, from the read model; no personal data. The page
is an ordinary page of the app (its stylesheet linked, nothing inline, so the CSP holds), with the year and
landlord chosen from lists, a link to the PDF of the same choice and a way back."""

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, select

from casework.access import require
from casework.calendar_changes import landlords
from models.report_facts import read_facts
from models.reporting import ReportingYear, annual_figures, self_assessment
from models.tables import Case
from models.users import StaffUser
from starter.annual_report import annual_report_body, annual_report_html, annual_report_pdf
from starter.web.auth import FormRejected, current_user
from starter.web.pages import landlord_name, render

router = APIRouter()
FIRST_YEAR = 2000
"""Receipts are not before 2000 (models.case.received_problem), so neither is a reporting year."""


def _year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _current_year(today: date) -> str:
    return _label(_year_of(today))


def year_choices(request: Request) -> list[str]:
    """Every reporting year from the one of the earliest case to this one, newest first."""
    with Session(request.app.state.engine) as session:
        earliest = session.exec(select(func.min(Case.received_at))).one()
    this_year = _year_of(date.today())
    first = min(this_year - 1, _year_of(earliest.date())) if earliest else this_year - 1
    return [_label(start) for start in range(this_year, max(first, FIRST_YEAR) - 1, -1)]


def _choice(request: Request, year: str, landlord: str) -> tuple[ReportingYear, str]:
    """The year and landlord asked for, refused naming the field when not one of the lists' kind."""
    errors = {}
    try:
        reporting_year = ReportingYear.parse(year or _current_year(date.today()))
        if not FIRST_YEAR <= reporting_year.first.year <= _year_of(date.today()):
            errors["year"] = f"Choose a reporting year from {_label(FIRST_YEAR)} to {_current_year(date.today())}"
    except ValueError as error:
        errors["year"] = str(error)
    if landlord and landlord not in landlords(request.app.state.engine):
        errors["landlord"] = "Choose a landlord from the list"
    if errors:
        raise FormRejected(errors)
    return reporting_year, landlord


def _figures(request: Request, reporting_year: ReportingYear, landlord: str):
    facts = read_facts(request.app.state.engine, landlord or None)
    title = landlord_name(landlord) if landlord else "All landlords"
    return annual_figures(facts, reporting_year), self_assessment(facts, reporting_year), title


@router.get("/reports/annual")
def annual(request: Request, year: str = "", landlord: str = "", user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_reports")
    reporting_year, landlord = _choice(request, year[:7], landlord[:64])
    figures, evidence, title = _figures(request, reporting_year, landlord)
    years = year_choices(request)
    if reporting_year.label not in years:  # an earlier year asked for by its address
        years = sorted({*years, reporting_year.label}, reverse=True)
    return render(request, "report_annual.html", year=reporting_year.label, landlord=landlord, years=years, landlords=landlords(request.app.state.engine),
                  report=annual_report_body(figures, evidence, title), title=title)


@router.get("/reports/annual.pdf")
def annual_pdf(request: Request, year: str = "", landlord: str = "", user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_reports")
    reporting_year, landlord = _choice(request, year[:7], landlord[:64])
    pdf = annual_report_pdf(annual_report_html(*_figures(request, reporting_year, landlord)))
    name = f"complaints-report-{reporting_year.label}{'-' + landlord if landlord else ''}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
