"""A staff action's form on the case page: its fields (from the action's model in `casework.forms`, with
choices from the record and the policy, and labels in people's words), and what was posted read back into
the values the model takes, with every problem at once, named by the form's own fields."""

from dataclasses import dataclass, field
from typing import get_args

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from casework.forms import ACTION_FORMS
from models.ombudsman_commands import ChfoReason
from models.policy_versions import load_profile_version
from models.taxonomy import ROOT_CAUSES
from starter.web.determination_form import determination_specs, read_determination
from starter.web.fields import FieldSpec, Said, chosen, date_of, form_fields, people_errors, read_form, refusal_error
from starter.web.respond_form import (
    MAX_ROWS,
    letter_gaps,
    outcome_problem,
    read_decisions,
    read_promised_actions,
    read_remedies,
    read_root_causes,
    row_field,
    row_specs,
)

WARNING_ACTIONS = {
    "withdraw": "Withdraw the complaint",
    "close": "Close the case",
    "exclude": "Exclude the complaint",
    "complete_action": "Mark the promised action done",
}
"""Actions that end or refuse the complaint, or tell the resident at once that a promise was kept: a
confirmation box (and, for the first three, a warning button and a reason)."""
ACTION_LABELS = {
    "acknowledge": {
        "points": "The complaint definition: the points you will answer",
        "outcomes_sought": "The outcomes the resident is seeking",
    },
    "extend": {
        "working_days": "How many more working days",
        "reason": "Why more time is needed",
        "agreed_with_resident": "The resident agreed to the extension",
    },
    "exclude": {"ground": "Why the complaint is excluded", "reason": "Explain the decision to the resident"},
    "assign": {"handler": "Assign to"},
    "record_consent": {"representative_id": "Representative", "given": "The resident has given consent"},
    "record_review": {"review_id": "Which review", "next_review_on": "Next review date"},
    "record_adjustment": {"review_on": "Review date", "details": "What the adjustment is"},
    "record_restriction": {"review_on": "Review date", "scope": "What contact is restricted", "reasons": "Why"},
    "accept_outside_window": {"exception": "Exception that applies", "reason": "Why"},
    "agree_update_interval": {"working_days": "Working days between updates, as agreed with the resident"},
    "respond": {
        "outcome": "Outcome",
        "learning": "What we have learned",
        "learning_root_cause": "The root cause this learning answers (one of those ticked below)",
    },
    "resident_input": {"note": "What the resident said", "on_behalf_of": "On behalf of (if a representative)"},
    "ombudsman_referral": {"ombudsman_ref": "The Ombudsman's case reference"},
    "ombudsman_evidence_requested": {"due_on": "Evidence due by"},
    "ombudsman_order_complied": {"order_id": "Which order", "evidence": "Evidence of compliance"},
    "complaint_handling_failure_order": {"reason": "Why the order was issued", "issued_on": "Date issued"},
}
PRINTED = {
    "acknowledge": {"points", "outcomes_sought"},
    "extend": {"reason"},
    "exclude": {"reason"},
    "respond": {"learning"},
}
"""Fields whose text goes into the resident's letter as typed (casework/letters.py), marked on the form."""
ROWS_OF_THEIR_OWN = frozenset({"root_causes"})
"""Fields the case page lays out itself (the respond form's root-cause checkboxes), not one generic field each."""


def action_fields(engine: Engine, record, action: str) -> list:
    """An action's form: the model's fields, with choices where the record or the policy has them."""
    specs = [s for s in form_fields(ACTION_FORMS[action]) if s.name not in ROWS_OF_THEIR_OWN]
    return chosen(
        specs,
        choices=_choices(engine, record, action),
        labels=ACTION_LABELS.get(action, {}),
        printed=frozenset(PRINTED.get(action, ())),
    )


def _choices(engine: Engine, record, action: str) -> dict[str, list[tuple[str, str]]]:
    """The choices a field of this action offers on this case (staff, grounds, representatives, orders...)."""
    from casework.staff import case_staff

    profile = load_profile_version(record.case.policy_id, record.case.policy_version)
    if action == "assign":
        return {"handler": [(s.username, s.label) for s in case_staff(engine)]}
    if action == "exclude":
        return {"ground": [(g, g.replace("_", " ").capitalize()) for g in profile.exclusion_grounds]}
    if action == "record_consent" and record.representative is not None:
        rep = record.representative
        return {"representative_id": [(rep.id, f"{rep.name}{f' ({rep.relationship})' if rep.relationship else ''}")]}
    if action == "record_review":
        return {"review_id": record.open_reviews}
    if action == "accept_outside_window":
        return {"exception": [(e, e.replace("_", " ").capitalize()) for e in profile.complaint_window.exceptions]}
    if action == "ombudsman_order_complied":
        orders = (row.deadline for row in record.deadlines)
        return {
            "order_id": [
                (d.name.removeprefix("ombudsman.order."), f"{d.name.removeprefix('ombudsman.order.')}, due {d.due:%d %b %Y}")
                for d in orders
                if d.name.startswith("ombudsman.order.") and d.met_on is None and not d.cancelled
            ]
        }
    if action == "complaint_handling_failure_order":
        return {"reason": [(r, r.replace("_", " ").capitalize()) for r in get_args(ChfoReason)]}
    if action == "respond":
        return {"learning_root_cause": list(ROOT_CAUSES.items())}
    return {}


@dataclass
class PostedAction:
    """An action's form as posted: the values for its model, the problems found (form field → words), the
    form rows each repeated row came from, and every field's label (for problems found later)."""

    values: dict
    errors: dict
    rows: dict[str, list[int]] = field(default_factory=dict)
    labelled: list[FieldSpec] = field(default_factory=list)

    def problems(self, error: ValidationError) -> dict:
        """A model's refusal of these values, by the form's fields, in people's words."""
        return {row_field(k, self.rows): v for k, v in people_errors(error, self.labelled).items()}

    def refusal(self, error) -> dict:
        """A refusal (casework.errors.CommandRejected) by the form's fields; a letter's gaps line by line."""
        return letter_gaps(error) or {
            row_field(k, self.rows): v for k, v in refusal_error(error.field, error.message, self.labelled).items()
        }


def read_action(action: str, form, fields: list, previewing: bool) -> PostedAction:
    """The posted form read into the action model's values, and every problem at once, in people's words,
    before anything is sent (the model in `casework.forms` is the one home of the rules)."""
    values, errors = read_form(fields, form)
    if action in WARNING_ACTIONS and form.get("confirm") != "yes" and not previewing:
        errors["confirm"] = Said(f"Tick the box to confirm: {WARNING_ACTIONS[action].lower()}")
    rows: dict[str, list[int]] = {}
    if action == "respond":
        rows = _read_response(form, values, errors)
        errors = outcome_problem(form, values.get("outcome")) | errors
    if action == "ombudsman_determination":
        determined, rows, problems = read_determination(form)
        values.update(determined)
        errors.update(problems)
    labelled = fields + (determination_specs(rows) if action == "ombudsman_determination" else row_specs(rows))
    posted = PostedAction(values, errors, rows, labelled)
    try:
        ACTION_FORMS[action].model_validate(values)
    except ValidationError as error:
        posted.errors = posted.problems(error) | errors
    return posted


def _read_response(form, values: dict, errors: dict) -> dict[str, list[int]]:
    """The respond form's rows into `values` (decisions, remedies, promised actions, root causes), a date
    that is not a date named on its row in `errors`; the form row of each remedy and promised action."""
    rows: dict[str, list[int]] = {}
    remedies, rows["remedies"] = read_remedies(form)
    actions, rows["actions"] = read_promised_actions(form)
    values.update(decisions=read_decisions(form), remedies=remedies, actions=actions, root_causes=read_root_causes(form))
    for group in ("remedies", "actions"):
        for n in range(MAX_ROWS):
            for part in ("due_on", "target_on"):
                problem = date_of(form, f"{group}.{n}.{part}")[1]
                if problem:
                    errors[f"{group}.{n}.{part}"] = Said(
                        f"{'Remedy' if group == 'remedies' else 'Promised action'} {n + 1}: the date {problem}"
                    )
    return rows


def as_typed(form) -> dict:
    """The form as typed, to show again (never the CSRF token), with the ticked root causes."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"} | {"root_causes": read_root_causes(form)}
