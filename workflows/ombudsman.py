"""The Ombudsman stage: a referral after the landlord's final word, the Ombudsman's request for evidence, its
determination with orders, compliance with each order, and Complaint Handling Failure Orders.

Declared as command rules (checks and effects) that `workflows/commands.py` puts in its one table. The
lifecycle (`workflows/lifecycle.py`) decides when each is allowed; this module decides what each needs
and what it changes: every request and order is a deadline with the ladder's notices, named
`ombudsman.evidence` and `ombudsman.order.<order_id>` (DESIGN.md, "Deadline names").
"""

from datetime import date

from models.calendar import local_date
from models.ombudsman_commands import (
    ComplaintHandlingFailureOrder,
    OmbudsmanDetermination,
    OmbudsmanEvidenceRequested,
    OmbudsmanEvidenceSent,
    OmbudsmanOrderComplied,
    OmbudsmanReferral,
)
from workflows.case_state import EVIDENCE, ORDER, CaseState, Details
from workflows.command_rule import CommandRule, Refused, nothing_to_check, within_horizon


def referral(case: CaseState, command: OmbudsmanReferral, day: date) -> Details:
    """The resident took the final response (or exclusion) to the Ombudsman; after 12 months it is flagged late."""
    return {"ombudsman_ref": command.ombudsman_ref, "late": case.referral_is_late(day)}


def check_evidence_requested(case: CaseState, command: OmbudsmanEvidenceRequested, today: date) -> None:
    within_horizon("due_on", command.due_on, today, from_today=True)


def evidence_requested(case: CaseState, command: OmbudsmanEvidenceRequested, day: date) -> Details:
    """A request for evidence is a deadline; a further request after one was answered is `ombudsman.evidence.<n>`."""
    rounds = sum(1 for name in case.deadlines if name == EVIDENCE or name.startswith(f"{EVIDENCE}."))
    name = EVIDENCE if rounds == 0 else f"{EVIDENCE}.{rounds + 1}"
    case.add_deadline(name, command.due_on)
    return {"deadline": name, "due_on": command.due_on.isoformat()}


def evidence_sent(case: CaseState, command: OmbudsmanEvidenceSent, day: date) -> Details:
    name = case.open_evidence()
    assert name is not None, "the lifecycle allows this only while a request is open"
    case.settle(name, day)
    return {"deadline": name, "late": case.deadlines[name].met is False}


def check_determination(case: CaseState, command: OmbudsmanDetermination, today: date) -> None:
    elements = [f.element for f in command.findings]
    repeated = sorted({e for e in elements if elements.count(e) > 1})
    if repeated:
        raise Refused("findings", "unique_elements", f"each element has one finding; repeated: {', '.join(repeated)}")
    ids = [o.order_id for o in command.orders]
    taken = sorted({i for i in ids if ids.count(i) > 1 or f"{ORDER}.{i}" in case.deadlines})
    if taken:
        raise Refused("orders", "unique_ids", f"order ids must be new and unique within the case; repeated: {', '.join(taken)}")
    for number, order in enumerate(command.orders):  # numbered from 0, as the payload's own errors are
        within_horizon(f"orders.{number}.due_on", order.due_on, today, from_today=True)


def determination(case: CaseState, command: OmbudsmanDetermination, day: date) -> Details:
    """Each finding is recorded by element; each order becomes a deadline. An unanswered evidence request
    is moot once the Ombudsman has determined the case."""
    evidence = case.open_evidence()
    if evidence is not None:
        case.deadlines[evidence].cancelled = True
    details: Details = {f"finding.{f.element}": f.finding for f in command.findings}
    for order in command.orders:
        case.add_deadline(f"{ORDER}.{order.order_id}", order.due_on)
        details[f"order.{order.order_id}"] = order.kind
    details["orders"] = len(command.orders)
    return details


def check_order_complied(case: CaseState, command: OmbudsmanOrderComplied, today: date) -> None:
    if command.order_id not in case.open_items(ORDER):
        outstanding = ", ".join(case.open_items(ORDER)) or "none"
        raise Refused(
            "order_id", "known_order", f"no outstanding Ombudsman order {command.order_id!r}; outstanding: {outstanding}"
        )


def order_complied(case: CaseState, command: OmbudsmanOrderComplied, day: date) -> Details:
    name = f"{ORDER}.{command.order_id}"
    case.settle(name, day)
    details: Details = {"order_id": command.order_id, "late": case.deadlines[name].met is False}
    if command.evidence_ref:
        details["evidence_ref"] = command.evidence_ref
    return details


def check_failure_order(case: CaseState, command: ComplaintHandlingFailureOrder, today: date) -> None:
    received = local_date(case.case.received_at)
    if not received <= command.issued_on <= today:
        raise Refused(
            "issued_on",
            "issued_bounds",
            f"must be a date from the complaint's receipt ({received.isoformat()}) to today ({today.isoformat()}), "
            f"not {command.issued_on.isoformat()}",
        )


def failure_order(case: CaseState, command: ComplaintHandlingFailureOrder, day: date) -> Details:
    """Recorded against the landlord (Code 8.1 c reports it); it changes no deadline."""
    return {"reason": command.reason, "issued_on": command.issued_on.isoformat()}


OMBUDSMAN_RULES = (
    CommandRule("ombudsman_referral", nothing_to_check, referral),
    CommandRule("ombudsman_evidence_requested", check_evidence_requested, evidence_requested),
    CommandRule("ombudsman_evidence_sent", nothing_to_check, evidence_sent),
    CommandRule("ombudsman_determination", check_determination, determination),
    CommandRule("ombudsman_order_complied", check_order_complied, order_complied),
    CommandRule("complaint_handling_failure_order", check_failure_order, failure_order),
)
"""The Ombudsman stage's commands, in the one table of `workflows.commands.COMMAND_RULES`."""
