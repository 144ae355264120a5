"""Awaab's Law compliance in the annual report and the quarterly pack (SI 2025/1042; issue 25 item 7).

The figures are `reports.hazard_report.compliance`'s (one home: `complaints hazards report` prints the same);
this gives the reports' templates the words for each step and category and the pack's CSV its rows. The
section is the landlord's as a whole, so a report cut by service area or root cause leaves it out, as it does
the Ombudsman's figures."""

from datetime import date

from jinja2 import Environment
from sqlalchemy.engine import Engine

from casework.hazards import CLOCK_WORDS
from reports.hazard_report import OUTCOMES, ComplianceRow, compliance
from models.hazard_rules import load_hazard_rules


def category_words(key: str) -> str:
    if key == "all":
        return "All categories"
    category = load_hazard_rules().categories.get(key)
    return category.name if category else key


def add_hazard_words(env: Environment) -> None:
    """The filters `hazard_compliance.html` uses, on a reports environment."""
    env.filters.update(hazard_clock=lambda name: CLOCK_WORDS.get(name, name), hazard_category=category_words)


def hazard_compliance(engine: Engine, first: date, last: date, as_of: date, landlord: str | None) -> list[ComplianceRow]:
    """The clocks due in the report's period, judged as of the report's date (its overdue ones are missed)."""
    return compliance(engine, first, last, as_of, landlord or None)


def hazard_csv_rows(rows: list[ComplianceRow]) -> list[tuple[str, str, str, object]]:
    """`awaabs_law, <step>/<category>, <outcome>, count` for the pack's CSV."""
    return [("awaabs_law", f"{row.clock}/{row.category}", outcome, row.counts[outcome]) for row in rows for outcome in OUTCOMES]
