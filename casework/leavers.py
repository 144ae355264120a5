"""A leaver's open cases (issue 26 item 5): shown before their account is deactivated, and handed to
one person or spread across the leaver's active colleagues, so that no case stays with an account that
can no longer act on it.

Deactivating is an administrator's job and administrators do not act on cases (casework/access.py), so
the hand-over is its own service: each case gets the workflow's `assign` command recorded under the
administrator's name, and the workflow keeps its own rules (at stage 2, never someone from stage 1, Code
6.13). A case the workflow refuses is named with the reason and the account stays active.
"""

import asyncio
import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from temporalio.client import Client

from casework.case_list import open_cases
from casework.errors import CommandRejected
from casework.staff import StaffChoice, case_staff, check_case_staff
from accounts.users import CASE_ROLES
from casework.updates import send_command
from models.case import Assign
from models.tables import Case

SPREAD = "spread"
"""The form's choice for "spread them across the other active colleagues in the same role"."""


@dataclass(frozen=True)
class OpenCase:
    reference: str
    stage: int
    state: str
    overdue: bool


def open_cases_of(engine: Engine, username: str) -> list[OpenCase]:
    """The cases still assigned to `username` that are not closed or ended, oldest deadline first."""
    with Session(engine) as session:
        rows = session.exec(
            open_cases().where(Case.handler == username).order_by(col(Case.next_deadline).asc(), Case.reference)
        ).all()
        return [OpenCase(r.reference, r.stage, r.state, r.overdue) for r in rows]


def successors(engine: Engine, leaver: str) -> list[StaffChoice]:
    """Who may take a leaver's cases: every other active account whose role works cases."""
    return [s for s in case_staff(engine) if s.username != leaver]


def plan_handover(engine: Engine, leaver: str, role: str, to: str) -> dict[str, str]:
    """reference -> new handler: all to `to`, or (`SPREAD`) in turn across the active colleagues in the
    leaver's role (or any who work cases, if they have none). CommandRejected naming `reassign_to`."""
    cases = open_cases_of(engine, leaver)
    if not cases:
        return {}
    if to == SPREAD:
        same_role = [s.username for s in successors(engine, leaver) if s.role == role]
        people = same_role or [s.username for s in successors(engine, leaver)]
        if not people:
            raise CommandRejected("reassign_to", "there is nobody else active to give their cases to; add an account first")
        return {case.reference: people[n % len(people)] for n, case in enumerate(cases)}
    if not to:
        raise CommandRejected("reassign_to", f"choose who takes their {len(cases)} open case(s) before deactivating the account")
    if to == leaver:
        raise CommandRejected("reassign_to", "choose someone other than the person leaving")
    check_case_staff(engine, to, "reassign_to", CASE_ROLES)
    return {case.reference: to for case in cases}


async def hand_over(client: Client, engine: Engine, plan: dict[str, str], by: str, task_queue: str) -> dict[str, str]:
    """Send each case's `assign`; returns the refusals (reference -> the workflow's reason), none when all moved."""
    refused: dict[str, str] = {}
    for reference, handler in plan.items():
        command = Assign(command_id=f"handover-{uuid.uuid4()}", actor=by, handler=handler)
        try:
            await send_command(client, reference, "assign", command, task_queue)
        except CommandRejected as refusal:
            refused[reference] = refusal.message
            continue
        await _projected_handler(engine, reference, handler)
    return refused


async def _projected_handler(engine: Engine, reference: str, handler: str, attempts: int = 100) -> None:
    """Wait (up to about 5 s) for the read model to show the new handler, so the page that follows lists
    what is left with the leaver, not what was."""
    for _ in range(attempts):
        with Session(engine) as session:
            case = session.get(Case, reference)
        if case is not None and case.handler == handler:
            return
        await asyncio.sleep(0.05)
