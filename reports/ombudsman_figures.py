"""What the Housing Ombudsman found and ordered, and how the landlord complied, for a landlord and period:
the figures the annual report's Code 8.1 c, e and f and the governing body's reports (Code 9.7 c) show.

Read from the read model the workflow projects (events and deadlines, activities/read_model.py), so the
figures say what the case pages say: a referral is an `ombudsman_referral` event, a finding is a
`finding.<element>` detail of an `ombudsman_determination` event, an order is deadline
`ombudsman.order.<order_id>` (met on the day it was complied with), a CHFO is a
`complaint_handling_failure_order` event with its `issued_on` date.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import get_args

from sqlmodel import Session, col, select

from models.calendar import local_date
from models.ombudsman_commands import ChfoReason, OmbudsmanFinding
from models.tables import Case, CaseDeadline, CaseEvent

FINDINGS: tuple[str, ...] = get_args(OmbudsmanFinding)
CHFO_REASONS: tuple[str, ...] = get_args(ChfoReason)
ADVERSE = frozenset({"severe_maladministration", "maladministration", "service_failure"})
"""Findings against the landlord (the Ombudsman's own maladministration rate counts these three)."""
COMPLAINT_HANDLING = "complaint_handling"
"""The element of a determination that is the landlord's complaint handling: an adverse finding on it is a
finding of non-compliance with the Code (8.1 c), as a Complaint Handling Failure Order is."""
EVENTS = ("ombudsman_referral", "ombudsman_determination", "complaint_handling_failure_order")


@dataclass(frozen=True)
class NonCompliance:
    """One Ombudsman finding of non-compliance with the Code: an adverse complaint-handling finding or a CHFO."""

    reference: str
    on: date
    kind: str
    """The finding (`maladministration`, ...) or `chfo:<reason>`."""


@dataclass(frozen=True)
class OmbudsmanFigures:
    """The Ombudsman stage for one landlord (None: all) from `start` to `end`, both included (London dates)."""

    landlord: str | None
    start: date
    end: date
    referrals: int
    """Referrals recorded in the period."""
    referrals_late: int
    """Of those, more than 12 months after the final response or exclusion."""
    determinations: int
    findings: tuple[tuple[str, int], ...]
    """Each of the six findings and how many elements of the period's determinations got it."""
    adverse_findings: int
    non_compliance: tuple[NonCompliance, ...]
    """Code 8.1 c: adverse complaint-handling findings in the period's determinations, and CHFOs issued in it."""
    orders_made: int
    """Orders in the period's determinations."""
    orders_complied: int
    """Orders complied with in the period (whenever made)."""
    orders_complied_late: int
    """Of those, complied with after their due date."""
    orders_overdue: tuple[tuple[str, str, date], ...]
    """(case, order id, due) of every order due by the period's last day and not complied with by then."""
    failure_orders: tuple[tuple[str, int], ...]
    """CHFOs issued in the period, per reason (every reason listed, 0 included)."""

    @property
    def failure_orders_total(self) -> int:
        return sum(n for _, n in self.failure_orders)

    @property
    def maladministration_rate(self) -> float | None:
        """Adverse findings as a percentage of all findings (None when nothing was determined)."""
        total = sum(n for _, n in self.findings)
        return None if total == 0 else 100 * self.adverse_findings / total


def ombudsman_figures(session: Session, landlord: str | None, start: date, end: date) -> OmbudsmanFigures:
    """The Ombudsman figures of `landlord`'s cases (every landlord's when None) from `start` to `end`
    inclusive, as dates in Europe/London. Pure reads; safe to call for any period (quarters, years)."""
    if end < start:
        raise ValueError(f"end ({end.isoformat()}) is before start ({start.isoformat()})")
    events = select(CaseEvent).where(col(CaseEvent.type).in_(EVENTS))
    orders = select(CaseDeadline).where(CaseDeadline.name.startswith("ombudsman.order."))
    if landlord is not None:
        events = events.join(Case, col(Case.reference) == CaseEvent.reference).where(Case.landlord == landlord)
        orders = orders.join(Case, col(Case.reference) == CaseDeadline.reference).where(Case.landlord == landlord)
    referrals = late = determinations = made = 0
    found: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    non_compliance: list[NonCompliance] = []
    for event in session.exec(events).all():
        on, details = local_date(event.at), event.details
        if event.type == "complaint_handling_failure_order":
            issued = date.fromisoformat(str(details["issued_on"]))
            if start <= issued <= end:
                failures[str(details["reason"])] += 1
                non_compliance.append(NonCompliance(event.reference, issued, f"chfo:{details['reason']}"))
        elif not start <= on <= end:
            continue
        elif event.type == "ombudsman_referral":
            referrals += 1
            late += bool(details.get("late"))
        else:
            determinations += 1
            made += int(details.get("orders") or 0)
            for key, finding in details.items():
                if key.startswith("finding."):
                    found[str(finding)] += 1
                    if key == f"finding.{COMPLAINT_HANDLING}" and finding in ADVERSE:
                        non_compliance.append(NonCompliance(event.reference, on, str(finding)))
    complied = complied_late = 0
    overdue: list[tuple[str, str, date]] = []
    for order in session.exec(orders).all():
        if order.met_on is not None and start <= order.met_on <= end:
            complied += 1
            complied_late += order.met_on > order.due
        if not order.cancelled and order.due <= end and (order.met_on is None or order.met_on > end):
            overdue.append((order.reference, order.name.removeprefix("ombudsman.order."), order.due))
    return OmbudsmanFigures(
        landlord=landlord,
        start=start,
        end=end,
        referrals=referrals,
        referrals_late=late,
        determinations=determinations,
        findings=tuple((finding, found[finding]) for finding in FINDINGS),
        adverse_findings=sum(found[f] for f in ADVERSE),
        non_compliance=tuple(sorted(non_compliance, key=lambda n: (n.on, n.reference, n.kind))),
        orders_made=made,
        orders_complied=complied,
        orders_complied_late=complied_late,
        orders_overdue=tuple(sorted(overdue, key=lambda o: (o[2], o[0], o[1]))),
        failure_orders=tuple((reason, failures[reason]) for reason in CHFO_REASONS),
    )
