"""The self-assessment against the Code (Code 8.1): one row per Code section the system records, with the
figure that evidences it and the cases behind it. The compliance figures only the self-assessment shows
(definitions, letters' completeness, stage-2 independence, restrictions, extension limits and the
Ombudsman's details) live here; the annual report's figures are reports/reporting.py."""

from collections.abc import Callable
from datetime import date

from reports.report_facts import CaseFacts, Fact
from reports.reporting import (
    Figure,
    ReportingYear,
    acknowledged_in_time,
    escalation,
    extended,
    extended_past_limit,
    extensions_past_limit,
    letters_in_time,
    responded,
    responded_in_time,
)


def extensions_within_limit(cases: list[CaseFacts], year: ReportingYear, stage: int) -> Figure:
    """Code 6.4 / 6.15: "no more than 10 [20] working days without good reason": within the limit, or past it
    with a good reason recorded for every extension that went past."""
    return Figure.of(
        (case.reference, all(e.good_reason_given for e in extensions_past_limit(r))) for case, r in extended(cases, year, stage)
    )


def extensions_with_ombudsman_details(cases: list[CaseFacts], year: ReportingYear, stage: int) -> Figure:
    return Figure.of(
        (case.reference, all(e.ombudsman_details_given for e in r.extensions)) for case, r in extended(cases, year, stage)
    )


def extensions_within_contact_window(cases: list[CaseFacts], year: ReportingYear) -> Figure:
    """Extended complaints (either stage) under a policy with its own contact window (Wolverhampton 002 §7.1/7.2)
    whose every extension was agreed within it; `missed`: contact later than the policy promises."""
    pairs: dict[str, bool] = {}
    for stage in (1, 2):
        for case, record in extended(cases, year, stage):
            windowed = [e for e in record.extensions if e.late_contact is not None]
            if windowed:
                pairs[case.reference] = pairs.get(case.reference, True) and not any(e.late_contact for e in windowed)
    return Figure.of(pairs.items())


def definitions_recorded(cases: list[CaseFacts], year: ReportingYear, stage: int) -> Figure:
    """Code 5.6: of the stage's acknowledgements in the year, those with a complaint definition recorded."""
    pairs = []
    for case in cases:
        record = case.stage(stage)
        if record is not None and record.acknowledged_on in year:
            pairs.append((case.reference, record.definition_recorded))
    return Figure.of(pairs)


def letters_complete(cases: list[CaseFacts], year: ReportingYear, stage: int) -> Figure:
    """Code 6.9 / 6.19: of the stage's responses in the year, those with a response letter that passed the
    completeness check (stage, definition, decision, reasons, remedy, outstanding actions, next step). A
    simulated case has no record to show letters from, so it is not counted either way."""
    return Figure.of(
        (case.reference, r.letter_complete is True) for case, r in responded(cases, year, stage) if case.letters_recorded
    )


def stage2_independent(cases: list[CaseFacts], year: ReportingYear) -> Figure:
    """Code 6.13: of the stage-2 responses in the year, those given by someone who took no stage-1
    decision (`CaseFacts.stage1_people`, the workflow's rule). A response whose actors were not recorded
    cannot evidence independence."""
    pairs = []
    for case, record in responded(cases, year, 2):
        reviewer = record.responder or (record.handlers[-1] if record.handlers else None)
        pairs.append((case.reference, reviewer is not None and bool(case.stage1_people) and reviewer not in case.stage1_people))
    return Figure.of(pairs)


def restrictions_reviewed(cases: list[CaseFacts], year: ReportingYear) -> Figure:
    """Code 5.14: restrictions whose review fell due in the year, reviewed by the review date."""
    return Figure.of(
        (case.reference, r.reviewed_on is not None and r.reviewed_on <= r.review_on)
        for case in cases
        for r in case.restrictions
        if r.review_on in year
    )


FigureOf = Callable[[list[CaseFacts], ReportingYear, date | None], Figure]
"""How one row's figure is worked out from the year's cases, judged on a date."""


class EvidenceRow(Fact):
    """One row of the self-assessment, in the shape of seed 001's table."""

    section: str
    requirement: str
    comply: str
    """Yes (every case met it), Not always, or No cases (nothing to evidence in the year)."""
    evidence: str
    figure: Figure


_CODE_ROWS: tuple[tuple[str, str, str, FigureOf], ...] = (
    (
        "5.6",
        "A complaint definition is set out when a complaint is logged at stage 1 or escalated to stage 2.",
        "acknowledgements with a definition recorded",
        lambda cases, year, as_of: _merge(definitions_recorded(cases, year, 1), definitions_recorded(cases, year, 2)),
    ),
    (
        "5.14",
        "Restrictions on contact are kept under regular review.",
        "restrictions reviewed by their review date",
        lambda cases, year, as_of: restrictions_reviewed(cases, year),
    ),
    (
        "6.2",
        "Stage 1 complaints acknowledged, defined and logged within 5 working days of receipt.",
        "stage 1 complaints acknowledged within 5 working days",
        lambda cases, year, as_of: acknowledged_in_time(cases, year, 1, as_of),
    ),
    (
        "6.3",
        "A full stage 1 response within 10 working days of acknowledgement.",
        "stage 1 responses within the Code's timescale",
        lambda cases, year, as_of: responded_in_time(cases, year, 1, as_of),
    ),
    (
        "6.3",
        "A full stage 1 response within 10 working days of acknowledgement (the letter).",
        "stage 1 response letters sent within the timescale",
        lambda cases, year, as_of: letters_in_time(cases, year, 1, as_of),
    ),
    (
        "6.4",
        "Any extension no more than 10 working days without good reason.",
        "stage 1 complaints extended, within 10 working days or past them with a good reason",
        lambda cases, year, as_of: extensions_within_limit(cases, year, 1),
    ),
    (
        "6.4",
        "Extensions past 10 working days, counted separately.",
        "stage 1 extended complaints went past 10 working days",
        lambda cases, year, as_of: extended_past_limit(cases, year, 1),
    ),
    (
        "Policy",
        "The landlord's own policy: the resident contacted about an extension within its contact window.",
        "extended complaints whose extensions were agreed within the policy's contact window",
        lambda cases, year, as_of: extensions_within_contact_window(cases, year),
    ),
    (
        "6.5",
        "The Ombudsman's contact details given with an extension.",
        "stage 1 extensions given with the Ombudsman's details",
        lambda cases, year, as_of: extensions_with_ombudsman_details(cases, year, 1),
    ),
    (
        "6.9",
        "The stage 1 response confirms stage, definition, decision, reasons, remedy, outstanding actions and how to escalate.",
        "stage 1 response letters complete",
        lambda cases, year, as_of: letters_complete(cases, year, 1),
    ),
    (
        "6.10",
        "Complaints not resolved at stage 1 are progressed to stage 2.",
        "stage 1 complaints escalated to stage 2",
        lambda cases, year, as_of: escalation(cases, year),
    ),
    (
        "6.11",
        "Stage 2 requests acknowledged, defined and logged within 5 working days.",
        "stage 2 requests acknowledged within 5 working days",
        lambda cases, year, as_of: acknowledged_in_time(cases, year, 2, as_of),
    ),
    (
        "6.13",
        "The stage 2 reviewer is not the person who considered stage 1.",
        "stage 2 responses by someone independent of stage 1",
        lambda cases, year, as_of: stage2_independent(cases, year),
    ),
    (
        "6.14",
        "A final stage 2 response within 20 working days of acknowledgement.",
        "stage 2 responses within the Code's timescale",
        lambda cases, year, as_of: responded_in_time(cases, year, 2, as_of),
    ),
    (
        "6.15",
        "Any stage 2 extension no more than 20 working days without good reason.",
        "stage 2 complaints extended, within 20 working days or past them with a good reason",
        lambda cases, year, as_of: extensions_within_limit(cases, year, 2),
    ),
    (
        "6.15",
        "Extensions past 20 working days, counted separately.",
        "stage 2 extended complaints went past 20 working days",
        lambda cases, year, as_of: extended_past_limit(cases, year, 2),
    ),
    (
        "6.16",
        "The Ombudsman's contact details given with a stage 2 extension.",
        "stage 2 extensions given with the Ombudsman's details",
        lambda cases, year, as_of: extensions_with_ombudsman_details(cases, year, 2),
    ),
    (
        "6.19",
        "The stage 2 response confirms stage, definition, decision, reasons, remedy, outstanding actions and the Ombudsman.",
        "stage 2 response letters complete",
        lambda cases, year, as_of: letters_complete(cases, year, 2),
    ),
)
"""Each Code section the system records: the requirement, what its figure counts, and how to work it out."""


def self_assessment(cases: list[CaseFacts], year: ReportingYear, as_of: date | None = None) -> list[EvidenceRow]:
    """Evidence for each Code section the system records, with the cases behind every figure, judged on
    `as_of` (the annual report's `AnnualFigures.as_of`; default the year's last day)."""
    return [
        _evidence_row(section, requirement, what, figure_of(cases, year, as_of))
        for section, requirement, what, figure_of in _CODE_ROWS
    ]


def _evidence_row(section: str, requirement: str, what: str, figure: Figure) -> EvidenceRow:
    """One section's row: whether every case complied, and the figure in words."""
    if section == "6.10":
        comply = "Yes"  # escalation is a rate to report, not a target to meet
    elif requirement.endswith("counted separately."):
        comply = "Reported" if figure.total else "No cases"  # a count to report, not a target
    else:
        comply = "No cases" if not figure.total else ("Yes" if not figure.missed else "Not always")
    evidence = f"{figure.shown()} {what}" if figure.total else f"{what}: none in the year"
    return EvidenceRow(section=section, requirement=requirement, comply=comply, evidence=evidence, figure=figure)


def _merge(first: Figure, second: Figure) -> Figure:
    return Figure(met=first.met + second.met, missed=first.missed + second.missed)
