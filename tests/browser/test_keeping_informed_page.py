"""Code 5.9 on the case page in Chromium at 1280 px and 390 px: once a response is extended, the handler
records the interval agreed with the resident; the update it makes due is on the deadlines table with the
date the workflow projected, and recording the update meets it. No sideways scroll, no axe-core violations."""

import pytest
from sqlmodel import Session

from models.presentation import long_date
from models.tables import CaseDeadline
from tests.browser.browser_stack import axe_violations, browser, screenshot, sign_in, site  # noqa: F401
from tests.test_web_cases import act
from tests.web_stack import signed_in, stack  # noqa: F401


@pytest.mark.parametrize("width", (1280, 390))
async def test_updates_agreed_with_the_resident_while_the_response_is_late(stack, signed_in, browser, site, width):
    hana = await signed_in("hana")
    reference = await stack.start_case(handler="hana")
    assert (await act(hana, reference, "acknowledge", points=["The lift has been broken for a month"]))[0].status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    page_text = (await hana.get(f"/cases/{reference}")).text
    assert f"/cases/{reference}/actions/agree_update_interval" not in page_text, "on time: nothing calls for agreed updates"
    assert (await act(hana, reference, "extend", working_days=5, reason="The lift engineer's report is due"))[
        0
    ].status_code == 303
    await stack.projected(reference, "stage1_extended")

    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "hana")
        await page.goto(f"{site}/cases/{reference}")
        await page.click("details#agree_update_interval summary")
        await page.fill("#agree_update_interval-working_days", "3")
        assert await axe_violations(page) == []
        await screenshot(page, f"case-updates-agreed-form-{width}")
        await page.click("form[action$='/actions/agree_update_interval'] button[type=submit]")
        await page.wait_for_load_state()
        with Session(stack.engine) as session:
            due = session.get(CaseDeadline, (reference, "update.1")).due
        row = page.locator("table tr", has_text="Update the resident")
        assert await row.count() == 1
        assert long_date(due, weekday=True) in await row.inner_text(), "the page shows the date the workflow projected"
        overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        assert await axe_violations(page) == []
        await screenshot(page, f"case-updates-agreed-{width}")

        await page.click("details#record_update summary")
        await page.click("form[action$='/actions/record_update'] button[type=submit]")
        await page.wait_for_load_state()
        rows = page.locator("table tr", has_text="Update the resident")
        assert await rows.count() == 2, "the update given is met and the next one falls due"
        assert "met" in await rows.nth(0).inner_text()
        await screenshot(page, f"case-update-recorded-{width}")
    finally:
        await context.close()
