"""Issue 27 in Chromium, on a phone (390 px) and a desktop (1280 px), with axe on every page: a resident
makes every mistake at once and sees every error at once, in the form's words, with what they typed kept;
a resident who chose post is told a letter is coming (not an email), reads the posted letter (the post
room's batch PDF, as they would), and follows their case at the short address with the reference and code
it gives; asking for a new one says it comes by post."""

import io
import re
from datetime import date, timedelta
from uuid import uuid4

import pytest
from pypdf import PdfReader

from casework import post_room
from tests.browser.browser_stack import browser, fits, site  # noqa: F401
from tests.web_stack import stack  # noqa: F401

CODE = re.compile(r"enter your reference\s+(CMP-\d{4}-\d{6})\s+and\s+this\s+code:\s+([A-Z0-9]{4}-[A-Z0-9]{4})")


def posted_text(engine) -> str:
    """Every page of the day's print batch, as text, as the resident reads their letter."""
    batch = post_room.make_batch(engine, "mira")
    reader = PdfReader(io.BytesIO(post_room.batch_pdf(engine, batch.id)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.parametrize("width", [390, 1280])
async def test_a_postal_resident_makes_mistakes_is_told_the_truth_and_follows_their_case_by_code(stack, site, browser, width):
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    await page.goto(f"{site}/complain")
    assert "each up to 25 MB" in await page.inner_text("#photos-hint")
    await fits(page, "truth-form", width)

    future = date.today() + timedelta(days=40)
    await page.fill("#email", "ann.post-at-example.org")
    await page.check("#contact_by-post")
    await page.fill("#text", "The bedroom wall is black with mould again.")
    await page.fill("#issue_date", str(future.day))
    await page.fill("#issue_date-month", str(future.month))
    await page.fill("#issue_date-year", str(future.year))
    await page.fill("#helper_name", "Bea Helper")
    await page.click("button:has-text('Send complaint')")
    summary = await page.inner_text(".error-summary")
    for words in (
        "Enter your full name",
        "Enter your email address",
        "Enter your postal address",
        "When did it happen? The date must be today or in the past",
        "Tick the box to say the person helping you",
    ):
        assert words in summary, (words, summary)
    assert await page.input_value("#text") == "The bedroom wall is black with mould again."
    assert await page.is_checked("#contact_by-post")
    await fits(page, "truth-form-errors", width)

    await page.fill("#name", "Ann Post")
    await page.fill("#email", f"ann.post-{uuid4().hex[:6]}@example.org")
    await page.fill("#address", "2 Mill Lane\nTelford TF2 2BB")
    await page.fill("#issue_date-year", str(date.today().year - 1))
    await page.check("#helper_consent")
    await page.click("button:has-text('Send complaint')")
    await page.wait_for_url(f"{site}/complain/received")
    main = await page.inner_text("main")
    reference = re.search(r"CMP-\d{4}-\d{6}", main).group(0)
    assert "email" not in main.lower().replace("we will not email you", ""), main
    assert "by post" in main and "/track" in main
    await fits(page, "truth-received-post", width)

    letter = posted_text(stack.engine)
    on, code = next((r, c) for r, c in CODE.findall(letter) if r == reference)
    assert "/track" in letter

    await page.goto(f"{site}/track")
    await fits(page, "truth-code-form", width)
    await page.fill("#reference", reference)
    await page.fill("#code", code)
    await page.click("button:has-text('Open my complaint')")
    await page.wait_for_url(f"{site}/track")
    assert reference in await page.inner_text("main")
    await fits(page, "truth-track-by-code", width)

    await page.goto(f"{site}/track/new-link")
    await fits(page, "truth-new-link", width)
    await page.fill("#reference", reference)
    await page.click("button:has-text('Send me a new link or code')")
    answer = await page.inner_text("main")
    assert "by post: a letter with a code" in answer and "Check your email" not in answer
    await fits(page, "truth-new-link-sent", width)
    await context.close()


@pytest.mark.parametrize("width", [390, 1280])
async def test_the_administrator_is_told_how_many_residents_a_closure_reaches_before_it_is_added(stack, site, browser, width):
    from casework.access import Actor
    from casework.actions import act
    from casework.case_list import today
    from casework.case_record import working_calendar
    from casework.intake import Intake, ResidentDetails, file_complaint
    from tests.browser.browser_stack import sign_in
    from tests.web_stack import TASK_QUEUE

    landlord = {390: "wrekin", 1280: "wolverhampton-homes"}[width]  # one resident each
    intake = Intake(
        intake_id=f"closure-{width}",
        policy=landlord,
        channel="phone",
        handler="mira",
        resident=ResidentDetails(name="Cy Resident", address="3 Low Street", preferred_contact="post"),
        text="The kitchen roof has leaked since March.",
    )
    reference = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    await stack.projected(reference)
    await act(
        stack.client,
        stack.engine,
        reference,
        "acknowledge",
        {"points": ["Roof leak"]},
        Actor(username="mira", role="complaints_manager"),
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    case = await stack.projected(reference, "stage1_acknowledged")
    closure = working_calendar(stack.engine, case, today()).next_working_day(today() + timedelta(days=2))

    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    await sign_in(page, site, "adam")
    await page.goto(f"{site}/closures")
    await page.select_option("#landlord", landlord)
    await page.fill("#day", str(closure.day))
    await page.fill("#day-month", str(closure.month))
    await page.fill("#day-year", str(closure.year))
    await page.fill("#reason", "Staff training")
    await page.click("button:has-text('Add closure day')")
    question = await page.inner_text("#confirm-closure")
    assert "moves a date we gave in writing to 1 resident" in question and "Nothing is recorded until you confirm" in question
    await fits(page, "truth-closure-confirm", width)
    await page.click("button:has-text('Add the closure and tell 1 resident')")
    await page.wait_for_url(f"{site}/closures")
    assert f"is now a closure day for {landlord}" in await page.inner_text("main")
    await context.close()


@pytest.mark.parametrize("width", [390, 1280])
async def test_after_the_final_response_the_page_says_what_the_resident_can_do_now(stack, site, browser, width):
    from sqlmodel import Session

    from casework.access import Actor
    from casework.actions import act
    from casework.tracking import issue_link
    from tests.browser.browser_stack import sign_in
    from tests.web_stack import TASK_QUEUE, WEB_SECRET

    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    assert (await page.goto(f"{site}/favicon.ico")).status == 200
    await page.goto(f"{site}/complain")
    await page.fill("#name", "Eve Final")
    await page.fill("#email", f"eve-{width}-{uuid4().hex[:4]}@example.org")
    await page.fill("#text", "Black mould on the bedroom wall since October.")
    began = date.today() - timedelta(days=20)
    await page.fill("#issue_date", str(began.day))
    await page.fill("#issue_date-month", str(began.month))
    await page.fill("#issue_date-year", str(began.year))
    await page.click("button:has-text('Send complaint')")
    await page.wait_for_url(f"{site}/complain/received")
    reference = re.search(r"CMP-\d{4}-\d{6}", await page.inner_text(".panel")).group(0)
    case = await stack.projected(reference)
    with Session(stack.engine) as session:
        from models.record import Complaint

        token = issue_link(session, WEB_SECRET, reference, "resident", session.get(Complaint, reference).resident_id)
        session.commit()
    assert case.state == "received"

    manager, reviewer = Actor(username="mira", role="complaints_manager"), Actor(username="rita", role="stage2_reviewer")
    await act(
        stack.client, stack.engine, reference, "acknowledge", {"points": ["Mould"]}, manager, f"c-{uuid4().hex}", TASK_QUEUE
    )
    await act(
        stack.client,
        stack.engine,
        reference,
        "respond",
        {
            "outcome": "not_upheld",
            "decisions": [{"point": 1, "upheld": False, "reasons": "Treated in November"}],
            "remedies": [{"kind": "apology", "description": "We are sorry"}],
        },
        manager,
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await stack.projected(reference, "stage1_responded")
    await page.goto(f"{site}/track/{token}")
    await page.wait_for_url(f"{site}/track")
    assert "What you told us" in await page.inner_text("main")
    await page.click("button:has-text('Ask for stage 2')")
    await page.wait_for_url(f"{site}/track")
    assert re.search(r"We will write to you by \w+day \d+ \w+ \d{4} to confirm it", await page.inner_text(".notification"))
    await fits(page, "truth-track-stage2", width)

    await act(
        stack.client, stack.engine, reference, "acknowledge", {"points": ["Mould"]}, reviewer, f"c-{uuid4().hex}", TASK_QUEUE
    )
    await act(
        stack.client,
        stack.engine,
        reference,
        "respond",
        {
            "outcome": "upheld",
            "decisions": [{"point": 1, "upheld": True, "reasons": "The treatment did not last"}],
            "remedies": [{"kind": "apology", "description": "We are sorry"}],
            "actions": [
                {
                    "description": "Mould wash and stain-block treatment to the bedroom wall",
                    "owner": "Repairs",
                    "target_on": (date.today() + timedelta(days=21)).isoformat(),
                }
            ],
        },
        reviewer,
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await stack.projected(reference, "stage2_responded")
    await page.goto(f"{site}/track")
    now = await page.inner_text("#next-step")
    assert "What you can do now" in now and "0300 111 3000" in now and f"{date.today().year + 1}" in now
    main = (await page.inner_text("main")).lower()
    assert "ask for stage 2" not in main and "asked for stage 2" not in main and "go to stage 2" not in main
    await fits(page, "truth-track-final", width)
    await context.close()

    staff_context = await browser.new_context(viewport={"width": width, "height": 900})
    staff = await staff_context.new_page()
    await sign_in(staff, site, "mira")
    await staff.goto(f"{site}/cases/{reference}")
    sideways = await staff.evaluate(
        "(() => { const w = document.querySelector('.table--deliveries').closest('.table-wrap'); "
        "return w.scrollWidth - w.clientWidth; })()"
    )
    assert sideways <= 0, "the 'Sent to the resident' table fits without scrolling sideways"
    await fits(staff, "truth-case-deliveries", width)
    await staff_context.close()
