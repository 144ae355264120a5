"""`complaints residents ...`: subject access exports and anonymisation after the retention period, as an
administrator (`--as`), audited (casework/subject_access.py)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from models.settings import load_settings
from models.clock import london_today

app = typer.Typer(help="Residents' personal data: subject access and retention.", no_args_is_help=True)
err = Console(stderr=True)


def _administrator(username: str):
    """The read model, once `--as` names an active administrator (exit 2 otherwise)."""
    from casework.access import Refused, can, staff_actor
    from models.tables import create_schema, make_engine

    engine = make_engine(load_settings().database_url)
    create_schema(engine)
    try:
        actor = staff_actor(engine, username)
    except Refused as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(2) from None
    if not can(actor.role, "subject_access"):
        typer.echo(f"refused: {username} is a {actor.role}; only an administrator answers subject access and retention", err=True)
        raise typer.Exit(2)
    return engine, actor


@app.command("export")
def export(
    resident_id: Annotated[str, typer.Argument(help="The resident's id (res-...), from the case record.")],
    user: Annotated[str, typer.Option("--as", help="Your administrator account.")],
    pdf: Annotated[Path | None, typer.Option(help="Also write the export as a PDF here.")] = None,
) -> None:
    """Everything held about a resident, as JSON on stdout (and a PDF), for a subject access request."""
    from casework.subject_access import UnknownResident, as_json, as_pdf, subject_access

    engine, actor = _administrator(user)
    try:
        held = subject_access(engine, resident_id, actor.username)
    except UnknownResident as error:
        typer.echo(f"refused: {error}", err=True)
        raise typer.Exit(2) from None
    if pdf is not None:
        pdf.write_bytes(as_pdf(held))
    typer.echo(as_json(held))


@app.command("due")
def due(user: Annotated[str, typer.Option("--as", help="Your administrator account.")]) -> None:
    """Residents whose last case closed more than RETENTION_YEARS ago: due for anonymisation."""
    from casework.subject_access import due_for_anonymisation

    engine, _ = _administrator(user)
    for resident_id in due_for_anonymisation(engine, load_settings().retention_years, london_today()):
        typer.echo(resident_id)


@app.command("anonymise")
def anonymise(
    resident_id: Annotated[str, typer.Argument(help="The resident's id (res-...); see `residents due`.")],
    user: Annotated[str, typer.Option("--as", help="Your administrator account.")],
) -> None:
    """Remove a resident's personal data, once the retention period after their last case has passed."""
    from casework.subject_access import anonymise as anonymise_resident, due_for_anonymisation

    engine, actor = _administrator(user)
    years = load_settings().retention_years
    if resident_id not in due_for_anonymisation(engine, years, london_today()):
        typer.echo(
            f"refused: {resident_id} is not due: anonymisation comes {years} years (RETENTION_YEARS) after "
            "the resident's last case closed, with no case or service request open",
            err=True,
        )
        raise typer.Exit(2)
    cases = anonymise_resident(engine, resident_id, actor.username)
    typer.echo(f"anonymised {resident_id}: {cases} case(s)")
