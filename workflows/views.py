"""What a case's workflow answers with: the whole case (query `case`, the projection, the result) and the
short summary a command returns. Pure functions of the case state."""

from collections.abc import Sequence

from models.calendar import end_of_day
from models.case import CaseInput, CaseProjection, CaseSummary, CaseView, EventView
from workflows.case_state import CaseState


def summary(state: CaseState) -> CaseSummary:
    return CaseSummary(
        reference=state.case.reference,
        state=state.state,
        stage=state.stage,
        deadlines=tuple(d.view() for d in state.deadlines.values()),
        allowed_actions=state.allowed_actions(),
        late_stage2_request=state.late_stage2,
        last_event=state.events[-1] if state.events else None,
    )


def case_view(
    case: CaseInput, state: CaseState | None, rejected_signals: Sequence[str], events: tuple[EventView, ...] | None = None
) -> CaseView:
    """The whole case (`state` None: not set up yet); `events` narrows the timeline (the projection sends
    only new events)."""
    common = dict(
        reference=case.reference,
        landlord=case.landlord,
        policy_id=case.policy_id,
        policy_version=case.policy_version,
        region=case.region,
        rejected_signals=tuple(rejected_signals),
    )
    if state is None:
        return CaseView(
            **common, state="received", stage=1, handler=case.handler, deadlines=(), notices=(), events=(), allowed_actions=()
        )
    return CaseView(
        **common,
        state=state.state,
        stage=state.stage,
        handler=state.handler,
        deadlines=tuple(d.view() for d in state.deadlines.values()),
        notices=tuple(state.notices),
        stage1_handlers=tuple(state.stage1_people),
        events=tuple(state.events) if events is None else events,
        allowed_actions=state.allowed_actions(),
        late_stage2_request=state.late_stage2,
    )


def projection(view: CaseView, state: CaseState) -> CaseProjection:
    """What the read model and the Web UI's search attributes are written from: `view` (the case, with the
    events not yet written) and when its next open deadline ends, and whether any is already missed."""
    live = state.live_deadlines()
    return CaseProjection(
        case=view,
        received_at=state.case.received_at,
        next_deadline=min((end_of_day(d.due) for d in live), default=None),
        overdue=any(d.met is False for d in live),
    )
