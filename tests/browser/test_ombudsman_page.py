"""The case page's Ombudsman stage in Chromium at 1280 px and 390 px: the determination's rows open, a refused
order date shown in the error summary and on its row, no sideways scroll, no axe-core violations."""

from datetime import date, timedelta

import pytest

from tests.browser.browser_stack import axe_violations, browser, screenshot, sign_in, site  # noqa: F401
from tests.test_web_ombudsman import post
from tests.test_web_cases import act
from tests.web_stack import signed_in, stack  # noqa: F401


@pytest.mark.parametrize("width", (1280, 390))
async def test_the_determination_form_and_its_errors_fit_and_pass_axe(stack, signed_in, browser, site, width):
    hana, mira = await signed_in("hana"), await signed_in("mira")
    reference = await stack.start_case(handler="hana")
    assert (await act(hana, reference, "exclude", ground="legal_proceedings", reason="Before the court"))[0].status_code == 303
    await stack.projected(reference, "excluded")
    assert (await post(mira, reference, "ombudsman_referral", {"ombudsman_ref": "202601234"})).status_code == 303
    await stack.projected(reference, "ombudsman_referred")
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "mira")
        await page.goto(f"{site}/cases/{reference}")
        await page.click("details#ombudsman_determination summary")
        await page.select_option("#ombudsman_determination-findings-0-element", "complaint_handling")
        await page.select_option("#ombudsman_determination-findings-0-finding", "maladministration")
        await page.select_option("#ombudsman_determination-orders-0-kind", "compensation")
        past = date.today() - timedelta(days=3)
        for suffix, value in (("", past.day), ("-month", past.month), ("-year", past.year)):
            await page.fill(f"#ombudsman_determination-orders-0-due_on{suffix}", str(value))
        overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = await page.evaluate(
            """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + " " + (e.innerText || "").slice(0, 60) + " " + Math.round(e.getBoundingClientRect().right))"""
        )
        assert overflow <= 0, wide
        assert await axe_violations(page) == []
        await screenshot(page, f"case-ombudsman-{width}")
        await page.click("form[action$='/actions/ombudsman_determination'] button[type=submit]")
        await page.wait_for_load_state()
        summary = await page.inner_text(".error-summary")
        assert "Order 1: due date: must be a date from today" in summary
        assert await axe_violations(page) == []
        await screenshot(page, f"case-ombudsman-error-{width}")
    finally:
        await context.close()
