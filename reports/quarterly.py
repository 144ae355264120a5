"""The quarterly pack for the Member Responsible for Complaints (Code 9.6-9.7, seed 001): the quarter's
volumes, timeliness, themes and root causes, compensation offered, paid and overdue, and the service
improvements made. Pure functions over report facts; the same figure functions as the annual report
(reports/reporting.py), over a quarter of the reporting year instead of the whole year.
"""

import re
from collections import Counter
from datetime import date

from reports.compensation import CompensationTotals, compensation_totals
from reports.report_facts import CaseFacts, Fact
from reports.reporting import (
    OUTCOMES,
    Figure,
    ReportingYear,
    acknowledged_in_time,
    escalation,
    received,
    responded,
    responded_in_time,
)
from reports.themes import root_causes, service_areas


class Quarter(ReportingYear):
    """A quarter of the reporting year: Q1 is April to June, Q4 January to March; written `2026-27 Q1`."""

    number: int

    @classmethod
    def of(cls, year_text: str, number: int) -> "Quarter":
        if number not in (1, 2, 3, 4):
            raise ValueError(f"quarter: must be 1, 2, 3 or 4 (Q1 is April to June), got {number}")
        year = ReportingYear.parse(year_text)
        first_month = 4 + 3 * (number - 1)
        first = date(year.first.year + (first_month > 12), (first_month - 1) % 12 + 1, 1)
        after = date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
        return cls(label=f"{year.label} Q{number}", first=first, last=date.fromordinal(after.toordinal() - 1), number=number)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = re.fullmatch(r"(\d{4}-\d{2}) ?Q([1-4])", text.strip())
        if not match:
            raise ValueError(f"must be a quarter like 2026-27 Q1 (Q1 is April to June), got {text[:40]!r}")
        return cls.of(match[1], int(match[2]))

    def months(self) -> list[tuple[int, int]]:
        return [(self.first.year + (self.first.month + m > 12), (self.first.month + m - 1) % 12 + 1) for m in range(3)]


class QuarterlyFigures(Fact):
    quarter: Quarter
    received_by_month: tuple[tuple[str, int, int], ...]
    """(month label, stage-1 received, stage-2 requested)."""
    acknowledged: dict[int, Figure]
    responded: dict[int, Figure]
    outcomes: dict[int, dict[str, int]]
    escalation: Figure
    service_areas: tuple[tuple[str, int, int], ...]
    root_causes: tuple[tuple[str, int], ...]
    compensation: CompensationTotals
    improvements: tuple[tuple[str, str, str | None, date], ...]
    """(case reference, learning point, its root cause, recorded on): the service improvements made."""
    improvements_by_cause: tuple[tuple[str, int], ...]


def quarterly_figures(cases: list[CaseFacts], quarter: Quarter, as_of: date | None = None) -> QuarterlyFigures:
    stage1, stage2 = received(cases, quarter, 1), received(cases, quarter, 2)
    months = []
    for y, m in quarter.months():
        months.append(
            (
                date(y, m, 1).strftime("%b %Y"),
                sum(1 for _, r in stage1 if (r.received_on.year, r.received_on.month) == (y, m)),
                sum(1 for _, r in stage2 if (r.received_on.year, r.received_on.month) == (y, m)),
            )
        )
    outcomes = {}
    for stage in (1, 2):
        counts = Counter(r.outcome for _, r in responded(cases, quarter, stage))
        outcomes[stage] = {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}
    improvements = tuple(
        sorted(
            (
                (case.reference, point.text, point.root_cause, point.recorded_on)
                for case in cases
                for point in case.learning
                if point.recorded_on in quarter
            ),
            key=lambda item: (item[3], item[0]),
        )
    )
    return QuarterlyFigures(
        quarter=quarter,
        received_by_month=tuple(months),
        acknowledged={s: acknowledged_in_time(cases, quarter, s, as_of) for s in (1, 2)},
        responded={s: responded_in_time(cases, quarter, s, as_of) for s in (1, 2)},
        outcomes=outcomes,
        escalation=escalation(cases, quarter),
        service_areas=tuple(service_areas(cases, quarter)),
        root_causes=tuple(root_causes(cases, quarter)),
        compensation=compensation_totals(cases, quarter, as_of),
        improvements=improvements,
        improvements_by_cause=tuple(Counter(cause or "none" for _, _, cause, _ in improvements).most_common()),
    )
