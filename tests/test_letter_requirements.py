"""What the Code requires each letter to contain (models/letter_requirements.py): removing any required
part is named exactly, in people's words and with the Code section, and nothing incomplete renders."""

from datetime import date

import pytest

from casework.letters import addressee_of, render_letter
from models.letters import (
    AcknowledgementLetter,
    Decision,
    ExclusionLetter,
    ExtensionLetter,
    PendingAction,
    RemedyOffer,
)
from models.letter_requirements import LetterIncomplete, missing_contents
from tests.letter_samples import REF, engine, landlord, pdf_text, response  # noqa: F401 (engine: fixture)


# ---- the Code's required contents ----------------------------------------------------------------------

REMOVALS = [
    ("stage", {"stage": None, "stage2_how": ""}, "the complaint stage, 1 or 2 (Code 6.9a or 6.19a)"),
    ("definition", {"definition": []}, "the complaint definition: each point of complaint as we understood it (Code 6.9b)"),
    (
        "decision on point 2",
        {"decisions": [Decision(point=1, finding="upheld", reasons="Late.")]},
        "a decision on point 2 'the repairs team did not keep two appointments' (Code 6.7, 6.9c)",
    ),
    (
        "reasons for point 1",
        {"decisions": [Decision(point=1, finding="upheld"), Decision(point=2, finding="not_upheld", reasons="Kept.")]},
        "the reasons for the decision on point 1 'the boiler repair was late' (Code 6.7, 6.9d)",
    ),
    (
        "overall decision",
        {"outcome": None},
        "the decision on the complaint as a whole: upheld, partly upheld or not upheld (Code 6.9c)",
    ),
    (
        "overall decision matching the points",
        {"outcome": "upheld"},
        "a decision on the complaint as a whole that matches the decisions on its points: 1 of the 2 points is upheld, so the complaint as a whole is partly upheld (the decision given was \u201cupheld\u201d) (Code 6.9c)",
    ),
    ("remedy", {"remedies": []}, "a remedy to put things right for the upheld point(s) 1 (Code 7.1, 6.9e)"),
    (
        "compensation amount",
        {"remedies": [RemedyOffer(kind="compensation", compensation_type="vouchers")]},
        "the amount of the compensation in remedy 1 (compensation) (Code 7.3, 6.9e)",
    ),
    (
        "compensation type",
        {"remedies": [RemedyOffer(kind="compensation", amount_pence=2_000)]},
        "the type of the compensation in remedy 1 (compensation), one of: financial_value, goodwill_gesture, vouchers, "
        "review_store_items (Code 7.3, 6.9e)",
    ),
    ("apology's words", {"remedies": [RemedyOffer(kind="apology")]}, "what the apology in remedy 1 (apology) (Code 7.3, 6.9e)"),
    (
        "action's date",
        {"remedies": [RemedyOffer(kind="action", description="Fit a new boiler")]},
        "by when remedy 1 (action) 'Fit a new boiler' will be done (Code 7.3, 6.9e)",
    ),
    (
        "outstanding action's owner",
        {"outstanding_actions": [PendingAction(description="Fit a new boiler", target_on=date(2027, 1, 29))]},
        "who is responsible for outstanding action 1 'Fit a new boiler' (Code 6.6, 6.9f)",
    ),
    (
        "outstanding action's target date",
        {"outstanding_actions": [PendingAction(description="Fit a new boiler", owner="Repairs")]},
        "the target date of outstanding action 1 'Fit a new boiler' (Code 6.6, 6.9f)",
    ),
    (
        "outstanding action's description",
        {"outstanding_actions": [PendingAction(owner="Repairs", target_on=date(2027, 1, 29))]},
        "what outstanding action 1 is (Code 6.6, 6.9f)",
    ),
    ("stage 2 route", {"stage2_how": "  "}, "how to ask for stage 2 if the resident is not satisfied (Code 6.9g)"),
]


@pytest.mark.parametrize("removed, changes, message", REMOVALS, ids=[removal[0] for removal in REMOVALS])
def test_removing_a_required_part_names_exactly_that_part(engine, removed, changes, message):
    assert missing_contents(response(engine)) == []
    letter = response(engine, **changes)
    assert missing_contents(letter) == [message]
    with pytest.raises(LetterIncomplete) as refused:
        render_letter(letter)
    assert refused.value.missing == [message]
    assert message in str(refused.value)


def test_stage2_response_needs_the_ombudsman_not_a_stage2_route(engine):
    assert missing_contents(response(engine, stage=2, stage2_how="")) == []
    assert missing_contents(response(engine, stage=2, ombudsman=None)) == [
        "the Housing Ombudsman's contact details and the resident's right to refer the complaint to them now (Code 6.19g)"
    ]
    assert missing_contents(response(engine, stage=2, outcome=None)) == [
        "the decision on the complaint as a whole: upheld, partly upheld or not upheld (Code 6.19c)"
    ]


def test_an_incomplete_letter_names_every_missing_part(engine):
    letter = response(engine, decisions=[], outcome=None, stage2_how="")
    with pytest.raises(LetterIncomplete) as refused:
        render_letter(letter)
    assert refused.value.missing == [
        "a decision on point 1 'the boiler repair was late' (Code 6.7, 6.9c)",
        "a decision on point 2 'the repairs team did not keep two appointments' (Code 6.7, 6.9c)",
        "the decision on the complaint as a whole: upheld, partly upheld or not upheld (Code 6.9c)",
        "how to ask for stage 2 if the resident is not satisfied (Code 6.9g)",
    ]
    assert str(refused.value).startswith(
        f"the stage 1 response letter for {REF} cannot be issued; it is missing: a decision on point 1"
    )


def test_a_not_upheld_response_needs_no_remedy(engine):
    letter = response(
        engine,
        outcome="not_upheld",
        remedies=[],
        outstanding_actions=[],
        decisions=[Decision(point=n, finding="not_upheld", reasons="No fault found.") for n in (1, 2)],
    )
    assert missing_contents(letter) == []
    text = pdf_text(render_letter(letter)[1])
    assert "There are no outstanding actions." in text and "we are not offering a remedy" in text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"new_due": None}, "the new date by which we will respond (Code 6.4)"),
        ({"new_due": date(2027, 1, 8)}, "a new response date later than the current one, 2027-01-08 (Code 6.4)"),
        ({"reason": " "}, "the reason for the extension (Code 6.4)"),
        ({"ombudsman": None}, "the Housing Ombudsman's contact details (Code 6.5)"),
        ({"ombudsman": None, "stage": 2}, "the Housing Ombudsman's contact details (Code 6.16)"),
    ],
)
def test_an_extension_needs_the_new_date_the_reason_and_the_ombudsman(engine, changes, message):
    fields = dict(
        reference=REF,
        landlord=landlord(),
        addressee=addressee_of(engine, REF),
        issued_on=date(2027, 1, 7),
        stage=1,
        previous_due=date(2027, 1, 8),
        new_due=date(2027, 1, 15),
        reason="Waiting for the contractor's report.",
    )
    letter = ExtensionLetter(**{**fields, **changes})
    assert missing_contents(letter) == [message]
    with pytest.raises(LetterIncomplete, match="the extension letter"):
        render_letter(letter)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ground": ""}, "the ground for the decision, one of those the policy lists (Code 2.2)"),
        ({"reason": ""}, "the reasons why the matter is not suitable for the complaints process (Code 2.1, 2.4)"),
        ({"ombudsman": None}, "the right to take this decision to the Housing Ombudsman, with their contact details (Code 2.4)"),
    ],
)
def test_an_exclusion_needs_a_ground_a_reason_and_the_ombudsman(engine, changes, message):
    fields = dict(
        reference=REF,
        landlord=landlord(),
        addressee=addressee_of(engine, REF),
        issued_on=date(2027, 1, 4),
        ground="previously_considered",
        reason="We answered this complaint in full on 3 May 2026 (CMP-2026-000017).",
    )
    assert missing_contents(ExclusionLetter(**{**fields, **changes})) == [message]


def test_an_acknowledgement_needs_the_definition_and_the_due_date(engine):
    letter = AcknowledgementLetter(
        reference=REF,
        landlord=landlord(),
        issued_on=date(2027, 2, 3),
        stage=2,
        received_on=date(2027, 2, 1),
        definition=[" "],
    )
    assert missing_contents(letter) == [
        "the complaint definition: each point of complaint as we understand it (Code 5.6, 6.11)",
        "the date by which we will respond (Code 6.14)",
    ]
