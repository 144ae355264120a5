"""Awaab's Law compliance figures: for each clock (step) and hazard category, how many were met on time, met
late, missed and still owed, owed and not yet due, and ceased (SI 2025/1042 regs 6, 9, 11, 13 and the
24-hour duty). A clock counts in the period its due date falls in; "overdue" is judged as of `as_of`."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.hazard_tables import Hazard, HazardDeadline

OUTCOMES = ("on_time", "late", "overdue", "open", "ceased")
CLOCKS = ("emergency", "investigate", "summary", "safety_work", "preventative_start")


@dataclass(frozen=True)
class ComplianceRow:
    clock: str
    category: str
    counts: dict[str, int]

    @property
    def decided(self) -> int:
        return self.counts["on_time"] + self.counts["late"] + self.counts["overdue"]

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.counts["on_time"] / self.decided, 1) if self.decided else None


def outcome(deadline: HazardDeadline, as_of: date) -> str:
    """One clock's outcome as of a day: ceased, met on time, met late, overdue (missed, still owed) or open."""
    if deadline.ceased:
        return "ceased"
    if deadline.met_on is not None:
        return "on_time" if deadline.met else "late"
    return "overdue" if deadline.met is False or deadline.due < as_of else "open"


def compliance(engine: Engine, first: date, last: date, as_of: date, landlord: str | None = None) -> list[ComplianceRow]:
    """Rows by clock then category, for clocks due in [first, last]; every clock of the law has a row ("all")."""
    query = (
        select(HazardDeadline, Hazard)
        .join(Hazard, col(Hazard.reference) == HazardDeadline.reference)
        .where(HazardDeadline.due >= first, HazardDeadline.due <= last)
    )
    if landlord:
        query = query.where(Hazard.landlord == landlord)
    counts: dict[tuple[str, str], Counter] = {}
    with Session(engine) as session:
        for deadline, hazard in session.exec(query):
            result = outcome(deadline, as_of)
            for key in ((deadline.name, hazard.category), (deadline.name, "all")):
                counts.setdefault(key, Counter())[result] += 1
    rows = []
    for clock in CLOCKS:
        categories = sorted({category for name, category in counts if name == clock and category != "all"})
        for category in ["all", *categories]:
            found = counts.get((clock, category), Counter())
            rows.append(ComplianceRow(clock, category, {key: found.get(key, 0) for key in OUTCOMES}))
    return rows
