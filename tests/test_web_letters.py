"""Letters as the resident reads them, from a case taken through the web to its final response: the
landlord's letterhead and the signatory's name and role, each stage's own outcome sought, no doubled full
stop or repeated sentence; the letter page, its sheet under its own CSP, and its PDF."""

import re

from sqlmodel import Session, select

from models.letterhead import letterhead_of
from models.policy import load_profile
from models.record import Letter
from tests.letter_samples import pdf_text
from tests.test_web_cases import act
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)

STAGE1_OUTCOME = "Repair the roof and pay for the ruined carpet"
STAGE2_OUTCOME = "An independent surveyor to inspect the roof"


def letters_of(stack, reference: str) -> list[Letter]:
    with Session(stack.engine) as session:
        return list(session.exec(select(Letter).where(Letter.reference == reference).order_by(Letter.issued_at)))


def read(row: Letter) -> str:
    """The PDF's text without its page footers (so a sentence broken by a page break reads whole) and the
    list markers the PDF's text layer puts after the lists they number."""
    text = re.sub(rf"{row.reference} - page \d+ of \d+", " ", pdf_text(row.pdf))
    return " ".join(word for word in text.split() if not re.fullmatch(r"\d{1,2}\.|•", word))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 25]


async def test_every_letter_reads_right_from_intake_to_final_response(stack, signed_in):
    hana, rita = await signed_in("hana"), await signed_in("rita")
    reference = await stack.start_case(handler="hana")
    for staff, action, fields, state in (
        (hana, "acknowledge", {"outcomes_sought": STAGE1_OUTCOME}, "stage1_acknowledged"),
        (
            hana,
            "extend",
            {"working_days": "5", "reason": "We are waiting for the roofer's report.", "agreed_with_resident": "true"},
            None,
        ),
        (
            hana,
            "respond",
            {
                "outcome": "partly_upheld",
                "decisions.0.point": "1",
                "decisions.0.upheld": "true",
                "decisions.0.reasons": "The repair was cancelled twice.",
                "decisions.1.point": "2",
                "decisions.1.reasons": "Nobody was told to call back.",
                "remedies.0.kind": "apology",
                "remedies.0.description": "We are sorry the repair was cancelled twice.",
            },
            "stage1_responded",
        ),
        (hana, "request_stage2", {}, "stage2_requested"),
        (rita, "acknowledge", {"outcomes_sought": STAGE2_OUTCOME}, "stage2_acknowledged"),
        (
            rita,
            "respond",
            {
                "outcome": "upheld",
                "decisions.0.point": "1",
                "decisions.0.upheld": "true",
                "decisions.0.reasons": "The roof was never inspected.",
                "decisions.1.point": "2",
                "decisions.1.upheld": "true",
                "decisions.1.reasons": "No call back was arranged.",
                "remedies.0.kind": "apology",
                "remedies.0.description": "We are sorry the roof was not inspected.",
            },
            "stage2_responded",
        ),
    ):
        response, _ = await act(staff, reference, action, **fields)
        assert response.status_code == 303, (action, re.findall(r'class="error-summary.*?</div>', response.text, re.S))
        await stack.projected(reference, state)

    letters = letters_of(stack, reference)
    assert [(row.kind, row.stage) for row in letters] == [
        ("acknowledgement", 1),
        ("extension", 1),
        ("stage1_response", 1),
        ("acknowledgement", 2),
        ("stage2_response", 2),
    ]
    head = letterhead_of(load_profile("code-2024"))
    print("\n\n".join(f"== {row.kind} stage {row.stage}\n{read(row)}" for row in letters))
    for row in letters:
        text = read(row)
        assert "Complaint Handling Code" not in text.split("Dear")[0], "the Code is not the sender"
        assert head.name in text and head.phone in text and head.email in text
        signer = "Hana Complaints handler" if row.stage == 1 else "Rita Stage 2 reviewer"
        assert f"Yours sincerely, {signer} {head.team} {head.name}" in text, (row.kind, text[-300:])
        assert ".." not in text.replace("...", ""), (row.kind, text)
        said = sentences(text)
        assert len(said) == len(set(said)), (row.kind, [s for s in said if said.count(s) > 1])
    stage1, stage2 = read(letters[2]), read(letters[4])
    assert STAGE1_OUTCOME in stage1 and STAGE2_OUTCOME not in stage1
    assert STAGE2_OUTCOME in stage2 and STAGE1_OUTCOME not in stage2, "stage 2 answers the stage-2 outcome sought"

    page = (await hana.get(f"/cases/{reference}")).text
    assert f'Outcome sought at stage 1:</strong> <span class="pre">{STAGE1_OUTCOME}' in page
    assert f'Outcome sought at stage 2:</strong> <span class="pre">{STAGE2_OUTCOME}' in page
    final = letters[4]
    assert f'href="/cases/{reference}/letters/{final.id}.pdf"' in page
    preview = await hana.get(f"/cases/{reference}/letters/{final.id}")
    assert preview.status_code == 200 and f'src="/cases/{reference}/letters/{final.id}/sheet"' in preview.text
    sheet = await hana.get(f"/cases/{reference}/letters/{final.id}/sheet")
    assert "<style>" not in sheet.text and '<link rel="stylesheet" href="/letters.css">' in sheet.text
    assert sheet.headers["content-security-policy"].startswith("default-src 'none'; style-src 'self'")
    pdf = await hana.get(f"/cases/{reference}/letters/{final.id}.pdf")
    assert pdf.content == final.pdf and pdf.headers["content-type"] == "application/pdf"
    assert (await hana.get(f"/cases/{reference}/letters/letter-nope.pdf")).status_code == 404
    print("\n\n".join(f"== {row.kind} stage {row.stage}\n{read(row)}" for row in letters))


async def test_intake_marks_the_fields_printed_in_every_letter(stack, signed_in):
    page = (await (await signed_in("hana")).get("/cases/new")).text
    for name in ("resident.name", "resident.address", "desired_outcome"):
        group = page.split(f'name="{name}"')[0].rsplit('class="form-group', 1)[1]
        assert "printed in the resident's letter" in group, name
    text = page.split('name="text"')[0].rsplit('class="form-group', 1)[1]
    assert "printed in the resident's letter" not in text, "the complaint as received is not printed"
