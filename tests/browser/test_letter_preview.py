"""Issue 16 must-exist 7 in a browser: the respond form's "Preview the letter" names what an incomplete
letter lacks, then shows the letter styled under the app's CSP (no violation reported) with the form still
filled in, and issuing it sends the letter previewed. At 1280 px and 390 px, with no axe-core violations."""

from datetime import timedelta

import pytest

from tests.browser.browser_stack import browser, fits, sign_in, site  # noqa: F401
from tests.test_web_cases import act
from tests.web_stack import signed_in, stack  # noqa: F401

WIDTHS = (1280, 390)
REASONS = "The repair was cancelled twice without telling you."


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_response_letter_is_previewed_then_issued(stack, signed_in, browser, site, width):
    from casework.case_list import today

    reference = await stack.start_case(handler="hana")
    response, _ = await act(await signed_in("hana"), reference, "acknowledge", outcomes_sought="The repair done")
    assert response.status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        await sign_in(page, site, "hana")
        await page.goto(f"{site}/cases/{reference}")
        await page.click("#respond summary")
        await page.select_option("#respond-outcome", "partly_upheld")
        await page.check("#respond-decisions-0-upheld")
        await page.fill("#respond-decisions-0-reasons", REASONS)
        await page.fill("#respond-decisions-1-reasons", "The call back was made within the day.")
        await page.select_option("#respond-remedies-0-kind", "action")
        await page.fill("#respond-remedies-0-description", "We will re-plaster the wall.")
        await page.click("#respond button:has-text('Preview the letter')")
        summary = await page.inner_text(".error-summary")
        assert "by when remedy 1 (action)" in summary, summary
        lines = await page.locator(".error-summary li").all_inner_texts()
        assert any(line.startswith("The letter needs by when remedy 1 (action)") for line in lines), (
            lines
        )  # each part its own line
        assert await page.locator("iframe.letter").count() == 0
        assert await page.input_value("#respond-decisions-0-reasons") == REASONS
        await fits(page, "letter-preview-incomplete", width)

        due = today() + timedelta(days=14)
        await page.fill("#respond-remedies-0-due_on", str(due.day))
        await page.fill("#respond-remedies-0-due_on-month", str(due.month))
        await page.fill("#respond-remedies-0-due_on-year", str(due.year))
        await page.click("#respond button:has-text('Preview the letter')")
        assert await page.locator(".error-summary").count() == 0
        assert "Nothing has been sent or stored" in await page.inner_text(".banner")
        frame = page.frame_locator("#respond iframe.letter")
        head = frame.locator(".letterhead")
        assert await head.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid", "letter.css applies"
        letter = await frame.locator("body").inner_text()
        assert REASONS in letter and f"We will re-plaster the wall, by {due:%A %-d %B %Y}" in letter, letter
        assert await page.input_value("#respond-remedies-0-due_on") == str(due.day)
        await fits(page, "letter-preview", width)
        assert blocked == []

        await page.click("#respond button:has-text('Respond')")
        await page.wait_for_url(f"{site}/cases/{reference}")
        assert "Respond: done." in await page.inner_text("main")
        await page.click("a:has-text('Stage1 response')")
        assert REASONS in await page.frame_locator("iframe.letter").locator("body").inner_text()
    finally:
        await context.close()
