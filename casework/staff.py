"""Who can be given a case: the staff pickers' choices and the check every way in makes (DESIGN.md
principle 10: staff from active accounts). A handler named on intake or by `assign` must be an active
account whose role works cases; a display name, a leaver or "nobody" is refused by field."""

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from casework.errors import CommandRejected
from accounts.users import CASE_ROLES, ROLE_NAMES, StaffUser

"""The roles a case can be assigned to."""


@dataclass(frozen=True)
class StaffChoice:
    username: str
    display_name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.display_name} ({ROLE_NAMES.get(self.role, self.role).lower()})"


def case_staff(engine: Engine, roles: tuple[str, ...] = CASE_ROLES) -> list[StaffChoice]:
    """Active accounts in `roles`, by display name: the options of a staff picker."""
    with Session(engine) as session:
        rows = session.exec(
            select(StaffUser)
            .where(StaffUser.active == True, col(StaffUser.role).in_(roles))  # noqa: E712
            .order_by(StaffUser.display_name, StaffUser.username)
        ).all()
        return [StaffChoice(r.username, r.display_name, r.role) for r in rows]


def check_case_staff(engine: Engine, username: str, field: str, roles: tuple[str, ...] = CASE_ROLES) -> None:
    """Refuse (naming `field`) a username that is not an active account in `roles`."""
    with Session(engine) as session:
        account = session.get(StaffUser, username)
    if account is None:
        raise CommandRejected(field, "choose a member of staff from the list (there is no such staff account)")
    if not account.active:
        raise CommandRejected(field, f"{account.display_name}'s account is deactivated; choose someone else")
    if account.role not in roles:
        raise CommandRejected(
            field, f"{account.display_name} is {ROLE_NAMES.get(account.role, account.role).lower()}, who does not handle cases"
        )


def display_names(engine: Engine) -> dict[str, tuple[str, str]]:
    """username -> (display name, role) of every account, for signing letters and showing people."""
    with Session(engine) as session:
        return {u.username: (u.display_name, u.role) for u in session.exec(select(StaffUser)).all()}
