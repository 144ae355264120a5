"""The hazard workflow's reads: the Awaab's Law rules file and the statutory calendar.

Recorded in history (DESIGN.md principle 2), so replay plans with what the hazard was planned under.
The statutory calendar is England's bank holidays and weekends only: a landlord's closure days never move a
statutory deadline (SI 2025/1042 counts working days without them), so no closures are read.
"""

from temporalio import activity

from models.calendar import CalendarSnapshot, uk_calendar_snapshot
from models.hazard_rules import HazardRules, load_hazard_rules


@activity.defn(name="load_hazard_rules")
def load_hazard_rules_activity() -> HazardRules:
    return load_hazard_rules()


@activity.defn(name="load_statutory_calendar")
def load_statutory_calendar(years: list[int]) -> CalendarSnapshot:
    """`[first_year, last_year]`: England's bank holidays (SI 2025/1042 applies in England only)."""
    first, last = years
    return uk_calendar_snapshot("ENG", range(first, last + 1))
