"""`complaints report ...`: TSM CH01/CH02 for the Regulator, the annual complaints performance and service
improvement report, and self-assessment evidence, all from the read model (Code 8.1)."""

import csv
import io
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from models.reporting import CaseFacts, EvidenceRow, ReportingYear, TsmMeasure, self_assessment, tsm

report_app = typer.Typer(help="Reports: TSM CH01/CH02, annual performance report, self-assessment evidence.", no_args_is_help=True)
out = Console(width=160)
err = Console(stderr=True)

Year = Annotated[str, typer.Option("--year", help="Reporting year, 1 April to 31 March, e.g. 2025-26.")]
Homes = Annotated[int | None, typer.Option("--homes", min=1, help="Homes owned (the CH01 denominator).")]
Landlord = Annotated[str | None, typer.Option("--landlord", help="Only this landlord's cases (default: all).")]
Database = Annotated[str | None, typer.Option("--database", help="Read model URL (default: $DATABASE_URL or var/complaints.db).")]
Format = Annotated[str, typer.Option("--format", help="table (for people) or csv.")]
CsvPath = Annotated[Path | None, typer.Option("--csv", help="Also write the figures as CSV to this file.")]


def parse_year(text: str) -> ReportingYear:
    try:
        return ReportingYear.parse(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--year") from None


def load_facts(database: str | None, landlord: str | None) -> list[CaseFacts]:
    """The read model's cases as report facts; a missing SQLite file is an error, not an empty report."""
    from models.report_facts import read_facts
    from models.settings import Settings
    from models.tables import make_engine

    url = database or Settings().database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise typer.BadParameter(f"no read model at {url.removeprefix('sqlite:///')} (run `complaints dev` first, or pass --database)", param_hint="--database")
    engine = make_engine(url)
    try:
        return read_facts(engine, landlord)
    finally:
        engine.dispose()


def _check_format(output: str) -> None:
    if output not in ("table", "csv"):
        raise typer.BadParameter(f"must be table or csv, got {output!r}", param_hint="--format")


# ---- TSM ------------------------------------------------------------------------------------------------


def tsm_csv(measures: list[TsmMeasure], year: ReportingYear) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", "measure", "description", "numerator", "denominator", "value", "unit"])
    for m in measures:
        writer.writerow([year.label, m.code, m.description, m.numerator, "" if m.denominator is None else m.denominator, "" if m.value is None else m.value, m.unit])
    return buffer.getvalue()


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
def tsm_command(year: Year, homes: Homes = None, landlord: Landlord = None, database: Database = None, output: Format = "table", csv_path: CsvPath = None) -> None:
    """CH01 (complaints per 1,000 homes) and CH02 (responded to within the Code's timescales), stages 1 and 2."""
    _check_format(output)
    reporting_year = parse_year(year)
    measures = tsm(load_facts(database, landlord), reporting_year, homes)
    text = tsm_csv(measures, reporting_year)
    if csv_path is not None:
        csv_path.write_text(text)
    if output == "csv":
        typer.echo(text, nl=False)
    else:
        print_tsm(measures, reporting_year, landlord or "All landlords")
