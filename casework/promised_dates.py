"""Dates a resident has been given in writing, and what they are told when a calendar change moves one
(issue 27 item 3, decision 174).

A date is "given" when a letter or message stated it: the acknowledgement date in an online complaint's
confirmation, a stage's response date once its acknowledgement letter gave it, a promised action's date
(the response letter). When the workflow re-plans (`deadlines_replanned`), the
resident is told each given date that moved, its new date and why (the closure days that caused it).
Before a closure is added, the administrator is told how many residents it will reach
(`residents_moved_by`), by the same rule.
"""

from datetime import UTC, date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.presentation import long_date
from casework.tracking_page import PROMISE_WORDS
from models.calendar import local_date
from models.record import OutstandingAction
from models.residents import ResidentMessage
from models.tables import Case, CaseDeadline, ClosureDay
from workflows.lifecycle import FINISHED_STATES


def given(session: Session, row: CaseDeadline) -> bool:
    """The resident has this open date in writing."""
    if row.cancelled or row.met is not None:
        return False
    if row.name.startswith("action."):
        return True
    if row.name == "stage1.acknowledge":  # an online complaint's confirmation states it
        return session.get(ResidentMessage, _confirmation_id(row.reference)) is not None
    if row.name in ("stage1.respond", "stage2.respond"):  # the stage's acknowledgement letter states it
        acknowledged = session.get(CaseDeadline, (row.reference, row.name.replace("respond", "acknowledge")))
        return acknowledged is not None and acknowledged.met_on is not None
    return False


def _confirmation_id(reference: str) -> str:
    from casework.delivery import message_id

    return message_id(reference, "confirmation", "resident")


def residents_moved_by(engine: Engine, landlord: str, day: date) -> int:
    """How many residents' given dates a closure of `landlord` on `day` moves: a working-day date counted
    across the day (due on or after it) moves; a promised action's target moves only if it is that day."""
    if day.weekday() >= 5:
        return 0
    with Session(engine) as session:
        rows = session.exec(
            select(CaseDeadline)
            .join(Case, col(Case.reference) == col(CaseDeadline.reference))
            .where(Case.landlord == landlord, col(Case.state).not_in(FINISHED_STATES), col(CaseDeadline.due) >= day)
        ).all()
        moved = {row.reference for row in rows if given(session, row) and (not row.name.startswith("action.") or row.due == day)}
    return len(moved)


def replanned_words(session: Session, reference: str, event) -> tuple[str, str, str] | None:
    """What the resident is told about the given dates a re-plan moved, or None if it moved none."""
    names = [n.strip() for n in str((event.details or {}).get("moved", "")).split(",") if n.strip()]
    rows = [row for name in names if (row := session.get(CaseDeadline, (reference, name))) is not None and given(session, row)]
    if not rows:
        return None
    lines = [f"- {_what(session, reference, row.name)}: now by {long_date(row.due, weekday=True)}" for row in rows]
    case = session.get(Case, reference)
    since = local_date(event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC))
    latest = max(row.due for row in rows)
    closed = session.exec(
        select(col(ClosureDay.day))
        .where(
            ClosureDay.landlord == (case.landlord if case else ""),
            ClosureDay.kind == "closure",
            col(ClosureDay.day) >= since,
            col(ClosureDay.day) <= latest,
        )
        .order_by(col(ClosureDay.day))
    ).all()
    why = (
        f"our office is closed on {' and '.join(long_date(d, weekday=True) for d in closed)}, and we count only the days we are open"
        if closed
        else "the working days we count have changed (a new bank holiday or office closure)"
    )
    return (
        "dates_moved",
        "A date we gave you has changed",
        "We have had to change a date we gave you about your complaint:\n"
        + "\n".join(lines)
        + f"\n\nThis is because {why}. We are sorry for any inconvenience.\n\n"
        "If the new date causes you a problem, please contact us.",
    )


def _what(session: Session, reference: str, name: str) -> str:
    if name.startswith("action."):
        action = session.get(OutstandingAction, (reference, name.removeprefix("action.")))
        text = action.description.strip().rstrip(".") if action else "take an action we promised"
        return f"What we promised to do ({text[:1].lower() + text[1:]})"
    words = PROMISE_WORDS[name].removeprefix("to ")
    return f"When we will {words}"
