"""Demo staff and cases for `make run`: one account per role and a handful of complaints to click through.

The passwords are printed by `complaints dev`; they are for a local demo only."""

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from accounts.users import StaffUser, create_user

DEMO_PASSWORD = "local-demo-only"
DEMO_STAFF = (
    ("handler", "Hana Handler", "handler"),
    ("handler2", "Hugo Handler", "handler"),
    ("manager", "Mira Manager", "complaints_manager"),
    ("reviewer", "Rita Reviewer", "stage2_reviewer"),
    ("auditor", "Aude Auditor", "auditor"),
    ("admin", "Adam Admin", "administrator"),
)


def ensure_demo_staff(engine: Engine) -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; return (username, role) for every one."""
    with Session(engine) as session:
        existing = set(session.exec(select(StaffUser.username)))
    for username, name, role in DEMO_STAFF:
        if username not in existing:
            create_user(engine, username, name, role, DEMO_PASSWORD)
    return [(username, role) for username, _name, role in DEMO_STAFF]
