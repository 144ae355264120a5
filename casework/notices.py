"""Which deadline notices a person should see where they look: the dashboard's "Notices for you"."""

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.tables import Case, Notice

PANEL_ROWS = 10
ROLE_RECIPIENT = {"complaints_manager": "complaints_manager"}
"""Managers see what the ladder sent to the complaints manager; everyone else what went to the
handler of a case assigned to them."""


def notices_for(engine: Engine, username: str, role: str, limit: int = PANEL_ROWS) -> list[Notice]:
    """The newest notices addressed to this person (by role on the ladder), newest first."""
    query = select(Notice).join(Case, Case.reference == Notice.reference)
    if role in ROLE_RECIPIENT:
        query = query.where(col(Notice.recipients).contains(ROLE_RECIPIENT[role]))
    else:
        query = query.where(Case.handler == username, col(Notice.recipients).contains("handler"))
    with Session(engine) as session:
        rows = list(session.exec(query.order_by(col(Notice.at).desc()).limit(limit)))
        session.expunge_all()
    return rows
