"""The lifecycle declared once: what each state allows, and the errors people see."""

import pytest

from workflows.lifecycle import ACTIONS, ActionNotAllowed, allowed_actions, is_finished, next_state

ALLOWED = {
    ("pre_stage", 0): ["log_stage1", "acknowledge", "close", "withdraw", "exclude", "resident_input"],
    ("received", 1): ["acknowledge", "withdraw", "exclude", "resident_input"],
    ("stage1_acknowledged", 1): ["extend", "respond", "withdraw", "exclude", "resident_input"],
    ("stage1_extended", 1): ["extend", "respond", "withdraw", "exclude", "resident_input"],
    ("stage1_responded", 1): ["request_stage2", "close", "withdraw", "resident_input"],
    ("stage2_requested", 2): ["acknowledge", "withdraw", "exclude", "resident_input"],
    ("stage2_acknowledged", 2): ["extend", "respond", "withdraw", "exclude", "resident_input"],
    ("stage2_extended", 2): ["extend", "respond", "withdraw", "exclude", "resident_input"],
    ("stage2_responded", 2): ["close", "withdraw", "resident_input"],
    ("closed", 1): ["request_stage2", "resident_input"],
    ("closed", 2): ["resident_input"],
    ("closed", 0): ["resident_input"],
    ("withdrawn", 1): [],
    ("excluded", 2): [],
}


@pytest.mark.parametrize(("state", "stage"), list(ALLOWED))
def test_allowed_actions_per_state(state, stage):
    assert allowed_actions(state, stage) == ALLOWED[(state, stage)]


def test_every_action_is_a_lifecycle_event():
    assert set(ACTIONS) == {
        "log_stage1", "acknowledge", "extend", "respond", "request_stage2", "close", "withdraw", "exclude",
        "resident_input",
    }


@pytest.mark.parametrize(
    ("state", "stage", "action", "expected"),
    [
        ("received", 1, "acknowledge", "stage1_acknowledged"),
        ("pre_stage", 0, "acknowledge", "stage1_acknowledged"),
        ("stage1_extended", 1, "extend", "stage1_extended"),
        ("stage1_responded", 1, "request_stage2", "stage2_requested"),
        ("closed", 1, "request_stage2", "stage2_requested"),
        ("stage2_acknowledged", 2, "respond", "stage2_responded"),
        ("stage2_requested", 2, "exclude", "excluded"),
    ],
)
def test_transitions(state, stage, action, expected):
    assert next_state(state, stage, action) == expected


def test_refusal_names_the_state_and_what_is_allowed():
    with pytest.raises(ActionNotAllowed) as raised:
        next_state("stage2_responded", 2, "extend")
    assert str(raised.value) == (
        "extend is not allowed while the complaint is Stage 2 responded; allowed now: close, withdraw, resident_input"
    )
    with pytest.raises(ActionNotAllowed, match="unknown action 'fly'"):
        next_state("received", 1, "fly")


def test_a_case_is_finished_only_when_nothing_but_notes_can_happen():
    assert is_finished("withdrawn", 1) and is_finished("closed", 2) and is_finished("closed", 0)
    assert not is_finished("closed", 1)
    assert not is_finished("stage2_responded", 2)
