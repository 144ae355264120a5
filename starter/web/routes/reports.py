"""The annual complaints performance and service improvement report (Code 8.1), in the browser and as PDF.

The same figures and charts as `complaints report annual`, from the read model; no personal data. The page
places the report's body under the app's CSP (report.css, no inline styles); the PDF is the stand-alone
HTML. A report may be cut by service area and root cause (reports/themes.py); a cut report leaves out the
Ombudsman's figures and the governing body's response, which are the landlord's as a whole."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from casework.calendar_changes import landlords
from casework.governance import published_response
from reports.ombudsman_figures import ombudsman_figures
from reports.report_facts import read_facts
from reports.reporting import ReportingYear, annual_figures
from reports.self_assessment import self_assessment
from models.tables import Case
from models.taxonomy import ROOT_CAUSES, SERVICE_AREAS
from reports.themes import CutError, cut, cut_words
from models.clock import london_today
from starter.annual_report import annual_report_body, annual_report_html, annual_report_pdf
from starter.hazard_section import hazard_compliance
from starter.web.auth import audit_staff_action, FormRejected
from starter.web.deps import Database, MayReadReports
from starter.web.pages import landlord_name, render

router = APIRouter()
FIRST_YEAR = 2000
"""Receipts are not before 2000 (models.case.received_problem), so neither is a reporting year."""


@dataclass
class ReportCut:
    """Whose cases a report counts, as asked for in its address: one landlord or all, cut by service area
    and root cause or not. The same for the annual report and the quarterly pack, page, PDF and CSV."""

    landlord: str = ""
    service_area: str = ""
    root_cause: str = ""


@dataclass
class AnnualAsked(ReportCut):
    """The annual report's address: a reporting year ("2026-27", this one when blank) and the number of homes."""

    year: str = ""
    homes: str = ""


Annual = Annotated[AnnualAsked, Depends()]


def _year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _current_year(today: date) -> str:
    return _label(_year_of(today))


def year_choices(engine: Engine) -> list[str]:
    """Every reporting year from the one of the earliest case to this one, newest first."""
    with Session(engine) as session:
        earliest = session.exec(select(func.min(Case.received_at))).one()
    this_year = _year_of(london_today())
    first = min(this_year - 1, _year_of(earliest.date())) if earliest else this_year - 1
    return [_label(start) for start in range(this_year, max(first, FIRST_YEAR) - 1, -1)]


def _choice(engine: Engine, year: str, landlord: str) -> tuple[ReportingYear, str]:
    """The year and landlord asked for, refused naming the field when not one of the lists' kind."""
    errors = {}
    try:
        reporting_year = ReportingYear.parse(year or _current_year(london_today()))
        if not FIRST_YEAR <= reporting_year.first.year <= _year_of(london_today()):
            errors["year"] = f"Choose a reporting year from {_label(FIRST_YEAR)} to {_current_year(london_today())}"
    except ValueError as error:
        errors["year"] = str(error)
    if landlord and landlord not in landlords(engine):
        errors["landlord"] = "Choose a landlord from the list"
    if errors:
        raise FormRejected(errors)
    return reporting_year, landlord


def cut_facts(engine: Engine, landlord: str, service_area: str, root_cause: str) -> list:
    """The read model's cases for a report, of one landlord and cut by service area and root cause
    (reports/themes.py); a bad choice is refused naming the field."""
    if len(landlord) > 64:
        raise FormRejected({"landlord": "must be at most 64 characters"})
    try:
        return cut(read_facts(engine, landlord or None), service_area or None, root_cause or None)
    except CutError as error:
        field, _, rule = str(error).partition(": ")
        raise FormRejected({field: rule}) from None


MOST_HOMES = 2_000_000
"""More homes than any English landlord has: a typing slip, not a stock size."""


def homes_of(typed: str) -> int | None:
    """The number of homes for TSM CH01 (complaints per 1,000 homes), as typed ("12,400"); None when blank.
    Refused, naming the field, unless a whole number from 1 to 2,000,000."""
    cleaned = typed.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= MOST_HOMES:
        raise FormRejected({"homes": "Number of homes must be a whole number from 1 to 2,000,000, like 12400"})
    return int(cleaned)


def _report(engine: Engine, asked: AnnualAsked):
    """The report's figures, evidence, title, and (uncut) the Ombudsman's figures, the governing body's response
    and Awaab's Law compliance."""
    reporting_year, landlord = _choice(engine, asked.year[:7], asked.landlord[:64])
    facts = cut_facts(engine, landlord, asked.service_area[:64], asked.root_cause[:64])
    figures = annual_figures(facts, reporting_year, homes_of(asked.homes[:20]), today=london_today())
    words = cut_words(asked.service_area or None, asked.root_cause or None)
    title = f"{landlord_name(landlord) if landlord else 'All landlords'}{f' ({words})' if words else ''}"
    ombudsman = response = hazards = None
    if not words:
        hazards = hazard_compliance(engine, reporting_year.first, reporting_year.last, figures.as_of, landlord)
        response = published_response(engine, landlord or None, reporting_year)
        with Session(engine) as session:
            ombudsman = ombudsman_figures(session, landlord or None, reporting_year.first, reporting_year.last)
    return (
        reporting_year,
        landlord,
        (figures, self_assessment(facts, reporting_year, figures.as_of), title, ombudsman, response),
        hazards,
    )


@router.get("/reports/annual")
def annual(request: Request, user: MayReadReports, engine: Database, asked: Annual) -> Response:
    reporting_year, landlord, parts, hazards = _report(engine, asked)
    years = year_choices(engine)
    if reporting_year.label not in years:  # an earlier year asked for by its address
        years = sorted({*years, reporting_year.label}, reverse=True)
    return render(
        request,
        "report_annual.html",
        year=reporting_year.label,
        landlord=landlord,
        years=years,
        landlords=landlords(engine),
        report=annual_report_body(*parts, hazards=hazards),
        title=parts[2],
        service_area=asked.service_area,
        root_cause=asked.root_cause,
        areas=SERVICE_AREAS,
        causes=ROOT_CAUSES,
        homes=asked.homes[:20].strip(),
    )


@router.get("/reports/annual.pdf")
def annual_pdf(request: Request, user: MayReadReports, engine: Database, asked: Annual) -> Response:
    reporting_year, landlord, parts, hazards = _report(engine, asked)
    pdf = annual_report_pdf(annual_report_html(*parts, hazards=hazards))
    audit_staff_action(
        request,
        engine,
        user,
        "report_exported",
        user.username,
        f"annual report {reporting_year.label}{' ' + landlord if landlord else ''} PDF",
    )
    name = f"complaints-report-{reporting_year.label}{'-' + landlord if landlord else ''}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
