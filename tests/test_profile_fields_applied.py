"""Every field of a policy profile is accounted for (issue 24 item 4): either the system applies it (named here with
the code that reads it, checked to read it, and the test that shows it), or it only records what the landlord's
document says, for `complaints policy check` to report, while the system follows the Code. A new field must be
added to one of the two lists, so nothing is reported as a landlord's rule that the workflow silently ignores."""

import importlib
import inspect
import typing

from pydantic import BaseModel

from models.policy import PolicyProfile

APPLIED: dict[str, tuple[str, str]] = {
    # field (stage<n> fields once for both stages): (the code that reads it, the test that shows it applied)
    "stage.acknowledge_working_days": ("workflows.deadlines:plan_stage", "test_timescales"),
    "stage.respond_working_days": ("workflows.deadlines:plan_stage", "test_timescales"),
    "stage.respond_from": ("workflows.deadlines:plan_stage", "test_timescales"),
    "stage.extension_max_working_days": ("workflows.commands:check_extend", "test_code_rules"),
    "stage.extension_requires_agreement": ("models.policy_rules:StageRules.extension_missing", "test_code_rules"),
    "stage.extension_requires_good_reason": ("models.policy_rules:StageRules.extension_missing", "test_code_rules"),
    "stage.extension_beyond_limit": ("models.policy_rules:StageRules.extension_missing", "test_code_rules"),
    "stage.extension_absolute_max_working_days": ("models.policy_rules:StageRules.extension_missing", "test_code_rules"),
    "stage.extension_contact_days": ("workflows.deadlines:extension_contact_due", "test_extension_contact"),
    "stage.extension_contact_day_kind": ("workflows.deadlines:extension_contact_due", "test_extension_contact"),
    "stage.extension_contact_from": ("workflows.deadlines:extension_contact_due", "test_extension_contact"),
    "pre_stage.resolve_working_days": ("workflows.deadlines:plan_pre_stage", "test_timescales"),
    "pre_stage.applies": ("workflows.case_state:CaseState.start", "test_timescales"),
    "pre_stage.when_unresolved": ("workflows.complaint:ComplaintWorkflow._pre_stage_unresolved", "test_timescales"),
    "complaint_window.months": ("models.policy_rules:ComplaintWindow.is_outside", "test_code_rules"),
    "complaint_window.exceptions": ("workflows.commands:accept_outside_window_check", "test_record_rules"),
    "complaint_window.counted_from": ("models.policy_rules:ComplaintWindow.is_outside", "test_code_rules"),
    "anonymous_complaints_accepted": ("casework.intake:", "test_casework"),
    "stage2_request_window_working_days": ("workflows.case_state:CaseState.stage2_request_is_late", "test_code_rules"),
    "exclusion_grounds": ("workflows.commands:check_exclude", "test_record_rules"),
    "notice_ladder.kind": ("workflows.ladder:mark_missed_and_notify", "test_notices"),
    "notice_ladder.working_days": ("workflows.deadlines:ladder_day", "test_deadline_instants"),
    "notice_ladder.at": ("workflows.deadlines:notice_instant", "test_deadline_instants"),
    "notice_ladder.recipients": ("workflows.ladder:mark_missed_and_notify", "test_notices"),
    "remedies.compensation_types": ("models.letters:", "test_letters"),
    "remedies.offset_against_arrears": ("models.letters:", "test_letters"),
}

RECORDED_ONLY: dict[str, str] = {
    # field: why the system does not apply it (policy check reports the document's rule beside the Code's)
    "id": "identity",
    "version": "identity (models/policy_versions.py)",
    "published": "identity",
    "landlord": "identity",
    "source": "provenance",
    "defaults": "provenance",
    "wording": "the document's words",
    "stage.extension_ombudsman_details": "the document's practice; the Code wins: details go with every extension",
    "stage.extension_ombudsman_details_required": "always true (validated): the Code wins (6.5/6.16)",
    "stage2_requires_reasons": "non-compliant where true; the Code wins: no reasons asked (6.12)",
    "ombudsman_access.designated_person_route": "non-compliant where true; the Code wins: letters give direct access",
    "ombudsman_access.wait_weeks_after_final_response": "non-compliant where set; the Code wins: no wait",
    "complaint_window.older_reports_as_background": "staff practice the document describes; nothing to plan",
    "exclusion_rules.widens": "reported against Code 2.2; an exclusion still needs staff to choose a listed ground",
    "exclusion_rules.exceptions": "reported with its ground; staff decide each case",
    "exclusion_rules.refuses_escalation": "reported against Code 5.11; staff refuse by excluding at stage 2",
    "exclusion_rules.restricts_contact": "reported; restrictions are recorded per case (Code 5.14-5.15)",
    "pre_stage.name": "the document's name for its informal stage, in policy check's report",
    "scope.former_residents_within_months": "reported against Code 1.2; intake takes every complaint",
    "other_bodies.body": "reported; not yet in letters",
    "other_bodies.applies_to": "reported; not yet in letters",
    "other_bodies.told_in": "reported; not yet in letters",
}


def leaf_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    found = []
    for name, info in model.model_fields.items():
        args = [info.annotation, *typing.get_args(info.annotation)]
        args += [inner for arg in args for inner in typing.get_args(arg)]
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        found += leaf_fields(nested[0], f"{prefix}{name}.") if nested else [f"{prefix}{name}"]
    return found


def test_every_profile_field_is_applied_or_declared_recorded_only():
    fields = {
        field.replace("stage1.", "stage.").replace("stage2.", "stage.", 1) if field.startswith(("stage1.", "stage2.")) else field
        for field in leaf_fields(PolicyProfile)
    }
    assert fields - APPLIED.keys() - RECORDED_ONLY.keys() == set(), "a new profile field: apply it, or say why not"
    assert (APPLIED.keys() | RECORDED_ONLY.keys()) - fields == set()
    assert not APPLIED.keys() & RECORDED_ONLY.keys()


def test_each_applied_field_is_read_by_its_consumer_and_shown_by_its_test():
    for field, (consumer, test_module) in APPLIED.items():
        module_name, _, qualname = consumer.partition(":")
        target = importlib.import_module(module_name)
        for part in filter(None, qualname.split(".")):
            target = getattr(target, part)
        assert field.split(".")[-1] in inspect.getsource(target), f"{field}: {consumer} does not read it"
        assert importlib.util.find_spec(f"tests.{test_module}") is not None, f"{field}: no tests/{test_module}.py"
