"""The `complaints` command: every way in for people, CI and outside acceptance tests (DESIGN.md, CLI contract)."""

import asyncio
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from typer.core import TyperGroup

from models.calendar import FIRST_YEAR, LAST_YEAR, uk_calendar_snapshot, WorkingCalendar
from models.json_input import MAX_BYTES
from models.policy import DEFAULT_PROFILE_ID
from models.settings import ConfigurationError
from starter import case_commands
from starter.users_commands import app as users_app
from starter.privacy_commands import app as residents_app
from starter.calendar_commands import closures_app, holidays_app
from starter.policy_commands import policy_app
from starter.ops_commands import ops_app
from starter.post_commands import post_app
from starter.hazard_commands import hazards_app
from starter.report_commands import report_app
from starter import governance_commands  # noqa: F401 (adds `report quarterly` and `report governing-response`)


class _Commands(TyperGroup):
    """The command tree; a bad environment variable is one line naming it and the rule, exit 2, never a
    traceback: here rather than in `main`, so commands run in-process (tests/cli_runner.py) answer the same."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context, which it does not export
        try:
            return super().invoke(ctx)
        except ConfigurationError as error:
            typer.echo(f"configuration: {error}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Commands, help="Durable complaint handling (Housing Ombudsman Complaint Handling Code 2024).", no_args_is_help=True
)
calendar_app = typer.Typer(help="Working days: UK bank holidays by nation, weekends and closure days.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
case_commands.register(app)
app.add_typer(users_app, name="users")
app.add_typer(residents_app, name="residents")
calendar_app.add_typer(closures_app, name="closures")
calendar_app.add_typer(holidays_app, name="holidays")
app.add_typer(policy_app, name="policy")
app.add_typer(report_app, name="report")
app.add_typer(post_app, name="post")
app.add_typer(hazards_app, name="hazards")
app.add_typer(ops_app, name="ops")
err = Console(stderr=True)

REGIONS = ("ENG", "WLS", "SCT", "NIR")
Region = Annotated[str, typer.Option("--region", help="UK nation whose bank holidays apply: ENG, WLS, SCT or NIR.")]
Closures = Annotated[list[str] | None, typer.Option("--closure", help="A landlord closure day (YYYY-MM-DD); repeat for more.")]


MOST_WORKING_DAYS = 5000
"""`calendar add` counts at most about twenty years of working days either way."""


def _refused(message: str) -> typer.Exit:
    """One line on stderr and exit 2: bad input, never a traceback (SECURITY.md)."""
    err.print(message, highlight=False, markup=False)
    return typer.Exit(2)


def _date(value: str, name: str) -> date:
    """A date the calendar knows: YYYY-MM-DD in the years it has bank holidays for."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _refused(f"{name}: {value!r} is not a date in the form YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _refused(f"{name}: must be a date in the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _calendar(region: str, years: range, closures: list[str] | None) -> WorkingCalendar:
    if region not in REGIONS:
        raise typer.BadParameter(f"must be one of {', '.join(REGIONS)}, got {region!r}", param_hint="--region")
    closure_days = [_date(value, "--closure") for value in closures or []]
    return WorkingCalendar(uk_calendar_snapshot(region, years, closures=closure_days))


@calendar_app.command("add", context_settings={"ignore_unknown_options": True})
def calendar_add(
    start: Annotated[str, typer.Argument(help="Start date, YYYY-MM-DD.")],
    working_days: Annotated[int, typer.Argument(help="Working days to add (negative to go back).")],
    region: Region = "ENG",
    closure: Closures = None,
) -> None:
    """Print the date N working days after START (a non-working START rolls forward first)."""
    start_day = _date(start, "START")
    if abs(working_days) > MOST_WORKING_DAYS:
        raise _refused(f"WORKING_DAYS: must be between -{MOST_WORKING_DAYS} and {MOST_WORKING_DAYS}")
    span = abs(working_days) // 200 + 2
    calendar = _calendar(region, range(start_day.year - span, start_day.year + span + 1), closure)
    typer.echo(calendar.add_working_days(start_day, working_days).isoformat())


@calendar_app.command("between")
def calendar_between(
    start: Annotated[str, typer.Argument(help="First date, YYYY-MM-DD (counted).")],
    end: Annotated[str, typer.Argument(help="Last date, YYYY-MM-DD (not counted).")],
    region: Region = "ENG",
    closure: Closures = None,
) -> None:
    """Print the number of working days in [START, END)."""
    start_day, end_day = _date(start, "START"), _date(end, "END")
    first, last = sorted((start_day, end_day))
    calendar = _calendar(region, range(first.year, last.year + 1), closure)
    typer.echo(str(calendar.working_days_between(start_day, end_day)))


@app.command()
def simulate(
    scenario: Annotated[str | None, typer.Argument(help="Scenario JSON file, or - for standard input.")] = None,
    generate: Annotated[
        bool,
        typer.Option("--generate", help="Generate a year of cases instead (options below); print its TSM and annual figures."),
    ] = False,
    policy: Annotated[str, typer.Option(help="--generate: policy profile.")] = DEFAULT_PROFILE_ID,
    year: Annotated[str, typer.Option(help="--generate: reporting year, e.g. 2025-26.")] = "2025-26",
    cases: Annotated[int, typer.Option(help="--generate: stage-1 complaints arriving in the year.")] = 649,
    escalation_rate: Annotated[float, typer.Option(help="--generate: share escalated to stage 2.")] = 0.055,
    on_time_rate: Annotated[float, typer.Option(help="--generate: share answered within the policy's deadline.")] = 0.92,
    extension_rate: Annotated[
        float, typer.Option(help="--generate: share extended, then answered within the extension.")
    ] = 0.035,
    seed: Annotated[int, typer.Option(help="--generate: random seed (same seed, same year).")] = 2024,
    referral_rate: Annotated[
        float | None, typer.Option(help="--generate: share of final responses referred to the Ombudsman [default 0.25].")
    ] = None,
    determination_rate: Annotated[
        float | None, typer.Option(help="--generate: share of referrals the Ombudsman determines [default 0.8].")
    ] = None,
    adverse_finding_rate: Annotated[
        float | None,
        typer.Option(
            help="--generate: share of determined elements found against the landlord, each with an order [default 0.7]."
        ),
    ] = None,
    late_compliance_rate: Annotated[
        float | None, typer.Option(help="--generate: share of evidence requests and orders met late [default 0.1].")
    ] = None,
    failure_order_rate: Annotated[
        float | None, typer.Option(help="--generate: share of cases given a Complaint Handling Failure Order [default 0.01].")
    ] = None,
    late_payment_rate: Annotated[
        float | None, typer.Option(help="--generate: share of compensation payments made after the date promised [default 0.1].")
    ] = None,
    unpaid_rate: Annotated[
        float | None, typer.Option(help="--generate: share of compensation payments not yet made [default 0.05].")
    ] = None,
    homes: Annotated[int | None, typer.Option(min=1, help="--generate: homes, for CH01.")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="--generate: write the TSM figures as CSV here.")] = None,
    report: Annotated[Path | None, typer.Option(help="--generate: write the annual report (.html or .pdf) here.")] = None,
) -> None:
    """Run scenarios through the real workflow on the time-skipping server; print the result JSON."""
    from starter.scenario import ScenarioError, parse_scenarios
    from starter.simulate import simulate as run_simulation
    from worker import send_core_logs_to_python

    send_core_logs_to_python("ERROR")
    if generate:
        from starter.generate_command import generate_year

        settings = dict(
            policy=policy,
            year=year,
            cases=cases,
            escalation_rate=escalation_rate,
            on_time_rate=on_time_rate,
            extension_rate=extension_rate,
            seed=seed,
        )
        ombudsman = dict(
            referral_rate=referral_rate,
            determination_rate=determination_rate,
            adverse_finding_rate=adverse_finding_rate,
            late_compliance_rate=late_compliance_rate,
            failure_order_rate=failure_order_rate,
            late_payment_rate=late_payment_rate,
            unpaid_rate=unpaid_rate,
        )
        settings.update({name: rate for name, rate in ombudsman.items() if rate is not None})  # else GeneratorSettings' default
        generate_year(settings, homes, csv_path, report)
        return
    if scenario is None:
        raise typer.BadParameter("give a scenario file (or -), or --generate", param_hint="SCENARIO")

    text = sys.stdin.buffer.read(MAX_BYTES + 1) if scenario == "-" else _read(scenario)
    try:
        scenarios, many = parse_scenarios(text)
    except ScenarioError as error:
        err.print(f"[red]{scenario}: invalid scenario[/red]", highlight=False)
        err.print(str(error), highlight=False, markup=False)
        raise typer.Exit(2) from None
    if many:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("simulating", total=len(scenarios))
            results = asyncio.run(run_simulation(scenarios, lambda: progress.advance(task)))
    else:
        results = asyncio.run(run_simulation(scenarios))
    typer.echo(json.dumps(results if many else results[0], indent=2))


def _read(path: str) -> bytes:
    """The file's bytes, at most one more than `MAX_BYTES` (so a huge file is refused, never read whole)."""
    try:
        with Path(path).open("rb") as file:
            return file.read(MAX_BYTES + 1)
    except OSError as error:
        raise typer.BadParameter(f"cannot read {path}: {error.strerror}", param_hint="SCENARIO") from None


@app.command()
def worker() -> None:
    """Run the worker (all workflows and activities) against TEMPORAL_ADDRESS and DATABASE_URL."""
    import logging

    from models.settings import load_settings
    from worker import run_worker, send_core_logs_to_python

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    send_core_logs_to_python()
    asyncio.run(run_worker(load_settings()))


@app.command()
def web(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default WEB_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default WEB_PORT, 8000).", min=1, max=65535)] = None,
) -> None:
    """Run the staff web UI (uvicorn) against TEMPORAL_ADDRESS and DATABASE_URL, on WEB_HOST:WEB_PORT."""
    from models.settings import load_settings
    from starter.web.serve import check_secret, serve
    from worker import send_core_logs_to_python

    settings = load_settings()
    host = host or settings.web_host
    check_secret(settings, host)
    send_core_logs_to_python()
    asyncio.run(serve(settings, host, port or settings.web_port))


@app.command()
def dev(
    port: Annotated[int, typer.Option(help="Temporal frontend port.")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal Web UI port.")] = 8233,
    var: Annotated[Path, typer.Option(help="Directory for the SQLite files.")] = Path("var"),
    web_port: Annotated[int, typer.Option(help="Staff web UI port.")] = 8000,
) -> None:
    """Everything embedded in one command: Temporal dev server (SQLite), its Web UI, the worker and the staff web UI."""
    from starter.dev import DevServerError, run_dev
    from worker import send_core_logs_to_python

    send_core_logs_to_python()
    try:
        asyncio.run(run_dev(port=port, ui_port=ui_port, var=var, web_port=web_port))
    except DevServerError as error:
        raise _refused(f"complaints dev: {error}") from None


def main() -> None:
    """The console script: the Typer app, then, if a Temporal client ran in this process, an exit that skips
    interpreter teardown. The SDK's Rust threads can abort finalization ("PyGILState_Release:
    thread state must be current", temporalio/sdk-python#300) after a command has done its work."""
    try:
        app()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        if isinstance(exit.code, str):
            print(exit.code, file=sys.stderr)
    if "temporalio.bridge.client" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
