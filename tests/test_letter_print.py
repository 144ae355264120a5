"""Issue 26 item 10: printed letters keep their blocks together. However long the letter, "Yours
sincerely" and the signature print on one page, and the Ombudsman's box is never split across pages."""

import io

from pypdf import PdfReader

from casework.letters import render_letter
from tests.letter_samples import engine, response  # noqa: F401 (fixture)


def _pages_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages) if text in page]


def test_the_signature_and_the_ombudsman_box_never_split_across_pages(engine):
    for padding in range(0, 34, 3):
        letter = response(engine, stage=2, learning=[f"Lesson {n}: we now check repairs weekly." for n in range(padding + 1)])
        _, pdf = render_letter(letter)
        pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
        signed = _pages_with(pages, "Yours sincerely,")
        assert signed and signed == _pages_with(pages, "Repairs Manager"), (padding, signed)
        box = _pages_with(pages, letter.ombudsman.name + " Phone:") or _pages_with(pages, "Phone: " + letter.ombudsman.phone)
        assert box and box == _pages_with(pages, "Post: " + letter.ombudsman.address.split(",")[0]), (padding, box)
