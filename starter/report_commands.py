"""`complaints report ...`: TSM CH01/CH02 for the Regulator, the annual complaints performance and service
improvement report, and self-assessment evidence, all from the read model (Code 8.1)."""

from datetime import UTC, date, datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from models.calendar import local_date
from starter.csv_text import csv_text
from reports.ombudsman_figures import OmbudsmanFigures, ombudsman_figures
from reports.report_facts import CaseFacts
from models.taxonomy import ROOT_CAUSES, SERVICE_AREAS
from reports.reporting import as_of as report_as_of
from reports.reporting import AnnualFigures, ReportingYear, TsmMeasure, annual_figures, tsm
from reports.self_assessment import EvidenceRow, self_assessment
from models.clock import london_today

report_app = typer.Typer(
    help="Reports: TSM CH01/CH02, annual performance report, self-assessment evidence.", no_args_is_help=True
)
out = Console(width=160)
err = Console(stderr=True)

Year = Annotated[str, typer.Option("--year", help="Reporting year, 1 April to 31 March, e.g. 2025-26.")]
Homes = Annotated[int | None, typer.Option("--homes", min=1, help="Homes owned (the CH01 denominator).")]
Landlord = Annotated[str | None, typer.Option("--landlord", help="Only this landlord's cases (default: all).")]
Database = Annotated[str | None, typer.Option("--database", help="Read model URL (default: $DATABASE_URL or var/complaints.db).")]
Format = Annotated[str, typer.Option("--format", help="table (for people) or csv.")]
CsvPath = Annotated[Path | None, typer.Option("--csv", help="Also write the figures as CSV to this file.")]
ServiceAreaCut = Annotated[
    str | None, typer.Option("--service-area", help=f"Only complaints about this service area: {', '.join(SERVICE_AREAS)}.")
]
RootCauseCut = Annotated[
    str | None, typer.Option("--root-cause", help=f"Only complaints with this root cause found: {', '.join(ROOT_CAUSES)}.")
]


def parse_year(text: str) -> ReportingYear:
    try:
        return ReportingYear.parse(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--year") from None


@contextmanager
def read_model(database: str | None) -> Iterator[Engine]:
    """The read model the reports read; a missing SQLite file is an error, not an empty report."""
    from models.settings import load_settings
    from models.tables import make_engine

    url = database or load_settings().database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise typer.BadParameter(
            f"no read model at {url.removeprefix('sqlite:///')} (run `complaints dev` first, or pass --database)",
            param_hint="--database",
        )
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def load_facts(
    database: str | None, landlord: str | None, service_area: str | None = None, root_cause: str | None = None
) -> list[CaseFacts]:
    """The read model's cases as report facts, cut by service area and root cause when asked."""
    from reports.report_facts import read_facts
    from reports.themes import CutError, check_cut, cut

    try:
        check_cut(service_area, root_cause)
    except CutError as error:
        field, _, rule = str(error).partition(": ")
        raise typer.BadParameter(rule, param_hint=f"--{field.replace('_', '-')}") from None
    with read_model(database) as engine:
        return cut(read_facts(engine, landlord), service_area, root_cause)


def load_ombudsman(database: str | None, landlord: str | None, year: ReportingYear) -> OmbudsmanFigures:
    """The year's Ombudsman figures (Code 8.1 c, e, f) from the read model."""
    from sqlmodel import Session

    with read_model(database) as engine, Session(engine) as session:
        return ombudsman_figures(session, landlord, year.first, year.last)


def load_hazards(database: str | None, landlord: str | None, period, as_of: date) -> list:
    """Awaab's Law compliance for the period (`period.first`..`period.last`) from the read model."""
    from starter.hazard_section import hazard_compliance

    with read_model(database) as engine:
        return hazard_compliance(engine, period.first, period.last, as_of, landlord)


def _check_format(output: str) -> None:
    if output not in ("table", "csv"):
        raise typer.BadParameter(f"must be table or csv, got {output!r}", param_hint="--format")


# ---- TSM ------------------------------------------------------------------------------------------------


def tsm_csv(measures: list[TsmMeasure], year: ReportingYear) -> str:
    return csv_text(
        ["year", "measure", "description", "numerator", "denominator", "value", "unit"],
        (
            [
                year.label,
                m.code,
                m.description,
                m.numerator,
                "" if m.denominator is None else m.denominator,
                "" if m.value is None else m.value,
                m.unit,
            ]
            for m in measures
        ),
    )


def print_tsm(measures: list[TsmMeasure], year: ReportingYear, title: str, console: Console = out) -> None:
    table = Table(title=f"{title}: Tenant Satisfaction Measures {year.label} ({year.first:%-d %b %Y} to {year.last:%-d %b %Y})")
    for column in ("measure", "description", "count", "of", "result"):
        table.add_column(column, justify="right" if column in ("count", "of", "result") else "left")
    for m in measures:
        if m.value is None:
            result = "--homes needed" if m.code.startswith("CH01") else "no responses"
        else:
            result = f"{m.value:.2f}" if m.unit != "%" else f"{m.value:.1f}%"
        of = "" if m.denominator is None else f"{m.denominator:,}"
        table.add_row(m.code, m.description, f"{m.numerator:,}", of, result)
    console.print(table)


@report_app.command("tsm")
def tsm_command(
    year: Year,
    homes: Homes = None,
    landlord: Landlord = None,
    database: Database = None,
    output: Format = "table",
    csv_path: CsvPath = None,
    service_area: ServiceAreaCut = None,
    root_cause: RootCauseCut = None,
) -> None:
    """CH01 (complaints per 1,000 homes) and CH02 (responded to within the Code's timescales), stages 1 and 2."""
    _check_format(output)
    reporting_year = parse_year(year)
    facts = load_facts(database, landlord, service_area, root_cause)
    measures = tsm(facts, reporting_year, homes, report_as_of(facts, reporting_year, local_date(datetime.now(UTC))))
    text = tsm_csv(measures, reporting_year)
    if csv_path is not None:
        csv_path.write_text(text)
    if output == "csv":
        typer.echo(text, nl=False)
    else:
        print_tsm(measures, reporting_year, titled(landlord, service_area, root_cause))


# ---- annual report --------------------------------------------------------------------------------------


def print_annual_summary(figures: AnnualFigures, console: Console = out, ombudsman: OmbudsmanFigures | None = None) -> None:
    """The annual report's headline figures, for the terminal."""
    table = Table(title=f"Annual figures {figures.year.label}", show_header=False)
    table.add_column("figure")
    table.add_column("value")
    for stage in (1, 2):
        table.add_row(f"Stage {stage} acknowledged in time", figures.acknowledged[stage].shown())
        table.add_row(f"Stage {stage} responded in time", figures.responded[stage].shown())
        table.add_row(f"Stage {stage} extended", str(figures.extended_cases[stage]))
        table.add_row(f"Stage {stage} extended past the Code's limit", str(figures.extended_past_limit[stage].count))
        table.add_row(
            f"Stage {stage} outcomes", ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in figures.outcomes[stage].items())
        )
    table.add_row("Escalated to stage 2", figures.escalation.shown())
    table.add_row("Remedies / compensation", f"{figures.remedies} / £{figures.compensation_pence / 100:,.2f}")
    paid = figures.compensation
    table.add_row(
        "Compensation offered / paid / overdue",
        f"£{paid.offered_pence / 100:,.2f} / £{paid.paid_pence / 100:,.2f} / £{paid.overdue_pence / 100:,.2f} ({paid.overdue} overdue)",
    )
    table.add_row("Outstanding actions at year end", f"{len(figures.actions_open)} ({figures.actions_overdue} overdue)")
    table.add_row("Final responses / Ombudsman referrals", f"{figures.final_responses} / {len(figures.ombudsman_referrals)}")
    if ombudsman is not None:
        table.add_row(
            "Ombudsman determinations / findings against us", f"{ombudsman.determinations} / {ombudsman.adverse_findings}"
        )
        table.add_row(
            "Ombudsman orders made / complied (late) / overdue",
            f"{ombudsman.orders_made} / {ombudsman.orders_complied} ({ombudsman.orders_complied_late}) / {len(ombudsman.orders_overdue)}",
        )
        table.add_row(
            "Findings of non-compliance with the Code (8.1c) / CHFOs",
            f"{len(ombudsman.non_compliance)} / {ombudsman.failure_orders_total}",
        )
    table.add_row("Learning points", str(len(figures.learning)))
    console.print(table)


def titled(landlord: str | None, service_area: str | None = None, root_cause: str | None = None) -> str:
    """A report's title: the landlord (or all), and the cut it shows."""
    from reports.themes import cut_words

    words = cut_words(service_area, root_cause)
    return f"{landlord or 'All landlords'}{f' ({words})' if words else ''}"


def write_report(
    figures: AnnualFigures,
    path: Path,
    title: str,
    evidence: list[EvidenceRow] | None = None,
    ombudsman: OmbudsmanFigures | None = None,
    response=None,
    hazards: list | None = None,
) -> None:
    """Write the annual report as HTML or PDF (by the file's suffix), with the Ombudsman's figures and the
    governing body's response."""
    from starter.annual_report import annual_report_html, annual_report_pdf

    html = annual_report_html(figures, evidence or [], title, ombudsman, response, hazards=hazards)
    if path.suffix == ".pdf":
        path.write_bytes(annual_report_pdf(html))
    else:
        path.write_text(html)


@report_app.command("annual")
def annual_command(
    year: Year,
    homes: Homes = None,
    landlord: Landlord = None,
    database: Database = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report as HTML here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF here.")] = None,
    service_area: ServiceAreaCut = None,
    root_cause: RootCauseCut = None,
) -> None:
    """The annual complaints performance and service improvement report (Code 8.1): HTML and/or PDF with charts,
    and the governing body's response beside it once recorded (Code 8.2; `complaints report respond`)."""
    from starter.governance_commands import published_response

    reporting_year = parse_year(year)
    facts = load_facts(database, landlord, service_area, root_cause)
    figures = annual_figures(facts, reporting_year, homes, today=london_today())
    evidence = self_assessment(facts, reporting_year, figures.as_of)
    ombudsman = load_ombudsman(database, landlord, reporting_year)
    title = titled(landlord, service_area, root_cause)
    response = published_response(database, landlord, reporting_year) if not (service_area or root_cause) else None
    hazards = load_hazards(database, landlord, reporting_year, figures.as_of) if not (service_area or root_cause) else None
    for path in (p for p in (html, pdf) if p is not None):
        write_report(figures, path, title, evidence, ombudsman, response, hazards)
        err.print(f"wrote {path}", highlight=False)
    print_annual_summary(figures, ombudsman=ombudsman)


# ---- self-assessment --------------------------------------------------------------------------------------


def evidence_csv(rows: list[EvidenceRow], year: ReportingYear) -> str:
    return csv_text(
        [
            "year",
            "code_provision",
            "code_requirement",
            "comply",
            "evidence",
            "count",
            "total",
            "percent",
            "cases_met",
            "cases_not_met",
        ],
        (
            [
                year.label,
                row.section,
                row.requirement,
                row.comply,
                row.evidence,
                row.figure.count,
                row.figure.total,
                "" if row.figure.percent is None else row.figure.percent,
                " ".join(row.figure.met),
                " ".join(row.figure.missed),
            ]
            for row in rows
        ),
    )


@report_app.command("self-assessment")
def self_assessment_command(
    year: Year,
    landlord: Landlord = None,
    database: Database = None,
    output: Format = "table",
    csv_path: CsvPath = None,
    service_area: ServiceAreaCut = None,
    root_cause: RootCauseCut = None,
) -> None:
    """Evidence for each Code section the system records, and the cases behind each figure (seed 001's table)."""
    _check_format(output)
    reporting_year = parse_year(year)
    facts = load_facts(database, landlord, service_area, root_cause)
    rows = self_assessment(facts, reporting_year, report_as_of(facts, reporting_year, local_date(datetime.now(UTC))))
    text = evidence_csv(rows, reporting_year)
    if csv_path is not None:
        csv_path.write_text(text)
    if output == "csv":
        typer.echo(text, nl=False)
        return
    table = Table(
        title=f"{titled(landlord, service_area, root_cause)}: self-assessment evidence {reporting_year.label}", show_lines=True
    )
    for column in ("Code provision", "Code requirement", "Comply", "Evidence", "Cases not meeting it"):
        table.add_column(column, overflow="fold")
    for row in rows:
        missed = (
            ""
            if row.section == "6.10"
            else ", ".join(row.figure.missed[:8])
            + (f" and {len(row.figure.missed) - 8} more" if len(row.figure.missed) > 8 else "")
        )
        style = {"Yes": "green", "Not always": "red"}.get(row.comply, "")
        table.add_row(row.section, row.requirement, f"[{style}]{row.comply}[/]" if style else row.comply, row.evidence, missed)
    out.print(table)
