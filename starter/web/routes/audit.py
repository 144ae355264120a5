"""The audit log for auditors and administrators: administrators' actions (accounts, roles, passwords,
closure days) and service requests converted or resolved, or every sign-in, newest first. The entries hold
usernames, addresses and short fixed details, never a password or anything about a resident."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from casework.access import require
from models.audit import ADMIN_EVENTS, AUDIT_EVENTS, CASE_EVENTS, audit_entries
from models.users import StaffUser
from starter.web.auth import FormRejected, current_user
from starter.web.pages import render

router = APIRouter()
SHOWN = 200
VIEWS = {
    "admin": ("Administrators' actions", ADMIN_EVENTS),
    "cases": ("Case views, reassignments and exports", CASE_EVENTS),
    "sign_in": ("Sign-ins and sessions", tuple(e for e in AUDIT_EVENTS if e not in ADMIN_EVENTS + CASE_EVENTS)),
    "all": ("Everything", AUDIT_EVENTS),
}


@router.get("/audit")
def audit_log(request: Request, show: str = "admin", person: str = "", user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_audit")
    if show not in VIEWS:
        raise FormRejected({"show": "Choose what to show from the list"})
    person = person.strip()
    if len(person) > 64:
        raise FormRejected({"person": "Staff member's username must be 64 characters or fewer"})
    title, events = VIEWS[show]
    entries = audit_entries(request.app.state.engine, limit=SHOWN, events=events, person=person or None)
    return render(request, "audit.html", entries=entries, views=VIEWS, show=show, title=title, shown=SHOWN, person=person)
