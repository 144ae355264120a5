"""Where one stage's timescales and extension rules depart from the Code's, for `complaints policy check`.

Part of `reports/policy_check.py`, kept apart because the extension rules past the normal limit (Code 6.4 /
6.15, each landlord's own) are a topic of their own.
"""

from collections.abc import Callable

from models.policy_rules import ExtensionBeyondLimit, StageRules

BEYOND_NEEDS: dict[str, str] = {
    "good_reason": "a good reason, explained to the resident",
    "resident_agreement": "only the resident's agreement",
    "good_reason_and_agreement": "a good reason and the resident's agreement",
    "good_reason_and_agreement_or_ombudsman_details": "a good reason, and the resident's agreement or, where it "
    "cannot be reached, the Ombudsman's contact details",
}


def stage_deviations(number: int, rules: StageRules, code: StageRules, add: Callable[..., None]) -> None:
    """Report through `add` (key, Code section, kind, the Code's words, the profile's) each way a stage's
    timescales and extension rules depart from the Code's (6.2-6.5 at stage 1, 6.11-6.16 at stage 2)."""
    ack_section, respond_section, extension_section, details_section = (
        ("6.2", "6.3", "6.4", "6.5") if number == 1 else ("6.11", "6.14", "6.15", "6.16")
    )
    _acknowledgement(number, rules, code, ack_section, add)
    _response(number, rules, code, respond_section, add)
    _extension_conditions(number, rules, code, extension_section, add)
    _beyond_limit(number, rules, code, extension_section, add)
    _extension_ceiling_and_contact(number, rules, code, extension_section, add)
    _ombudsman_details(number, rules, code, details_section, add)


def _acknowledgement(number: int, rules: StageRules, code: StageRules, section: str, add: Callable[..., None]) -> None:
    """Code 6.2 / 6.11: the days allowed to acknowledge, define and log."""
    ack = rules.acknowledge_working_days
    if ack != code.acknowledge_working_days:
        add(
            f"stage{number}_acknowledge",
            section,
            "stricter" if ack < code.acknowledge_working_days else "non_compliant",
            f"Stage {number} complaints must be acknowledged, defined and logged within "
            f"{code.acknowledge_working_days} working days of being received.",
            f"acknowledged within {ack} working days",
        )


def _response(number: int, rules: StageRules, code: StageRules, section: str, add: Callable[..., None]) -> None:
    """Code 6.3 / 6.14: the days allowed to respond, and the day they are counted from."""
    days, code_days = rules.respond_working_days, code.respond_working_days
    from_later = {"receipt": 0, "logging": 1, "acknowledgement": 2}
    if (days, rules.respond_from) != (code_days, code.respond_from):
        earlier_or_same = from_later[rules.respond_from] <= from_later[code.respond_from]
        add(
            f"stage{number}_respond",
            section,
            "stricter" if days <= code_days and earlier_or_same else "non_compliant",
            f"Landlords must issue a {'final' if number == 2 else 'full'} response within {code_days} working "
            f"days of the complaint being acknowledged.",
            f"responds within {days} working days of {rules.respond_from}",
        )


def _extension_conditions(number: int, rules: StageRules, code: StageRules, section: str, add: Callable[..., None]) -> None:
    """Code 6.4 / 6.15: how long an extension may be, and what a profile asks for before granting one."""
    prefix = f"stage{number}"
    most, code_most = rules.extension_max_working_days, code.extension_max_working_days
    if most != code_most:
        add(
            f"{prefix}_extension",
            section,
            "stricter" if most < code_most else "non_compliant",
            f"Any extension must be no more than {code_most} working days without good reason.",
            f"extensions of at most {most} working days",
        )
    if rules.extension_requires_agreement and not code.extension_requires_agreement:
        add(
            f"{prefix}_extension_agreement",
            section,
            "stricter",
            "Landlords must decide whether an extension is needed and then inform the resident of the expected timescale.",
            "an extension needs the resident's agreement",
        )
    if rules.extension_requires_good_reason and not code.extension_requires_good_reason:
        add(
            f"{prefix}_extension_good_reason",
            section,
            "stricter",
            f"Any extension must be no more than {code_most} working days without good reason.",
            "every extension, even within the limit, needs a good reason (exceptional circumstances)",
        )


def _extension_ceiling_and_contact(
    number: int, rules: StageRules, code: StageRules, section: str, add: Callable[..., None]
) -> None:
    """A profile's own extension rules the Code lacks: a ceiling on extensions in all, and a window within
    which the resident is contacted about one."""
    prefix = f"stage{number}"
    if rules.extension_absolute_max_working_days is not None and code.extension_absolute_max_working_days is None:
        add(
            f"{prefix}_extension_absolute_max",
            section,
            "stricter",
            f"Any extension must be no more than {code.extension_max_working_days} working days without good reason.",
            f"never more than {rules.extension_absolute_max_working_days} working days of extension in all",
        )
    if rules.extension_contact_days is not None and code.extension_contact_days is None:
        add(
            f"{prefix}_extension_contact",
            section,
            "stricter",
            "Landlords must decide whether an extension to this timescale is needed ... and then inform the "
            "resident of the expected timescale for response.",
            f"the resident is contacted about an extension within {rules.extension_contact_days} "
            f"{rules.extension_contact_day_kind.replace('_', ' ')} of {rules.extension_contact_from}",
        )


def _ombudsman_details(number: int, rules: StageRules, code: StageRules, section: str, add: Callable[..., None]) -> None:
    """Code 6.5 / 6.16: the Ombudsman's contact details given with every extension."""
    details_short = (
        code.extension_ombudsman_details == "every_extension" and rules.extension_ombudsman_details != "every_extension"
    )
    if details_short or (code.extension_ombudsman_details_required and not rules.extension_ombudsman_details_required):
        add(
            f"stage{number}_extension_ombudsman",
            section,
            "non_compliant",
            "When an organisation informs a resident about an extension to these timescales, they must be provided "
            "with the contact details of the Ombudsman.",
            "the Ombudsman's contact details are given only where agreement over an extension cannot be reached"
            if rules.extension_ombudsman_details == "when_agreement_not_reached"
            else "extensions are given without the Ombudsman's contact details",
        )


NEEDS: dict[str, frozenset[str]] = {
    "never": frozenset(),
    "good_reason": frozenset({"good_reason"}),
    "resident_agreement": frozenset({"agreement"}),
    "good_reason_and_agreement": frozenset({"good_reason", "agreement"}),
    "good_reason_and_agreement_or_ombudsman_details": frozenset({"good_reason", "agreement_or_details"}),
}
"""What each `extension_beyond_limit` asks for, to compare a profile's with the Code's."""


def _beyond_limit(number: int, rules: StageRules, code: StageRules, section: str, add: Callable[..., None]) -> None:
    """Past the normal limit: `never` is stricter than the Code; asking for less than the Code's good reason is not."""
    mine: ExtensionBeyondLimit = rules.extension_beyond_limit
    theirs = code.extension_beyond_limit
    if mine == theirs:
        return
    says = (
        f"Any extension must be no more than {code.extension_max_working_days} working days without good reason, "
        "and the reason(s) must be clearly explained to the resident."
    )
    limit = rules.extension_max_working_days
    if mine == "never":
        add(
            f"stage{number}_extension_beyond_limit",
            section,
            "stricter",
            says,
            f"no extension past {limit} working days in all, whatever the reason",
        )
        return
    lacking = NEEDS[theirs] - NEEDS[mine]
    if theirs == "never":
        lacking = frozenset({"a hard limit"})
    add(
        f"stage{number}_extension_beyond_limit",
        section,
        "non_compliant" if lacking else "stricter",
        says,
        f"past {limit} working days an extension needs {BEYOND_NEEDS[mine]}"
        + ("; no good reason is asked for" if "good_reason" in lacking else ""),
    )
