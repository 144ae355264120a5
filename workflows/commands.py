"""Every staff and resident command, declared once: its payload, the rules it must pass, and its effect.

`COMMAND_RULES` is the one table: the workflow registers an Update (with a validator) and Signals for
each entry from it, so "what happens when a stage-2 request arrives" is `request_stage2` below and
nowhere else. A check raises `Refused` with the field at fault and the rule; an effect changes the
case and returns the details its timeline event records (references, dates and categories only).
"""

from datetime import date, datetime

from models.calendar import local_date
from models.case import (
    AcceptOutsideWindow,
    Acknowledge,
    AddComplaint,
    Assign,
    Close,
    Command,
    CompleteAction,
    Exclude,
    Extend,
    LogStage1,
    RecordConsent,
    RecordReview,
    RequestStage2,
    ResidentInput,
    Respond,
    ScheduleReview,
)
from workflows import deadlines, ombudsman
from models.case import CLOCK_TOLERANCE
from workflows.command_rule import CommandRule, Refused, nothing_to_check, within_horizon
from workflows.case_state import CaseState, Details
from workflows.deadlines import StageFacts
from workflows.keeping_informed import agree_update_interval, record_update
from workflows.lifecycle import FINISHED_STATES, ActionNotAllowed, next_state

# ---- rules every command passes ---------------------------------------------------------------------


def check(rule: CommandRule, case: CaseState, command: Command, now: datetime) -> None:
    """The lifecycle first, then consent, independence, time, and the command's own rules."""
    try:
        next_state(case.state, case.stage, rule.name, case.conditions())
    except ActionNotAllowed as refusal:
        raise Refused("action", "lifecycle", str(refusal)) from None
    if command.on_behalf_of is not None and not case.consents.get(command.on_behalf_of, False):
        raise Refused(
            "on_behalf_of",
            "consent_required",
            f"representative {command.on_behalf_of} has no recorded consent from the resident; record_consent first",
        )
    person = command.handler if isinstance(command, Assign) else command.actor
    if rule.reviewing and case.stage == 2 and person is not None and person in case.stage1_people:
        raise Refused(
            "handler" if isinstance(command, Assign) else "actor",
            "stage2_independence",
            f"{person} considered this complaint at stage 1; the stage-2 reviewer must be someone else (Code 6.13)",
        )
    if command.occurred_at is not None:
        if command.occurred_at > now + CLOCK_TOLERANCE:
            raise Refused("occurred_at", "not_in_future", "must not be in the future")
        if case.events and command.occurred_at < case.events[-1].at:
            raise Refused(
                "occurred_at",
                "after_last_event",
                f"must not be before the case's last event ({case.events[-1].at.isoformat()})",
            )
    today = local_date(command.occurred_at or now)
    rule.check(case, command, today)


def nothing_to_record(case: CaseState, command: Command, day: date) -> Details:
    """The lifecycle move is the whole effect."""
    return {}


# ---- stage 1 and stage 2 ------------------------------------------------------------------------------


def log_stage1(case: CaseState, command: LogStage1 | Acknowledge, day: date) -> Details:
    """An informal concern becomes a logged stage-1 complaint; its clocks count from today's logging."""
    case.settle("pre_stage.resolve", day)
    case.stage = 1
    case.stages[1] = StageFacts(stage=1, received_on=local_date(case.case.received_at), logged_on=day)
    case.plan()
    return {}


def check_acknowledge(case: CaseState, command: Acknowledge, today: date) -> None:
    if command.definition_ref is None:
        raise Refused(
            "definition",
            "definition_required",
            f"record the complaint definition when acknowledging stage {max(case.stage, 1)} (Code 5.6)",
        )


def acknowledge(case: CaseState, command: Acknowledge, day: date) -> Details:
    """Code 6.2 / 6.11: the acknowledgement meets its deadline and starts the response clock."""
    if case.state == "pre_stage":
        log_stage1(case, command, day)
    case.stages[case.stage].acknowledged_on = day
    case.settle(f"stage{case.stage}.acknowledge", day)
    return {"definition_ref": command.definition_ref}


def check_extend(case: CaseState, command: Extend, today: date) -> None:
    """Code 6.4 / 6.15: agreed before the response is due, within the profile's limit."""
    stage = case.stage
    respond = case.deadlines.get(f"stage{stage}.respond")
    if respond is not None and respond.met is False:
        raise Refused(
            "working_days",
            "extension_before_due",
            f"the stage {stage} response was due on {respond.due:%A} {respond.due.day} {respond.due:%B %Y}; "
            f"an extension must be agreed before it is due (Code {'6.4' if stage == 1 else '6.15'})",
        )
    rules = deadlines.stage_rules(case.policy, stage)
    total = case.stages[stage].extended_by + command.working_days
    within_limit = total <= rules.extension_max_working_days
    missing = rules.extension_missing(
        total,
        agreed_with_resident=command.agreed_with_resident,
        # Within the limit the reason given is the circumstance a profile may ask for (Wrekin §7.5);
        # past it, the Code asks for a good reason of its own (6.4 / 6.15). Each is a reference to the
        # reason's row: the text stays in the read model, its presence is what the rule needs.
        good_reason=command.good_reason_ref or (command.reason_ref if within_limit else None),
        # Code 6.5 / 6.16: no extension letter leaves them out (models/letter_requirements.py refuses one that
        # does, and casework issues the letter with the extension), so the profile's rule sees them given.
        ombudsman_details_given=True,
    )
    if missing:
        first = missing[0]
        field = (
            "working_days"
            if first.startswith("nothing permits")
            else ("agreed_with_resident" if "agreement" in first else "good_reason")
        )
        raise Refused(
            field,
            "extension_limit" if field == "working_days" else "extension_needs",
            f"an extension to {total} working day{'s' if total != 1 else ''} in all at stage {stage} needs "
            f"{' and '.join(missing)} under {case.policy.id} v{case.policy.version} "
            f"(normal limit {rules.extension_max_working_days}; Code {'6.4' if stage == 1 else '6.15'})"
            if not first.startswith("nothing permits")
            else f"stage {stage} extensions may total at most {rules.extension_max_working_days} working days under "
            f"{case.policy.id} v{case.policy.version}: {first}",
        )


def extend(case: CaseState, command: Extend, day: date) -> Details:
    rules = deadlines.stage_rules(case.policy, case.stage)
    case.stages[case.stage].extended_by += command.working_days
    details: Details = {"working_days": command.working_days, "reason_ref": command.reason_ref}
    if command.good_reason_ref:
        details["good_reason_ref"] = command.good_reason_ref
    if case.stages[case.stage].extended_by > rules.extension_max_working_days:
        details["beyond_limit"] = True
    if command.agreed_with_resident:
        details["agreed_with_resident"] = True
    contact_due = deadlines.extension_contact_due(case.policy, case.stages[case.stage], case.calendar)
    if contact_due is not None:  # accepted all the same: the Code's rule is met; the landlord's own is not
        details["contact_due"] = contact_due.isoformat()
        if day > contact_due:
            details["late_contact"] = True
    return details


def check_respond(case: CaseState, command: Respond, today: date) -> None:
    ids = [a.action_id for a in command.actions]
    taken = sorted({i for i in ids if ids.count(i) > 1 or f"action.{i}" in case.deadlines})
    if taken:
        raise Refused("actions", "unique_ids", f"action ids must be new and unique within the case; repeated: {', '.join(taken)}")
    for index, promised in enumerate(command.actions):  # numbered from 0, as the forms and pydantic number
        within_horizon(f"actions.{index}.target_on", promised.target_on, today, from_today=True)


def respond(case: CaseState, command: Respond, day: date) -> Details:
    """Code 6.6 / 6.17: the response meets its deadline; each promised action becomes a deadline."""
    case.stages[case.stage].responded_on = day
    case.settle(f"stage{case.stage}.respond", day)
    details: Details = {"outcome": command.outcome}
    if command.letter_ref:
        details["letter_ref"] = command.letter_ref
    for promised in command.actions:
        case.add_deadline(f"action.{promised.action_id}", promised.target_on)
    case.end_updates()
    details["actions"] = len(command.actions)
    if case.stage == 1:
        case.stage1_responded_on = day
    return details


def request_stage2(case: CaseState, command: RequestStage2, day: date) -> Details:
    """Code 6.10 / 6.12: escalation needs no reasons; a request after the profile's window is flagged, not lost."""
    case.late_stage2 = case.stage2_request_is_late(day)
    case.stage = 2
    case.stages[2] = StageFacts(stage=2, received_on=day, logged_on=day)
    return {"late": case.late_stage2}


def close(case: CaseState, command: Close, day: date) -> Details:
    if case.state == "pre_stage":
        case.settle("pre_stage.resolve", day)
        return {"resolved_informally": True}
    return {}


def check_exclude(case: CaseState, command: Exclude, today: date) -> None:
    if command.ground is not None and command.ground not in case.policy.exclusion_grounds:
        grounds = ", ".join(case.policy.exclusion_grounds)
        raise Refused("ground", "exclusion_ground", f"must be one of this policy's exclusion grounds: {grounds}")


def exclude(case: CaseState, command: Exclude, day: date) -> Details:
    return {"reason_ref": command.reason_ref, "ground": command.ground}


def accept_outside_window_check(case: CaseState, command: AcceptOutsideWindow, today: date) -> None:
    window = case.policy.complaint_window
    if command.exception not in window.exceptions:
        allowed = ", ".join(window.exceptions) or "none, so the complaint can only be excluded"
        raise Refused(
            "exception",
            "window_exception",
            f"must be one of {case.policy.id}'s reasons to accept an issue older than {window.months} months "
            f"(Code 2.3): {allowed}",
        )


def accept_outside_window(case: CaseState, command: AcceptOutsideWindow, day: date) -> Details:
    case.window_accepted = True
    return {"exception": command.exception, "reason_ref": command.reason_ref}


# ---- the record around the stages -------------------------------------------------------------------


def resident_input(case: CaseState, command: ResidentInput, day: date) -> Details:
    return {"note_ref": command.note_ref}


def assign(case: CaseState, command: Assign, day: date) -> Details:
    case.handler = command.handler
    return {"handler": command.handler}


def add_complaint(case: CaseState, command: AddComplaint, day: date) -> Details:
    return {"definition_ref": command.definition_ref}


def check_complete_action(case: CaseState, command: CompleteAction, today: date) -> None:
    if command.action_id not in case.open_items("action"):
        outstanding = ", ".join(case.open_items("action")) or "none"
        raise Refused("action_id", "known_action", f"no outstanding action {command.action_id!r}; outstanding: {outstanding}")


def complete_action(case: CaseState, command: CompleteAction, day: date) -> Details:
    case.settle(f"action.{command.action_id}", day)
    return {"action_id": command.action_id}


def check_schedule_review(case: CaseState, command: ScheduleReview, today: date) -> None:
    if command.review_id in case.open_items("review"):
        raise Refused("review_id", "known_review", f"review {command.review_id!r} is already scheduled")
    within_horizon("review_on", command.review_on, today, from_today=False)


def schedule_review(case: CaseState, command: ScheduleReview, day: date) -> Details:
    """Code 5.14: an adjustment or restriction is reviewed; a review id used before starts a new round."""
    if f"review.{command.review_id}" in case.deadlines:
        case.review_rounds[command.review_id] = case.review_rounds.get(command.review_id, 1) + 1
    case.add_deadline(case.review_deadline(command.review_id), command.review_on)
    return {"review_id": command.review_id, "kind": command.kind, "review_on": command.review_on.isoformat()}


def check_record_review(case: CaseState, command: RecordReview, today: date) -> None:
    if command.review_id not in case.open_items("review"):
        scheduled = ", ".join(case.open_items("review")) or "none"
        raise Refused("review_id", "known_review", f"no review {command.review_id!r} is due; scheduled: {scheduled}")
    if command.next_review_on is not None:
        within_horizon("next_review_on", command.next_review_on, today, from_today=False)


def record_review(case: CaseState, command: RecordReview, day: date) -> Details:
    """The review is settled where it stands (a late one stays missed); the next round is a new deadline."""
    case.settle(case.review_deadline(command.review_id), day)
    details: Details = {"review_id": command.review_id}
    if command.next_review_on is not None:
        case.review_rounds[command.review_id] = case.review_rounds.get(command.review_id, 1) + 1
        case.add_deadline(case.review_deadline(command.review_id), command.next_review_on)
        details["next_review_on"] = command.next_review_on.isoformat()
    return details


def record_consent(case: CaseState, command: RecordConsent, day: date) -> Details:
    case.consents[command.representative_ref] = command.given
    return {"representative_ref": command.representative_ref, "given": command.given}


COMMAND_RULES: dict[str, CommandRule] = {
    rule.name: rule
    for rule in (
        CommandRule("log_stage1", nothing_to_check, log_stage1),
        CommandRule("acknowledge", check_acknowledge, acknowledge, reviewing=True),
        CommandRule("extend", check_extend, extend, signals=("extension_agreed",), reviewing=True),
        CommandRule("respond", check_respond, respond, reviewing=True),
        CommandRule("request_stage2", nothing_to_check, request_stage2, signals=("stage2_requested",)),
        CommandRule("close", nothing_to_check, close),
        CommandRule("withdraw", nothing_to_check, nothing_to_record),
        CommandRule("exclude", check_exclude, exclude),
        CommandRule("resident_input", nothing_to_check, resident_input),
        CommandRule("assign", nothing_to_check, assign, reviewing=True),
        CommandRule("add_complaint", nothing_to_check, add_complaint),
        CommandRule("complete_action", check_complete_action, complete_action),
        CommandRule("schedule_review", check_schedule_review, schedule_review),
        CommandRule("record_review", check_record_review, record_review),
        CommandRule("record_consent", nothing_to_check, record_consent),
        CommandRule("accept_outside_window", accept_outside_window_check, accept_outside_window),
        CommandRule("agree_update_interval", nothing_to_check, agree_update_interval),
        CommandRule("record_update", nothing_to_check, record_update),
        *ombudsman.OMBUDSMAN_RULES,
    )
}
"""Every lifecycle action and how the workflow checks and applies it (`models.commands.COMMANDS` the payloads)."""

STAGE1_DECISIONS = frozenset(name for name, rule in COMMAND_RULES.items() if rule.reviewing)
"""Taking one of these at stage 1 (or being the handler given stage 1) rules a person out of stage 2 (Code 6.13)."""


def stage1_decider(action: str, stage: int, actor: str | None, handler: str | None) -> str | None:
    """Whom `action` taken at `stage` rules out of stage 2 (Code 6.13): the handler an `assign` names, or
    whoever took another stage-1 decision. The workflow applies it to commands, reports to recorded events."""
    if action not in STAGE1_DECISIONS or stage > 1:
        return None
    return handler if action == "assign" else actor


def apply(
    rule: CommandRule, case: CaseState, command: Command, at: datetime, *, automatic: bool = False, signal: str | None = None
) -> None:
    """Apply an accepted command: its effect (which sees the state it left), the lifecycle move, who
    decided at stage 1, and the timeline event (which names the Signal it came by, if it did: staff
    actions come as Updates and write their own letters; a Signal's sender may have written none)."""
    day = local_date(at)
    stage_before = case.stage
    next_lifecycle_state = next_state(case.state, case.stage, rule.name, case.conditions())
    details: Details = {"command_id": command.command_id}
    if command.actor:
        details["actor"] = command.actor
    if command.on_behalf_of:
        details["on_behalf_of"] = command.on_behalf_of
    if automatic:
        details["automatic"] = True
    if signal is not None:
        details["signal"] = signal
    details.update(rule.apply(case, command, day))
    case.state = next_lifecycle_state
    person = stage1_decider(rule.name, stage_before, command.actor, command.handler if isinstance(command, Assign) else None)
    if person and person not in case.stage1_people:
        case.stage1_people.append(person)
    if case.state in FINISHED_STATES:
        for deadline in case.deadlines.values():
            if deadline.open:
                deadline.cancelled = True
    case.record(rule.name, at, details)
