"""`complaints file | act | show | list`: casework from the command line, with the UI's validation (`show`
is starter/case_show.py).

Every command goes through the service layer (`casework/`), so a refusal here reads exactly as it does in the web
UI: the field, the rule, exit code 2, and nothing written.
"""

import asyncio
import sys
from typing import Annotated, Any
from uuid import uuid4

import typer
from rich.console import Console
from rich.table import Table

from models.policy import DEFAULT_PROFILE_ID
from models.settings import load_settings
from models.taxonomy import SERVICE_AREAS

out = Console(width=None if sys.stdout.isatty() else 200)
"""Piped output is not squeezed to 80 columns, so references and dates stay whole for `grep`."""
err = Console(stderr=True)


def _engine():
    from models.tables import create_schema, make_engine

    engine = make_engine(load_settings().database_url)
    create_schema(engine)
    return engine


async def _client():
    """The Temporal client; an unreachable server is one line (exit 1), saying nothing was sent."""
    from worker import connect

    settings = load_settings()
    try:
        return await connect(settings)
    except RuntimeError as error:
        typer.echo(
            f"Temporal is not reachable at {settings.temporal_address} ({str(error).splitlines()[0][:120]}); "
            "nothing was sent or saved",
            err=True,
        )
        raise typer.Exit(1) from None


def _refuse(error: Exception) -> typer.Exit:
    from casework.access import Refused
    from casework.errors import CommandRejected

    typer.echo(f"refused: {error}" if isinstance(error, (CommandRejected, Refused)) else str(error), err=True)
    return typer.Exit(2)


def file(
    text: Annotated[str, typer.Option(help="The complaint in the resident's words.")],
    channel: Annotated[str, typer.Option(help="phone, email, letter, web, in_person or via_representative.")],
    name: Annotated[str | None, typer.Option(help="Resident's name; omit for an anonymous complaint.")] = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    desired_outcome: Annotated[str, typer.Option(help="What the resident wants to happen.")] = "",
    category: Annotated[str | None, typer.Option(help=f"The service area: {', '.join(SERVICE_AREAS)}.")] = None,
    issue_date: Annotated[str | None, typer.Option(help="When the issue happened (YYYY-MM-DD).")] = None,
    policy: str = DEFAULT_PROFILE_ID,
    region: str = "ENG",
    handler: str | None = None,
    representative: Annotated[str | None, typer.Option(help="Name of someone acting for the resident.")] = None,
    consent: Annotated[bool, typer.Option(help="The resident's consent for the representative is on file.")] = False,
    intake_id: Annotated[str | None, typer.Option(help="Repeat with the same id to retry safely.")] = None,
) -> None:
    """Record a new complaint and start its case; prints the reference."""
    from casework.errors import CommandRejected
    from casework.intake import Intake, RepresentativeDetails, ResidentDetails, file_complaint

    try:
        intake = Intake.model_validate(
            {
                "intake_id": intake_id or f"cli-{uuid4().hex}",
                "policy": policy,
                "region": region,
                "channel": channel,
                "resident": None if name is None else ResidentDetails(name=name, address=address, phone=phone, email=email),
                "representative": None
                if representative is None
                else RepresentativeDetails(name=representative, consent_given=consent),
                "text": text,
                "desired_outcome": desired_outcome,
                "category": category,
                "issue_date": issue_date,
                "handler": handler,
            }
        )
    except ValueError as error:
        raise _refuse(_first_problem(error)) from None

    async def _file():
        return await file_complaint(await _client(), _engine(), intake, load_settings().task_queue)

    try:
        filed = asyncio.run(_file())
    except CommandRejected as error:
        raise _refuse(error) from None
    typer.echo(filed.reference)
    if filed.out_of_window:
        err.print("flagged: the issue is older than the policy's window; decide with accept_outside_window or exclude")


def _first_problem(error: ValueError) -> Exception:
    from casework.errors import CommandRejected
    from models.refusal import validation_message

    errors = getattr(error, "errors", None)
    if errors is None:
        return CommandRejected(None, str(error))
    first = errors(include_url=False)[0]
    return CommandRejected(".".join(str(p) for p in first["loc"]) or None, validation_message(first))


LIST_FIELDS = frozenset({"points", "root_causes"})
"""Fields that are lists even when given once (`root_causes=repair_delayed`)."""


def _form(pairs: list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs; a value that reads as JSON (a number, true/false, a list or object) is taken as
    such, and a key given more than once collects a list (points=... points=...)."""
    from casework.errors import CommandRejected
    from models.json_input import JsonInputError, read_json

    form: dict[str, Any] = {}
    for pair in pairs:
        key, separator, raw = pair.partition("=")
        if not separator or not key:
            raise CommandRejected(None, f"{pair!r}: give fields as KEY=VALUE")
        try:
            value = read_json(raw)
            if isinstance(value, str):
                value = raw
        except JsonInputError as error:
            if not error.beyond_bounds:
                value = raw  # not JSON: the words are the value
            else:
                raise CommandRejected(key, str(error)) from None
        if key in form:
            form[key] = [*form[key], value] if isinstance(form[key], list) else [form[key], value]
        else:
            form[key] = [value] if key in LIST_FIELDS and not isinstance(value, list) else value
    return form


def act_command(
    reference: Annotated[str, typer.Argument(help="Case reference, e.g. CMP-2026-000123.")],
    action: Annotated[str, typer.Argument(help="acknowledge, extend, respond, request_stage2, ...")],
    user: Annotated[
        str, typer.Option("--as", help="Your staff account's username: recorded on the event; its role decides what you may do.")
    ],
    fields: Annotated[list[str] | None, typer.Argument(help="The action's fields as KEY=VALUE.")] = None,
    command_id: Annotated[str | None, typer.Option(help="Repeat with the same id to retry safely.")] = None,
) -> None:
    """Take an action on a case as a member of staff, checked exactly as in the web UI (the same
    service functions decide who may act, what the form needs and what the workflow allows)."""
    if action.startswith("hazard_"):  # Awaab's Law steps act on the hazard's own workflow
        from starter.hazard_commands import act_on_hazard_command

        return act_on_hazard_command(reference, action, user, fields or [], command_id)
    from casework.access import Refused, staff_actor
    from casework.actions import act
    from casework.errors import CommandRejected, UnknownCase
    from casework.forms import parse_form
    from models.input_text import command_id_problem

    async def _act():
        if command_id is not None and (problem := command_id_problem(command_id)):
            raise CommandRejected("command_id", problem)
        engine = _engine()
        actor = staff_actor(engine, user)
        form = _form(fields or [])
        parse_form(action, form)  # bad input is refused before Temporal is asked anything
        return await act(
            await _client(),
            engine,
            reference,
            action,
            form,
            actor,
            command_id or f"cli-{uuid4().hex}",
            load_settings().task_queue,
        )

    try:
        summary = asyncio.run(_act())
    except (CommandRejected, UnknownCase, Refused) as error:
        raise _refuse(error) from None
    typer.echo(
        f"{summary.reference}: {summary.state} (stage {summary.stage}); "
        f"allowed now: {', '.join(summary.allowed_actions) or 'nothing'}"
    )


def _table(title: str, columns: list[str], rows: list[list]) -> None:
    if not rows:
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    out.print(table)


def list_command(
    stage: int | None = None,
    state: str | None = None,
    handler: str | None = None,
    landlord: str | None = None,
    overdue: Annotated[bool | None, typer.Option("--overdue/--not-overdue")] = None,
    due_from: str | None = None,
    due_to: str | None = None,
    page_size: int = 50,
    page: Annotated[str | None, typer.Option(help="The page token printed after the previous page.")] = None,
) -> None:
    """List cases in next-deadline order, filtered like the web UI's case list."""
    from sqlmodel import Session

    from casework.case_list import CaseListError, CaseListFilter, list_cases, today
    from casework.errors import CommandRejected

    try:
        filters = CaseListFilter.model_validate(
            {
                "stage": stage,
                "state": state,
                "handler": handler,
                "landlord": landlord,
                "overdue": overdue,
                "due_from": due_from,
                "due_to": due_to,
            }
        )
        with Session(_engine()) as session:
            result = list_cases(session, filters, page_size, page)
    except CaseListError as error:
        raise _refuse(CommandRejected(error.field, error.message)) from None
    except ValueError as error:
        raise _refuse(_first_problem(error)) from None
    on = today()
    # The due date the case page shows (not the end-of-day instant's date), and overdue as models.due says.
    _table(
        "Cases",
        ["reference", "landlord", "stage", "state", "handler", "next deadline", "overdue", "next action"],
        [
            [
                r.reference,
                r.landlord,
                r.stage,
                r.state,
                r.handler or "-",
                r.due_on.isoformat() if r.due_on else "-",
                {"overdue": "yes", "due_today": "due today", "due_soon": "due soon"}.get(r.urgency(on) or "", ""),
                r.next_action_words,
            ]
            for r in result.rows
        ],
    )
    if not result.rows:
        err.print("no cases match")
    if result.next_page:
        err.print(f"more: --page {result.next_page}")


def register(app: typer.Typer) -> None:
    from starter.case_show import show  # it prints with this module's console and tables

    app.command("file")(file)
    app.command("act")(act_command)
    app.command("show")(show)
    app.command("list")(list_command)
