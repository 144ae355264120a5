"""Staff accounts (administrator): the list, a form to add one, and each account's page, where a
leaver is deactivated (or a returner let back in) and a lost password replaced."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from accounts.users import ROLE_NAMES, ROLES, AccountError, StaffUser, create_user, set_active, set_email, set_password, set_role
from casework import leavers
from casework.errors import CommandRejected
from starter.web.auth import audit_staff_action, FormRejected, checked_form, hashing, password, start_session, text
from starter.web.deps import AppSettings, Database, MayManageUsers, Temporal
from starter.web.fields import Said
from starter.web.pages import render

router = APIRouter()


def _page(
    request: Request, engine: Engine, status: int = 200, errors: dict | None = None, values: dict | None = None
) -> Response:
    with Session(engine) as session:
        accounts = list(session.exec(select(StaffUser).order_by(col(StaffUser.username))))
    return render(
        request,
        "users.html",
        status=status,
        errors=errors or {},
        values=values or {},
        accounts=accounts,
        roles=ROLES,
        flash=request.session.pop("flash", None),
    )


def _account(engine: Engine, username: str) -> StaffUser:
    with Session(engine) as session:
        account = session.get(StaffUser, username)
    if account is None:
        raise FormRejected({"username": f"There is no account {username[:40]!r}."}, status=404)
    return account


def _account_page(
    request: Request,
    engine: Engine,
    account: StaffUser,
    status: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Response:
    return render(
        request,
        "user.html",
        status=status,
        errors=errors or {},
        values=values or {},
        account=account,
        roles=ROLES,
        flash=request.session.pop("flash", None),
        open_cases=leavers.open_cases_of(engine, account.username),
        successors=leavers.successors(engine, account.username),
        spread=leavers.SPREAD,
    )


@router.get("/users")
def users(request: Request, user: MayManageUsers, engine: Database) -> Response:
    return _page(request, engine)


@router.post("/users")
async def add_user(request: Request, user: MayManageUsers, engine: Database) -> Response:
    form = await checked_form(request)
    values = {name: text(form, name, 200) for name in ("username", "display_name", "role", "email")}
    try:
        await hashing(create_user, engine, password=password(form, "password"), **values)
    except AccountError as error:
        return _page(request, engine, status=400, errors={error.field: error.message}, values=values)
    audit_staff_action(request, engine, user, "account_created", values["username"], values["role"])
    request.session["flash"] = f"Account {values['username']} created."
    return RedirectResponse("/users", status_code=303)


@router.get("/users/{username}")
def account(request: Request, username: str, user: MayManageUsers, engine: Database) -> Response:
    return _account_page(request, engine, _account(engine, username))


@router.post("/users/{username}/active")
async def change_active(
    request: Request, username: str, user: MayManageUsers, engine: Database, client: Temporal, settings: AppSettings
) -> Response:
    form = await checked_form(request)
    account = _account(engine, username)
    active, reason = text(form, "active", 3), text(form, "reason", 201)
    if active not in ("yes", "no"):
        return _account_page(request, engine, account, status=400, errors={"active": "must be yes or no"})
    errors = {}
    if active == "no":
        if form.get("confirm") != "yes":
            errors["confirm"] = Said(f"Tick the box to confirm: deactivate {username}'s account")
        if not reason:
            errors["reason"] = Said("Enter why the account is deactivated (kept in the audit log)")
        elif len(reason) > 200:
            errors["reason"] = Said("Why the account is deactivated must be 200 characters or fewer")
    reassign_to = text(form, "reassign_to", 64)
    if active == "no" and not errors:
        try:
            plan = leavers.plan_handover(engine, username, account.role, reassign_to)
        except CommandRejected as refusal:
            errors["reassign_to"] = Said(f"Their open cases: {refusal.message}")
    if errors:
        return _account_page(
            request, engine, account, status=400, errors=errors, values={"reason": reason, "reassign_to": reassign_to}
        )
    if active == "no" and plan:
        refused = await _hand_over(request, engine, client, settings.task_queue, user, username, plan)
        if refused:
            problems = "; ".join(f"{ref}: {why}" for ref, why in refused.items())
            return _account_page(
                request,
                engine,
                account,
                status=409,
                values={"reason": reason},
                errors={"reassign_to": Said(f"These cases could not be handed over, so the account is still active: {problems}")},
            )
    try:
        set_active(engine, username, active == "yes", by=user.username)
    except AccountError as error:
        return _account_page(request, engine, account, status=400, errors={"active": error.message})
    event = "account_reactivated" if active == "yes" else "account_deactivated"
    audit_staff_action(request, engine, user, event, username, reason)
    if username == user.username:  # reactivating one's own (active) account ends one's sessions too
        start_session(request, _account(engine, username))
    moved = f" Their {len(plan)} open case(s) were handed over." if active == "no" and plan else ""
    request.session["flash"] = (
        f"Account {username} {'reactivated' if active == 'yes' else 'deactivated: they can no longer sign in'}.{moved}"
    )
    return RedirectResponse(f"/users/{username}", status_code=303)


async def _hand_over(
    request: Request, engine: Engine, client: Client, task_queue: str, user: StaffUser, leaver: str, plan: dict
) -> dict:
    """A leaver's open cases to their successors (`casework.leavers`), each one handed over audited; the
    cases refused, by reference, with why."""
    refused = await leavers.hand_over(client, engine, plan, user.username, task_queue)
    for reference, handler in plan.items():
        if reference not in refused:
            audit_staff_action(request, engine, user, "case_reassigned", leaver, f"{reference} to {handler}")
    return refused


@router.post("/users/{username}/password")
async def replace_password(request: Request, username: str, user: MayManageUsers, engine: Database) -> Response:
    form = await checked_form(request)
    account = _account(engine, username)
    try:
        changed = await hashing(set_password, engine, username, password(form, "password"))
    except AccountError as error:
        return _account_page(request, engine, account, status=400, errors={error.field: error.message})
    audit_staff_action(request, engine, user, "password_reset", username)
    if username == user.username:
        start_session(request, changed)
    request.session["flash"] = (
        f"New password set for {username}; every session they had is ended. Give it to them in person or by phone, not by email."
    )
    return RedirectResponse(f"/users/{username}", status_code=303)


@router.post("/users/{username}/role")
async def change_role(request: Request, username: str, user: MayManageUsers, engine: Database) -> Response:
    form = await checked_form(request)
    account = _account(engine, username)
    role = text(form, "role", 40)
    try:
        set_role(engine, username, role, by=user.username)
    except AccountError as error:
        message = "Choose a role from the list" if role not in ROLES else error.message[:1].upper() + error.message[1:]
        return _account_page(request, engine, account, status=400, errors={"role": Said(message)})
    audit_staff_action(request, engine, user, "role_changed", username, f"{account.role} to {role}")
    request.session["flash"] = f"{username} is now a {ROLE_NAMES[role].lower()}, from their next click."
    return RedirectResponse(f"/users/{username}", status_code=303)


@router.post("/users/{username}/email")
async def change_email(request: Request, username: str, user: MayManageUsers, engine: Database) -> Response:
    """Where the account's notices go (issue 26 item 12), checked by the same rule as when it was added."""
    form = await checked_form(request)
    account = _account(engine, username)
    email = text(form, "email", 300)
    try:
        changed = set_email(engine, username, email)
    except AccountError as error:
        return _account_page(
            request,
            engine,
            account,
            status=400,
            errors={"email": Said(f"Email for notices {error.message}")},
            values={"email": email},
        )
    audit_staff_action(
        request, engine, user, "email_changed", username, f"{account.email or 'none'} to {changed.email or 'none'}"
    )
    request.session["flash"] = f"{username}'s notices now go to {changed.email or 'their username at the staff email domain'}."
    return RedirectResponse(f"/users/{username}", status_code=303)
