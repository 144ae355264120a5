"""Issue 26 item 9 in a browser: the respond form names every problem in one go (the fields' own and
the letter's: an outcome that does not match the points, in words people use), and a previewed letter
is shown above the form, scrolled to, not far below it. At 1280 px and 390 px, with no axe violations."""

from datetime import timedelta

import pytest

from tests.browser.browser_stack import browser, fits, sign_in, site  # noqa: F401
from tests.test_web_cases import act
from tests.web_stack import signed_in, stack  # noqa: F401

WIDTHS = (1280, 390)


@pytest.mark.parametrize("width", WIDTHS)
async def test_every_problem_at_once_and_the_preview_above(stack, signed_in, browser, site, width):
    from casework.case_list import today

    reference = await stack.start_case(handler="hana")
    response, _ = await act(await signed_in("hana"), reference, "acknowledge", outcomes_sought="The repair done")
    assert response.status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "hana")
        await page.goto(f"{site}/cases/{reference}")
        await page.click("#respond summary")
        await page.select_option("#respond-outcome", "not_upheld")
        await page.check("#respond-decisions-0-upheld")
        await page.fill("#respond-decisions-0-reasons", "The repair was cancelled twice.")
        await page.fill("#respond-actions-0-description", "Check the gutters.")
        await page.fill("#respond-actions-0-owner", "Repairs team")
        await page.fill("#respond-actions-0-target_on", "40")
        await page.fill("#respond-actions-0-target_on-month", "13")
        await page.fill("#respond-actions-0-target_on-year", "2026")
        await page.click("#respond button:has-text('Preview the letter')")
        summary = await page.inner_text(".error-summary")
        assert "point 2" in summary.lower(), summary  # its reasons are blank
        assert "Promised action 1" in summary, summary  # its date is not a date
        assert "remedy to put things right for the upheld point(s) 1" in summary, summary  # none offered
        assert "1 of the 2 points is upheld, so the complaint as a whole is partly upheld" in summary, summary
        assert "is partly upheld, not" not in summary
        await fits(page, "respond-every-problem", width)

        due = today() + timedelta(days=14)
        await page.select_option("#respond-outcome", "partly_upheld")
        await page.fill("#respond-decisions-1-reasons", "The call back was made within the day.")
        await page.select_option("#respond-remedies-0-kind", "action")
        await page.fill("#respond-remedies-0-description", "We will re-plaster the wall.")
        for field in ("remedies-0-due_on", "actions-0-target_on"):
            await page.fill(f"#respond-{field}", str(due.day))
            await page.fill(f"#respond-{field}-month", str(due.month))
            await page.fill(f"#respond-{field}-year", str(due.year))
        await page.fill("#respond-remedies-0-due_on", str(due.day))
        await page.fill("#respond-remedies-0-due_on-month", str(due.month))
        await page.fill("#respond-remedies-0-due_on-year", str(due.year))
        await page.click("#respond button:has-text('Preview the letter')")
        assert await page.locator(".error-summary").count() == 0
        preview = await page.locator("#respond iframe.letter").bounding_box()
        first_field = await page.locator("#respond-outcome").bounding_box()
        assert preview["y"] < first_field["y"], "the letter is shown above the form"
        assert 0 <= preview["y"] < 900, "the page is scrolled to the letter, not left at the top"
        await fits(page, "respond-preview-above", width)
    finally:
        await context.close()
