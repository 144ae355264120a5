"""`complaints calendar closures ...` and `complaints calendar holidays check`: calendar changes that
re-plan open cases (casework/calendar_changes.py), against DATABASE_URL and TEMPORAL_ADDRESS."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from models.clock import london_today

closures_app = typer.Typer(help="A landlord's closure days: recording one re-plans every open case.", no_args_is_help=True)
holidays_app = typer.Typer(help="UK bank holidays as the `holidays` data knows them.", no_args_is_help=True)
err = Console(stderr=True)

Landlord = Annotated[str, typer.Option("--landlord", help="The landlord whose offices close.")]
REGIONS = ("ENG", "WLS", "SCT", "NIR")
FLAG_OF = {"landlord": "--landlord", "day": "DATE", "reason": "--reason"}
"""How these commands name each field of a refused calendar change (casework.calendar_changes.CalendarError)."""
Reached = TypeVar("Reached")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD", param_hint="DATE") from None


def _run_change(change: Callable[..., Awaitable[Reached]]) -> Reached:
    """Run a calendar change with a progress bar on stderr; print what it reached; exit 1 on failures."""
    from models.settings import load_settings
    from models.tables import create_schema, make_engine
    from casework.calendar_changes import CalendarError
    from worker import connect, send_core_logs_to_python

    send_core_logs_to_python("ERROR")
    settings = load_settings()
    engine = make_engine(settings.database_url)
    create_schema(engine)

    async def go():
        client = await connect(settings)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("re-planning open cases", total=None)
            return await change(
                engine, client, lambda done, total: progress.update(task, completed=done, total=total), settings.task_queue
            )

    try:
        return asyncio.run(go())
    except CalendarError as error:
        err.print(f"{FLAG_OF.get(error.field, error.field)}: {error.message}", highlight=False, markup=False)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


def _report(report) -> None:
    typer.echo(f"{report.signalled} open case(s) re-planned, {report.already_ended} already ended, {len(report.failed)} failed")
    for reference, message in report.failed.items():
        err.print(f"{reference}: {message}", highlight=False, markup=False)
    if report.failed:
        raise typer.Exit(1)


@closures_app.command("add")
def closures_add(
    day: Annotated[str, typer.Argument(metavar="DATE", help="The closure day, YYYY-MM-DD.")],
    landlord: Landlord,
    reason: Annotated[str, typer.Option("--reason", help="Why the office is closed.")],
) -> None:
    """Record a closure day and signal `calendar_changed` to every open case of the landlord."""
    from casework.calendar_changes import add_closure

    closure = _day(day)
    report = _run_change(
        lambda engine, client, progress, queue: add_closure(engine, client, landlord, closure, reason, progress, queue)
    )
    typer.echo(f"closure {closure.isoformat()} recorded for {landlord}")
    _report(report)


@closures_app.command("remove")
def closures_remove(
    day: Annotated[str, typer.Argument(metavar="DATE", help="The closure day, YYYY-MM-DD.")],
    landlord: Landlord,
) -> None:
    """Make a closure day a working day again and re-plan the landlord's open cases."""
    from casework.calendar_changes import remove_closure

    closure = _day(day)
    report = _run_change(
        lambda engine, client, progress, queue: remove_closure(engine, client, landlord, closure, progress, queue)
    )
    typer.echo(f"closure {closure.isoformat()} removed for {landlord}")
    _report(report)


@closures_app.command("list")
def closures_list(landlord: Annotated[str | None, typer.Option("--landlord", help="Only this landlord.")] = None) -> None:
    """Print the recorded closure days: DATE LANDLORD REASON, one a line."""
    from models.settings import load_settings
    from models.tables import create_schema, make_engine
    from casework.calendar_changes import closures

    engine = make_engine(load_settings().database_url)
    create_schema(engine)
    for row in closures(engine, landlord):
        typer.echo(f"{row.day.isoformat()}\t{row.landlord}\t{row.reason}")
    engine.dispose()


@holidays_app.command("check")
def holidays_check(
    region: Annotated[list[str] | None, typer.Option("--region", help="Nation(s) to check; all four by default.")] = None,
) -> None:
    """Compare the `holidays` data with the bank holidays the cases were last told about; on a change,
    signal every open case of that nation. The first run records the baseline. Run it after upgrading
    the `holidays` package (e.g. from cron)."""
    from casework.calendar_changes import announce_bank_holidays

    regions = region or list(REGIONS)
    for name in regions:
        if name not in REGIONS:
            raise typer.BadParameter(f"must be one of {', '.join(REGIONS)}, got {name!r}", param_hint="--region")
    this_year = london_today().year
    years = range(this_year - 1, this_year + 4)
    changes, report = _run_change(
        lambda engine, client, progress, queue: announce_bank_holidays(engine, client, regions, years, progress, queue)
    )
    if not changes:
        typer.echo(f"no change to the bank holidays of {', '.join(regions)} in {years.start}-{years.stop - 1}")
        return
    for change in changes:
        added = ", ".join(day.isoformat() for day in change.added) or "none"
        removed = ", ".join(day.isoformat() for day in change.removed) or "none"
        typer.echo(f"{change.region}: added {added}; removed {removed}")
    _report(report)
