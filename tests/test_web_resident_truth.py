"""Issue 27 over HTTP: a resident is told what will really happen for their channel (a posted letter
carries the short address and a code that opens the tracking page; a new link comes by their channel),
and the public form forgives mistakes (every error at once, in the form's words, failed tries never
count towards the limits, a large photo is made smaller)."""

import io
import random
import re
from datetime import date, timedelta
from uuid import uuid4

from PIL import Image
from sqlmodel import Session, select

from models.record import Attachment
from models.residents import AttachmentContent, ResidentMessage
from starter.web.routes import residents as resident_routes
from tests.test_web_residents import ADDRESS, complain, mail_to, mailbox, mailer, resident  # noqa: F401 (fixtures)
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)

CODE = re.compile(r"go to (\S+/track) and enter your reference (CMP-\d{4}-\d{6}) and this code: ([A-Z0-9]{4}-[A-Z0-9]{4})")


def posted(engine, reference: str, purpose: str) -> list[ResidentMessage]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(ResidentMessage).where(ResidentMessage.reference == reference, ResidentMessage.purpose == purpose)
            )
        )


async def test_a_postal_resident_is_told_the_truth_and_follows_their_case_with_the_printed_code(stack, mailer, mailbox):
    browser = resident(stack)
    email = f"post-{uuid4().hex[:6]}@example.org"
    sent = await complain(browser, email, contact_by="post", address="2 Mill Lane\nTelford TF2 2BB")
    assert sent.status_code == 303
    page = (await browser.get("/complain/received")).text
    reference = re.search(r"CMP-\d{4}-\d{6}", page).group(0)
    assert "sent an email" not in page and "We are emailing" not in page
    assert "by post" in page and "We will not email you" in page
    short_address = stack.settings.web_base_url.split("://", 1)[1].rstrip("/") + "/track"
    assert short_address in page

    [letter] = posted(stack.engine, reference, "confirmation")
    assert letter.channel == "post" and letter.address.startswith("2 Mill Lane")
    short, on, code = CODE.search(letter.body).groups()
    assert (short, on) == (short_address, reference)
    for _ in range(3):
        mailer.deliver_due()
    assert not [m for m in mailbox.messages if email in str(m["To"])], "nothing is emailed to a postal resident"

    stranger = resident(stack)
    form = await stranger.get("/track")
    assert form.status_code == 200 and "Code from our letter" in form.text
    wrong = await stranger.post("/track", {"reference": reference, "code": "ABCD-EFGH"})
    assert wrong.status_code == 400 and "do not open a complaint" in wrong.text
    opened = await stranger.post("/track", {"reference": reference.lower(), "code": code.lower().replace("-", " ")})
    assert opened.status_code == 303 and opened.headers["location"] == "/track"
    assert reference in (await stranger.get("/track")).text

    answer = await resident(stack).post("/track/new-link", {"reference": reference})
    assert answer.status_code == 200 and "by post: a letter with a code" in answer.text and "Check your email" not in answer.text
    [renewed] = posted(stack.engine, reference, "link")
    assert renewed.channel == "post" and CODE.search(renewed.body).group(3) != code
    used_up = await resident(stack).post("/track", {"reference": reference, "code": code})
    assert used_up.status_code == 400, "asking for a new code retires the old one"


async def test_an_email_resident_is_told_an_email_is_coming(stack):
    browser = resident(stack)
    email = f"mail-{uuid4().hex[:6]}@example.org"
    assert (await complain(browser, email)).status_code == 303
    page = (await browser.get("/complain/received")).text
    assert f"We are emailing <strong>{email}</strong>" in page and "by post" not in page
    assert re.search(r"By \w+day \d+ \w+ \d{4} we will write to you", page), "the date, not 'within 5 working days'"


async def test_every_problem_is_shown_at_once_in_the_form_s_words_and_what_was_typed_is_kept(stack):
    browser = resident(stack)
    future = date.today() + timedelta(days=30)
    answer = await complain(
        browser,
        "not-an-email",
        name="",
        contact_by="post",
        address="",
        **{"issue_date-day": str(future.day), "issue_date-month": str(future.month), "issue_date-year": str(future.year)},
        helper_name="Bea Helper",
        text="The lift has been broken for weeks.",
        files=[("photos", ("x.jpg", b"<script>alert(1)</script>", "image/jpeg"))],
    )
    assert answer.status_code == 400
    summary = answer.text[answer.text.index("error-summary") : answer.text.index("</ul>")]
    for words in (
        "Enter your full name",
        "Enter your email address, like name@example.com",
        "Enter your postal address, or choose to get our letters by email",
        "When did it happen? The date must be today or in the past",
        "Tick the box to say the person helping you may act for you",
        "x.jpg is not a photo",
    ):
        assert words in summary, words
    assert "The lift has been broken for weeks." in answer.text and 'value="Bea Helper"' in answer.text
    assert f'value="{future.year}"' in answer.text


async def test_failed_tries_do_not_lock_the_next_resident_out_and_the_refusal_gives_the_phone_number(stack, monkeypatch):
    monkeypatch.setattr(resident_routes, "COMPLAINTS_PER_ADDRESS", 2)
    office = f"10.9.{next(ADDRESS)}.1"
    for _ in range(6):
        assert (await complain(stack.browser(address=office), "not-an-email")).status_code == 400
    for n in range(2):
        assert (await complain(stack.browser(address=office), f"office{n}-{uuid4().hex[:4]}@example.org")).status_code == 303
    refused = await complain(
        stack.browser(address=office), f"office3-{uuid4().hex[:4]}@example.org", text="Mould in the bedroom."
    )
    assert refused.status_code == 429 and "01632 960000" in refused.text and "Mould in the bedroom." in refused.text


def noisy_photo(width: int = 2600, height: int = 2000) -> bytes:
    """A phone-sized PNG that does not compress (about 15 MB)."""
    image = Image.frombytes("RGB", (width, height), random.Random(27).randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


async def test_a_large_phone_photo_is_made_smaller_and_the_limit_is_stated_before_choosing(stack):
    browser = resident(stack)
    form = await browser.get("/complain")
    assert "each up to 25 MB" in form.text and "We make large photos smaller for you" in form.text
    big = noisy_photo()
    assert len(big) > 10 * 1024 * 1024
    sent = await complain(browser, f"photo-{uuid4().hex[:6]}@example.org", files=[("photos", ("IMG_0001.png", big, "image/png"))])
    assert sent.status_code == 303, sent.text[:2000]
    reference = re.search(r"CMP-\d{4}-\d{6}", (await browser.get("/complain/received")).text).group(0)
    with Session(stack.engine) as session:
        photo = session.exec(select(Attachment).where(Attachment.reference == reference)).one()
        data = session.get(AttachmentContent, photo.id).data
    assert photo.filename == "IMG_0001.jpg" and photo.content_type == "image/jpeg" and len(data) <= 2 * 1024 * 1024
    assert max(Image.open(io.BytesIO(data)).size) <= 2400


async def test_a_resident_filed_by_phone_who_has_letters_by_post_gets_a_printed_link_with_the_acknowledgement(stack, signed_in):
    from pypdf import PdfReader

    from casework.access import Actor
    from casework.actions import act
    from casework.intake import Intake, ResidentDetails, file_complaint
    from tests.web_stack import TASK_QUEUE

    intake = Intake(
        intake_id=f"phone-post-{uuid4().hex[:6]}",
        policy="code-2024",
        channel="phone",
        handler="mira",
        resident=ResidentDetails(name="Pat Post", address="4 Canal Row\nTelford TF3 3CC", preferred_contact="post"),
        text="The communal door has not locked for a month.",
    )
    reference = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    await stack.projected(reference)
    await act(
        stack.client,
        stack.engine,
        reference,
        "acknowledge",
        {"points": ["Door lock"]},
        Actor(username="mira", role="complaints_manager"),
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await stack.projected(reference, "stage1_acknowledged")
    assert posted(stack.engine, reference, "letter")[0].channel == "post"
    printed = await (await signed_in("mira")).post("/post-room/batches")
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(printed.content)).pages)
    assert "Follow your complaint online" in text
    found = re.search(rf"enter your reference {reference} and this code: ([A-Z0-9]{{4}}-[A-Z0-9]{{4}})", text)
    assert found, text[-1500:]
    opened = await resident(stack).post("/track", {"reference": reference, "code": found.group(1)})
    assert opened.status_code == 303
