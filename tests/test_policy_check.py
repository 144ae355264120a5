"""`complaints policy check`: the seeds' departures from the Code, told apart from stricter promises."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from models.policy import load_profile
from reports.policy_check import check_profile, defaults_of
from tests.cli_runner import complaints

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")
SEED_FILE = {
    "wrekin": "000_ecc4c21318361d14.txt",
    "wolverhampton-homes": "002_251f1e89c641fa25.txt",
    "together-housing": "003_181e0957c275216c.txt",
    "greatwell-homes": "004_b8c43d2e720fe710.txt",
}


def findings(profile_id: str) -> dict[str, str]:
    return {d.rule: d.kind for d in check_profile(load_profile(profile_id))}


def test_the_code_profile_has_no_deviation():
    assert check_profile(load_profile("code-2024")) == []


@pytest.mark.parametrize("profile_id", ["together-housing", "greatwell-homes"])
def test_an_informal_stage_before_stage_1_is_non_compliant(profile_id):
    assert findings(profile_id)["pre_stage"] == "non_compliant"


@pytest.mark.parametrize("profile_id", ["together-housing", "wolverhampton-homes"])
def test_a_six_month_window_is_non_compliant(profile_id):
    found = findings(profile_id)
    assert found["complaint_window"] == "non_compliant"
    assert found["complaint_window_discretion"] == "non_compliant"


@pytest.mark.parametrize("profile_id", ["together-housing", "wolverhampton-homes"])
def test_reasons_demanded_before_stage_2_are_non_compliant(profile_id):
    assert findings(profile_id)["stage2_requires_reasons"] == "non_compliant"


def test_out_of_date_ombudsman_access_is_non_compliant():
    tha = {d.rule: d for d in check_profile(load_profile("together-housing"))}["ombudsman_access"]
    assert tha.kind == "non_compliant" and "designated person" in tha.profile and "8 weeks" in tha.profile
    assert tha.section == "3.7, 6.19"
    assert findings("wolverhampton-homes")["ombudsman_access"] == "non_compliant"


def test_shorter_timescales_and_agreed_extensions_are_stricter_not_wrong():
    greatwell = findings("greatwell-homes")
    assert greatwell["stage1_acknowledge"] == greatwell["stage2_extension"] == "stricter"
    assert findings("together-housing")["stage2_respond"] == "stricter"  # 15 working days, not 20
    wrekin = findings("wrekin")
    assert set(wrekin.values()) == {"stricter", "review"}  # Wrekin's policy breaks no Code rule


def test_a_longer_timescale_or_a_missing_ombudsman_detail_is_non_compliant():
    code = load_profile("code-2024")
    slower = code.model_copy(
        update={
            "stage1": code.stage1.model_copy(
                update={"acknowledge_working_days": 7, "extension_ombudsman_details_required": False}
            ),
            "stage2": code.stage2.model_copy(update={"respond_working_days": 25, "extension_max_working_days": 30}),
            "complaint_window": code.complaint_window.model_copy(update={"months": 18}),
        }
    )
    found = {d.rule: (d.kind, d.section) for d in check_profile(slower, code)}
    assert found == {
        "complaint_window": ("stricter", "2.3"),
        "stage1_acknowledge": ("non_compliant", "6.2"),
        "stage1_extension_ombudsman": ("non_compliant", "6.5"),
        "stage2_respond": ("non_compliant", "6.14"),
        "stage2_extension": ("non_compliant", "6.15"),
    }


def test_responding_from_acknowledgement_with_more_days_is_not_stricter():
    code = load_profile("code-2024")
    later = code.model_copy(update={"stage1": code.stage1.model_copy(update={"respond_working_days": 12})})
    assert [(d.rule, d.kind) for d in check_profile(later, code)] == [("stage1_respond", "non_compliant")]


def _normal(text: str) -> str:
    """Quotes straightened, bullets and emphasis dropped, whitespace collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", re.sub("\u2022", " ", text.replace("*", "")))


@pytest.mark.parametrize("profile_id", sorted(SEED_FILE))
def test_every_quoted_wording_is_the_seeds_own(profile_id):
    """Each sentence or list item (split at '...', '; ' and '. ') of a `[wording]` entry appears word for word in the landlord's seed."""
    seed = _normal((SEEDS / SEED_FILE[profile_id]).read_text())
    profile = load_profile(profile_id)
    reported = {d.rule for d in check_profile(profile)}
    assert set(profile.wording) <= reported, "wording for a rule the check never reports"
    for rule, text in profile.wording.items():
        for fragment in re.split(r"\.\.\.|; |\. ", _normal(text)):
            fragment = fragment.strip(" ;.()")
            assert fragment.lower() in seed.lower(), f"{rule}: {fragment!r}"


def test_the_four_required_findings_carry_the_landlords_words():
    tha = {d.rule: d for d in check_profile(load_profile("together-housing"))}
    for rule in ("pre_stage", "complaint_window", "stage2_requires_reasons", "ombudsman_access"):
        assert tha[rule].wording, rule
    assert "Getting it sorted" in tha["pre_stage"].wording
    assert "wait 8 weeks" in tha["ombudsman_access"].wording


def test_cli_prints_each_profile_and_its_wording():
    done = complaints("policy", "check", "together-housing")
    assert done.exit_code == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "non-compliant" in flat and "5.2, 5.3" in flat and "stricter than the Code" in flat
    done = complaints("policy", "check", "code-2024")
    assert "no deviations from the Code" in done.stdout


def test_cli_json_covers_every_profile_and_refuses_unknown_ones():
    done = complaints("policy", "check", "--format", "json")
    data = json.loads(done.stdout)
    assert data["code-2024"] == [] and {d["rule"] for d in data["greatwell-homes"]} >= {"pre_stage", "stage2_request_window"}
    done = complaints("policy", "check", "nope")
    assert done.exit_code == 2 and "unknown policy profile 'nope'" in done.stderr and "wrekin" in done.stderr


# ---- issue 20: each correction, its loaded value and its `policy check` line ----------------------------------


def line(profile_id: str, rule: str):
    """The deviation `rule` of a profile, which must be reported and carry the landlord's own words."""
    found = {d.rule: d for d in check_profile(load_profile(profile_id))}
    assert rule in found, f"{profile_id}: {rule} not reported (got {sorted(found)})"
    assert found[rule].wording, f"{profile_id}: {rule} has no quote under [wording]"
    return found[rule]


def test_together_5_4_refusals_of_escalation_are_grounds_and_non_compliant():
    """003 §5.4 (Get It Sorted) and the V2 version log ("right to refuse escalation if a desired outcome is
    unrealistic or when there is no service failure"): two grounds that refuse escalation, Code 5.11 / 6.10."""
    p = load_profile("together-housing")
    assert {"no_service_failure", "unrealistic_outcome"} <= set(p.exclusion_grounds)
    assert p.exclusion_rules["no_service_failure"].refuses_escalation
    assert p.exclusion_rules["unrealistic_outcome"].refuses_escalation
    d = line("together-housing", "escalation_refusals")
    assert (d.kind, d.section) == ("non_compliant", "5.11, 6.10")
    assert d.profile == "escalation is refused where: no service failure, unrealistic outcome"
    assert "there will be no further contact" in d.wording and "desired outcome is unrealistic" in d.wording
    assert "no service failure" not in line("together-housing", "exclusion_grounds").profile  # one line each


def test_together_2_4_or_investigation_is_broader_than_code_2_2():
    """003 §2.4: "Any issue which is subject to ongoing legal proceedings or investigation" - the investigation
    half is its own ground, broader than Code 2.2's claim filed at court."""
    p = load_profile("together-housing")
    assert "legal_proceedings" in p.exclusion_grounds and "ongoing_investigation" in p.exclusion_grounds
    assert p.exclusion_rules["ongoing_investigation"].widens == "legal_proceedings"
    d = line("together-housing", "exclusion_ongoing_investigation")
    assert (d.kind, d.section) == ("review", "2.2")
    assert d.profile == "also excludes 'ongoing investigation', broader than the Code's 'legal proceedings' exclusion"
    assert "filed at court" in d.code and d.wording == "Any issue which is subject to ongoing legal proceedings or investigation."


def test_together_8_4_suspension_or_refused_escalation_is_quoted():
    """003 §8.4: abusive correspondence - "the complaint may be suspended, or escalation refused": a restriction
    (Code 5.14/5.15) with its own line and quote."""
    p = load_profile("together-housing")
    assert p.exclusion_rules["unacceptable_behaviour"].restricts_contact
    assert not p.exclusion_rules["unacceptable_behaviour"].refuses_escalation  # not among §5.4's refusals
    d = line("together-housing", "exclusion_unacceptable_behaviour_restriction")
    assert (d.kind, d.section) == ("review", "5.14, 5.15")
    assert "may be suspended or its escalation refused" in d.profile
    assert d.wording.endswith("the complaint may be suspended, or escalation refused.")
    assert "unacceptable behaviour" in line("together-housing", "exclusion_grounds").profile


@pytest.mark.parametrize(
    ("profile_id", "ground", "quote"),
    [
        ("wrekin", "insurance_claim", "including disrepair cases that have been filed at court and insurance claims"),
        ("wolverhampton-homes", "pre_action_protocol", "where action has commenced following the pre-action protocol"),
    ],
)
def test_wrekin_3_3_insurance_and_wolverhampton_4_1_pre_action_are_their_own_grounds(profile_id, ground, quote):
    """000 §3.3 ("... and insurance claims") and 002 §4.1 ("commenced following the pre-action protocol") go past
    Code 2.2's "filed at court": their own grounds, reported, no longer hidden under legal_proceedings."""
    p = load_profile(profile_id)
    assert ground in p.exclusion_grounds and "legal_proceedings" in p.exclusion_grounds
    assert p.exclusion_rules[ground].widens == "legal_proceedings"
    assert "legal_proceedings" not in p.exclusion_rules
    d = line(profile_id, f"exclusion_{ground}")
    assert (d.kind, d.section) == ("review", "2.2")
    assert d.profile == f"also excludes '{ground.replace('_', ' ')}', broader than the Code's 'legal proceedings' exclusion"
    assert quote in d.wording
    assert ground.replace("_", " ") not in line(profile_id, "exclusion_grounds").profile


def test_wrekin_3_3_previously_considered_unless_new_evidence():
    """000 §3.3: "A complaint already under investigation, or already investigated (unless there is new evidence)"."""
    p = load_profile("wrekin")
    assert p.exclusion_rules["previously_considered"].exceptions == ("new_evidence",)
    assert p.exclusion_rules["previously_considered"].widens is None
    d = line("wrekin", "exclusion_previously_considered_exception")
    assert (d.kind, d.section) == ("stricter", "2.2")
    assert d.profile == "the 'previously considered' exclusion does not apply where: new evidence"
    assert "(unless there is new evidence)" in d.wording


def test_wrekin_recurring_issue_cites_the_self_assessment_not_3_3():
    """Wrekin's recurring_issue window exception rests on self-assessment 2.2 (seed 001: "Exceptional cases may
    still be looked at if older where there is an ongoing issue"); §3.3 itself only makes older reports background."""
    p = load_profile("wrekin")
    assert "recurring_issue" in p.complaint_window.exceptions and p.complaint_window.older_reports_as_background
    text = (Path(__file__).resolve().parent.parent / "policies" / "wrekin.toml").read_text()
    window = text[text.index("[complaint_window]") : text.index("[ombudsman_access]")].replace("\n# ", " ")
    assert "recurring_issue: self-assessment 2.2 (seed 001)" in window
    assert "Exceptional cases may still be looked at if older where there is an ongoing issue" in window
    assert (
        "Exceptional cases may still be looked at if older where there is an ongoing issue"
        in (SEEDS / "001_95068e596f8ce440.txt").read_text()
    )
    assert "complaint_window_discretion" not in findings("wrekin")  # it keeps the Code's discretion


def test_greatwell_2_3_note_recurring_issues_are_background_not_an_exception():
    """004 §2.3 Note: "Where the matter raised is a recurring issue older reports should be considered as part of
    the background to the complaint" - no exception to the window (v1 had `recurring_issue`)."""
    window = load_profile("greatwell-homes").complaint_window
    assert window.exceptions == ("good_reason_discretion",) and window.older_reports_as_background
    assert "complaint_window" not in findings("greatwell-homes")


def test_greatwell_names_only_2_7s_exclusion_and_marks_the_codes_as_defaults():
    """004 names one exclusion (§2.7 vexatious complainants); Code 2.2's three are defaults, listed by
    `policy check --defaults`, and only the vexatious ground is reported as the landlord's own."""
    p = load_profile("greatwell-homes")
    for ground in ("older_than_window", "legal_proceedings", "previously_considered"):
        assert ground in p.exclusion_grounds and p.defaults[f"exclusion_grounds.{ground}"] == "Code 2.2"
    assert "exclusion_grounds.vexatious_complainant" not in p.defaults
    d = line("greatwell-homes", "exclusion_grounds")
    assert (d.kind, d.profile) == ("review", "also excludes: vexatious complainant")
    assert "'vexatious complainant', we may refuse them access" in d.wording
    listed = {x.field: (x.value, x.source) for x in defaults_of(p)}
    assert listed["exclusion_grounds.legal_proceedings"] == ("legal_proceedings", "Code 2.2")
    assert listed["complaint_window.months"] == ("12", "Code 2.3")
    assert listed["stage2.acknowledge_working_days"] == ("5", "Code 6.11")
    assert listed["anonymous_complaints_accepted"] == ("true", "Code 2.1")


@pytest.mark.parametrize(("stage", "section", "code_section"), [(1, "2.3", "6.5"), (2, "2.4", "6.16")])
def test_greatwell_gives_the_ombudsmans_details_only_where_agreement_fails(stage, section, code_section):
    """004 §2.3 / §2.4: the Ombudsman's details only "Where agreement over an extension period cannot be reached" -
    a gap from Code 6.5 / 6.16, reported; the system still gives them with every extension."""
    rules = getattr(load_profile("greatwell-homes"), f"stage{stage}")
    assert rules.extension_ombudsman_details == "when_agreement_not_reached"
    assert rules.extension_ombudsman_details_required is True
    d = line("greatwell-homes", f"stage{stage}_extension_ombudsman")
    assert (d.kind, d.section) == ("non_compliant", code_section)
    assert d.profile == "the Ombudsman's contact details are given only where agreement over an extension cannot be reached"
    assert "agreement over an extension period cannot be reached" in d.wording


def test_wolverhampton_13_one_discretionary_payment():
    """002 §13.1-13.3 "Discretionary payments": one payment ("a gesture of a good will ... by way of a compensation
    payment", "a discretionary compensation payment"), not two types (v1 had discretionary and goodwill)."""
    remedies = load_profile("wolverhampton-homes").remedies
    assert remedies.compensation_types == ("discretionary",)
    assert remedies.offset_against_arrears is True  # §13.3


@pytest.mark.parametrize(("stage", "days", "section"), [(1, 10, "6.4"), (2, 20, "6.15")])
def test_wolverhampton_7_1_7_2_contact_about_an_extension_within_days_of_receipt(stage, days, section):
    """002 §7.1 / §7.2: "the Customer Resolution Team will contact the customer within 10 [20] days of the complaint
    being received" - calendar days ("days", where every other count in §7 says "working days")."""
    rules = getattr(load_profile("wolverhampton-homes"), f"stage{stage}")
    assert (rules.extension_contact_days, rules.extension_contact_day_kind, rules.extension_contact_from) == (
        days,
        "calendar_days",
        "receipt",
    )
    d = line("wolverhampton-homes", f"stage{stage}_extension_contact")
    assert (d.kind, d.section) == ("stricter", section)
    assert d.profile == f"the resident is contacted about an extension within {days} calendar days of receipt"
    assert f"within {days} days of the complaint being received" in d.wording


@pytest.mark.parametrize("profile_id", ["together-housing", "wolverhampton-homes"])
def test_together_2_4_and_wolverhampton_4_1_count_the_window_from_the_event_only(profile_id):
    """003 §2.4 ("an event more than 6 months before") and 002 §4.1 ("the issue took place more than six months
    ago") count from the issue, not from awareness as Code 2.3 does: reported as non-compliant."""
    window = load_profile(profile_id).complaint_window
    assert window.counted_from == "issue"
    d = line(profile_id, "complaint_window_awareness")
    assert (d.kind, d.section) == ("non_compliant", "2.3")
    assert "becoming aware of the issue" in d.code
    # The model applies it: an issue 7 months old that the resident learnt of 2 months ago.
    assert window.is_outside(date(2026, 1, 5), date(2026, 8, 5), aware_on=date(2026, 6, 5))
    assert not load_profile("code-2024").complaint_window.is_outside(
        date(2025, 1, 5), date(2026, 8, 5), aware_on=date(2026, 6, 5)
    )
    assert load_profile("code-2024").complaint_window.is_outside(date(2025, 1, 5), date(2026, 8, 5))


def test_wrekin_3_1_former_tenants_within_12_months():
    """000 §3.1: "Former tenants or service users within 12 months of ending their tenancy or service"."""
    assert load_profile("wrekin").scope.former_residents_within_months == 12
    assert load_profile("code-2024").scope.former_residents_within_months is None
    d = line("wrekin", "scope_former_residents")
    assert (d.kind, d.section) == ("review", "1.2, 2.1")
    assert d.profile == "former residents may complain only within 12 months of their tenancy or service ending"


def test_wrekin_6_2_6_4_and_wolverhampton_8_2_other_ombudsmen():
    """000 §6.2 (LGSCO for adult social care), §6.4 (Financial Ombudsman for debt advice), 002 §8.2 (LGSCO, in the
    stage 2 response letter)."""
    wrekin = {(b.body, b.applies_to): b.told_in for b in load_profile("wrekin").other_bodies}
    assert wrekin == {
        ("local_government_and_social_care_ombudsman", "adult_social_care"): ("stage1_response", "stage2_response"),
        ("financial_ombudsman_service", "debt_advice"): ("stage1_response", "stage2_response"),
    }
    wh = [(b.body, b.applies_to, b.told_in) for b in load_profile("wolverhampton-homes").other_bodies]
    assert wh == [("local_government_and_social_care_ombudsman", "where_appropriate", ("stage2_response",))]
    d = line("wrekin", "other_bodies")
    assert (d.kind, d.section) == ("stricter", "3.7")
    assert "Local Government and Social Care Ombudsman (adult social care" in d.profile
    assert "Financial Ombudsman Service (debt advice" in d.profile
    d = line("wolverhampton-homes", "other_bodies")
    assert d.profile.endswith("Local Government and Social Care Ombudsman (where appropriate; in the stage 2 response)")
    assert "Stage 2 response letter" in d.wording


# ---- issue 15 item 1: what permits an extension past the normal limit ---------------------------------------


@pytest.mark.parametrize(
    ("profile_id", "stage", "kind", "profile_text"),
    [
        (
            "together-housing",
            1,
            "non_compliant",
            "past 10 working days an extension needs only the resident's agreement; no good reason is asked for",
        ),
        (
            "together-housing",
            2,
            "non_compliant",
            "past 10 working days an extension needs only the resident's agreement; no good reason is asked for",
        ),
        (
            "greatwell-homes",
            1,
            "stricter",
            "past 10 working days an extension needs a good reason, and the resident's "
            "agreement or, where it cannot be reached, the Ombudsman's contact details",
        ),
        (
            "greatwell-homes",
            2,
            "stricter",
            "past 10 working days an extension needs a good reason, and the resident's "
            "agreement or, where it cannot be reached, the Ombudsman's contact details",
        ),
        ("wrekin", 1, "stricter", "past 10 working days an extension needs a good reason and the resident's agreement"),
        ("wrekin", 2, "stricter", "past 20 working days an extension needs a good reason and the resident's agreement"),
        ("wolverhampton-homes", 1, "stricter", "no extension past 10 working days in all, whatever the reason"),
        ("wolverhampton-homes", 2, "stricter", "no extension past 10 working days in all, whatever the reason"),
    ],
)
def test_extension_beyond_limit_line_003_5_5_004_2_3_000_7_5_002_7_1(profile_id, stage, kind, profile_text):
    """Past the normal limit: Code 6.4/6.15 a good reason; Together §5.5/§5.6 only the resident's agreement;
    Greatwell §2.3/§2.4 a good reason and agreement or, failing it, the Ombudsman's details; Wrekin §7.5 exceptional
    circumstances and express agreement; Wolverhampton §7.1/§7.2 never ("will not be longer than 10 working days")."""
    section = "6.4" if stage == 1 else "6.15"
    d = line(profile_id, f"stage{stage}_extension_beyond_limit")
    assert (d.kind, d.section, d.profile) == (kind, section, profile_text)


def test_wrekin_7_5_every_extension_needs_exceptional_circumstances():
    """000 §7.5: "Where an extension of a complaint is required we will only do so in exceptional circumstances and
    with the express agreement of the complainant" - within the limit too (a good reason and the agreement)."""
    p = load_profile("wrekin")
    for stage in (1, 2):
        rules = getattr(p, f"stage{stage}")
        assert rules.extension_requires_good_reason and rules.extension_requires_agreement
        d = line("wrekin", f"stage{stage}_extension_good_reason")
        assert (d.kind, d.section) == ("stricter", "6.4" if stage == 1 else "6.15")
        assert "exceptional circumstances" in d.wording
    assert not any(
        getattr(load_profile(pid), f"stage{n}").extension_requires_good_reason
        for pid in ("code-2024", "together-housing", "greatwell-homes", "wolverhampton-homes")
        for n in (1, 2)
    )


def test_cli_lists_the_defaults_of_a_profile():
    """`complaints policy check --defaults`: what each profile takes from the Code because its document is silent."""
    done = complaints("policy", "check", "greatwell-homes", "--defaults")
    assert done.exit_code == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "greatwell-homes (Greatwell Homes): 12 values the document is silent on" in flat
    assert "exclusion_grounds.legal_proceedings" in flat and "Code 2.2" in flat and "DESIGN.md" in flat
    done = complaints("policy", "check", "--defaults", "--format", "json")
    data = json.loads(done.stdout)
    assert data["code-2024"] == [{"field": "notice_ladder", "value": data["code-2024"][0]["value"], "source": "DESIGN.md"}]
    assert {d["field"] for d in data["wolverhampton-homes"]} == {
        "stage1.extension_ombudsman_details",
        "stage2.extension_ombudsman_details",
        "ombudsman_access.wait_weeks_after_final_response",
        "notice_ladder",
    }
    assert all(data[pid] for pid in data), "every profile lists at least the notice ladder"
