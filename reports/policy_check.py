"""`policy check`: every way a landlord's profile departs from the Housing Ombudsman Complaint Handling
Code (2024), with the Code section, what the Code says, and the landlord's own words.

The baseline is the `code-2024` profile (every value in it quotes the Code as seed 001 sets it out), so
the rules compare two profiles field by field and know which direction is safe for residents:

- `stricter`: the landlord promises more than the Code (a shorter timescale, a shorter extension, the
  resident's agreement to an extension). Fine.
- `non_compliant`: the landlord's policy breaks the Code (an extra stage, a shorter complaint window,
  reasons demanded before stage 2, a longer timescale, an out-of-date route to the Ombudsman).
- `review`: the Code allows it only if fair and reasonable and applied case by case (Code 2.2, 5.11):
  an extra exclusion ground, a time limit on asking for stage 2, refusing anonymous complaints.

The landlord's wording comes from the profile's `[wording]` table, keyed by the rule ids below. Rule ids:
`complaint_window`, `complaint_window_discretion`, `complaint_window_awareness`, `scope_former_residents`,
`exclusion_grounds`, `exclusion_<ground>` (a ground broader than a Code 2.2 exclusion),
`exclusion_<ground>_exception` (a ground's own exception), `exclusion_<ground>_restriction` (a restriction
for unacceptable behaviour, Code 5.14), `escalation_refusals`, `anonymous_complaints`,
`other_bodies`, `pre_stage`, `stage2_request_window`, `stage<n>_acknowledge`, `stage<n>_respond`,
`stage<n>_extension`, `stage<n>_extension_agreement`, `stage<n>_extension_good_reason`,
`stage<n>_extension_beyond_limit`, `stage<n>_extension_absolute_max`, `stage<n>_extension_contact`,
`stage<n>_extension_ombudsman`, `stage2_requires_reasons`, `ombudsman_access`.

`defaults_of` lists what a profile takes from the Code where its document is silent (`policy check --defaults`).

Which profile fields the system applies, and which it only records from the document for this report (where the
Code wins, or staff decide case by case), is listed once, field by field, in tests/test_profile_fields_applied.py.
"""

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from models.policy import DEFAULT_PROFILE_ID, PolicyProfile, field_value, load_profile
from models.policy_rules import CODE_GROUNDS, ExclusionRule, NoticeRung
from reports.stage_deviations import stage_deviations

Kind = Literal["stricter", "non_compliant", "review"]
Add = Callable[..., None]
"""Records one deviation: (rule id, Code section, kind, what the Code says, what the profile does)."""
KIND_LABELS: dict[str, str] = {
    "stricter": "stricter than the Code",
    "non_compliant": "non-compliant",
    "review": "allowed only if fair and applied case by case",
}
DISCRETION = "good_reason_discretion"
"""The complaint-window exception Code 2.3 requires: discretion where there are good reasons."""


class Deviation(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    """The rule's id, also the key of the landlord's wording in the profile's `[wording]` table."""
    section: str
    """The Code section(s), e.g. `5.2, 5.3`."""
    kind: Kind
    code: str
    """What the Code requires, in its words (seed 001)."""
    profile: str
    """What this profile does instead."""
    wording: str | None = None
    """The landlord's own words from the seed, where the profile records them."""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


class Default(BaseModel):
    """One value a profile takes from the Code (or DESIGN.md) because its document is silent."""

    model_config = ConfigDict(frozen=True)

    field: str
    """The field path, as in the profile's `[defaults]` table (`stage2.acknowledge_working_days`)."""
    value: str
    """The value the profile holds there, as text."""
    source: str
    """Where it comes from: `Code 6.11`, or `DESIGN.md`."""


def defaults_of(profile: PolicyProfile) -> list[Default]:
    """Every default a profile declares in its `[defaults]` table, in file order."""
    return [
        Default(field=path, value=_shown(field_value(profile, path)), source=source) for path, source in profile.defaults.items()
    ]


def _shown(value: object) -> str:
    if isinstance(value, NoticeRung):
        days = f"{value.working_days:+d} working days" if value.working_days else "on the due date"
        return f"{value.kind} {days} ({value.at.replace('_', ' ')}) to {', '.join(value.recipients)}"
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


CODE_GROUND_TEXT: dict[str, str] = {
    "older_than_window": "The issue giving rise to the complaint occurred over twelve months ago.",
    "legal_proceedings": "Legal proceedings have started. This is defined as details of the claim, such as the Claim "
    "Form and Particulars of Claim, having been filed at court.",
    "previously_considered": "Matters that have previously been considered under the complaints policy.",
}
"""Code 2.2's acceptable exclusions, word for word (seed 001)."""


def check_profile(profile: PolicyProfile, code: PolicyProfile | None = None) -> list[Deviation]:
    """Every deviation of `profile` from the Code (`code`, default the `code-2024` profile), in Code order."""
    code = code or load_profile(DEFAULT_PROFILE_ID)
    found: list[tuple[str, str, Kind, str, str]] = []

    def add(rule: str, section: str, kind: Kind, says: str, does: str) -> None:
        found.append((rule, section, kind, says, does))

    _scope(profile, add)
    _window(profile, code, add)
    _exclusions(profile, code, add)
    _other_bodies(profile, add)
    _pre_stage(profile, add)
    _stage2_request_window(profile, add)
    for number in (1, 2):
        stage_deviations(number, getattr(profile, f"stage{number}"), getattr(code, f"stage{number}"), add)
    _stage2_reasons(profile, code, add)
    _ombudsman(profile, code, add)
    return [
        Deviation(rule=rule, section=section, kind=kind, code=says, profile=does, wording=profile.wording.get(rule))
        for rule, section, kind, says, does in found
    ]


def _scope(profile: PolicyProfile, add: Add) -> None:
    """Code 1.2 / 2.1: who may complain; a time limit on former residents is for review."""
    if profile.scope.former_residents_within_months is not None:
        add(
            "scope_former_residents",
            "1.2, 2.1",
            "review",
            "A complaint must be defined as 'an expression of dissatisfaction, however made, about the standard of "
            "service ... affecting a resident or group of residents'; landlords must accept a complaint unless there "
            "is a valid reason not to do so.",
            f"former residents may complain only within {profile.scope.former_residents_within_months} months of "
            "their tenancy or service ending",
        )


def _other_bodies(profile: PolicyProfile, add: Add) -> None:
    """Code 3.7: other bodies the resident is told of besides the Ombudsman."""
    if profile.other_bodies:
        told = "; ".join(
            f"the {body.body.replace('_', ' ').title().replace('And', 'and')} ({body.applies_to.replace('_', ' ')}; "
            f"in the {' and '.join(letter.replace('_', ' ').replace('stage', 'stage ') for letter in body.told_in)})"
            for body in profile.other_bodies
        )
        add(
            "other_bodies",
            "3.7",
            "stricter",
            "Landlords must provide residents with information on their right to access the Ombudsman service and "
            "how the individual can engage with the Ombudsman about their complaint.",
            f"residents are also told of {told}",
        )


def _pre_stage(profile: PolicyProfile, add: Add) -> None:
    """Code 5.2 / 5.3: an informal stage before stage 1 is an extra stage."""
    if profile.pre_stage is not None:
        stage = profile.pre_stage
        add(
            "pre_stage",
            "5.2, 5.3",
            "non_compliant",
            "It is not appropriate to have extra named stages (such as 'stage 0' or 'informal complaint'); "
            "a process with more than two stages is not acceptable under any circumstances.",
            f"an informal '{stage.name}' stage of {stage.resolve_working_days} working days before stage 1 "
            f"({'every complaint' if stage.applies == 'always' else 'where it can be resolved quickly'})",
        )


def _stage2_request_window(profile: PolicyProfile, add: Add) -> None:
    """Code 5.11 / 6.10: a time limit on asking for stage 2 is for review."""
    if profile.stage2_request_window_working_days is not None:
        add(
            "stage2_request_window",
            "5.11, 6.10",
            "review",
            "Landlords must not refuse to escalate a complaint through all stages unless it has valid reasons "
            "to do so, and they must comply with section 2.",
            f"stage 2 must be asked for within {profile.stage2_request_window_working_days} working days of "
            "the stage-1 response (later requests are taken and flagged for a discretion decision)",
        )


def _stage2_reasons(profile: PolicyProfile, code: PolicyProfile, add: Add) -> None:
    """Code 6.12: residents need not explain why they ask for stage 2."""
    if profile.stage2_requires_reasons and not code.stage2_requires_reasons:
        add(
            "stage2_requires_reasons",
            "6.12",
            "non_compliant",
            "Residents must not be required to explain their reasons for requesting a stage 2 consideration.",
            "residents must give reasons, or meet conditions, before stage 2 is considered",
        )


def _window(profile: PolicyProfile, code: PolicyProfile, add: Add) -> None:
    months, code_months = profile.complaint_window.months, code.complaint_window.months
    says = (
        f"Landlords must accept complaints referred to them within {code_months} months of the issue occurring "
        "or the resident becoming aware of the issue ... and must consider whether to apply discretion to "
        "accept complaints made outside this time limit where there are good reasons to do so."
    )
    if months < code_months:
        add(
            "complaint_window",
            "2.3",
            "non_compliant",
            says,
            f"complaints about issues older than {months} months are not accepted",
        )
    elif months > code_months:
        add("complaint_window", "2.3", "stricter", says, f"complaints are accepted up to {months} months after the issue")
    if profile.complaint_window.counted_from == "issue" and code.complaint_window.counted_from != "issue":
        add(
            "complaint_window_awareness",
            "2.3",
            "non_compliant",
            says,
            "the window is counted from the issue (event) only, not from when the resident became aware of it",
        )
    if DISCRETION in code.complaint_window.exceptions and DISCRETION not in profile.complaint_window.exceptions:
        named = ", ".join(e.replace("_", " ") for e in profile.complaint_window.exceptions) or "none"
        add(
            "complaint_window_discretion",
            "2.3",
            "non_compliant",
            says,
            f"older issues are accepted only on named grounds ({named}), with no general discretion for good reasons",
        )


def _exclusions(profile: PolicyProfile, code: PolicyProfile, add: Add) -> None:
    """Code section 2 and 5.11: the grounds on which a complaint is not taken or not escalated."""
    _extra_grounds(profile, code, add)
    for ground in profile.exclusion_grounds:
        rule = profile.exclusion_rules.get(ground)
        if rule is not None:
            _ground_rule(ground, rule, add)
    _escalation_refusals(profile, add)
    _anonymous_complaints(profile, code, add)


def _extra_grounds(profile: PolicyProfile, code: PolicyProfile, add: Add) -> None:
    """Grounds the Code does not name and that have no line of their own below."""
    rules = profile.exclusion_rules
    own_line = {g for g, r in rules.items() if r.widens is not None or r.refuses_escalation}
    extra = [g for g in profile.exclusion_grounds if g not in code.exclusion_grounds and g not in own_line]
    if extra:
        add(
            "exclusion_grounds",
            "2.1, 2.2, 2.5",
            "review",
            "A complaints policy must set out the circumstances in which a matter will not be considered as a "
            "complaint or escalated, and these circumstances must be fair and reasonable to residents; landlords "
            "must not take a blanket approach to excluding complaints.",
            "also excludes: " + ", ".join(ground.replace("_", " ") for ground in extra),
        )


def _ground_rule(ground: str, rule: ExclusionRule, add: Add) -> None:
    """What one ground's rule says beyond its name: broader than a Code exclusion, an exception of its own,
    or a restriction for unacceptable behaviour."""
    if rule.widens is not None:
        add(
            f"exclusion_{ground}",
            "2.2",
            "review",
            "Acceptable exclusions include: " + CODE_GROUND_TEXT[rule.widens],
            f"also excludes '{ground.replace('_', ' ')}', broader than the Code's '{rule.widens.replace('_', ' ')}' exclusion",
        )
    if rule.exceptions:
        code_text = CODE_GROUND_TEXT.get(ground)
        add(
            f"exclusion_{ground}_exception",
            "2.2",
            "stricter",
            ("Acceptable exclusions include: " + code_text)
            if code_text
            else "A complaints policy must set out the circumstances in which a matter will not be considered as a complaint.",
            f"the '{ground.replace('_', ' ')}' exclusion does not apply where: "
            + ", ".join(e.replace("_", " ") for e in rule.exceptions),
        )
    if rule.restricts_contact:
        add(
            f"exclusion_{ground}_restriction",
            "5.14, 5.15",
            "review",
            "Landlords must be able to evidence reasons for putting any restrictions in place and must keep "
            "restrictions under regular review. Any restrictions placed on contact due to unacceptable behaviour "
            "must be proportionate and demonstrate regard for the provisions of the Equality Act 2010.",
            f"under '{ground.replace('_', ' ')}' the complaint may be suspended or its escalation refused "
            "(a restriction for unacceptable behaviour)",
        )


def _escalation_refusals(profile: PolicyProfile, add: Add) -> None:
    """Code 5.11 / 6.10: grounds of the landlord's own on which escalation is refused."""
    rules = profile.exclusion_rules
    refusals = [g for g in profile.exclusion_grounds if g in rules and rules[g].refuses_escalation and g not in CODE_GROUNDS]
    if refusals:
        add(
            "escalation_refusals",
            "5.11, 6.10",
            "non_compliant",
            "Landlords must not refuse to escalate a complaint through all stages of the complaints procedure unless "
            "it has valid reasons to do so ... and they must comply with the provisions set out in section 2. If all "
            "or part of the complaint is not resolved to the resident's satisfaction at stage 1, it must be "
            "progressed to stage 2.",
            "escalation is refused where: " + ", ".join(g.replace("_", " ") for g in refusals),
        )


def _anonymous_complaints(profile: PolicyProfile, code: PolicyProfile, add: Add) -> None:
    """Code 1.2 / 2.1: a complaint "however made" includes an anonymous one."""
    if code.anonymous_complaints_accepted and not profile.anonymous_complaints_accepted:
        add(
            "anonymous_complaints",
            "1.2, 2.1",
            "review",
            "A complaint is 'an expression of dissatisfaction, however made'; landlords must accept a complaint "
            "unless there is a valid reason not to do so.",
            "anonymous complaints are not accepted",
        )


def _ombudsman(profile: PolicyProfile, code: PolicyProfile, add: Add) -> None:
    access, baseline = profile.ombudsman_access, code.ombudsman_access
    problems = []
    if access.designated_person_route and not baseline.designated_person_route:
        problems.append("residents are sent to a designated person (MP, councillor or tenant panel)")
    if access.wait_weeks_after_final_response > baseline.wait_weeks_after_final_response:
        problems.append(f"residents must wait {access.wait_weeks_after_final_response} weeks after the final response")
    if problems:
        add(
            "ombudsman_access",
            "3.7, 6.19",
            "non_compliant",
            "Landlords must provide residents with information on their right to access the Ombudsman service "
            "and how to engage with it; the stage-2 response gives details of how to escalate to the Ombudsman. "
            "Since 1 October 2023 (Building Safety Act 2022) residents go straight to the Ombudsman after the "
            "final response: no designated person and no waiting period.",
            "; ".join(problems) + " (out of date)",
        )
