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
from sqlmodel import Field, Session, SQLModel, func, select
from zxcvbn import zxcvbn

from models.case import STAFF_NAME_PATTERN
from models.input_text import email_problem, text_problem

Role = Literal["handler", "complaints_manager", "stage2_reviewer", "auditor", "administrator"]
ROLES: tuple[str, ...] = get_args(Role)
CASE_ROLES: tuple[Role, ...] = ("handler", "complaints_manager", "stage2_reviewer")
"""The roles that act on cases (handle, manage, review); auditors read and administrators run accounts."""
ROLE_NAMES = {
    "handler": "Complaints handler",
    "complaints_manager": "Complaints manager",
    "stage2_reviewer": "Stage 2 reviewer",
    "auditor": "Auditor (read only)",
    "administrator": "Administrator",
}
USERNAME_PATTERN = STAFF_NAME_PATTERN
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3
"""zxcvbn's score (0-4) a password needs: 3 is "safely unguessable" (about 10^10 guesses). zxcvbn
checks a password against its lists of common passwords, names and words, keyboard patterns, repeats
and sequences (the NCSC's advice: a blocklist of common passwords, no composition rules)."""
ZXCVBN_MAX_LENGTH = 72
"""zxcvbn judges at most this many characters (its own limit, which bounds its time); a longer
password is judged by its start, which a strong long password passes anyway."""

_hasher = PasswordHasher()
"""argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes); the
tests swap in a cheaper one (tests/conftest.py) except where hashing is what they test."""


class StaffUser(SQLModel, table=True):
    username: str = Field(primary_key=True, max_length=32)
    display_name: str = Field(max_length=100)
    role: str = Field(index=True)
    password_hash: str
    active: bool = True
    email: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    """Where the person's notices go; blank: username@STAFF_EMAIL_DOMAIN (models/settings.py)."""
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True)))
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Every web session carries the generation it was signed in under; raising it (sign-out, a
    password change or reset, deactivation) ends every session of the account at once
    (starter/web/auth.py), and reactivation does not bring them back."""


class AccountError(ValueError):
    """A staff account that cannot be created as asked; names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _check_password(password: str | None, field: str = "password", about: tuple[str, ...] = ()) -> None:
    """Long enough, no control characters, and not easy to guess (zxcvbn, told the person's own
    username and name so that "hana2026hana" is refused for hana)."""
    if len(password or "") < MIN_PASSWORD_LENGTH or len(password or "") > 200:
        raise AccountError(field, f"must be {MIN_PASSWORD_LENGTH} to 200 characters long")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in password or ""):
        raise AccountError(
            field, "must not contain control characters (such as tab or NUL); use letters, digits, spaces and punctuation"
        )
    if not (password or "").strip():
        raise AccountError(field, "must not be only spaces")
    verdict = zxcvbn((password or "")[:ZXCVBN_MAX_LENGTH], user_inputs=[part for part in about if part])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        warning = verdict["feedback"]["warning"]
        advice = " ".join(verdict["feedback"]["suggestions"]) or "Try three or four random words."
        raise AccountError(field, f"is too easy to guess. {warning + ' ' if warning else ''}{advice}".strip())


def staff_email(email: str) -> str:
    """An account's email for notices, checked by the one email rule (models.input_text.email_problem) and
    stored lower-case; blank is allowed (notices then go to username@STAFF_EMAIL_DOMAIN)."""
    email = (email or "").strip()
    if len(email) > 200:
        raise AccountError("email", "must be at most 200 characters")
    if email and (problem := email_problem(email)):
        raise AccountError("email", f"{problem}, or leave it blank")
    return email.lower()


def create_user(engine: Engine, username: str, display_name: str, role: str, password: str, email: str = "") -> StaffUser:
    """Create an account, refusing a taken username, an unknown role, a short password or a malformed email."""
    if not re.match(USERNAME_PATTERN, username or ""):
        raise AccountError("username", "use 2 to 32 lower-case letters, digits, dots, dashes or underscores")
    email = staff_email(email)
    if not display_name or not display_name.strip() or len(display_name) > 100:
        raise AccountError("display_name", "enter a name of 1 to 100 characters")
    if problem := text_problem(display_name):
        raise AccountError("display_name", problem)
    if role not in ROLES:
        raise AccountError("role", f"must be one of {', '.join(ROLES)}")
    _check_password(password, about=(username, display_name))
    with Session(engine) as session:
        if session.get(StaffUser, username) is not None:
            raise AccountError("username", f"{username!r} is already taken")
        user = StaffUser(
            username=username,
            display_name=display_name.strip(),
            role=role,
            password_hash=_hasher.hash(password),
            email=email,
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
    """Apply `change` to the account and save it; AccountError if there is no such account, or if it
    would take away the last active administrator. The administrators' rows are locked first (PostgreSQL `FOR
    UPDATE`; SQLite has one writer at a time), so two administrators deactivating or demoting each other
    at once are judged one after the other and the second is refused (issue 29, item 11)."""
    with Session(engine) as session:
        session.exec(
            select(StaffUser).where(StaffUser.role == "administrator").with_for_update().execution_options(populate_existing=True)
        ).all()
        user = session.get(StaffUser, username)
        if user is None:
            raise AccountError("username", f"there is no account {username!r}")
        was_administrator = user.role == "administrator" and user.active
        change(user)
        session.add(user)
        session.flush()
        if (
            was_administrator
            and not session.exec(
                select(func.count()).select_from(StaffUser).where(StaffUser.role == "administrator", StaffUser.active)
            ).one()
        ):
            session.rollback()
            raise AccountError("username", "this would leave no active administrator; make someone else an administrator first")
        session.commit()
        session.refresh(user)
        return user


def _end_sessions(user: StaffUser) -> None:
    user.session_generation = (user.session_generation or 0) + 1


def end_sessions(engine: Engine, username: str) -> StaffUser:
    """End every web session of the account at once (sign-out ends them all, on every device)."""
    return _update_account(engine, username, _end_sessions)


def set_active(engine: Engine, username: str, active: bool, by: str) -> StaffUser:
    """Let a leaver's account in no more (or a returner's again). Every session of the account ends
    at once, either way, so a returner signs in afresh and old cookies stay dead. An administrator
    cannot deactivate their own account, so the service always keeps someone who can manage staff."""
    if not active and username == by:
        raise AccountError("username", "you cannot deactivate your own account; ask another administrator")

    def change(user: StaffUser) -> None:
        user.active = active
        _end_sessions(user)

    return _update_account(engine, username, change)


def set_role(engine: Engine, username: str, role: str, by: str) -> StaffUser:
    """Give an account another role (it decides what its holder may do from their next click). An
    administrator cannot take their own administrator role away, so someone can always manage staff."""
    if role not in ROLES:
        raise AccountError("role", f"must be one of {', '.join(ROLE_NAMES[r] for r in ROLES)}")
    if username == by and role != "administrator":
        raise AccountError("role", "you cannot take away your own administrator role; ask another administrator")

    def change(user: StaffUser) -> None:
        if user.role == role:
            raise AccountError("role", f"{username} is already a {ROLE_NAMES[role].lower()}")
        user.role = role

    return _update_account(engine, username, change)


def set_email(engine: Engine, username: str, email: str) -> StaffUser:
    """Change where an account's notices go (issue 26 item 12), by the same rule as when it was added."""
    email = staff_email(email)

    def change(user: StaffUser) -> None:
        user.email = email

    return _update_account(engine, username, change)


def set_password(engine: Engine, username: str, password: str) -> StaffUser:
    """An administrator sets a new password for someone who has lost theirs; every session of the
    account ends (whoever had the old password is out)."""
    with Session(engine) as session:
        existing = session.get(StaffUser, username)
    _check_password(password, about=(username, existing.display_name if existing else ""))

    def change(user: StaffUser) -> None:
        user.password_hash = _hasher.hash(password)
        _end_sessions(user)

    return _update_account(engine, username, change)


def change_own_password(engine: Engine, username: str, current: str, new: str) -> StaffUser:
    """A person changes their own password, proving the current one first. Every session of the
    account ends; the web app signs the person in again where they made the change."""
    user = authenticate(engine, username, current)
    if user is None:
        raise AccountError("current_password", "is not your current password")
    _check_password(new, "new_password", about=(username, user.display_name))
    if new == current:
        raise AccountError("new_password", "must differ from your current password")
    return set_password(engine, username, new)
