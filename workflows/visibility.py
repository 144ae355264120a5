"""What an engineer sees of a case in the Temporal Web UI: search attributes and current details.

Pure functions of the projection the workflow already builds (no I/O, deterministic), so the Web UI
can answer "every overdue stage-2 case at landlord X" (`ComplaintStage = "2" AND Overdue = true AND
Landlord = "X"`) and show one case's story. Only references, states and dates: no personal data.
"""

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from models.case import CaseProjection

COMPLAINT_STAGE = SearchAttributeKey.for_keyword("ComplaintStage")
COMPLAINT_STATE = SearchAttributeKey.for_keyword("ComplaintState")
LANDLORD = SearchAttributeKey.for_keyword("Landlord")
HANDLER = SearchAttributeKey.for_keyword("Handler")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
KEYS = (COMPLAINT_STAGE, COMPLAINT_STATE, LANDLORD, HANDLER, NEXT_DEADLINE, OVERDUE)
"""Registered by `complaints dev`, the simulator and compose's one-shot service (DESIGN.md, Inspecting)."""


def search_attributes(projection: CaseProjection) -> list[SearchAttributeUpdate]:
    """Every attribute, set or unset, so each upsert leaves the case fully up to date."""
    case = projection.case
    return [
        COMPLAINT_STAGE.value_set(str(case.stage)),
        COMPLAINT_STATE.value_set(case.state),
        LANDLORD.value_set(case.landlord),
        HANDLER.value_set(case.handler) if case.handler else HANDLER.value_unset(),
        NEXT_DEADLINE.value_set(projection.next_deadline) if projection.next_deadline else NEXT_DEADLINE.value_unset(),
        OVERDUE.value_set(projection.overdue),
    ]


def current_details(projection: CaseProjection) -> str:
    """The Web UI's "current details" (Markdown): where the case stands and what is due next."""
    case = projection.case
    lines = [
        f"**{case.reference}** · {case.landlord} · {case.policy_id} v{case.policy_version} · {case.region}",
        f"Stage {case.stage}, **{case.state}**" + (f" · handler {case.handler}" if case.handler else ""),
    ]
    open_deadlines = sorted((d for d in case.deadlines if d.met_on is None and not d.cancelled), key=lambda d: d.due)
    for deadline in open_deadlines:
        status = "**OVERDUE**" if deadline.met is False else "provisional" if deadline.provisional else "open"
        lines.append(f"- {deadline.name} due {deadline.due.isoformat()} ({status})")
    if case.notices:
        last = case.notices[-1]
        lines.append(f"Last notice: {last.kind} for {last.deadline} at {last.at.isoformat()}")
    return "\n".join(lines)
