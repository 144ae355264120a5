"""The lifecycle answers exactly as the frozen table says (tests/lifecycle_table.json, see tests/lifecycle_table.py).

Live cases replay their histories on new code: an action allowed where it was refused, a different next state
or different words in a refusal would change what a replayed workflow decides. Every state, stage and
combination of guard facts is checked, with the full refusal message for every refused action.
"""

import json

import pytest

from tests.lifecycle_table import STAGES, TABLE, UNKNOWN_ACTION, VARIANT_CODES, conditions_of
from workflows.lifecycle import ACTIONS, ActionNotAllowed, Conditions, allowed_actions, describe, is_finished, next_state

FROZEN = json.loads(TABLE.read_text())


def test_the_actions_states_and_their_words_are_unchanged():
    assert list(ACTIONS) == FROZEN["actions"]
    assert {state: describe(state) for state in FROZEN["states"]} == FROZEN["states"]


def test_which_cases_may_end_is_unchanged():
    assert {key: is_finished(key.split("/")[0], int(key.split("/")[1])) for key in FROZEN["finished"]} == FROZEN["finished"]


def test_an_unknown_action_is_refused_in_the_same_words():
    with pytest.raises(ActionNotAllowed) as refused:
        next_state("received", 1, UNKNOWN_ACTION, Conditions())
    assert str(refused.value) == FROZEN["unknown_action"]


@pytest.mark.parametrize("state", list(FROZEN["states"]))
@pytest.mark.parametrize("stage", STAGES)
def test_every_move_and_refusal_is_unchanged(state, stage):
    moves = FROZEN["moves"][f"{state}/{stage}"]
    for mask, variant in enumerate(moves["by_conditions"]):
        conditions = conditions_of(mask)
        expected = dict(move.split(">") for move in moves["variants"][VARIANT_CODES.index(variant)].split())
        assert allowed_actions(state, stage, conditions) == list(expected), (state, stage, conditions)
        for action in ACTIONS:
            if action in expected:
                assert next_state(state, stage, action, conditions) == expected[action], (state, stage, action, conditions)
                continue
            reason = FROZEN["reasons"][state][action]
            words = (
                f"{action} is not allowed while the complaint is {FROZEN['states'][state]}"
                f"{f' because {reason}' if reason else ''}; allowed now: {', '.join(expected) or 'none'}"
            )
            with pytest.raises(ActionNotAllowed) as refused:
                next_state(state, stage, action, conditions)
            assert str(refused.value) == words, (state, stage, action, conditions)
