"""The complaint lifecycle under the Housing Ombudsman Complaint Handling Code (2024), declared once.

States and transitions live only here. The workflow's validators, the CLI's errors and the web UI's
action buttons all ask this class what is allowed now (DESIGN.md, principle 3).

Code sections encoded (quoted in seed 001):
- 6.2 / 6.11: a complaint is acknowledged at stage 1, and a stage-2 request is acknowledged.
- 6.4 / 6.15: the response timescale may be extended, possibly more than once within the limit.
- 6.10: a resident not satisfied at stage 1 may escalate to stage 2; 6.12 needs no reasons, so
  the request is accepted from a responded stage-1 case and from one closed after stage 1.
- 2.x / 5.11: a complaint may be excluded (not accepted, or escalation refused) with reasons.
- 5.2 forbids informal pre-stages, but some landlords' policies have one (seeds 003, 004); the
  `pre_stage` state exists only for their profiles and `policy check` reports it. A concern closed there
  may still be logged at stage 1 on the same reference (Together 003 §5.5; Code 5.4).
- 2.3: a complaint about an issue older than the window is flagged; it is acknowledged only after a
  decision to accept it anyway (`accept_outside_window`) and otherwise excluded.
- 5.5 / 7.x: actions promised in a response are tracked to completion; the case closes only after.
- 5.6 / 6.x: additional complaints raised before the response join the open case (`add_complaint`).
- 5.14 / 5.15, representatives: adjustments and restrictions get reviews; consent is recorded.
- 5.9: while a response is late (extended or overdue) an interval for updates is agreed with the
  resident, and each update is recorded (`agree_update_interval`, `record_update`).
- 6.10 / 6.20 and 2.4: stage 2 is the final response, and an exclusion (or a refused escalation) may be
  taken to the Ombudsman; the Ombudsman stage follows either (`ombudsman_referred`, `ombudsman_determined`),
  and its orders are tracked to compliance before the case ends.
"""

from dataclasses import dataclass
from functools import cache

from statemachine import State, StateMachine

from workflows.lifecycle_reasons import GUARD_REASONS, UNAVAILABLE_REASONS


class ComplaintLifecycle(StateMachine):
    """Every state a complaint can be in and every staff or resident action that moves it."""

    # A case under a profile with an informal stage starts in `pre_stage` instead of `received`.
    validate_disconnected_states = False
    # The Ombudsman stage has no final state: its case ends when every order is complied with (a condition
    # of the case, CaseState.finished), not by a transition.
    validate_final_reachability = False

    pre_stage = State("Informal pre-stage")
    received = State("Stage 1 received", initial=True)
    stage1_acknowledged = State("Stage 1 acknowledged")
    stage1_extended = State("Stage 1 extended")
    stage1_responded = State("Stage 1 responded")
    stage2_requested = State("Stage 2 requested")
    stage2_acknowledged = State("Stage 2 acknowledged")
    stage2_extended = State("Stage 2 extended")
    stage2_responded = State("Stage 2 responded")
    closed = State("Closed")
    withdrawn = State("Withdrawn", final=True)
    excluded = State("Excluded")
    """No deadline runs (FINISHED_STATES), but the exclusion may still be taken to the Ombudsman."""
    ombudsman_referred = State("Referred to the Ombudsman")
    ombudsman_determined = State("Determined by the Ombudsman")

    log_stage1 = pre_stage.to(received, cond="window_decided") | closed.to(
        received, cond=["closed_in_pre_stage", "window_decided"]
    )
    acknowledge = (
        pre_stage.to(stage1_acknowledged, cond="window_decided")
        | received.to(stage1_acknowledged, cond="window_decided")
        | stage2_requested.to(stage2_acknowledged)
    )
    accept_outside_window = pre_stage.to.itself(internal=True, cond="window_pending") | received.to.itself(
        internal=True, cond="window_pending"
    )
    extend = (
        stage1_acknowledged.to(stage1_extended)
        | stage1_extended.to.itself(internal=True)
        | stage2_acknowledged.to(stage2_extended)
        | stage2_extended.to.itself(internal=True)
    )
    respond = (
        stage1_acknowledged.to(stage1_responded)
        | stage1_extended.to(stage1_responded)
        | stage2_acknowledged.to(stage2_responded)
        | stage2_extended.to(stage2_responded)
    )
    request_stage2 = stage1_responded.to(stage2_requested) | closed.to(stage2_requested, cond="closed_after_stage1")
    close = (
        pre_stage.to(closed)
        | stage1_responded.to(closed, cond="no_actions_outstanding")
        | stage2_responded.to(closed, cond="no_actions_outstanding")
    )
    withdraw = (
        pre_stage.to(withdrawn)
        | received.to(withdrawn)
        | stage1_acknowledged.to(withdrawn)
        | stage1_extended.to(withdrawn)
        | stage1_responded.to(withdrawn)
        | stage2_requested.to(withdrawn)
        | stage2_acknowledged.to(withdrawn)
        | stage2_extended.to(withdrawn)
        | stage2_responded.to(withdrawn)
    )
    exclude = (
        pre_stage.to(excluded)
        | received.to(excluded)
        | stage1_acknowledged.to(excluded)
        | stage1_extended.to(excluded)
        | stage2_requested.to(excluded)
        | stage2_acknowledged.to(excluded)
        | stage2_extended.to(excluded)
    )
    resident_input = (
        pre_stage.to.itself(internal=True)
        | received.to.itself(internal=True)
        | stage1_acknowledged.to.itself(internal=True)
        | stage1_extended.to.itself(internal=True)
        | stage1_responded.to.itself(internal=True)
        | stage2_requested.to.itself(internal=True)
        | stage2_acknowledged.to.itself(internal=True)
        | stage2_extended.to.itself(internal=True)
        | stage2_responded.to.itself(internal=True)
        | closed.to.itself(internal=True)
        | ombudsman_referred.to.itself(internal=True)
        | ombudsman_determined.to.itself(internal=True)
    )
    assign = (
        pre_stage.to.itself(internal=True)
        | received.to.itself(internal=True)
        | stage1_acknowledged.to.itself(internal=True)
        | stage1_extended.to.itself(internal=True)
        | stage1_responded.to.itself(internal=True)
        | stage2_requested.to.itself(internal=True)
        | stage2_acknowledged.to.itself(internal=True)
        | stage2_extended.to.itself(internal=True)
        | ombudsman_referred.to.itself(internal=True)
        | ombudsman_determined.to.itself(internal=True)
    )
    add_complaint = (
        received.to.itself(internal=True)
        | stage1_acknowledged.to.itself(internal=True)
        | stage1_extended.to.itself(internal=True)
        | stage2_requested.to.itself(internal=True)
        | stage2_acknowledged.to.itself(internal=True)
        | stage2_extended.to.itself(internal=True)
    )
    complete_action = (
        stage1_responded.to.itself(internal=True, cond="actions_outstanding")
        | stage2_requested.to.itself(internal=True, cond="actions_outstanding")
        | stage2_acknowledged.to.itself(internal=True, cond="actions_outstanding")
        | stage2_extended.to.itself(internal=True, cond="actions_outstanding")
        | stage2_responded.to.itself(internal=True, cond="actions_outstanding")
        | ombudsman_referred.to.itself(internal=True, cond="actions_outstanding")
        | ombudsman_determined.to.itself(internal=True, cond="actions_outstanding")
    )
    schedule_review = (
        pre_stage.to.itself(internal=True)
        | received.to.itself(internal=True)
        | stage1_acknowledged.to.itself(internal=True)
        | stage1_extended.to.itself(internal=True)
        | stage1_responded.to.itself(internal=True)
        | stage2_requested.to.itself(internal=True)
        | stage2_acknowledged.to.itself(internal=True)
        | stage2_extended.to.itself(internal=True)
        | stage2_responded.to.itself(internal=True)
        | closed.to.itself(internal=True)
        | ombudsman_referred.to.itself(internal=True)
        | ombudsman_determined.to.itself(internal=True)
    )
    record_review = (
        pre_stage.to.itself(internal=True, cond="reviews_due")
        | received.to.itself(internal=True, cond="reviews_due")
        | stage1_acknowledged.to.itself(internal=True, cond="reviews_due")
        | stage1_extended.to.itself(internal=True, cond="reviews_due")
        | stage1_responded.to.itself(internal=True, cond="reviews_due")
        | stage2_requested.to.itself(internal=True, cond="reviews_due")
        | stage2_acknowledged.to.itself(internal=True, cond="reviews_due")
        | stage2_extended.to.itself(internal=True, cond="reviews_due")
        | stage2_responded.to.itself(internal=True, cond="reviews_due")
        | closed.to.itself(internal=True, cond="reviews_due")
        | ombudsman_referred.to.itself(internal=True, cond="reviews_due")
        | ombudsman_determined.to.itself(internal=True, cond="reviews_due")
    )
    record_consent = (
        pre_stage.to.itself(internal=True)
        | received.to.itself(internal=True)
        | stage1_acknowledged.to.itself(internal=True)
        | stage1_extended.to.itself(internal=True)
        | stage1_responded.to.itself(internal=True)
        | stage2_requested.to.itself(internal=True)
        | stage2_acknowledged.to.itself(internal=True)
        | stage2_extended.to.itself(internal=True)
        | stage2_responded.to.itself(internal=True)
        | closed.to.itself(internal=True)
        | ombudsman_referred.to.itself(internal=True)
        | ombudsman_determined.to.itself(internal=True)
    )
    ombudsman_referral = (
        stage2_responded.to(ombudsman_referred)
        | closed.to(ombudsman_referred, cond="closed_after_stage2")
        | excluded.to(ombudsman_referred)
    )
    ombudsman_evidence_requested = ombudsman_referred.to.itself(internal=True, cond="no_evidence_pending")
    ombudsman_evidence_sent = ombudsman_referred.to.itself(internal=True, cond="evidence_pending")
    ombudsman_determination = ombudsman_referred.to(ombudsman_determined)
    ombudsman_order_complied = ombudsman_determined.to.itself(internal=True, cond="orders_outstanding")
    complaint_handling_failure_order = (
        pre_stage.to.itself(internal=True)
        | received.to.itself(internal=True)
        | stage1_acknowledged.to.itself(internal=True)
        | stage1_extended.to.itself(internal=True)
        | stage1_responded.to.itself(internal=True)
        | stage2_requested.to.itself(internal=True)
        | stage2_acknowledged.to.itself(internal=True)
        | stage2_extended.to.itself(internal=True)
        | stage2_responded.to.itself(internal=True)
        | closed.to.itself(internal=True)
        | ombudsman_referred.to.itself(internal=True)
        | ombudsman_determined.to.itself(internal=True)
    )

    agree_update_interval = (
        stage1_acknowledged.to.itself(internal=True, cond="response_late")
        | stage1_extended.to.itself(internal=True, cond="response_late")
        | stage2_acknowledged.to.itself(internal=True, cond="response_late")
        | stage2_extended.to.itself(internal=True, cond="response_late")
    )
    record_update = (
        stage1_acknowledged.to.itself(internal=True, cond="updates_due")
        | stage1_extended.to.itself(internal=True, cond="updates_due")
        | stage2_acknowledged.to.itself(internal=True, cond="updates_due")
        | stage2_extended.to.itself(internal=True, cond="updates_due")
    )

    def closed_after_stage1(self) -> bool:
        return self.stage == 1

    def closed_after_stage2(self) -> bool:
        return self.stage == 2

    def closed_in_pre_stage(self) -> bool:
        """Closed with an informal reply: the resident may still ask for the formal stage on the same reference
        (Together Housing 003 §5.5, "or on receipt of a response"; Code 5.4: not a second process)."""
        return self.stage == 0

    def window_decided(self) -> bool:
        return not self.conditions.window_decision_pending

    def window_pending(self) -> bool:
        return self.conditions.window_decision_pending

    def actions_outstanding(self) -> bool:
        return self.conditions.actions_outstanding

    def no_actions_outstanding(self) -> bool:
        return not self.conditions.actions_outstanding

    def reviews_due(self) -> bool:
        return self.conditions.reviews_scheduled

    def updates_due(self) -> bool:
        return self.conditions.update_due

    def response_late(self) -> bool:
        return self.conditions.response_late

    def evidence_pending(self) -> bool:
        return self.conditions.evidence_pending

    def no_evidence_pending(self) -> bool:
        return not self.conditions.evidence_pending

    def orders_outstanding(self) -> bool:
        return self.conditions.orders_outstanding


@dataclass(frozen=True)
class Conditions:
    """Facts about a case, beyond its state and stage, that the lifecycle's guards read."""

    window_decision_pending: bool = False
    """The complaint is older than the policy's window and nobody has decided to accept it (Code 2.3)."""
    actions_outstanding: bool = False
    """A response promised actions that are not all done (Code 5.5): the case cannot close yet."""
    reviews_scheduled: bool = False
    """An adjustment or restriction has a review date still to be reviewed (Code 5.14-5.15)."""
    update_due: bool = False
    """An update to the resident at the agreed interval is still to be given (Code 5.9)."""
    response_late: bool = False
    """The current stage's response will fall outside the Code's timescales: extended, or overdue (Code 5.9)."""
    evidence_pending: bool = False
    """The Ombudsman asked for evidence and it has not been sent yet (deadline `ombudsman.evidence`)."""
    orders_outstanding: bool = False
    """An order of the Ombudsman's determination is not yet complied with: the case cannot end."""


FINISHED_STATES = frozenset({"withdrawn", "excluded"})
"""States from which nothing further can happen to the case."""


def is_finished(state: str, stage: int) -> bool:
    """Withdrawn, determined by the Ombudsman, or excluded or closed with neither a stage-2 request nor a
    referral to the Ombudsman still possible: the workflow may end (once no order is outstanding)."""
    if state in ("withdrawn", "ombudsman_determined"):
        return True
    moves = allowed_actions(state, stage)
    return state in ("excluded", "closed") and "request_stage2" not in moves and "ombudsman_referral" not in moves


ACTIONS: tuple[str, ...] = tuple(event.id for event in ComplaintLifecycle.events)


@dataclass(frozen=True)
class _Case:
    """What the guards read (`self.stage`, `self.conditions`), without building a state machine."""

    stage: int
    conditions: Conditions


def _moves_of(state: str, stage: int, conditions: Conditions) -> dict[str, str]:
    """{allowed action: next state} in (state, stage, conditions): the first of the state's declared
    transitions for each action whose guards (the class's own methods) all pass."""
    case, moves = _Case(stage, conditions), {}
    for action in ACTIONS:
        for transition in ComplaintLifecycle.states_map[state].transitions:
            if transition.match(action) and all(getattr(ComplaintLifecycle, c.attr_name)(case) for c in transition.cond):
                moves[action] = transition.target.id
                break
    return moves


@cache
def _moves(state: str, stage: int, conditions: Conditions) -> dict[str, str]:
    """The moves of `_moves_of`, each combination worked out once on first use (microseconds: no state
    machine is built), so a workflow task only ever looks an answer up after that."""
    return _moves_of(state, stage, conditions)


def allowed_actions(state: str, stage: int, conditions: Conditions = Conditions()) -> list[str]:
    """The actions the lifecycle allows in `state`, in declaration order."""
    return list(_moves(state, stage, conditions))


def next_state(state: str, stage: int, action: str, conditions: Conditions = Conditions()) -> str:
    """The state `action` leads to from `state`; raises ActionNotAllowed if it is not allowed."""
    if action not in ACTIONS:
        raise ActionNotAllowed(f"unknown action {action!r}; actions are: {', '.join(ACTIONS)}")
    moves = _moves(state, stage, conditions)
    if action not in moves:
        allowed = ", ".join(moves) or "none"
        because = _guard_reason(state, action)
        raise ActionNotAllowed(
            f"{action} is not allowed while the complaint is {describe(state)}"
            f"{f' because {because}' if because else ''}; allowed now: {allowed}"
        )
    return moves[action]


def _guard_reason(state: str, action: str) -> str | None:
    """The guard that refuses `action` in `state`, when a transition for it exists there at all."""
    for transition in ComplaintLifecycle.states_map[state].transitions:
        if transition.match(action):
            for condition in transition.cond:
                if condition.attr_name in GUARD_REASONS:
                    return GUARD_REASONS[condition.attr_name]
    return UNAVAILABLE_REASONS.get(action)


def describe(state: str) -> str:
    """A person's words for a state, e.g. 'Stage 1 acknowledged'."""
    return ComplaintLifecycle.states_map[state].name if state in ComplaintLifecycle.states_map else state


class ActionNotAllowed(ValueError):
    """The lifecycle does not allow this action in the case's current state."""
