"""`complaints post ...`: the post room's daily print batch from the command line, as on the post-room page.

The same service (`casework/post_room.py`) makes the batch and the same permission (`print_letters`)
decides who may, so a scheduled job run as a post-room account prints exactly what the page would.
"""

from pathlib import Path
from typing import Annotated

import typer

from models.settings import load_settings
from starter.case_commands import _engine, _refuse

post_app = typer.Typer(help="The post room: letters and updates owed by post, printed in one daily batch.", no_args_is_help=True)
User = Annotated[str, typer.Option("--as", help="Your staff account's username; its role must allow printing letters.")]


def _allowed(engine, user: str) -> None:
    from casework.access import Refused, require, staff_actor

    try:
        require(staff_actor(engine, user).role, "print_letters")
    except Refused as error:
        raise _refuse(error) from None


@post_app.command("waiting")
def waiting_command(user: User) -> None:
    """What the next batch will print, oldest first (reference, recipient, what it is)."""
    from casework import post_room

    engine = _engine()
    _allowed(engine, user)
    rows = post_room.waiting(engine)
    for row in rows:
        typer.echo(f"{row.reference}\t{row.recipient}\t{row.purpose}\t{row.subject}")
    typer.echo(f"{len(rows)} waiting to be printed", err=True)


@post_app.command("batch")
def batch_command(
    user: User,
    out: Annotated[Path, typer.Option("--out", help="Write the batch's PDF here (one file for the post room to print).")],
    again: Annotated[str | None, typer.Option("--again", help="Write an earlier batch (its id) again; nothing changes.")] = None,
) -> None:
    """Make today's batch: every post item waiting, in one PDF, marked printed (a message is never in two batches)."""
    from casework import post_room

    engine = _engine()
    _allowed(engine, user)
    if again is not None:
        pdf = post_room.batch_pdf(engine, again[:100])
        if pdf is None:
            typer.echo(f"refused: there is no print batch {again[:100]!r}", err=True)
            raise typer.Exit(2)
        out.write_bytes(pdf)
        typer.echo(f"wrote {again[:100]} to {out}")
        return
    try:
        settings = load_settings()
        batch = post_room.make_batch(engine, user, settings.web_base_url, settings.resident_link_days)
    except post_room.NothingToPrint:
        typer.echo("nothing is waiting to be printed", err=True)
        raise typer.Exit(1) from None
    pdf = post_room.batch_pdf(engine, batch.id)
    assert pdf is not None  # the batch just made
    out.write_bytes(pdf)
    typer.echo(f"wrote {batch.id} ({batch.items} item{'s' if batch.items != 1 else ''}) to {out}")
