"""The residents' side over HTTP: the public form files a web complaint and emails its reference and
link (real SMTP server, aiosmtpd), the link opens the tracking page, the resident adds information and
asks for stage 2 (workflow Updates), the staff see both; forged, expired and used-up links all get the
same neutral page; the form's honeypot, rate limits and size limits; CSRF; nothing staff-only shown."""

import asyncio
import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from sqlmodel import Session, select

from casework.resident_mail import ResidentMailer
from casework.access import Actor
from casework.actions import act
from casework.tracking import issue_link
from models.record import Attachment, Complaint
from models.residents import AttachmentContent, ResidentLink
from models.settings import Settings
from models.tables import CaseEvent, ResidentNote
from tests.mailbox import Mailbox
from tests.web_stack import TASK_QUEUE, WEB_SECRET, signed_in, stack  # noqa: F401 (fixtures)

LINK = re.compile(r"http://testserver(/track/[A-Za-z0-9._-]+)")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
ADDRESS = iter(range(10, 250))


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def mailer(stack, mailbox):
    settings = Settings(SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port, WEB_SECRET=WEB_SECRET, WEB_BASE_URL="http://testserver")
    return ResidentMailer(stack.engine, settings)


async def mail_to(mailer, mailbox, address: str, count: int = 1) -> list:
    for _ in range(100):
        await asyncio.to_thread(mailer.deliver_due)
        found = [m for m in mailbox.messages if address in str(m["To"])]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {address}: {[str(m['To']) for m in mailbox.messages]}")


def resident(stack):
    """A new visitor at their own client address (the public form limits per address)."""
    return stack.browser(address=f"10.0.0.{next(ADDRESS)}")


async def complain(browser, email: str, files=None, **fields) -> httpx.Response:
    page = await browser.get("/complain")
    form_id = re.search(r'name="form_id" value="([^"]+)"', page.text).group(1)
    data = {
        "csrf_token": browser.csrf,
        "form_id": form_id,
        "name": "Ann Resident",
        "email": email,
        "text": "Water comes through the bathroom ceiling every time it rains.",
        "desired_outcome": "Fix the roof and repaint the ceiling",
        **fields,
    }
    return await browser.http.post("/complain", data=data, files=files or [])


async def test_a_resident_complains_online_follows_the_link_adds_information_and_asks_for_stage_2(
    stack, signed_in, mailer, mailbox
):
    browser = resident(stack)
    email = f"ann-{uuid4().hex[:6]}@example.org"
    response = await complain(browser, email, files=[("photos", ("ceiling.jpg", JPEG, "image/jpeg"))])
    assert response.status_code == 303 and response.headers["location"] == "/complain/received"
    confirmation = await browser.get("/complain/received")
    reference = re.search(r"CMP-\d{4}-\d{6}", confirmation.text).group(0)
    with Session(stack.engine) as session:
        complaint = session.get(Complaint, reference)
        assert complaint.channel == "web" and complaint.desired_outcome == "Fix the roof and repaint the ceiling"
        photo = session.exec(select(Attachment).where(Attachment.reference == reference)).one()
        assert session.get(AttachmentContent, photo.id).data == JPEG and photo.content_type == "image/jpeg"

    mail = (await mail_to(mailer, mailbox, email))[0]
    assert mail["Subject"] == f"Your complaint {reference}: Thank you for your complaint"
    body = mail.get_body(("plain",)).get_content()
    assert reference in body
    link = LINK.search(body).group(1)

    opened = await browser.get(link)
    assert opened.status_code == 303 and opened.headers["location"] == "/track"
    page = await browser.get("/track")
    assert page.status_code == 200 and reference in page.text and "We have received your complaint." in page.text
    assert "hana" not in page.text.lower() and "Handler" not in page.text

    # Stage 2 before any response: refused, in words, and nothing recorded.
    command = re.search(r'name="command_id" value="([^"]+)"', page.text).group(1)
    early = await browser.post("/track/stage2", {"command_id": command})
    assert early.status_code == 409 and "cannot go to stage 2 at the moment" in early.text

    page = await browser.get("/track")  # the Update was refused before it reached the case's history
    assert "We have your request for stage 2" not in page.text and "We have received your complaint." in page.text
    with Session(stack.engine) as session:
        assert "request_stage2" not in {e.type for e in session.exec(select(CaseEvent).where(CaseEvent.reference == reference))}
    command = re.search(r'name="command_id" value="([^"]+)"', page.text).group(1)
    added = await browser.post(
        "/track/information", {"command_id": command, "note": "The leak is worse: water in the light fitting."}
    )
    assert added.status_code == 303
    page = await browser.get("/track")
    assert "Thank you. We have added what you told us" in page.text and "water in the light fitting" in page.text

    # Staff respond; the resident asks for stage 2 without reasons.
    handler = Actor(username="mira", role="complaints_manager")
    await act(
        stack.client,
        stack.engine,
        reference,
        "acknowledge",
        {"points": ["Roof leak not repaired"]},
        handler,
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await act(
        stack.client,
        stack.engine,
        reference,
        "respond",
        {
            "outcome": "not_upheld",
            "decisions": [{"point": 1, "upheld": False, "reasons": "The roofer found no defect"}],
            "remedies": [{"kind": "apology", "description": "We are sorry for the worry"}],
        },
        handler,
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await stack.projected(reference, "stage1_responded")
    letters = await mail_to(mailer, mailbox, email, 3)
    assert {m["Subject"].split(": ", 1)[1] for m in letters} >= {
        "We have received your complaint",
        "Our response to your complaint (stage 1)",
    }
    assert any(part.get_filename() == f"{reference}-stage1-response.pdf" for m in letters for part in m.iter_attachments())

    page = await browser.get("/track")
    assert "Our response to your complaint (stage 1) (PDF)" in page.text
    letter_link = re.search(r'href="(/track/letters/[^"]+)"', page.text).group(1)
    pdf = await browser.get(letter_link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    command = re.search(
        r'action="/track/stage2">\s*<input[^>]+>\s*<input type="hidden" name="command_id" value="([^"]+)"', page.text
    ).group(1)
    asked = await browser.post("/track/stage2", {"command_id": command})
    assert asked.status_code == 303
    await stack.projected(reference, "stage2_requested")
    page = await browser.get("/track")
    assert "We have your request for stage 2" in page.text

    # The staff side sees both on the case.
    staff = await signed_in("mira")
    case = await staff.get(f"/cases/{reference}")
    timeline = case.text[case.text.index('class="timeline"') :]
    assert "water in the light fitting" in timeline, timeline[:3000]
    assert "Stage 2 requested" in timeline and "Information from the resident" in timeline
    assert "Sent to the resident" in case.text and "ceiling.jpg" in case.text
    with Session(stack.engine) as session:
        types = [e.type for e in session.exec(select(CaseEvent).where(CaseEvent.reference == reference))]
    assert "resident_input" in types and "request_stage2" in types
    photo_download = await staff.get(f"/cases/{reference}/attachments/{photo.id}")
    assert photo_download.content == JPEG and photo_download.headers["content-disposition"].startswith("attachment")


async def test_forged_expired_and_used_up_links_get_the_same_neutral_page(stack, mailer, mailbox):
    browser = resident(stack)
    email = f"bo-{uuid4().hex[:6]}@example.org"
    await complain(browser, email)
    link = LINK.search((await mail_to(mailer, mailbox, email))[0].get_body(("plain",)).get_content()).group(1)
    token = link.removeprefix("/track/")
    with Session(stack.engine) as session:
        row = session.exec(select(ResidentLink).order_by(ResidentLink.created_at.desc())).first()
        expired = issue_link(
            session, WEB_SECRET, row.reference, "resident", row.person_id, now=datetime.now(UTC) - timedelta(days=40)
        )
        other_secret = issue_link(session, "not-the-web-secret-at-all", row.reference, "resident", row.person_id)
        session.commit()
    answers = []
    for bad in (token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), expired, other_secret, "nonsense", "x" * 500):
        response = await resident(stack).get(f"/track/{bad}")
        answers.append((response.status_code, re.sub(r'value="[^"]+"', "", response.text)))
    assert len(set(answers)) == 1 and answers[0][0] == 404 and "This link does not work" in answers[0][1]

    # Asking for a new link answers the same for a known and an unknown address, and uses up the old link.
    known = await resident(stack).post("/track/new-link", {"email": email})
    unknown = await resident(stack).post("/track/new-link", {"email": "nobody-at-all@example.org"})
    strip = lambda r: re.sub(r'value="[^"]+"', "", r.text)  # noqa: E731
    assert known.status_code == unknown.status_code == 200 and strip(known) == strip(unknown)
    fresh = await mail_to(mailer, mailbox, email, 2)
    new_link = LINK.search(fresh[-1].get_body(("plain",)).get_content()).group(1)
    used_up = await resident(stack).get(link)
    assert (used_up.status_code, strip(used_up)) == answers[0]
    assert (await resident(stack).get(new_link)).status_code == 303


async def test_the_form_refuses_robots_floods_bad_files_and_forged_posts(stack, mailer):
    browser = resident(stack)
    with Session(stack.engine) as session:
        before = len(session.exec(select(Complaint)).all())
    robot = await complain(browser, "robot@example.org", website="http://spam.example")
    assert robot.status_code == 200 and "Complaint received" in robot.text
    not_a_photo = await complain(
        browser, "file@example.org", files=[("photos", ("x.jpg", b"<script>alert(1)</script>", "image/jpeg"))]
    )
    assert not_a_photo.status_code == 400 and "is not a photo" in not_a_photo.text
    too_big = await complain(
        browser, "big@example.org", files=[("photos", ("big.jpg", JPEG + b"\x00" * (2 * 1024 * 1024), "image/jpeg"))]
    )
    assert too_big.status_code == 400 and "larger than 2 MB" in too_big.text
    missing = await complain(browser, "not-an-email", text="")
    assert missing.status_code == 400 and "Enter your email address" in missing.text and "Tell us what happened" in missing.text
    forged = await browser.http.post(
        "/complain", data={"csrf_token": "forged", "form_id": str(uuid4()), "name": "X", "email": "x@example.org", "text": "x"}
    )
    assert forged.status_code == 403
    with Session(stack.engine) as session:
        assert len(session.exec(select(Complaint)).all()) == before, "nothing filed"

    same_email = [(await complain(resident(stack), "same@example.org")).status_code for _ in range(4)]
    assert same_email[:3] == [303] * 3 and same_email[3] == 429


async def test_the_resident_forms_need_the_link_and_the_csrf_token(stack, mailer, mailbox):
    browser = resident(stack)
    email = f"cy-{uuid4().hex[:6]}@example.org"
    await complain(browser, email)
    link = LINK.search((await mail_to(mailer, mailbox, email))[0].get_body(("plain",)).get_content()).group(1)
    stranger = resident(stack)
    await stranger.get("/complain")
    refused = await stranger.post("/track/information", {"command_id": str(uuid4()), "note": "let me in"})
    assert refused.status_code == 404 and "This link does not work" in refused.text
    await browser.get(link)
    forged = await browser.post("/track/information", {"command_id": str(uuid4()), "note": "forged", "csrf_token": "wrong"})
    assert forged.status_code == 403
    with Session(stack.engine) as session:
        assert not session.exec(select(ResidentNote).where(ResidentNote.text.in_(["let me in", "forged"]))).all()
