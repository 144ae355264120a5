"""`complaints users ...`: staff accounts from the command line (the first administrator, before anyone can sign in)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from models.settings import load_settings
from models.tables import make_engine

app = typer.Typer(help="Staff accounts for the web UI.", no_args_is_help=True)
err = Console(stderr=True)


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="Sign-in name: 2-32 lower-case letters, digits, . _ -")],
    name: Annotated[str, typer.Option("--name", help="The person's full name.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="COMPLAINTS_ADMIN_PASSWORD",
            help="At least 10 characters and hard to guess (three or four random words); prompted for if not given.",
        ),
    ],
) -> None:
    """Create an administrator account (argon2-hashed password) in DATABASE_URL's read model."""
    from models.tables import create_schema
    from accounts.users import AccountError, create_user

    settings = load_settings()
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    create_schema(engine)
    try:
        user = create_user(engine, username, name, "administrator", password)
    except AccountError as error:
        err.print(f"[red]{error.field}[/red]: {error.message}", highlight=False)
        raise typer.Exit(2) from None
    typer.echo(f"created administrator {user.username}")
