"""The quarterly pack page and the governing body's response form at 1280 px and 390 px: no sideways scroll,
no axe-core violations, its charts drawn (SVG under the CSP), and a photograph of each."""

import pytest

from tests.browser.browser_stack import axe_violations, browser, screenshot, sign_in, site  # noqa: F401
from tests.web_stack import signed_in, stack  # noqa: F401


@pytest.mark.parametrize("width", (1280, 390))
async def test_quarterly_pack_and_response_form_fit_and_have_no_violations(stack, browser, site, width):
    await stack.start_case(handler="mira")
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "mira")
        for path, name in (("/reports/quarterly", "quarterly-pack"), ("/reports/annual/response", "governing-response")):
            await page.goto(f"{site}{path}")
            overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, width, overflow)
            assert await axe_violations(page) == [], (path, width)
            await screenshot(page, f"{name}-{width}")
        await page.goto(f"{site}/reports/quarterly")
        assert await page.locator("svg.pack-chart").count() == 2  # volumes and service areas (no responses yet: no causes chart)
        assert await page.evaluate("getComputedStyle(document.querySelector('.pack h2')).borderBottomStyle") == "solid"
        await page.goto(f"{site}/reports/annual/response")
        await page.click("button:has-text('Record and publish')")
        assert "Enter the governing body" in await page.inner_text(
            ".error-summary"
        ) or "enter the governing body" in await page.inner_text(".error-summary")
        assert await axe_violations(page) == []
    finally:
        await context.close()


@pytest.mark.parametrize("width", (1280, 390))
async def test_the_board_response_keeps_its_paragraphs_when_published(stack, browser, site, width):
    """Issue 26 item 12: paragraphs typed in the browser (which sends CRLF line ends) are published as paragraphs."""
    from tests.browser.browser_stack import fits

    await stack.start_case(handler="mira")
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "mira")
        await page.goto(f"{site}/reports/annual/response")
        year = await page.input_value("#year")
        await page.fill(
            "#text", "The board thanks the team.\n\nIt asks for a review of repairs.\n  \nIt will meet again in March."
        )
        await page.click("button:has-text('Record and publish')")
        await page.goto(f"{site}/reports/annual?year={year}")
        said = page.locator("#governing-body-response ~ p")
        assert (await said.all_inner_texts())[:3] == [
            "The board thanks the team.",
            "It asks for a review of repairs.",
            "It will meet again in March.",
        ]
        await page.locator("#governing-body-response").scroll_into_view_if_needed()
        await fits(page, "board-response-published", width)
    finally:
        await context.close()
