"""`complaints report quarterly` (the pack for the Member Responsible for Complaints, Code 9.6-9.7) and
`complaints report governing-response` (the governing body's response to the annual report, Code 8.2)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from reports.reporting import as_of as report_as_of
from reports.quarterly import Quarter, QuarterlyFigures, quarterly_figures
from models.presentation import money
from reports.reporting import ReportingYear
from models.taxonomy import area_name, cause_name
from models.clock import london_today
from starter.report_commands import (
    Database,
    Landlord,
    RootCauseCut,
    ServiceAreaCut,
    Year,
    err,
    load_facts,
    load_hazards,
    load_ombudsman,
    out,
    parse_year,
    read_model,
    report_app,
    titled,
)


def published_response(database: str | None, landlord: str | None, year: ReportingYear):
    """The governing body's response to this report, if one was recorded."""
    from casework.governance import published_response as stored

    with read_model(database) as engine:
        return stored(engine, landlord, year)


def print_pack(figures: QuarterlyFigures, title: str) -> None:
    table = Table(title=f"{title}: quarterly complaints pack {figures.quarter.label}", show_header=False)
    table.add_column("figure")
    table.add_column("value")
    table.add_row(
        "Stage 1 received / stage 2 requested",
        f"{sum(m[1] for m in figures.received_by_month)} / {sum(m[2] for m in figures.received_by_month)}",
    )
    for stage in (1, 2):
        table.add_row(
            f"Stage {stage} acknowledged / responded in time",
            f"{figures.acknowledged[stage].shown()} / {figures.responded[stage].shown()}",
        )
    table.add_row(
        "Service areas", ", ".join(f"{area_name(code)} {count}" for code, count, _ in figures.service_areas if count) or "none"
    )
    table.add_row("Root causes", ", ".join(f"{cause_name(code)} {count}" for code, count in figures.root_causes) or "none")
    c = figures.compensation
    table.add_row(
        "Compensation offered / paid / overdue",
        f"{money(c.offered_pence)} ({c.offered}) / {money(c.paid_pence)} ({c.paid}) / {money(c.overdue_pence)} ({c.overdue})",
    )
    table.add_row("Service improvements", str(len(figures.improvements)))
    out.print(table)


@report_app.command("quarterly")
def quarterly_command(
    year: Year,
    quarter: Annotated[int, typer.Option("--quarter", min=1, max=4, help="1 (April-June) to 4 (January-March).")],
    landlord: Landlord = None,
    database: Database = None,
    service_area: ServiceAreaCut = None,
    root_cause: RootCauseCut = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the pack as HTML here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the pack as PDF here.")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Write every table of the pack as CSV here.")] = None,
) -> None:
    """The quarterly pack for the Member Responsible for Complaints (Code 9.6-9.7): volumes, timeliness, themes
    and root causes, compensation offered, paid and overdue, service improvements, and the Ombudsman's findings
    and compliance with its orders; HTML, PDF and CSV."""
    from reports.themes import cut_words
    from starter.quarterly_pack import pack_csv, pack_html, pack_pdf

    parse_year(year)
    period = Quarter.of(year, quarter)
    facts = load_facts(database, landlord, service_area, root_cause)
    as_of = report_as_of(facts, period, london_today())  # the annual report's rule (reports.reporting.as_of)
    figures = quarterly_figures(facts, period, as_of)
    # The Ombudsman's figures are the landlord's as a whole: a pack cut by theme leaves them out.
    ombudsman = None if (service_area or root_cause) else load_ombudsman(database, landlord, period)
    hazards = None if (service_area or root_cause) else load_hazards(database, landlord, period, as_of)
    title = landlord or "All landlords"
    if html or pdf:
        page = pack_html(figures, title, cut_words(service_area, root_cause), as_of, ombudsman, hazards=hazards)
        if html:
            html.write_text(page)
            err.print(f"wrote {html}", highlight=False)
        if pdf:
            pdf.write_bytes(pack_pdf(page))
            err.print(f"wrote {pdf}", highlight=False)
    if csv_path:
        csv_path.write_text(pack_csv(figures, ombudsman, hazards=hazards))
        err.print(f"wrote {csv_path}", highlight=False)
    print_pack(figures, titled(landlord, service_area, root_cause))


@report_app.command("governing-response")
def governing_response_command(
    year: Year,
    user: Annotated[str, typer.Option("--as", help="Your staff account (a complaints manager or an administrator).")],
    text: Annotated[str | None, typer.Option("--text", help="The governing body's response.")] = None,
    from_file: Annotated[Path | None, typer.Option("--file", help="Read the response from this text file.")] = None,
    landlord: Landlord = None,
    database: Database = None,
) -> None:
    """Record the governing body's response to the year's annual report; it is published beside the report
    (Code 8.2). Recording it again replaces it."""
    from casework.access import Refused, staff_actor
    from casework.errors import CommandRejected
    from casework.governance import record_response

    if (text is None) == (from_file is None):
        raise typer.BadParameter("give the response with exactly one of --text or --file", param_hint="--text")
    if from_file is not None:
        if not from_file.is_file() or from_file.stat().st_size > 200_000:
            raise typer.BadParameter("must be a readable text file of at most 200 kB", param_hint="--file")
        text = from_file.read_text(errors="replace")
    with read_model(database) as engine:
        try:
            row = record_response(engine, staff_actor(engine, user), landlord, year, text or "")
        except (CommandRejected, Refused) as error:
            typer.echo(f"refused: {error}", err=True)
            raise typer.Exit(2) from None
    typer.echo(
        f"recorded the governing body's response to {row.landlord} {row.year}'s annual report ({len(row.text):,} characters)"
    )
