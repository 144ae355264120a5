"""What a route needs, as typed dependencies (`Annotated[..., Depends(...)]`, as in FastAPI's full-stack
template): the read model's engine, the Temporal client, the settings, and the signed-in person, with
one alias per permission a page or form needs (`casework.access.PERMISSIONS`, the one home of who may).

`create_app` puts the engine, client and settings on `app.state`; this module is the only reader of it,
so a route says what it uses in its signature and never reaches into the app. The service layer takes
the engine and opens its own short sessions (units of work), so the database dependency is the engine,
not a request-long session: with SQLite a session held for the whole request would keep a read lock
while the same request writes through another connection.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from starlette.requests import HTTPConnection
from temporalio.client import Client

from casework.access import require
from models.settings import Settings
from accounts.users import StaffUser


class SignInRequired(Exception):
    """No one is signed in: the page redirects to the sign-in form."""


def database(request: HTTPConnection) -> Engine:
    """The read model's engine (also read outside routes: the session check, page rendering)."""
    return request.app.state.engine


def settings(request: HTTPConnection) -> Settings:
    return request.app.state.settings


def temporal(request: HTTPConnection) -> Client:
    return request.app.state.client


def current_user(request: Request) -> StaffUser:
    """The signed-in person (put on the request by the session check, `auth.load_user`), or SignInRequired."""
    user = request.state.user
    if user is None:
        raise SignInRequired()
    return user


Database = Annotated[Engine, Depends(database)]
AppSettings = Annotated[Settings, Depends(settings)]
Temporal = Annotated[Client, Depends(temporal)]
SignedIn = Annotated[StaffUser, Depends(current_user)]


def _permitted(permission: str) -> Callable[[StaffUser], StaffUser]:
    """The signed-in person once their role has `permission`; otherwise Refused (403), before the route runs."""

    def check(user: SignedIn) -> StaffUser:
        require(user.role, permission)
        return user

    check.__name__ = f"may_{permission}"
    return check


MayReadCases = Annotated[StaffUser, Depends(_permitted("read_cases"))]
MayFileComplaints = Annotated[StaffUser, Depends(_permitted("file_complaint"))]
MayReadNotices = Annotated[StaffUser, Depends(_permitted("read_notices"))]
MayReadClosures = Annotated[StaffUser, Depends(_permitted("read_closures"))]
MayManageClosures = Annotated[StaffUser, Depends(_permitted("manage_closures"))]
MayManageUsers = Annotated[StaffUser, Depends(_permitted("manage_users"))]
MayPrintLetters = Annotated[StaffUser, Depends(_permitted("print_letters"))]
MayReadAudit = Annotated[StaffUser, Depends(_permitted("read_audit"))]
MayReadRefusals = Annotated[StaffUser, Depends(_permitted("read_refusals"))]
MayReadReports = Annotated[StaffUser, Depends(_permitted("read_reports"))]
MayRecordGoverningResponse = Annotated[StaffUser, Depends(_permitted("record_governing_response"))]
MaySubjectAccess = Annotated[StaffUser, Depends(_permitted("subject_access"))]
