"""`complaints simulate --generate`: run a generated year and show the figures it would publish."""

import asyncio
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from reports.reporting import ReportingYear, annual_figures, tsm
from reports.self_assessment import self_assessment
from models.refusal import validation_message
from starter.generate import GeneratorSettings, generate
from starter.generated_run import run_generated
from starter.report_commands import print_annual_summary, print_tsm, tsm_csv, write_report

out = Console(width=160)
err = Console(stderr=True)


def generate_year(options: dict, homes: int | None, csv_path: Path | None, report: Path | None) -> None:
    """Generate, simulate with a progress bar, then print TSM and annual figures; timing goes to stderr."""
    try:
        settings = GeneratorSettings(**options)
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(str(p) for p in problem["loc"]) or "settings"
        raise typer.BadParameter(validation_message(problem), param_hint=f"--{field.replace('_', '-')}") from None
    if report is not None and report.suffix not in (".html", ".pdf"):
        raise typer.BadParameter(f"must end in .html or .pdf, got {report.name!r}", param_hint="--report")
    cases = generate(settings)
    year = ReportingYear.parse(settings.year)
    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("simulating", total=len(cases))
        year_run = asyncio.run(run_generated(cases, lambda: progress.advance(task), year))
    err.print(
        f"simulated {len(cases)} cases in {year_run.seconds:.1f} s ({year_run.seconds / len(cases) * 1000:.0f} ms per case)",
        highlight=False,
    )
    for line in year_run.rejected:
        err.print(f"rejected: {line}", markup=False, highlight=False)
    title = f"Generated year, {settings.policy}, {settings.cases} cases, seed {settings.seed}"
    measures = tsm(year_run.facts, year, homes)
    print_tsm(measures, year, title, out)
    figures = annual_figures(year_run.facts, year, homes)
    print_annual_summary(figures, out, year_run.ombudsman)
    if csv_path is not None:
        csv_path.write_text(tsm_csv(measures, year))
    if report is not None:
        write_report(figures, report, title, self_assessment(year_run.facts, year), year_run.ombudsman)
