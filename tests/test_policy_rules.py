"""The rules profiles v2 added (issue 20, issue 15 item 1): each validated naming the field and the rule, old
payloads still loading, and what an extension needs under each profile (`StageRules.extension_missing`,
the words the workflow refuses with), with the seed section in each test's name."""

import json

import pytest

from models.policy import PolicyProfile, load_profile
from tests.test_policy import broken, refused


# ---- the fields issue 20 and issue 15 item 1 added: validated -------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'extension_beyond_limit = "good_reason"',
            'extension_beyond_limit = "maybe"',
            "stage1.extension_beyond_limit: Input should be 'never', 'good_reason', 'resident_agreement', "
            "'good_reason_and_agreement' or 'good_reason_and_agreement_or_ombudsman_details' (got 'maybe')",
        ),
        (
            'extension_beyond_limit = "good_reason"',
            'extension_beyond_limit = "never"\nextension_absolute_max_working_days = 20',
            "stage1: extension_absolute_max_working_days: set only when extension_beyond_limit is not 'never'",
        ),
        (
            'extension_beyond_limit = "good_reason"',
            'extension_beyond_limit = "good_reason"\nextension_absolute_max_working_days = 10',
            "stage1: extension_absolute_max_working_days: must be more than extension_max_working_days (10), got 10",
        ),
        (
            'extension_beyond_limit = "good_reason"',
            'extension_beyond_limit = "good_reason_and_agreement_or_ombudsman_details"',
            "stage1: extension_ombudsman_details: must be 'when_agreement_not_reached'",
        ),
        (
            "extension_ombudsman_details_required = true",
            "extension_ombudsman_details_required = false",
            "stage1.extension_ombudsman_details_required: must be true: the Ombudsman's details go with every extension",
        ),
        (
            'extension_beyond_limit = "good_reason"',
            'extension_beyond_limit = "good_reason"\nextension_contact_day_kind = "calendar_days"',
            "stage1: extension_contact_day_kind and extension_contact_from: set only with extension_contact_days",
        ),
        (
            'counted_from = "issue_or_awareness"',
            'counted_from = "awareness"',
            "complaint_window.counted_from: Input should be 'issue_or_awareness' or 'issue' (got 'awareness')",
        ),
        (
            'notice_ladder = "DESIGN.md"',
            'notice_ladder = "the internet"',
            "defaults.notice_ladder: must name where it comes from ('Code 6.11' or 'DESIGN.md'), got 'the internet'",
        ),
        (
            'notice_ladder = "DESIGN.md"',
            '"stage1.extension_colour" = "Code 6.4"',
            "defaults.stage1.extension_colour: names no field or entry of this profile",
        ),
        (
            'notice_ladder = "DESIGN.md"',
            '"exclusion_grounds.insurance_claim" = "Code 2.2"',
            "defaults.exclusion_grounds.insurance_claim: names no field or entry of this profile",
        ),
        (
            "\n[defaults]\n",
            "\n[scope]\nformer_residents_within_months = 0\n\n[defaults]\n",
            "scope.former_residents_within_months: Input should be greater than or equal to 1 (got 0)",
        ),
        (
            "\n[defaults]\n",
            '\n[[other_bodies]]\nbody = "pub_landlord"\napplies_to = "x"\ntold_in = ["stage1_response"]\n\n[defaults]\n',
            "other_bodies.0.body: Input should be 'local_government_and_social_care_ombudsman' or 'financial_ombudsman_service'",
        ),
        (
            "\n[defaults]\n",
            '\n[exclusion_rules.insurance_claim]\nwidens = "legal_proceedings"\n\n[defaults]\n',
            "exclusion_rules.insurance_claim: not one of exclusion_grounds",
        ),
        (
            "\n[defaults]\n",
            '\n[exclusion_rules.legal_proceedings]\nwidens = "legal_proceedings"\n\n[defaults]\n',
            "exclusion_rules.legal_proceedings.widens: legal_proceedings is the Code's own exclusion; give the broader ground its own name",
        ),
        (
            "\n[defaults]\n",
            "\n[exclusion_rules.previously_considered]\n\n[defaults]\n",
            "exclusion_rules.previously_considered: must set widens, exceptions, refuses_escalation or restricts_contact",
        ),
        (
            "\n[defaults]\n",
            '\n[exclusion_rules.previously_considered]\nexceptions = ["New Evidence"]\n\n[defaults]\n',
            "exclusion_rules.previously_considered.exceptions: entries must be lowercase snake_case slugs",
        ),
    ],
)
def test_new_fields_are_validated_naming_file_field_and_rule(tmp_path, old, new, message):
    """Issue 20's fields and issue 15 item 1's extension rules refuse bad values, naming the field and the rule."""
    assert message in refused(broken(tmp_path, old, new))


def test_new_fields_default_to_the_old_behaviour_so_recorded_profiles_still_load():
    """A profile recorded before these fields existed (a v1 payload in a case's history) still validates."""
    v1 = json.loads(load_profile("code-2024").model_dump_json())
    for stage in ("stage1", "stage2"):
        for name in (
            "extension_requires_good_reason",
            "extension_beyond_limit",
            "extension_absolute_max_working_days",
            "extension_ombudsman_details",
            "extension_contact_days",
            "extension_contact_day_kind",
            "extension_contact_from",
        ):
            del v1[stage][name]
    for name in ("exclusion_rules", "scope", "other_bodies", "defaults"):
        del v1[name]
    del v1["complaint_window"]["counted_from"], v1["complaint_window"]["older_reports_as_background"]
    old = PolicyProfile.model_validate(v1)
    assert old.stage1.extension_beyond_limit == "never" and old.stage1.extension_contact_days is None
    assert old.complaint_window.counted_from == "issue_or_awareness" and old.scope.former_residents_within_months is None


# ---- what an extension needs, per profile ----------------------------------------------------------------


def missing(profile_id: str, stage: int, total: int, agreed: bool = False, good_reason: str | None = None) -> list[str]:
    rules = getattr(load_profile(profile_id), f"stage{stage}")
    return rules.extension_missing(total, agreed_with_resident=agreed, good_reason=good_reason, ombudsman_details_given=True)


def test_code_6_4_past_the_limit_needs_a_good_reason():
    """Code 6.4 / 6.15: "no more than 10 [20] working days without good reason"."""
    assert missing("code-2024", 1, 10) == []
    assert missing("code-2024", 1, 15) == ["a good reason to go past 10 working days"]
    assert missing("code-2024", 1, 15, good_reason="  ") == ["a good reason to go past 10 working days"]
    assert missing("code-2024", 1, 15, good_reason="awaiting a structural survey") == []
    assert missing("code-2024", 2, 25) == ["a good reason to go past 20 working days"]


def test_together_5_5_past_the_limit_needs_only_the_residents_agreement():
    """003 §5.5 / §5.6: "a further 10 working days - or longer only with the resident's agreement"."""
    assert missing("together-housing", 1, 10) == []
    assert missing("together-housing", 1, 30, good_reason="survey") == ["the resident's agreement to go past 10 working days"]
    assert missing("together-housing", 2, 30, agreed=True) == []


def test_greatwell_2_3_past_the_limit_needs_a_good_reason_and_agreement_or_the_ombudsmans_details():
    """004 §2.3 / §2.4: a further 10 days "without good reason"; beyond, agreed with the customer or, failing that,
    the Ombudsman's details (which the system always gives, Code 6.5/6.16)."""
    assert missing("greatwell-homes", 1, 10) == []
    assert missing("greatwell-homes", 1, 12) == ["a good reason to go past 10 working days"]
    assert missing("greatwell-homes", 1, 12, good_reason="contractor report") == []
    rules = load_profile("greatwell-homes").stage2
    assert rules.extension_missing(12, agreed_with_resident=False, good_reason="x", ombudsman_details_given=False) == [
        "the Ombudsman's contact details given to the resident (Code 6.5/6.16)",
        "the resident's agreement or, failing it, the Ombudsman's contact details",
    ]


def test_wrekin_7_5_any_extension_needs_exceptional_circumstances_and_express_agreement():
    """000 §7.5: "only ... in exceptional circumstances and with the express agreement of the complainant"."""
    assert missing("wrekin", 1, 5) == ["the resident's agreement", "a good reason"]
    assert missing("wrekin", 1, 5, agreed=True, good_reason="flood damage survey") == []
    assert missing("wrekin", 1, 15, agreed=True) == ["a good reason"]
    assert missing("wrekin", 2, 25, agreed=True, good_reason="expert report") == []


def test_wolverhampton_7_1_no_extension_past_10_working_days():
    """002 §7.1 / §7.2: "Any extension will not be longer than 10 working days" (a hard limit)."""
    assert missing("wolverhampton-homes", 1, 10, agreed=True) == []
    assert missing("wolverhampton-homes", 1, 10) == ["the resident's agreement"]
    assert missing("wolverhampton-homes", 2, 11, agreed=True, good_reason="x") == [
        "nothing permits more than 10 working days in all at this stage"
    ]
