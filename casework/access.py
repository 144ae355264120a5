"""Who may do what: who is acting, and the authorisation matrix, in one place.

Every route asks `can(...)` (pages) or `may_act(...)` (case actions); the tests walk the whole matrix.
A refusal is a `Refused` with the reason shown to the person (403), and nothing changes.
"""

from collections.abc import Iterable

from pydantic import BaseModel, Field

from models.tables import Case, CaseEvent
from models.users import Role


class Actor(BaseModel):
    """Who is acting: their username is recorded on every event; their role decides what they may do."""

    username: str = Field(min_length=1, max_length=64)
    role: Role

PERMISSIONS: dict[str, frozenset[str]] = {
    "read_cases": frozenset({"handler", "complaints_manager", "stage2_reviewer", "auditor"}),
    "file_complaint": frozenset({"handler", "complaints_manager"}),
    "read_notices": frozenset({"handler", "complaints_manager", "stage2_reviewer", "auditor"}),
    "manage_closures": frozenset({"administrator"}),
    "read_closures": frozenset({"administrator", "complaints_manager", "auditor"}),
    "manage_users": frozenset({"administrator"}),
    "read_reports": frozenset({"complaints_manager", "auditor"}),
}
"""Page-level permissions by role. Administrators manage accounts and calendars but do not read case
files (least privilege over residents' personal data); auditors read everything and act on nothing."""

MANAGER_ACTIONS = frozenset({"assign"})
"""Complaints managers assign cases (the issue: "assigns, sees everything, receives escalations")."""
ANY_STAGE_ACTIONS = frozenset({"resident_input", "withdraw", "request_stage2", "record_consent", "schedule_review", "record_review"})
"""Recording what the resident said or asked for: whoever works the case may do it."""


class Refused(Exception):
    """The signed-in person may not do this; `message` says why, for the error page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def can(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]


def require(role: str, permission: str) -> None:
    if not can(role, permission):
        raise Refused(f"Your role cannot {permission.replace('_', ' ')}.")


def stage1_actors(case: Case, events: Iterable[CaseEvent]) -> set[str]:
    """Everyone who handled the case at stage 1 (its assigned handler and anyone who acted then)."""
    actors = {case.handler} if case.handler else set()
    for event in events:
        actor = (event.details or {}).get("actor")
        if actor and event.stage <= 1:
            actors.add(actor)
    return actors


def action_refusal(username: str, role: str, case: Case, events: Iterable[CaseEvent], action: str) -> str | None:
    """Why this person may not take `action` on `case` now, or None if they may.

    The lifecycle decides separately whether the action is allowed in the case's state."""
    if role == "complaints_manager":
        return None
    if action in MANAGER_ACTIONS and role in {"handler", "stage2_reviewer"}:
        return "Only a complaints manager may assign cases."
    if role == "handler":
        if case.handler not in (None, username):
            return f"This case is assigned to {case.handler}; only they or a complaints manager may act on it."
        if case.stage >= 2 and action not in ANY_STAGE_ACTIONS:
            return "Stage 2 decisions are for a stage 2 reviewer or a complaints manager."
        return None
    if role == "stage2_reviewer":
        if case.stage < 2 and action != "request_stage2":
            return "A stage 2 reviewer acts only on cases at stage 2."
        if username in stage1_actors(case, events):
            return "You handled this complaint at stage 1, so you cannot review it at stage 2 (Code 6.13)."
        return None
    if role == "auditor":
        return "Auditors can read cases but not act on them."
    return "Your role cannot act on cases."


def may_act_at_all(role: str) -> bool:
    return role in {"handler", "complaints_manager", "stage2_reviewer"}
