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
  `pre_stage` state exists only for their profiles and `policy check` reports it.
"""

from statemachine import State, StateMachine


class ComplaintLifecycle(StateMachine):
    """Every state a complaint can be in and every staff or resident action that moves it."""

    # A case under a profile with an informal stage starts in `pre_stage` instead of `received`.
    validate_disconnected_states = False

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
    excluded = State("Excluded", final=True)

    log_stage1 = pre_stage.to(received)
    acknowledge = (
        pre_stage.to(stage1_acknowledged)
        | received.to(stage1_acknowledged)
        | stage2_requested.to(stage2_acknowledged)
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
    request_stage2 = stage1_responded.to(stage2_requested) | closed.to(
        stage2_requested, cond="closed_after_stage1"
    )
    close = (
        pre_stage.to(closed)
        | stage1_responded.to(closed)
        | stage2_responded.to(closed)
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
    )

    def __init__(self, state: str = "received", stage: int = 1):
        self.stage = stage
        super().__init__(start_value=state)

    def closed_after_stage1(self) -> bool:
        return self.stage == 1


STAGE_OF_STATE: dict[str, int] = {
    "pre_stage": 0,
    "received": 1,
    "stage1_acknowledged": 1,
    "stage1_extended": 1,
    "stage1_responded": 1,
    "stage2_requested": 2,
    "stage2_acknowledged": 2,
    "stage2_extended": 2,
    "stage2_responded": 2,
}
"""The stage a live state belongs to; closed, withdrawn and excluded keep the stage they left."""

FINISHED_STATES = frozenset({"withdrawn", "excluded"})
"""States from which nothing further can happen to the case."""


def is_finished(state: str, stage: int) -> bool:
    """Withdrawn, excluded, or closed with no stage-2 request still possible: the workflow may end."""
    return state in FINISHED_STATES or (state == "closed" and "request_stage2" not in allowed_actions(state, stage))

ACTIONS: tuple[str, ...] = tuple(event.id for event in ComplaintLifecycle.events)


def _transition_table() -> dict[tuple[str, int], dict[str, str]]:
    """Every (state, stage) → {allowed action: next state}, derived once from the declaration above.

    Workflows consult it on every command, so it is computed at import rather than by building a
    state machine per call; it is still the declaration that decides."""
    table: dict[tuple[str, int], dict[str, str]] = {}
    for state in ComplaintLifecycle.states:
        for stage in (0, 1, 2):
            moves: dict[str, str] = {}
            for event in ComplaintLifecycle(state.id, stage).enabled_events():
                machine = ComplaintLifecycle(state.id, stage)
                machine.send(event.id)
                moves[event.id] = str(machine.current_state_value)
            table[(state.id, stage)] = moves
    return table


_TRANSITIONS = _transition_table()


def allowed_actions(state: str, stage: int) -> list[str]:
    """The actions the lifecycle allows in `state`, in declaration order."""
    return list(_TRANSITIONS[(state, stage)])


def next_state(state: str, stage: int, action: str) -> str:
    """The state `action` leads to from `state`; raises ActionNotAllowed if it is not allowed."""
    if action not in ACTIONS:
        raise ActionNotAllowed(f"unknown action {action!r}; actions are: {', '.join(ACTIONS)}")
    moves = _TRANSITIONS[(state, stage)]
    if action not in moves:
        allowed = ", ".join(moves) or "none"
        raise ActionNotAllowed(
            f"{action} is not allowed while the complaint is {describe(state)}; allowed now: {allowed}"
        )
    return moves[action]


def describe(state: str) -> str:
    """A person's words for a state, e.g. 'Stage 1 acknowledged'."""
    return ComplaintLifecycle.states_map[state].name if state in ComplaintLifecycle.states_map else state


class ActionNotAllowed(ValueError):
    """The lifecycle does not allow this action in the case's current state."""
