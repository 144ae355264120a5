"""Letters to residents: filled from the case record, rendered to HTML and a real PDF, shaped by what the
policy allows, stored once per command. What the Code requires them to contain is
test_letter_requirements.py."""

import io
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError
from pypdf import PdfReader
from sqlmodel import Session, select

from casework.letters import addressee_of, definition_of, render_letter, store_letter
from models.letters import (
    GROUND_WORDS,
    HOUSING_OMBUDSMAN,
    AcknowledgementLetter,
    Decision,
    ExclusionLetter,
    ExtensionLetter,
    PendingAction,
    RemedyOffer,
    letter_from_content,
)
from models.letter_requirements import LetterIncomplete
from models.policy import POLICY_DIR, PolicyError, all_profiles, load_profile, load_profile_file
from models.record import LearningPoint, Letter, OutstandingAction, Remedy
from tests.letter_samples import ANON_REF, POINTS, REF, engine, landlord, pdf_text, response  # noqa: F401 (engine: fixture)


# ---- each letter renders with the record's content -----------------------------------------------------


def test_acknowledgement_gives_the_definition_and_the_due_date(engine):
    letter = AcknowledgementLetter(
        reference=REF,
        landlord=landlord(),
        addressee=addressee_of(engine, REF),
        issued_on=date(2026, 12, 21),
        stage=1,
        received_on=date(2026, 12, 18),
        definition=definition_of(engine, REF, 1),
        response_due=date(2027, 1, 8),
    )
    html, pdf = render_letter(letter)
    text = pdf_text(pdf)
    for seen in (html, text):
        assert "Amira Khan" in seen and "Friday 8 January 2027" in seen and "Friday 18 December 2026" in seen
        assert all(point in seen for point in POINTS)
    assert "Please tell us what outcome you are looking for" in text
    assert "12 Oak Road" in text and "Telford TF3 4AW" in text


def test_extension_gives_the_new_date_the_reason_and_the_ombudsman(engine):
    letter = ExtensionLetter(
        reference=REF,
        landlord=landlord(),
        addressee=addressee_of(engine, REF),
        issued_on=date(2027, 1, 7),
        stage=1,
        previous_due=date(2027, 1, 8),
        new_due=date(2027, 1, 15),
        working_days=5,
        reason="We are waiting for the contractor's report on the boiler.",
        agreed_with_resident=True,
        update_interval="we will phone you every Monday.",
    )
    html, pdf = render_letter(letter)
    text = pdf_text(pdf)
    for seen in (html, text):
        assert "Friday 15 January 2027" in seen
        assert "We are waiting for the contractor's report on the boiler." in seen.replace("&#39;", "'")
        assert "0300 111 3000" in seen and "info@housing-ombudsman.org.uk" in seen
    assert "5 more working days" in text and "Friday 8 January 2027" in text
    assert "we will phone you every Monday" in text


def test_stage1_response_decides_every_point_and_says_how_to_go_to_stage2(engine):
    html, pdf = render_letter(response(engine))
    text = pdf_text(pdf)
    assert "1. the boiler repair was late Upheld The repair took 31 working days; our target is 20." in text
    assert "2. the repairs team did not keep two appointments Not upheld Our records show both appointments" in text
    assert "your complaint is partly upheld" in text
    assert "Compensation of £125.50 (financial value): for six weeks without heating." in text
    assert "Fit a new boiler, by Friday 29 January 2027" in text
    assert "Repairs team (Jo Bell)" in text
    assert "Boiler repairs waiting for parts are now reviewed weekly." in text
    assert "You do not have to explain your reasons." in text and "call 01952 217100" in text
    assert "0300 111 3000" in text  # Code 3.7: stage-1 responses give the Ombudsman's details too
    assert "set against any money you owe" not in html


def test_stage2_response_says_the_resident_may_go_to_the_ombudsman_now(engine):
    # THA's policy still says "wait 8 weeks" or go "via a designated person"; the letter gives the Code's position.
    html, pdf = render_letter(
        response(
            engine,
            stage=2,
            profile_id="together-housing",
            stage2_how="",
            remedies=[RemedyOffer(kind="compensation", amount_pence=5_000, compensation_type="financial_compensation")],
        )
    )
    text = pdf_text(pdf)
    assert "Our final response to your complaint (stage 2)" in text
    assert "refer your complaint to the Housing Ombudsman now. You do not need to wait" in text
    assert all(
        part in text for part in ("0300 111 3000", "info@housing-ombudsman.org.uk", "www.housing-ombudsman.org.uk", "PO Box 152")
    )
    assert "stage 2 of our complaints procedure. You do not have to" not in text
    assert "Compensation of £50 (financial compensation)" in text


def test_exclusion_gives_the_ground_in_words_the_reason_and_the_right_to_the_ombudsman(engine):
    letter = ExclusionLetter(
        reference=REF,
        landlord=landlord("wolverhampton-homes"),
        addressee=addressee_of(engine, REF),
        issued_on=date(2027, 1, 4),
        ground="older_than_window",
        reason="The leak you describe was repaired in March 2026 and you first told us about it in December.",
    )
    html, pdf = render_letter(letter)
    text = pdf_text(pdf)
    assert "does not cover this matter because the issue happened more than 6 months before you told us about it" in text
    assert "The leak you describe was repaired in March 2026" in text
    assert "You have the right to take this decision to the Housing Ombudsman" in text and "0300 111 3000" in text
    assert "older_than_window" not in html


def test_refusing_stage2_is_an_exclusion_at_stage2(engine):
    letter = ExclusionLetter(
        reference=REF,
        landlord=landlord(),
        addressee=addressee_of(engine, REF),
        issued_on=date(2027, 3, 4),
        stage=2,
        ground="legal_proceedings",
        reason="Your claim about the disrepair was filed at court on 1 March 2027.",
    )
    text = pdf_text(render_letter(letter)[1])
    assert "Why we cannot take your complaint to stage 2" in text and "legal proceedings about this matter have started" in text


def test_anonymous_complaint_letters_are_addressed_to_the_complainant(engine):
    assert addressee_of(engine, ANON_REF) is None
    letter = AcknowledgementLetter(
        reference=ANON_REF,
        landlord=landlord(),
        addressee=addressee_of(engine, ANON_REF),
        issued_on=date(2026, 12, 21),
        stage=1,
        received_on=date(2026, 12, 18),
        definition=["the communal lights are broken"],
        response_due=date(2027, 1, 8),
    )
    text = pdf_text(render_letter(letter)[1])
    assert "The complainant (anonymous complaint)" in text and "Dear resident," in text


def test_additional_complaints_join_the_definition_in_the_order_recorded(engine):
    assert definition_of(engine, REF, 1) == POINTS
    assert definition_of(engine, REF, 2) == []


def test_every_exclusion_ground_of_every_profile_reads_as_words():
    grounds = {ground for profile in all_profiles().values() for ground in profile.exclusion_grounds}
    assert grounds - GROUND_WORDS.keys() == set()


def test_the_pdf_is_a_real_multi_page_document_with_page_numbers(engine):
    many = [f"point {n}: the {n}th visit was missed" for n in range(1, 31)]
    letter = response(
        engine,
        definition=many,
        outcome="not_upheld",
        remedies=[],
        decisions=[
            Decision(point=n, finding="not_upheld", reasons="The visit was kept, as the job sheet shows.") for n in range(1, 31)
        ],
    )
    html, pdf = render_letter(letter)
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 10_000
    assert len(reader.pages) >= 3
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"{REF} - page {len(reader.pages)} of {len(reader.pages)}" in last
    assert "point 30: the 30th visit was missed" in pdf_text(pdf)


# ---- what the policy allows ----------------------------------------------------------------------------


def test_exclusion_ground_must_be_one_the_profile_lists(engine):
    with pytest.raises(ValidationError) as refused:
        ExclusionLetter(reference=REF, landlord=landlord(), issued_on=date(2027, 1, 4), ground="anonymous", reason="Anonymous.")
    assert "ground: must be one of this policy's exclusion grounds: employment_matter, previously_considered" in str(
        refused.value
    )
    assert "(got 'anonymous')" in str(refused.value)


def test_arrears_offset_is_refused_where_the_profile_does_not_allow_it(engine):
    offset = [
        RemedyOffer(kind="apology", description="Sorry."),
        RemedyOffer(kind="compensation", amount_pence=10_000, compensation_type="financial_value", offset_against_arrears=True),
    ]
    with pytest.raises(ValidationError) as refused:
        response(engine, remedies=offset)
    message = str(refused.value)
    assert (
        "remedies[1].offset_against_arrears: The Wrekin Housing Group's compensation approach does not allow offsetting"
        in message
    )
    assert "policies/wrekin.toml [remedies] offset_against_arrears = false" in message


def test_wolverhampton_offsets_compensation_against_arrears(engine):
    letter = response(
        engine,
        profile_id="wolverhampton-homes",
        remedies=[
            RemedyOffer(kind="compensation", amount_pence=7_500, compensation_type="discretionary", offset_against_arrears=True)
        ],
    )
    text = pdf_text(render_letter(letter)[1])
    assert "Compensation of £75 (discretionary)" in text
    assert "will first be set against any money you owe us, such as rent arrears" in text


def test_compensation_type_must_be_one_the_profile_names(engine):
    with pytest.raises(ValidationError) as refused:
        response(
            engine,
            profile_id="greatwell-homes",
            remedies=[RemedyOffer(kind="compensation", amount_pence=100, compensation_type="vouchers")],
        )
    assert (
        "remedies[0].compensation_type: must be one of Greatwell Homes's compensation types: compensation_payment, "
        "goodwill_gesture (got 'vouchers')"
    ) in str(refused.value)


def test_only_compensation_has_an_amount_or_an_offset(engine):
    with pytest.raises(ValidationError, match=r"remedies\[0\]: only a compensation remedy has an amount"):
        response(engine, remedies=[RemedyOffer(kind="apology", description="Sorry.", amount_pence=500)])


def test_a_decision_on_a_point_not_in_the_definition_is_refused(engine):
    with pytest.raises(ValidationError, match=r"decisions\[2\]\.point: the definition has 2 point\(s\), there is no point 3"):
        response(engine, decisions=[*response(engine).decisions, Decision(point=3, finding="upheld", reasons="x")])


def test_each_profile_states_its_compensation_approach():
    profiles = all_profiles()
    assert {pid for pid, profile in profiles.items() if profile.remedies.offset_against_arrears} == {"wolverhampton-homes"}
    assert profiles["wolverhampton-homes"].remedies.compensation_types == ("discretionary",)  # seed 002 §13: one payment


@pytest.mark.parametrize(
    "table, message",
    [
        ('offset_against_arrears = "sometimes"', "remedies.offset_against_arrears: Input should be a valid boolean"),
        ("compensation_types = []", "remedies.compensation_types: must name at least one kind of compensation"),
        ('compensation_types = ["Gift Card"]', "remedies.compensation_types: entries must be lowercase snake_case slugs"),
        ("offset = true", "remedies.offset: Extra inputs are not permitted"),
    ],
)
def test_a_malformed_remedies_table_names_the_field(tmp_path, table, message):
    path = tmp_path / "wrekin.toml"
    source = (POLICY_DIR / "wrekin.toml").read_text()
    path.write_text(source.split("[remedies]")[0] + "[remedies]\n" + table + "\n")
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_profile_file(path)


def test_a_profile_without_a_remedies_table_gets_the_codes_approach(tmp_path):
    path = tmp_path / "wolverhampton-homes.toml"
    source = (POLICY_DIR / "wolverhampton-homes.toml").read_text()
    path.write_text(source.split("[remedies]")[0])
    remedies = load_profile_file(path).remedies
    assert remedies.offset_against_arrears is False
    assert remedies.compensation_types == load_profile("code-2024").remedies.compensation_types


# ---- escaping and storing -------------------------------------------------------------------------------


def test_script_in_any_field_renders_harmless(engine):
    script = '<script>alert("x")</script>'
    image = '<img src="http://example.invalid/track.png">'
    letter = response(
        engine,
        landlord=landlord().model_copy(update={"address": script}),
        addressee={"name": f"Amira {script}", "address": f"12 Oak Road {image}"},
        signed_by=script,
        definition=[f"the boiler {script}", f"appointments {image}"],
        decisions=[
            Decision(point=1, finding="upheld", reasons=f"Late {script}", references=image),
            Decision(point=2, finding="not_upheld", reasons=image),
        ],
        remedies=[
            RemedyOffer(kind="apology", description=script),
            RemedyOffer(kind="compensation", amount_pence=100, compensation_type="vouchers", description=image),
        ],
        outstanding_actions=[PendingAction(description=script, owner=image, target_on=date(2027, 1, 29))],
        learning=[script],
        stage2_how=image,
        outcome_sought=script,
    )
    html, pdf = render_letter(letter)
    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 10 and "&lt;img src=" in html
    assert 'Amira <script>alert("x")</script>' in pdf_text(pdf)  # shown as text, never run or fetched


def test_store_letter_is_idempotent_by_command_id(engine):
    letter = response(engine)
    first = store_letter(engine, REF, "respond-1", letter, issued_at=datetime(2027, 1, 14, 12, tzinfo=UTC))
    retry = store_letter(engine, REF, "respond-1", response(engine, signed_by="someone else"))
    assert retry.id == first.id and retry.html == first.html and retry.pdf == first.pdf
    with Session(engine) as session:
        assert len(session.exec(select(Letter)).all()) == 1
        assert len(session.exec(select(Remedy).where(Remedy.reference == REF)).all()) == 3
        assert len(session.exec(select(OutstandingAction)).all()) == 1
        assert [point.text for point in session.exec(select(LearningPoint)).all()] == letter.learning
        stored = session.exec(select(Letter)).one()
    assert (stored.kind, stored.stage, stored.reference) == ("stage1_response", 1, REF)
    assert stored.pdf.startswith(b"%PDF-") and "the boiler repair was late" in stored.html
    assert letter_from_content(stored.content) == letter
    compensation = next(remedy for remedy in Session(engine).exec(select(Remedy)) if remedy.kind == "compensation")
    assert (compensation.amount_pence, compensation.compensation_type) == (12_550, "financial_value")


def test_a_command_id_cannot_issue_letters_for_two_cases(engine):
    store_letter(engine, REF, "respond-1", response(engine))
    with pytest.raises(ValueError, match=f"command_id: 'respond-1' already issued a letter for {REF}, not {ANON_REF}"):
        store_letter(engine, ANON_REF, "respond-1", response(engine, reference=ANON_REF))


def test_an_incomplete_letter_stores_nothing(engine):
    with pytest.raises(LetterIncomplete):
        store_letter(engine, REF, "respond-1", response(engine, outcome=None))
    with Session(engine) as session:
        for table in (Letter, Remedy, OutstandingAction, LearningPoint):
            assert session.exec(select(table)).all() == []


def test_store_letter_refuses_a_letter_for_another_case(engine):
    with pytest.raises(ValueError, match=f"reference: the letter is for {REF}, not {ANON_REF}"):
        store_letter(engine, ANON_REF, "respond-1", response(engine))


def test_each_kind_is_filed_under_its_name(engine):
    ack = AcknowledgementLetter(
        reference=REF,
        landlord=landlord(),
        issued_on=date(2026, 12, 21),
        stage=1,
        received_on=date(2026, 12, 18),
        definition=POINTS,
        response_due=date(2027, 1, 8),
    )
    exclusion = ExclusionLetter(
        reference=REF, landlord=landlord(), issued_on=date(2027, 1, 4), ground="not_our_service", reason="Council matter."
    )
    extension = ExtensionLetter(
        reference=REF,
        landlord=landlord(),
        issued_on=date(2027, 1, 7),
        stage=1,
        previous_due=date(2027, 1, 8),
        new_due=date(2027, 1, 15),
        reason="Report awaited.",
    )
    kinds = [
        store_letter(engine, REF, f"cmd-{n}", letter).kind
        for n, letter in enumerate([ack, extension, response(engine), response(engine, stage=2), exclusion])
    ]
    assert kinds == ["acknowledgement", "extension", "stage1_response", "stage2_response", "exclusion"]
    assert HOUSING_OMBUDSMAN.phone == "0300 111 3000"
