"""Why the lifecycle refuses an action, in people's words: the CLI's errors and the workflow's Update
validators quote these (workflows/lifecycle.py `next_state`)."""

GUARD_REASONS = {
    "window_decided": "the complaint is about an issue older than the policy's window: decide first "
    "(accept_outside_window with a reason, or exclude)",
    "no_actions_outstanding": "actions promised in the response are still outstanding (complete_action each first)",
    "actions_outstanding": "no promised action is outstanding",
    "window_pending": "the complaint is within the policy's window",
    "reviews_due": "no adjustment or restriction review is scheduled",
    "updates_due": "no update to the resident is due (agree_update_interval first)",
    "response_late": "the response is not late: an interval for updates is agreed with the resident after an "
    "extension, or once the response is overdue (Code 5.9)",
    "closed_after_stage2": "the case was closed at stage 1, before any final response (Code 6.10, 6.20)",
    "closed_in_pre_stage": "the case was closed after the informal stage had ended",
    "evidence_pending": "the Ombudsman has not asked for evidence (ombudsman_evidence_requested first)",
    "no_evidence_pending": "the evidence the Ombudsman asked for is still to be sent (ombudsman_evidence_sent first)",
    "orders_outstanding": "no order of the Ombudsman's determination is outstanding",
}
"""Why a guarded action is refused, in people's words (the guard's name is the key)."""

UNAVAILABLE_REASONS = {
    "ombudsman_referral": "a referral to the Ombudsman follows the landlord's final (stage 2) response, an "
    "exclusion or a refused escalation (Code 6.10, 6.20, 2.4)",
    "ombudsman_evidence_requested": "the Ombudsman asks for evidence on a referred case, before it determines it",
    "ombudsman_evidence_sent": "the Ombudsman asks for evidence on a referred case, before it determines it",
    "ombudsman_determination": "the Ombudsman determines a case that was referred to it",
    "ombudsman_order_complied": "orders come with the Ombudsman's determination",
}
"""Why an action is refused in a state with no transition for it at all, where people need telling."""
