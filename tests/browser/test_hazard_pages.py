"""Hazard pages at 1280 px and 390 px: the dashboard's hazard queue, /hazards and a hazard's page fit the
screen and have no axe-core violations, before and after a step refused against its field."""

from datetime import datetime, timedelta, timezone

import pytest

from casework.access import Actor
from casework.hazards import report_hazard
from tests.browser.browser_stack import axe_violations, browser, fits, sign_in, site  # noqa: F401
from tests.test_web_hazards import _projected
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401


@pytest.mark.parametrize("width", (1280, 390))
async def test_hazard_queue_and_page_fit_and_pass_axe(stack, browser, site, width):
    complaint = await stack.start_case(handler="mira")
    actor = Actor(username="mira", role="handler")
    reference = await report_hazard(
        stack.client,
        stack.engine,
        category="damp_and_mould",
        landlord=None,
        actor=actor,
        linked=(complaint,),
        aware_at=datetime.now(timezone.utc) - timedelta(hours=2),
        task_queue=TASK_QUEUE,
    )
    await _projected(stack, reference, 1)
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "mira")
        for path, name in (
            ("/", "dashboard-hazards"),
            ("/hazards", "hazards"),
            (f"/hazards/{reference}/summary", "hazard-summary"),
            (f"/hazards/{reference}", "hazard"),
        ):
            await page.goto(f"{site}{path}")
            await fits(page, f"{name}", width)
            assert await axe_violations(page) == [], (path, width)
        assert reference in await page.inner_text("h1")
        await page.check("#step-hazard_investigated")
        await page.check("#safety_work")
        await page.click("form[action$='/act'] button[type=submit]")
        await page.wait_for_load_state()
        assert "Found" in await page.inner_text(".error-summary")
        assert await axe_violations(page) == []
        await page.check("#step-hazard_access_attempt")
        await page.select_option("#method", "visit")
        await page.select_option("#outcome", "booked")
        await page.click("form[action$='/act'] button[type=submit]")
        await page.wait_for_load_state()
        await _projected(stack, reference, 2)
        await page.goto(f"{site}/hazards/{reference}")
        assert "method: visit; outcome: booked" in await page.inner_text("#timeline")
        await fits(page, "hazard-after-step", width)
    finally:
        await context.close()
