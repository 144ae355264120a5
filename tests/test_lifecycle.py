"""The lifecycle declared once: what each state allows, and the errors people see."""

import pytest

from workflows.lifecycle import ACTIONS, STATES, ActionNotAllowed, Conditions, allowed_actions, is_finished, next_state

RECORD = ["assign", "schedule_review", "record_consent"]
"""Actions open in every live state: (re)assigning, reviews of adjustments/restrictions, a representative's consent."""
CHFO = "complaint_handling_failure_order"
"""Recorded against the landlord in every live state: the Ombudsman may issue one at any stage."""
ALLOWED = {
    ("pre_stage", 0): ["log_stage1", "acknowledge", "close", "withdraw", "exclude", "resident_input", *RECORD, CHFO],
    ("received", 1): [
        "acknowledge",
        "withdraw",
        "exclude",
        "resident_input",
        "assign",
        "add_complaint",
        "schedule_review",
        "record_consent",
        CHFO,
    ],
    ("stage1_acknowledged", 1): [
        "extend",
        "respond",
        "withdraw",
        "exclude",
        "resident_input",
        "assign",
        "add_complaint",
        "schedule_review",
        "record_consent",
        CHFO,
    ],
    ("stage1_extended", 1): [
        "extend",
        "respond",
        "withdraw",
        "exclude",
        "resident_input",
        "assign",
        "add_complaint",
        "schedule_review",
        "record_consent",
        CHFO,
    ],
    ("stage1_responded", 1): ["request_stage2", "close", "withdraw", "resident_input", *RECORD, CHFO],
    ("stage2_requested", 2): [
        "acknowledge",
        "withdraw",
        "exclude",
        "resident_input",
        "assign",
        "add_complaint",
        "schedule_review",
        "record_consent",
        CHFO,
    ],
    ("stage2_acknowledged", 2): [
        "extend",
        "respond",
        "withdraw",
        "exclude",
        "resident_input",
        "assign",
        "add_complaint",
        "schedule_review",
        "record_consent",
        CHFO,
    ],
    ("stage2_extended", 2): [
        "extend",
        "respond",
        "withdraw",
        "exclude",
        "resident_input",
        "assign",
        "add_complaint",
        "schedule_review",
        "record_consent",
        CHFO,
    ],
    ("stage2_responded", 2): [
        "close",
        "withdraw",
        "resident_input",
        "schedule_review",
        "record_consent",
        "ombudsman_referral",
        CHFO,
    ],
    ("closed", 1): ["request_stage2", "resident_input", "schedule_review", "record_consent", CHFO],
    ("closed", 2): ["resident_input", "schedule_review", "record_consent", "ombudsman_referral", CHFO],
    ("closed", 0): [
        "log_stage1",
        "resident_input",
        "schedule_review",
        "record_consent",
        CHFO,
    ],  # Together 003 §5.5: the formal stage after an informal reply
    ("withdrawn", 1): [],
    ("excluded", 2): ["ombudsman_referral"],
    ("excluded", 1): ["ombudsman_referral"],
    ("ombudsman_referred", 2): ["resident_input", *RECORD, "ombudsman_evidence_requested", "ombudsman_determination", CHFO],
    ("ombudsman_determined", 2): ["resident_input", *RECORD, CHFO],
}


@pytest.mark.parametrize(("state", "stage"), list(ALLOWED))
def test_allowed_actions_per_state(state, stage):
    assert allowed_actions(state, stage) == ALLOWED[(state, stage)]


def test_every_action_is_a_lifecycle_event():
    assert set(ACTIONS) == {
        "log_stage1",
        "acknowledge",
        "extend",
        "respond",
        "request_stage2",
        "close",
        "withdraw",
        "exclude",
        "resident_input",
        "accept_outside_window",
        "assign",
        "add_complaint",
        "complete_action",
        "schedule_review",
        "record_review",
        "record_consent",
        "agree_update_interval",
        "record_update",
        "ombudsman_referral",
        "ombudsman_evidence_requested",
        "ombudsman_evidence_sent",
        "ombudsman_determination",
        "ombudsman_order_complied",
        CHFO,
    }


def test_every_action_has_a_payload_and_a_rule():
    """The web, the CLI and simulations build a command from `COMMANDS`; the workflow registers an Update for
    each of `COMMAND_RULES` (taking its payload type from `COMMANDS`): an action missing from one would be
    offered and refused, or accepted and never offered."""
    from models.commands import COMMANDS
    from workflows.commands import COMMAND_RULES

    assert set(COMMANDS) == set(COMMAND_RULES) == set(ACTIONS)


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
        ("stage2_responded", 2, "ombudsman_referral", "ombudsman_referred"),
        ("closed", 2, "ombudsman_referral", "ombudsman_referred"),
        ("excluded", 1, "ombudsman_referral", "ombudsman_referred"),
        ("ombudsman_referred", 2, "ombudsman_determination", "ombudsman_determined"),
    ],
)
def test_transitions(state, stage, action, expected):
    assert next_state(state, stage, action) == expected


def test_refusal_names_the_state_and_what_is_allowed():
    with pytest.raises(ActionNotAllowed) as raised:
        next_state("stage2_responded", 2, "extend")
    assert str(raised.value) == (
        "extend is not allowed while the complaint is Stage 2 responded; allowed now: close, withdraw, "
        "resident_input, schedule_review, record_consent, ombudsman_referral, complaint_handling_failure_order"
    )
    with pytest.raises(ActionNotAllowed, match="unknown action 'fly'"):
        next_state("received", 1, "fly")


def test_a_case_is_finished_only_when_nothing_but_notes_can_happen():
    assert is_finished("withdrawn", 1) and is_finished("closed", 0) and is_finished("ombudsman_determined", 2)
    assert not is_finished("closed", 1)  # a stage-2 request may come
    assert not is_finished("closed", 2) and not is_finished("excluded", 1)  # a referral to the Ombudsman may come
    assert not is_finished("stage2_responded", 2) and not is_finished("ombudsman_referred", 2)


def test_the_ombudsman_stages_guards():
    assert "ombudsman_evidence_sent" in allowed_actions("ombudsman_referred", 2, Conditions(evidence_pending=True))
    assert "ombudsman_evidence_requested" not in allowed_actions("ombudsman_referred", 2, Conditions(evidence_pending=True))
    assert "ombudsman_order_complied" in allowed_actions("ombudsman_determined", 2, Conditions(orders_outstanding=True))
    with pytest.raises(ActionNotAllowed, match="closed at stage 1, before any final response"):
        next_state("closed", 1, "ombudsman_referral")


def test_a_complaint_outside_the_window_needs_a_decision_before_it_is_acknowledged():
    pending = Conditions(window_decision_pending=True)
    assert "acknowledge" not in allowed_actions("received", 1, pending)
    assert "accept_outside_window" in allowed_actions("received", 1, pending)
    assert "accept_outside_window" not in allowed_actions("received", 1)
    with pytest.raises(ActionNotAllowed, match="older than the policy's window: decide first"):
        next_state("received", 1, "acknowledge", pending)
    assert "exclude" in allowed_actions("received", 1, pending)


def test_a_case_with_outstanding_actions_cannot_close_until_they_are_done():
    outstanding = Conditions(actions_outstanding=True)
    for state, stage in (("stage1_responded", 1), ("stage2_responded", 2)):
        assert "close" not in allowed_actions(state, stage, outstanding)
        assert "complete_action" in allowed_actions(state, stage, outstanding)
        with pytest.raises(ActionNotAllowed, match="still outstanding"):
            next_state(state, stage, "close", outstanding)
    assert "complete_action" not in allowed_actions("stage1_responded", 1)


def test_reviews_are_recorded_only_when_one_is_scheduled():
    assert "record_review" not in allowed_actions("stage1_acknowledged", 1)
    assert "record_review" in allowed_actions("stage1_acknowledged", 1, Conditions(reviews_scheduled=True))
    assert "record_review" in allowed_actions("closed", 2, Conditions(reviews_scheduled=True))


def test_additional_complaints_join_only_before_the_response():
    assert "add_complaint" in allowed_actions("stage1_extended", 1)
    assert "add_complaint" not in allowed_actions("stage1_responded", 1)
    assert "add_complaint" not in allowed_actions("stage2_responded", 2)


def test_an_action_has_at_most_one_move_out_of_each_state():
    """A guard only allows or refuses a move, so where an allowed action leads never depends on the facts."""
    for state in STATES.values():
        actions = [str(event) for move in state.transitions for event in move.events]
        assert len(actions) == len(set(actions)), state.id
