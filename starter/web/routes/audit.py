"""The audit log for auditors and administrators: administrators' actions (accounts, roles, passwords,
closure days) and service requests converted or resolved, or every sign-in, newest first. The entries hold
usernames, addresses and short fixed details, never a password or anything about a resident."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.audit import ADMIN_EVENTS, AUDIT_EVENTS, CASE_EVENTS, audit_entries
from starter.web.auth import FormRejected
from starter.web.deps import Database, MayReadAudit
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
def audit_log(request: Request, user: MayReadAudit, engine: Database, show: str = "admin", person: str = "") -> Response:
    if show not in VIEWS:
        raise FormRejected({"show": "Choose what to show from the list"})
    person = person.strip()
    if len(person) > 64:
        raise FormRejected({"person": "Staff member's username must be 64 characters or fewer"})
    title, events = VIEWS[show]
    entries = audit_entries(engine, limit=SHOWN, events=events, person=person or None)
    return render(request, "audit.html", entries=entries, views=VIEWS, show=show, title=title, shown=SHOWN, person=person)
