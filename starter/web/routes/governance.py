"""Reports for the governing body in the browser: the quarterly pack for the Member Responsible for
Complaints (Code 9.6-9.7) as a page, PDF and CSV, every report's cut by service area and root cause, and
the form on which the governing body's response to the annual report is recorded (Code 8.2)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from fastapi.responses import RedirectResponse, Response

from casework.access import Actor, Refused
from casework.errors import CommandRejected
from casework.governance import published_response, record_response
from models.policy import all_profiles
from reports.ombudsman_figures import ombudsman_figures
from reports.quarterly import Quarter, quarterly_figures
from reports.reporting import ReportingYear
from reports.reporting import as_of as report_as_of
from models.taxonomy import ROOT_CAUSES, SERVICE_AREAS
from reports.themes import cut_words
from models.clock import london_today
from starter.hazard_section import hazard_compliance
from starter.quarterly_pack import pack_body, pack_csv, pack_html, pack_pdf
from starter.web.auth import audit_staff_action, FormRejected, checked_form
from starter.web.deps import Database, MayReadReports, MayRecordGoverningResponse
from starter.web.pages import render
from starter.web.routes.reports import ReportCut, _current_year, cut_facts, year_choices

router = APIRouter()


@dataclass
class QuarterAsked(ReportCut):
    """The quarterly pack's address: a reporting year and quarter (this one when blank)."""

    year: str = ""
    quarter: str = ""


Quarterly = Annotated[QuarterAsked, Depends()]


def _quarter(year: str, quarter: str) -> Quarter:
    today = london_today()
    try:
        number = int(quarter) if quarter else (today.month - 4) % 12 // 3 + 1
        return Quarter.of(year or _current_year(today), number)
    except ValueError as error:
        field = "quarter" if "quarter" in str(error) or not quarter.isdigit() else "year"
        raise FormRejected({field: str(error).removeprefix("quarter: ")}) from None


def _pack(engine: Engine, asked: QuarterAsked):
    period = _quarter(asked.year, asked.quarter)
    landlord, service_area, root_cause = asked.landlord, asked.service_area, asked.root_cause
    facts = cut_facts(engine, landlord, service_area, root_cause)
    as_of = report_as_of(facts, period, london_today())  # the annual report's rule (reports.reporting.as_of)
    ombudsman = hazards = None
    if not (service_area or root_cause):  # the Ombudsman's and Awaab's Law figures are the landlord's as a whole
        with Session(engine) as session:
            ombudsman = ombudsman_figures(session, landlord or None, period.first, period.last)
        hazards = hazard_compliance(engine, period.first, period.last, as_of, landlord)
    cut = cut_words(service_area or None, root_cause or None)
    return quarterly_figures(facts, period, as_of), landlord or "All landlords", cut, as_of, ombudsman, hazards


@router.get("/reports/quarterly")
def quarterly(request: Request, user: MayReadReports, engine: Database, asked: Quarterly) -> Response:
    figures, title, cut, as_of, ombudsman, hazards = _pack(engine, asked)
    chosen = {
        "year": figures.quarter.label.split()[0],
        "quarter": str(figures.quarter.number),
        "landlord": asked.landlord,
        "service_area": asked.service_area,
        "root_cause": asked.root_cause,
    }
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(
        request,
        "reports_quarterly.html",
        pack=pack_body(figures, title, cut, as_of, ombudsman, hazards=hazards),
        values=chosen,
        query=query,
        landlords=sorted(all_profiles()),
        areas=SERVICE_AREAS,
        causes=ROOT_CAUSES,
    )


@router.get("/reports/quarterly.pdf")
def quarterly_pdf(request: Request, user: MayReadReports, engine: Database, asked: Quarterly) -> Response:
    figures, title, cut, as_of, ombudsman, hazards = _pack(engine, asked)
    name = figures.quarter.label.replace(" ", "-")
    audit_staff_action(request, engine, user, "report_exported", user.username, f"quarterly pack {figures.quarter.label} PDF")
    return Response(
        pack_pdf(pack_html(figures, title, cut, as_of, ombudsman, hazards=hazards)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="complaints-pack-{name}.pdf"'},
    )


@router.get("/reports/quarterly.csv")
def quarterly_csv(request: Request, user: MayReadReports, engine: Database, asked: Quarterly) -> Response:
    figures, *_, ombudsman, hazards = _pack(engine, asked)
    name = figures.quarter.label.replace(" ", "-")
    audit_staff_action(request, engine, user, "report_exported", user.username, f"quarterly pack {figures.quarter.label} CSV")
    return Response(
        pack_csv(figures, ombudsman, hazards=hazards),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="complaints-pack-{name}.csv"'},
    )


@router.get("/reports/annual/response")
def response_form(
    request: Request, user: MayRecordGoverningResponse, engine: Database, year: str = "", landlord: str = ""
) -> Response:
    year = year or _current_year(london_today())
    try:
        current = published_response(engine, landlord or None, ReportingYear.parse(year))
    except ValueError as error:
        raise FormRejected({"year": str(error)}) from None
    return render(
        request,
        "governing_response.html",
        landlords=sorted(all_profiles()),
        years=year_choices(engine),
        values={"year": year, "landlord": landlord, "text": current.text if current else ""},
        current=current,
        flash=request.session.pop("flash", None),
    )


@router.post("/reports/annual/response")
async def record(request: Request, user: MayRecordGoverningResponse, engine: Database) -> Response:
    form = await checked_form(request)
    values = {name: posted if isinstance(posted := form.get(name), str) else "" for name in ("year", "landlord", "text")}
    try:
        row = record_response(engine, Actor.of(user), values["landlord"] or None, values["year"], values["text"])
    except CommandRejected as error:
        return render(
            request,
            "governing_response.html",
            status=400,
            errors={error.field or "text": error.message},
            values=values,
            landlords=sorted(all_profiles()),
            years=year_choices(engine),
            current=None,
        )
    except Refused:
        raise
    request.session["flash"] = f"The governing body's response to the {row.year} annual report is recorded and published with it."
    return RedirectResponse(f"/reports/annual/response?year={row.year}&landlord={values['landlord']}", status_code=303)
