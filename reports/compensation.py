"""Compensation in figures: offered, paid and overdue (Code 7.1-7.4). An offer is a promised payment with a
date (casework/promises.py), tracked like any promised action until its `complete_action` (paid).

- offered: compensation in the responses made in the period (its count and sum);
- paid: payments made in the period, whenever offered;
- overdue: payments not made by their date, as at the period's end (or `as_of`, if earlier).
"""

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from reports.report_facts import CaseFacts, Fact, RemedyFact

if TYPE_CHECKING:
    from reports.reporting import ReportingYear


class CompensationTotals(Fact):
    offered: int
    offered_pence: int
    paid: int
    paid_pence: int
    overdue: int
    overdue_pence: int
    by_band: tuple[tuple[str, int, int], ...]
    """(band id or "none", offers in the period, their sum in pence), by sum."""


def _offers(case: CaseFacts) -> list[RemedyFact]:
    return [r for r in case.remedies if r.kind == "compensation" and r.amount_pence]


def compensation_totals(cases: list[CaseFacts], period: "ReportingYear", as_of: date | None = None) -> CompensationTotals:
    from reports.reporting import responded  # the figures module reads these totals, so it is imported here

    end = min(period.last, as_of) if as_of else period.last
    offered: list[RemedyFact] = []
    for stage in (1, 2):
        for case, _ in responded(cases, period, stage):
            offered += [r for r in _offers(case) if r.stage == stage]
    every = [r for case in cases for r in _offers(case)]
    paid = [r for r in every if r.paid_on is not None and r.paid_on in period and r.paid_on <= end]
    overdue = [r for r in every if r.due_on is not None and r.due_on < end and (r.paid_on is None or r.paid_on > end)]
    count, pence = Counter[str](), Counter[str]()
    for r in offered:
        count[r.band or "none"] += 1
        pence[r.band or "none"] += r.amount_pence
    return CompensationTotals(
        offered=len(offered),
        offered_pence=sum(r.amount_pence for r in offered),
        paid=len(paid),
        paid_pence=sum(r.amount_pence for r in paid),
        overdue=len(overdue),
        overdue_pence=sum(r.amount_pence for r in overdue),
        by_band=tuple((band, count[band], total) for band, total in pence.most_common()),
    )
