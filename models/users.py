"""Staff accounts: who may sign in to the web UI, with which role, behind an argon2 password hash.

Roles follow the issue's list: a complaints handler works stage-1 cases, a complaints manager sees and
acts on everything and receives escalations, a stage-2 reviewer works stage-2 cases (never one they
handled at stage 1), an auditor reads everything and acts on nothing, an administrator manages staff
accounts and calendar closures but does not read case files.
"""

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, DateTime
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from models.case import STAFF_NAME_PATTERN

Role = Literal["handler", "complaints_manager", "stage2_reviewer", "auditor", "administrator"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_NAMES = {
    "handler": "Complaints handler",
    "complaints_manager": "Complaints manager",
    "stage2_reviewer": "Stage 2 reviewer",
    "auditor": "Auditor (read only)",
    "administrator": "Administrator",
}
USERNAME_PATTERN = STAFF_NAME_PATTERN
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class StaffUser(SQLModel, table=True):
    username: str = Field(primary_key=True, max_length=32)
    display_name: str = Field(max_length=100)
    role: str = Field(index=True)
    password_hash: str
    active: bool = True
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True)))


class AccountError(ValueError):
    """A staff account that cannot be created as asked; names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _check_password(password: str | None, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH or len(password or "") > 200:
        raise AccountError(field, f"must be {MIN_PASSWORD_LENGTH} to 200 characters long")


def create_user(engine: Engine, username: str, display_name: str, role: str, password: str) -> StaffUser:
    """Create an account, refusing a taken username, an unknown role or a short password."""
    if not re.match(USERNAME_PATTERN, username or ""):
        raise AccountError("username", "use 2 to 32 lower-case letters, digits, dots, dashes or underscores")
    if not display_name or not display_name.strip() or len(display_name) > 100:
        raise AccountError("display_name", "enter a name of 1 to 100 characters")
    if role not in ROLES:
        raise AccountError("role", f"must be one of {', '.join(ROLES)}")
    _check_password(password)
    with Session(engine) as session:
        if session.get(StaffUser, username) is not None:
            raise AccountError("username", f"{username!r} is already taken")
        user = StaffUser(
            username=username,
            display_name=display_name.strip(),
            role=role,
            password_hash=_hasher.hash(password),
            created_at=datetime.now(timezone.utc),
        )
        session.add(user)
        session.commit()
        session.refresh(user)
        return user


def authenticate(engine: Engine, username: str, password: str) -> StaffUser | None:
    """The active account whose password matches, else None (the same answer for every failure)."""
    with Session(engine) as session:
        user = session.get(StaffUser, username)
        if user is None or not user.active:
            _hasher.hash(password or "x")  # the same work either way, so timing does not reveal names
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return user


def get_user(engine: Engine, username: str) -> StaffUser | None:
    with Session(engine) as session:
        user = session.get(StaffUser, username)
        return user if user is not None and user.active else None


def _update_account(engine: Engine, username: str, change: Callable[[StaffUser], None]) -> StaffUser:
    """Apply `change` to the account and save it; AccountError if there is no such account."""
    with Session(engine) as session:
        user = session.get(StaffUser, username)
        if user is None:
            raise AccountError("username", f"there is no account {username!r}")
        change(user)
        session.add(user)
        session.commit()
        session.refresh(user)
        return user


def set_active(engine: Engine, username: str, active: bool, by: str) -> StaffUser:
    """Let a leaver's account in no more (or a returner's again). Signed-in sessions of a deactivated
    account end at their next request (the account is read on every request). An administrator
    cannot deactivate their own account, so the service always keeps someone who can manage staff."""
    if not active and username == by:
        raise AccountError("username", "you cannot deactivate your own account; ask another administrator")
    return _update_account(engine, username, lambda user: setattr(user, "active", active))


def set_password(engine: Engine, username: str, password: str) -> StaffUser:
    """An administrator sets a new password for someone who has lost theirs."""
    _check_password(password)
    return _update_account(engine, username, lambda user: setattr(user, "password_hash", _hasher.hash(password)))


def change_own_password(engine: Engine, username: str, current: str, new: str) -> None:
    """A person changes their own password, proving the current one first."""
    if authenticate(engine, username, current) is None:
        raise AccountError("current_password", "is not your current password")
    _check_password(new, "new_password")
    if new == current:
        raise AccountError("new_password", "must differ from your current password")
    set_password(engine, username, new)
