"""Every decision the lifecycle takes, as one table: written to `tests/lifecycle_table.json` and compared with it.

Live cases replay their stored histories on new code, so the lifecycle must keep answering exactly as it did:
for every state, stage (0, 1, 2) and combination of the guard facts (`Conditions`, 7 flags, 128 combinations),
which actions are allowed and where each leads, and for every refused action the reason people are given.
`python -m tests.lifecycle_table` writes the table from the code as it is now (do that only when the
lifecycle is meant to change, and say so in the commit); `tests/test_lifecycle_table.py` checks the code against it.
"""

import json
from dataclasses import fields
from itertools import product
from pathlib import Path

from workflows.lifecycle import (
    ACTIONS,
    ActionNotAllowed,
    ComplaintLifecycle,
    Conditions,
    allowed_actions,
    describe,
    is_finished,
    next_state,
)

TABLE = Path(__file__).with_name("lifecycle_table.json")
STAGES = (0, 1, 2)
FACTS = tuple(f.name for f in fields(Conditions))
UNKNOWN_ACTION = "fly"
VARIANT_CODES = "0123456789abcdefghijklmnopqrstuvwxyz"
"""One character per combination names its answer among the (state, stage)'s distinct answers."""


def conditions_of(mask: int) -> Conditions:
    """Combination `mask` of the guard facts: bit i set means the i-th field of `Conditions` is true."""
    return Conditions(**{fact: bool(mask >> i & 1) for i, fact in enumerate(FACTS)})


def refusal(state: str, stage: int, action: str, conditions: Conditions) -> str | None:
    """The message `next_state` refuses `action` with, or None when it is allowed."""
    try:
        next_state(state, stage, action, conditions)
    except ActionNotAllowed as refused:
        return str(refused)
    return None


def because(state: str, action: str, allowed: list[str], message: str) -> str | None:
    """The reason a refusal message gives, once the sentence around it is taken off."""
    head = f"{action} is not allowed while the complaint is {describe(state)}"
    tail = f"; allowed now: {', '.join(allowed) or 'none'}"
    assert message.startswith(head) and message.endswith(tail), message
    reason = message[len(head) : len(message) - len(tail)]
    assert reason == "" or reason.startswith(" because "), message
    return reason.removeprefix(" because ") or None


def moves_by_conditions(state: str, stage: int) -> dict[str, object]:
    """The distinct {action: next state} answers in (state, stage), and which one each combination gets."""
    variants: list[str] = []
    chosen = []
    for mask in range(2 ** len(FACTS)):
        conditions = conditions_of(mask)
        moves = " ".join(f"{a}>{next_state(state, stage, a, conditions)}" for a in allowed_actions(state, stage, conditions))
        if moves not in variants:
            variants.append(moves)
        chosen.append(VARIANT_CODES[variants.index(moves)])
    return {"variants": variants, "by_conditions": "".join(chosen)}


def reasons(state: str) -> dict[str, str | None]:
    """The reason given for refusing each action in `state`: checked to be the same whatever the stage and facts."""
    found: dict[str, str | None] = {}
    for stage, mask, action in product(STAGES, range(2 ** len(FACTS)), ACTIONS):
        conditions = conditions_of(mask)
        message = refusal(state, stage, action, conditions)
        if message is None:
            continue
        reason = because(state, action, allowed_actions(state, stage, conditions), message)
        assert found.setdefault(action, reason) == reason, (state, stage, mask, action)
    return found


def table() -> dict[str, object]:
    states = [state.id for state in ComplaintLifecycle.states]
    return {
        "actions": list(ACTIONS),
        "facts": list(FACTS),
        "states": {s: describe(s) for s in states},
        "finished": {f"{s}/{stage}": is_finished(s, stage) for s in states for stage in STAGES},
        "moves": {f"{s}/{stage}": moves_by_conditions(s, stage) for s in states for stage in STAGES},
        "reasons": {s: reasons(s) for s in states},
        "unknown_action": refusal("received", 1, UNKNOWN_ACTION, Conditions()),
    }


if __name__ == "__main__":
    TABLE.write_text(json.dumps(table(), indent=1) + "\n")
    print(f"wrote {TABLE}")
