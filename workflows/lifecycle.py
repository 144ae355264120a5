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

import operator
from dataclasses import dataclass
from functools import cache, reduce

from statemachine import State, StateMachine
from statemachine.transition import Transition
from statemachine.transition_list import TransitionList

from workflows.lifecycle_reasons import GUARD_REASONS, UNAVAILABLE_REASONS


def _stay(*states: State, cond: str | None = None) -> TransitionList:
    """`states` each allow an action that records something and leaves the case where it is."""
    return reduce(operator.or_, (state.to.itself(internal=True, cond=cond) for state in states))


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

    # Groups of states that allow the same action (only this declaration reads them; deleted below).
    _STAGE1_OPEN = (received, stage1_acknowledged, stage1_extended)
    _STAGE2_OPEN = (stage2_requested, stage2_acknowledged, stage2_extended)
    _BEFORE_RESPONSE = (*_STAGE1_OPEN, *_STAGE2_OPEN)
    """Additional complaints join the case until its stage's response (Code 5.6)."""
    _AWAITING_RESPONSE = (stage1_acknowledged, stage1_extended, stage2_acknowledged, stage2_extended)
    """Acknowledged, response still to come: the Code 5.9 updates while it is late."""
    _IN_PROGRESS = (pre_stage, *_STAGE1_OPEN, stage1_responded, *_STAGE2_OPEN, stage2_responded)
    """From the informal stage to the final response: the resident may withdraw."""
    _WITH_OMBUDSMAN = (ombudsman_referred, ombudsman_determined)
    _ASSIGNABLE = (pre_stage, *_STAGE1_OPEN, stage1_responded, *_STAGE2_OPEN, *_WITH_OMBUDSMAN)
    _OPEN = (*_IN_PROGRESS, closed, *_WITH_OMBUDSMAN)
    """Every state but withdrawn and excluded: notes, reviews, consent and CHFOs are recorded in all of them."""
    _ACTIONS_PROMISED = (stage1_responded, *_STAGE2_OPEN, stage2_responded, *_WITH_OMBUDSMAN)
    """After a response, which may have promised actions (Code 5.5)."""

    log_stage1 = received.from_(pre_stage, cond="window_decided") | closed.to(
        received, cond=["closed_in_pre_stage", "window_decided"]
    )
    acknowledge = stage1_acknowledged.from_(pre_stage, received, cond="window_decided") | stage2_requested.to(stage2_acknowledged)
    accept_outside_window = _stay(pre_stage, received, cond="window_pending")
    extend = (
        stage1_acknowledged.to(stage1_extended)
        | _stay(stage1_extended)
        | stage2_acknowledged.to(stage2_extended)
        | _stay(stage2_extended)
    )
    respond = stage1_responded.from_(stage1_acknowledged, stage1_extended) | stage2_responded.from_(
        stage2_acknowledged, stage2_extended
    )
    request_stage2 = stage1_responded.to(stage2_requested) | closed.to(stage2_requested, cond="closed_after_stage1")
    close = pre_stage.to(closed) | closed.from_(stage1_responded, stage2_responded, cond="no_actions_outstanding")
    withdraw = withdrawn.from_(*_IN_PROGRESS)
    exclude = excluded.from_(pre_stage, *_BEFORE_RESPONSE)
    resident_input = _stay(*_OPEN)
    assign = _stay(*_ASSIGNABLE)
    add_complaint = _stay(*_BEFORE_RESPONSE)
    complete_action = _stay(*_ACTIONS_PROMISED, cond="actions_outstanding")
    schedule_review = _stay(*_OPEN)
    record_review = _stay(*_OPEN, cond="reviews_due")
    record_consent = _stay(*_OPEN)
    ombudsman_referral = ombudsman_referred.from_(stage2_responded, excluded) | closed.to(
        ombudsman_referred, cond="closed_after_stage2"
    )
    ombudsman_evidence_requested = _stay(ombudsman_referred, cond="no_evidence_pending")
    ombudsman_evidence_sent = _stay(ombudsman_referred, cond="evidence_pending")
    ombudsman_determination = ombudsman_referred.to(ombudsman_determined)
    ombudsman_order_complied = _stay(ombudsman_determined, cond="orders_outstanding")
    complaint_handling_failure_order = _stay(*_OPEN)
    agree_update_interval = _stay(*_AWAITING_RESPONSE, cond="response_late")
    record_update = _stay(*_AWAITING_RESPONSE, cond="updates_due")

    del _STAGE1_OPEN, _STAGE2_OPEN, _BEFORE_RESPONSE, _AWAITING_RESPONSE, _IN_PROGRESS, _WITH_OMBUDSMAN, _ASSIGNABLE, _OPEN
    del _ACTIONS_PROMISED

    # Guards: the library passes them the facts given to `enabled_events(stage=..., conditions=...)`.

    def closed_after_stage1(self, stage: int) -> bool:
        return stage == 1

    def closed_after_stage2(self, stage: int) -> bool:
        return stage == 2

    def closed_in_pre_stage(self, stage: int) -> bool:
        """Closed with an informal reply: the resident may still ask for the formal stage on the same reference
        (Together Housing 003 §5.5, "or on receipt of a response"; Code 5.4: not a second process)."""
        return stage == 0

    def window_decided(self, conditions: "Conditions") -> bool:
        return not conditions.window_decision_pending

    def window_pending(self, conditions: "Conditions") -> bool:
        return conditions.window_decision_pending

    def actions_outstanding(self, conditions: "Conditions") -> bool:
        return conditions.actions_outstanding

    def no_actions_outstanding(self, conditions: "Conditions") -> bool:
        return not conditions.actions_outstanding

    def reviews_due(self, conditions: "Conditions") -> bool:
        return conditions.reviews_scheduled

    def updates_due(self, conditions: "Conditions") -> bool:
        return conditions.update_due

    def response_late(self, conditions: "Conditions") -> bool:
        return conditions.response_late

    def evidence_pending(self, conditions: "Conditions") -> bool:
        return conditions.evidence_pending

    def no_evidence_pending(self, conditions: "Conditions") -> bool:
        return not conditions.evidence_pending

    def orders_outstanding(self, conditions: "Conditions") -> bool:
        return conditions.orders_outstanding


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
"""States in which no deadline runs (an excluded case may still be referred to the Ombudsman)."""
DONE_STATES = FINISHED_STATES | {"closed"}
"""Closed, withdrawn or excluded: no response is awaited. A closed case may still have a review running and
listen for a stage-2 request or a referral (the lists show it as "review due", never as awaiting a response)."""
AWAITING_STAGE2_REQUEST = frozenset({"stage1_responded", "closed"})
"""At stage 1, after its response: the case listens for a stage-2 request (Code 6.10), then may end."""
AWAITING_REFERRAL = frozenset({"stage2_responded", "closed", "excluded"})
"""After the final response or an exclusion: the case listens for a referral to the Ombudsman, then may end."""
CLOSED_WHEN_LISTENING_ENDS = {"stage1_responded": "stage2", "stage2_responded": "referral"}
"""A responded case nobody took further is closed when it stops listening for (value) a stage-2 request or a
referral; the automatic close's command id is `<value>-listening-ended`."""


def is_finished(state: str, stage: int) -> bool:
    """Withdrawn, determined by the Ombudsman, or excluded or closed with neither a stage-2 request nor a
    referral to the Ombudsman still possible: the workflow may end (once no order is outstanding)."""
    if state in ("withdrawn", "ombudsman_determined"):
        return True
    moves = allowed_actions(state, stage)
    return state in ("excluded", "closed") and "request_stage2" not in moves and "ombudsman_referral" not in moves


ACTIONS: tuple[str, ...] = tuple(event.id for event in ComplaintLifecycle.events)  # type: ignore[attr-defined]  # the metaclass's property; the stubs see the instance one


STATES: dict[str, State] = {state.id: state for state in ComplaintLifecycle.states}
"""Every state by its name, in declaration order."""


@cache
def _machine_at(state: str) -> ComplaintLifecycle:
    """A lifecycle standing in `state`, only ever asked (never moved), so one per state serves every case."""
    return ComplaintLifecycle(start_value=STATES[state].value)


def _move(state: str, action: str) -> Transition | None:
    """The lifecycle's move for `action` out of `state`, if it declares one (it declares at most one)."""
    return next((move for move in STATES[state].transitions if move.match(action)), None)


@cache
def _moves(state: str, stage: int, conditions: Conditions) -> dict[str, str]:
    """{allowed action: next state}: the actions whose guards the library finds satisfied by (stage, conditions),
    worked out once per combination, so a workflow task only ever looks an answer up after that."""
    enabled = {event.id for event in _machine_at(state).enabled_events(stage=stage, conditions=conditions)}
    return {action: _target(state, action) for action in ACTIONS if action in enabled}


def _target(state: str, action: str) -> str:
    """Where an enabled action leads from `state` (an enabled event always has its declared move)."""
    move = _move(state, action)
    assert move is not None and move.target is not None, f"{action} is enabled in {state} without a move"
    return move.target.id


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
    """Why a declared move is refused (its first guard that has words), or why the action is never open here."""
    move = _move(state, action)
    guards = [str(guard) for guard in move.cond] if move is not None else []
    return next((GUARD_REASONS[guard] for guard in guards if guard in GUARD_REASONS), UNAVAILABLE_REASONS.get(action))


def describe(state: str) -> str:
    """A person's words for a state, e.g. 'Stage 1 acknowledged'."""
    return STATES[state].name if state in STATES else state


class ActionNotAllowed(ValueError):
    """The lifecycle does not allow this action in the case's current state."""
