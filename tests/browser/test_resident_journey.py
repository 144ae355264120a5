"""A resident's journey in Chromium, on a phone (390 px) and a desktop (1280 px): the public form (axe,
works without JavaScript), the confirmation, the email on a real SMTP server, its link, adding
information, asking for stage 2 once staff have responded; the staff side sees both on the case."""

import asyncio
import re
from uuid import uuid4

import pytest

from casework.resident_mail import ResidentMailer
from casework.access import Actor
from casework.actions import act
from models.settings import Settings
from tests.browser.browser_stack import axe_violations, browser, screenshot, sign_in, site  # noqa: F401
from tests.mailbox import Mailbox
from tests.web_stack import TASK_QUEUE, WEB_SECRET, signed_in, stack  # noqa: F401


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


async def mail_to(mailer, mailbox, address, count=1):
    for _ in range(150):
        await asyncio.to_thread(mailer.deliver_due)
        found = [m for m in mailbox.messages if address in str(m["To"])]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {address}")


@pytest.mark.parametrize(("width", "javascript"), [(390, False), (1280, True)])
async def test_a_resident_complains_follows_their_link_adds_information_and_asks_for_stage_2(
    stack, site, browser, mailbox, width, javascript
):
    mailer = ResidentMailer(
        stack.engine, Settings(SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port, WEB_SECRET=WEB_SECRET, WEB_BASE_URL=site)
    )
    context = await browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = await context.new_page()
    email = f"journey-{width}-{uuid4().hex[:4]}@example.org"

    await page.goto(f"{site}/complain")
    if javascript:
        assert await axe_violations(page) == []
    await screenshot(page, f"resident-form-{width}")
    photo = await page.screenshot()  # a real PNG
    await page.click("button:has-text('Send complaint')")  # empty: errors, announced at the top
    assert await page.locator(".error-summary").is_visible()
    if javascript:
        assert await axe_violations(page) == []
    await screenshot(page, f"resident-form-errors-{width}")
    await page.fill("#name", "Ann Resident")
    await page.fill("#email", email)
    await page.fill("#text", "Water comes through the bathroom ceiling every time it rains. I reported it in March.")
    await page.fill("#desired_outcome", "Fix the roof and repaint the ceiling")
    await page.set_input_files("#photos", files=[{"name": "ceiling.png", "mimeType": "image/png", "buffer": photo}])
    await page.click("button:has-text('Send complaint')")
    await page.wait_for_url(f"{site}/complain/received")
    reference = re.search(r"CMP-\d{4}-\d{6}", await page.inner_text(".panel")).group(0)
    if javascript:
        assert await axe_violations(page) == []
    await screenshot(page, f"resident-received-{width}")

    mail = (await mail_to(mailer, mailbox, email))[0]
    link = re.search(r"(http://\S+/track/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    await page.goto(link)
    await page.wait_for_url(f"{site}/track")
    assert reference in await page.inner_text("main")
    if javascript:
        assert await axe_violations(page) == []
    await page.fill("#note", "The leak is worse: water is dripping from the light fitting.")
    await page.click("button:has-text('Add to my complaint')")
    await page.wait_for_url(f"{site}/track")
    assert "We have added what you told us" in await page.inner_text(".notification")

    manager = Actor(username="mira", role="complaints_manager")
    await act(
        stack.client,
        stack.engine,
        reference,
        "acknowledge",
        {"points": ["Roof leak not repaired"]},
        manager,
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await act(
        stack.client,
        stack.engine,
        reference,
        "respond",
        {
            "outcome": "upheld",
            "decisions": [{"point": 1, "upheld": True, "reasons": "The first repair was cancelled twice"}],
            "remedies": [{"kind": "apology", "description": "We are sorry"}],
        },
        manager,
        f"c-{uuid4().hex}",
        TASK_QUEUE,
    )
    await stack.projected(reference, "stage1_responded")
    await mail_to(mailer, mailbox, email, 3)
    await page.goto(f"{site}/track")
    await screenshot(page, f"resident-track-{width}")
    await page.click("button:has-text('Ask for stage 2')")
    await page.wait_for_url(f"{site}/track")
    assert "We have your request for stage 2" in await page.inner_text(".notification")
    if javascript:
        assert await axe_violations(page) == []
    await screenshot(page, f"resident-track-stage2-{width}")
    await context.close()

    staff_context = await browser.new_context(viewport={"width": 1280, "height": 900})
    staff = await staff_context.new_page()
    await sign_in(staff, site, "mira")
    await staff.goto(f"{site}/cases/{reference}")
    timeline = await staff.inner_text(".timeline")
    assert "water is dripping from the light fitting" in timeline and "Stage 2 requested" in timeline
    assert "ceiling.png" in await staff.inner_text("main")
    await screenshot(staff, f"staff-case-after-resident-{width}")
    await staff_context.close()
