"""`complaints ops ...`: what ops engineers watch from the command line, as on the `/ops/refusals` page."""

from typing import Annotated

import typer

from starter.case_commands import _engine

ops_app = typer.Typer(help="Operations: signals the workflows refused because of an unexpected error.", no_args_is_help=True)


@ops_app.command("refusals")
def refusals_command(limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many to list.")] = 200) -> None:
    """Signals refused by an unexpected error, newest first: WHEN REFERENCE COMMAND STATE, one a line."""
    from casework.refused_signals import refused_signals

    rows = refused_signals(_engine(), limit)
    for row in rows:
        typer.echo(f"{row.at.isoformat()}\t{row.reference}\t{row.signal}\t{row.state}")
    typer.echo(f"{len(rows)} refused signal(s)", err=True)
