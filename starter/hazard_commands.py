"""`complaints hazards ...`: Awaab's Law from the command line (SI 2025/1042).

`check` validates the hazards file (policies/hazards/awaabs-law.toml) as `policy check` does a profile: one
line per problem naming the field and the rule, exit 1; on success, each category and the levels in scope.
"""

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

hazards_app = typer.Typer(help="Awaab's Law hazards (SI 2025/1042): categories, clocks and steps.", no_args_is_help=True)


@hazards_app.command("check")
def check(
    path: Annotated[Path | None, typer.Argument(help="A hazards file; default policies/hazards/awaabs-law.toml.")] = None,
    on: Annotated[
        str | None, typer.Option(help="Show what is in scope on this date (YYYY-MM-DD); default today in London.")
    ] = None,
) -> None:
    """Validate the hazards file and list each category with the levels in scope and since when."""
    from models.calendar import local_date
    from models.hazard_rules import HAZARD_RULES_FILE, HazardRulesError, load_hazard_rules

    try:
        rules = load_hazard_rules(path or HAZARD_RULES_FILE)
    except HazardRulesError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    try:
        day = date.fromisoformat(on) if on else local_date(datetime.now(timezone.utc))
    except ValueError:
        raise typer.BadParameter(f"{on!r} is not a date in the form YYYY-MM-DD", param_hint="--on") from None
    scales = rules.timescales
    typer.echo(
        f"SI 2025/1042 v{rules.version}, in force {rules.in_force}: emergency {scales.emergency_hours} hours; "
        f"investigate {scales.investigate_working_days} WD (reg 6); summary {scales.summary_working_days} WD (reg 9); "
        f"safety work {scales.safety_work_working_days} WD (reg 11); preventative start "
        f"{scales.preventative_start_working_days} WD or {scales.preventative_backstop_days} days (reg 13)"
    )
    for key, category in sorted(rules.categories.items(), key=lambda item: (item[1].phase or 9, item[0])):
        levels = ", ".join(category.levels_on(day)) or "not in scope"
        since = ", ".join(
            f"{level} from {start}"
            for level, start in (("emergency", category.emergency_from), ("significant", category.significant_from))
            if start
        )
        phase = f"phase {category.phase}" if category.phase else "never (reg 2)"
        typer.echo(f"{key:30} {phase:14} on {day}: {levels}" + (f" ({since})" if since else ""))


def act_on_hazard_command(reference: str, action: str, user: str, fields: list[str], command_id: str | None) -> None:
    """`complaints act REF hazard_<step> KEY=VALUE ... --as USER`: REF is the hazard (`HZD-...`), or for
    `hazard_reported` the complaint or service request that reported it (`-` for none: then `landlord=`)."""
    import asyncio
    from uuid import uuid4

    from casework.access import Refused, staff_actor
    from casework.errors import CommandRejected
    from casework.hazards import UnknownHazard, act_on_hazard, report_hazard
    from models.settings import load_settings
    from starter.case_commands import _client, _engine, _form, _refuse

    async def _act() -> str:
        engine = _engine()
        actor = staff_actor(engine, user)
        form = _form(fields)
        task_queue = load_settings().task_queue
        if action == "hazard_reported":
            unknown = set(form) - {"category", "aware_at", "landlord"}
            if unknown or "category" not in form:
                raise CommandRejected(
                    sorted(unknown)[0] if unknown else "category",
                    "hazard_reported takes category= (required), aware_at= and landlord=",
                )
            aware_at = _aware(form.get("aware_at"))
            linked = () if reference == "-" else (reference,)
            made = await report_hazard(
                await _client(),
                engine,
                category=str(form["category"]),
                landlord=form.get("landlord"),
                actor=actor,
                linked=linked,
                aware_at=aware_at,
                task_queue=task_queue,
            )
            return f"{made}: reported"
        view = await act_on_hazard(await _client(), engine, reference, action, form, actor, command_id or f"cli-{uuid4().hex}")
        clocks = "; ".join(
            f"{d.name} due {(d.due_at or d.due).isoformat()}"
            + (f" ceased ({d.ceased})" if d.ceased else {True: " met", False: " MISSED", None: ""}[d.met])
            for d in view.deadlines
        )
        told = ""
        if action == "hazard_summary_sent":  # the letter it issued, or why nobody could be sent it
            from casework.hazard_summary import summary_sent_words

            told = "\n" + summary_sent_words(engine, reference)
        return f"{view.reference}: {view.state}; clocks: {clocks or 'none'}; allowed now: {', '.join(view.allowed_actions) or 'nothing'}{told}"

    try:
        typer.echo(asyncio.run(_act()))
    except (CommandRejected, UnknownHazard, Refused) as error:
        raise _refuse(error) from None


def _aware(value: object) -> datetime | None:
    from casework.errors import CommandRejected

    if value is None:
        return None
    try:
        aware = datetime.fromisoformat(str(value))
    except ValueError:
        raise CommandRejected("aware_at", f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM+00:00)") from None
    if aware.tzinfo is None:
        raise CommandRejected("aware_at", "give the time zone, e.g. 2026-10-24T10:00+01:00")
    return aware


@hazards_app.command("report")
def report(
    year_from: Annotated[str, typer.Option("--from", help="First due date counted (YYYY-MM-DD).")],
    year_to: Annotated[str, typer.Option("--to", help="Last due date counted (YYYY-MM-DD).")],
    landlord: Annotated[str | None, typer.Option(help="One landlord's hazards; default all.")] = None,
    csv: Annotated[
        bool, typer.Option("--csv", help="CSV on stdout: clock, category, on_time, late, overdue, open, ceased.")
    ] = False,
) -> None:
    """Awaab's Law compliance by step and category: met on time, late, overdue, open and ceased."""
    from models.calendar import local_date
    from reports.hazard_report import OUTCOMES, compliance
    from models.settings import load_settings
    from models.tables import create_schema, make_engine

    try:
        first, last = date.fromisoformat(year_from), date.fromisoformat(year_to)
    except ValueError:
        raise typer.BadParameter("give --from and --to as YYYY-MM-DD") from None
    if last < first:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    engine = make_engine(load_settings().database_url)
    create_schema(engine)
    rows = compliance(engine, first, last, min(last, local_date(datetime.now(timezone.utc))), landlord)
    if csv:
        typer.echo(",".join(("clock", "category", *OUTCOMES)))
    for row in rows:
        if csv:
            typer.echo(",".join((row.clock, row.category, *(str(row.counts[k]) for k in OUTCOMES))))
        else:
            share = "-" if row.on_time_percent is None else f"{row.on_time_percent}%"
            figures = ", ".join(f"{k.replace('_', ' ')} {row.counts[k]}" for k in OUTCOMES)
            typer.echo(f"{row.clock:20} {row.category:22} {figures}; on time {share}")


@hazards_app.command("show")
def show(reference: Annotated[str, typer.Argument(help="Hazard reference, e.g. HZD-2026-000001.")]) -> None:
    """A hazard's clocks and timeline (every access attempt in order: the evidence of all reasonable endeavours)."""
    from casework.hazards import CLOCK_WORDS, UnknownHazard, hazard_record
    from starter.case_commands import _engine

    try:
        hazard, clocks, events = hazard_record(_engine(), reference)
    except UnknownHazard as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"{hazard.reference}: {hazard.category}, {hazard.level or 'awaiting triage'}, {hazard.state}; "
        f"aware {hazard.aware_at:%Y-%m-%d %H:%M}; linked {hazard.linked or 'none'}"
    )
    for c in clocks:
        status = f"ceased ({c.ceased})" if c.ceased else {True: "met", False: "missed", None: "open"}[c.met]
        due = f"{c.due_at:%Y-%m-%d %H:%M} UTC" if c.due_at else c.due.isoformat()
        typer.echo(f"  {CLOCK_WORDS.get(c.name, c.name)}: due {due}, {status}" + (f" on {c.met_on}" if c.met_on else ""))
    for e in events:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items())
        typer.echo(f"  {e.seq:3} {e.at:%Y-%m-%d %H:%M} {e.type.removeprefix('hazard_')}" + (f" ({details})" if details else ""))
