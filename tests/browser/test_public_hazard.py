"""Triage at the door in Chromium at 390 px and 1280 px (decision 152): a resident tells the public form there is
mould in the home, the confirmation and her tracking page say what the law makes us do and by when, and the hazard waits in the
staff's hazards queue as awaiting triage; every page fits the screen and has no axe-core violations."""

from uuid import uuid4

from sqlmodel import Session

import pytest

from tests.browser.browser_stack import axe_violations, browser, fits, sign_in, site  # noqa: F401
from casework.tracking import issue_link
from models.record import Complaint
from tests.web_stack import WEB_SECRET, signed_in, stack  # noqa: F401


@pytest.mark.parametrize("width", (390, 1280))
async def test_a_resident_reports_mould_and_staff_see_it_awaiting_triage(stack, browser, site, width):
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{site}/complain")
        await page.fill("#name", "Ann Resident")
        await page.fill("#email", f"mould-{uuid4().hex[:8]}@example.org")
        await page.fill("#text", "Black mould is spreading across the child's bedroom wall.")
        await page.check("#home_hazard-damp_and_mould")
        await fits(page, "complain-hazard-question", width)
        assert await axe_violations(page) == []
        await page.click("button:has-text('Send complaint')")
        await page.wait_for_url(f"{site}/complain/received")
        reference = (await page.inner_text(".reference")).strip()
        told = await page.inner_text("main")
        assert "Damp and mould growth in your home" in told and "Look into it, within 10 working days" in told
        assert "make your home safe within 24 hours" in told
        await fits(page, "complain-received-hazard", width)
        assert await axe_violations(page) == []

        with Session(stack.engine) as session:  # the link her email carries
            token = issue_link(session, WEB_SECRET, reference, "resident", session.get(Complaint, reference).resident_id)
            session.commit()
        await page.goto(f"{site}/track/{token}")
        tracked = await page.inner_text("main")
        assert "Damp and mould growth in your home" in tracked and "We are deciding how urgent it is." in tracked
        await fits(page, "track-hazard-steps", width)
        assert await axe_violations(page) == []

        await sign_in(page, site, "mira")
        await page.goto(f"{site}/hazards")
        queue = await page.inner_text("#hazards")
        assert "awaiting triage" in queue
        await fits(page, "hazards-awaiting-triage", width)
        assert await axe_violations(page) == []
        await page.goto(f"{site}/cases/{reference}")
        assert "HZD-" in await page.inner_text("main")
    finally:
        await context.close()
