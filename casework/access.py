"""Who is acting, and who may do what: the one home of case access for every way in.

The web's pages ask `can` / `require` (page permissions by role). Acting on a case is decided by
`action_refusal`, which `casework.actions.act` asks for every action, so the CLI refuses exactly what
the web refuses, with the same words. The actor's role always comes from their active staff account
(`staff_actor`, accounts/users.py), never from what the caller claims. Who took a stage-1 decision (Code
6.13) is read from the case as the workflow projected it (`Case.stage1_handlers`), not rebuilt here.
A refusal is a `Refused` with the reason shown to the person (web: 403; CLI: exit 2), and nothing changes.
"""

from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.forms import ACTION_FORMS, LIFECYCLE_ACTION
from models.tables import Case
from accounts.users import CASE_ROLES, Role, StaffUser

PERMISSIONS: dict[str, frozenset[str]] = {
    "read_cases": frozenset({"handler", "complaints_manager", "stage2_reviewer", "auditor"}),
    "file_complaint": frozenset({"handler", "complaints_manager"}),
    "read_notices": frozenset({"handler", "complaints_manager", "stage2_reviewer", "auditor"}),
    "manage_closures": frozenset({"administrator"}),
    "read_closures": frozenset({"administrator", "complaints_manager", "auditor"}),
    "manage_users": frozenset({"administrator"}),
    "read_reports": frozenset({"complaints_manager", "auditor"}),
    "record_governing_response": frozenset({"complaints_manager", "administrator"}),
    "read_audit": frozenset({"auditor", "administrator"}),
    "read_refusals": frozenset({"auditor", "administrator"}),
    "print_letters": frozenset({"handler", "complaints_manager"}),
    "subject_access": frozenset({"administrator"}),
    "open_workflow_history": frozenset({"complaints_manager", "auditor"}),
}
"""Page-level permissions by role. Administrators manage accounts and calendars but do not read case
files (least privilege over residents' personal data); auditors read everything and act on nothing.
`open_workflow_history` (the case's link to the Temporal Web UI) is for those who run and check the
process, not for every caseworker (issue 26). The one exception: an administrator answers a subject access request and anonymises past the retention
period (`casework.subject_access`), each audited by name."""

MANAGER_ACTIONS = frozenset({"assign"})
"""Complaints managers assign cases (the issue: "assigns, sees everything, receives escalations")."""
ANY_STAGE_ACTIONS = frozenset(
    {"resident_input", "withdraw", "request_stage2", "record_consent", "schedule_review", "record_review"}
)
"""Recording what the resident said or asked for: whoever works the case may do it."""
OMBUDSMAN_ACTIONS = frozenset(
    {
        "ombudsman_referral",
        "ombudsman_evidence_requested",
        "ombudsman_evidence_sent",
        "ombudsman_determination",
        "ombudsman_order_complied",
        "complaint_handling_failure_order",
    }
)
"""Liaison with the Ombudsman is the complaints officer's (Code 4.1): here, a complaints manager's."""


class Refused(Exception):
    """This person may not do this; `message` says why, for the error page or the terminal."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Actor(BaseModel):
    """Who is acting: their username is recorded on every event; their role decides what they may do."""

    username: str = Field(min_length=1, max_length=64)
    role: Role

    @classmethod
    def of(cls, account: StaffUser) -> "Actor":
        return cls(username=account.username, role=account.role)


def staff_actor(engine: Engine, username: str) -> Actor:
    """The person an outside caller (the CLI's `--as`) names, with the role of their account; Refused
    unless the name is an active staff account, so nobody acts under a role they were not given."""
    with Session(engine) as session:
        account = session.get(StaffUser, username)
    if account is None:
        raise Refused(f"there is no staff account {username!r}; --as names the account of the person acting")
    if not account.active:
        raise Refused(f"the staff account {username!r} is deactivated, so it cannot act on cases")
    return Actor.of(account)


def can(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]


def require(role: str, permission: str) -> None:
    if not can(role, permission):
        raise Refused(f"Your role cannot {permission.replace('_', ' ')}.")


def action_refusal(actor: Actor, case: Case, action: str, assignee: str | None = None) -> str | None:
    """Why `actor` may not take the lifecycle `action` on `case` now, or None if they may. `assignee`:
    whom an `assign` names; a handler naming themselves on an unassigned case is taking it ("Assign to
    me"), which the handler's own rules below then judge (never a stage-2 case) like any other action.

    The workflow decides separately whether the action is allowed in the case's state."""
    role, username = actor.role, actor.username
    if role == "complaints_manager":
        if _not_independent(username, case, action):
            return "You took part in this complaint at stage 1, so you cannot decide it at stage 2 (Code 6.13)."
        return None
    taking = action == "assign" and role == "handler" and assignee == username and case.handler is None
    if action in MANAGER_ACTIONS and role in {"handler", "stage2_reviewer"} and not taking:
        return "Only a complaints manager may assign cases."
    if action in OMBUDSMAN_ACTIONS and role in {"handler", "stage2_reviewer"}:
        return "Only a complaints manager (the complaints officer, Code 4.1) may record the Ombudsman's steps."
    if role == "handler":
        if case.handler not in (None, username):
            return f"This case is assigned to {case.handler}; only they or a complaints manager may act on it."
        if case.stage >= 2 and taking:
            return "A stage 2 case is assigned by a complaints manager to a stage 2 reviewer; a handler cannot take it."
        if case.stage >= 2 and action not in ANY_STAGE_ACTIONS:
            return "Stage 2 decisions are for a stage 2 reviewer or a complaints manager."
        return None
    if role == "stage2_reviewer":
        if case.stage < 2 and action != "request_stage2":
            return "A stage 2 reviewer acts only on cases at stage 2."
        if username in (case.stage1_handlers or ()):
            return "You handled this complaint at stage 1, so you cannot review it at stage 2 (Code 6.13)."
        return None
    if role == "auditor":
        return "Auditors can read cases but not act on them."
    return "Your role cannot act on cases."


def may_take(role: str, stage: int) -> bool:
    """Who is offered "Assign to me" on an unassigned case: a complaints manager at any stage, a handler
    at stage 1 (stage 2 decisions are a reviewer's or a manager's). `action_refusal` accepts it."""
    return role == "complaints_manager" or (role == "handler" and stage < 2)


def _not_independent(username: str, case: Case, action: str) -> bool:
    """A stage-2 decision (the workflow's `reviewing` commands) by someone who took part in stage 1: the
    workflow would refuse it after submitting, so it is not offered (issue 26 item 8). Assigning is checked
    on the person assigned, by the workflow."""
    from workflows.commands import COMMAND_RULES

    rule = COMMAND_RULES.get(action)
    return (
        case.stage >= 2
        and action != "assign"
        and rule is not None
        and rule.reviewing
        and username in (case.stage1_handlers or ())
    )


def check_action(actor: Actor, case: Case, form_action: str, assignee: str | None = None) -> None:
    """Refuse the action form `form_action` (a lifecycle action, or a form standing for one) if `actor`
    may not take it on `case` (every way in: the web's forms and "Assign to me", the CLI's `act`)."""
    refusal = action_refusal(actor, case, LIFECYCLE_ACTION.get(form_action, form_action), assignee)
    if refusal is not None:
        raise Refused(refusal)


def actions_offered(actor: Actor, case: Case) -> list[str]:
    """The action forms to offer `actor` on `case`: the workflow allows the action now (as projected)
    and the person may take it."""
    if actor.role not in CASE_ROLES:
        return []
    allowed = set(case.allowed_actions or ())
    return [
        name
        for name in ACTION_FORMS
        if LIFECYCLE_ACTION.get(name, name) in allowed and action_refusal(actor, case, LIFECYCLE_ACTION.get(name, name)) is None
    ]
