"""`complaints policy ...`: what a landlord's policy profile does differently from the Code."""

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.policy import PolicyError, all_profiles, current_policy_dir, load_profile
from reports.policy_check import Default, Deviation, check_profile, defaults_of
from models.policy_versions import fingerprint, published_versions, version_file, version_problems

policy_app = typer.Typer(help="Policy profiles checked against the Complaint Handling Code 2024.", no_args_is_help=True)
out = Console(width=160)
err = Console(stderr=True)

KIND_STYLE = {"non_compliant": "bold red", "review": "yellow", "stricter": "green"}


@policy_app.command("check")
def check(
    profile: Annotated[str | None, typer.Argument(help="Profile id (a file stem in policies/); omitted: every profile.")] = None,
    output: Annotated[str, typer.Option("--format", help="table (for people) or json.")] = "table",
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults", help="List instead the values each profile takes from the Code because its document is silent."
        ),
    ] = False,
) -> None:
    """Every deviation of a profile from the Code, each with its Code section and the seed's own wording
    (with --defaults: every value the profile took from the Code where its document is silent)."""
    if output not in ("table", "json"):
        raise typer.BadParameter(f"must be table or json, got {output!r}", param_hint="--format")
    try:
        profiles = [load_profile(profile)] if profile else list(all_profiles().values())
    except PolicyError as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(2) from None
    problems = [line for p in profiles for line in version_problems(p.id)]
    if problems:
        err.print("\n".join(problems), markup=False, highlight=False)
        raise typer.Exit(2)
    if defaults:
        taken = {p.id: defaults_of(p) for p in profiles}
        if output == "json":
            typer.echo(json.dumps({pid: [d.model_dump() for d in found] for pid, found in taken.items()}, indent=2))
            return
        for p in profiles:
            _print_defaults(p.id, p.landlord, taken[p.id])
        return
    found = {p.id: check_profile(p) for p in profiles}
    if output == "json":
        typer.echo(json.dumps({pid: [d.model_dump() for d in devs] for pid, devs in found.items()}, indent=2))
        return
    for p in profiles:
        _print(p.id, p.landlord, found[p.id])


@policy_app.command("versions")
def versions(
    profile: Annotated[str, typer.Argument(help="Profile id (a file stem in policies/).")],
    output: Annotated[str, typer.Option("--format", help="table (for people) or json.")] = "table",
) -> None:
    """Every published version of a profile, with the date it took effect: a case runs under the one it was
    opened under, for ever (models/policy_versions.py)."""
    if output not in ("table", "json"):
        raise typer.BadParameter(f"must be table or json, got {output!r}", param_hint="--format")
    try:
        found = published_versions(profile)
    except PolicyError as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(2) from None
    rows: list[dict[str, Any]] = [
        {
            "version": p.version,
            "published": p.published.isoformat() if p.published else None,
            "current": p is found[-1],
            "file": str(version_file(profile, p.version).relative_to(current_policy_dir().parent)),
            "fingerprint": fingerprint(version_file(profile, p.version)),
        }
        for p in found
    ]
    if output == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{profile} ({found[-1].landlord}): {len(rows)} published versions")
    for column in ("version", "published", "file", "fingerprint"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            f"{row['version']}{' (current)' if row['current'] else ''}",
            row["published"] or "(no date)",
            escape(row["file"]),
            row["fingerprint"],
        )
    out.print(table)


def _print(profile_id: str, landlord: str, deviations: list[Deviation]) -> None:
    bad = sum(d.kind == "non_compliant" for d in deviations)
    if not deviations:
        out.print(f"[bold]{profile_id}[/bold] ({landlord}): no deviations from the Code.")
        return
    table = Table(title=f"{profile_id} ({landlord}): {len(deviations)} deviations, {bad} non-compliant", show_lines=True)
    for column in ("Code", "finding", "the Code says", "this profile", "the landlord's wording"):
        table.add_column(column, overflow="fold")
    for d in deviations:
        table.add_row(
            d.section,
            f"[{KIND_STYLE[d.kind]}]{d.kind_label}[/]",
            d.code,
            d.profile,
            f"\u201c{d.wording}\u201d" if d.wording else "(not recorded in the profile)",
        )
    out.print(table)


def _print_defaults(profile_id: str, landlord: str, defaults: list[Default]) -> None:
    if not defaults:
        out.print(f"[bold]{profile_id}[/bold] ({landlord}): no defaults; its document decides every value.")
        return
    table = Table(
        title=f"{profile_id} ({landlord}): {len(defaults)} values the document is silent on, taken as defaults", show_lines=False
    )
    for column in ("field", "value", "taken from"):
        table.add_column(column, overflow="fold")
    for d in defaults:
        table.add_row(escape(d.field), escape(d.value), escape(d.source))
    out.print(table)
