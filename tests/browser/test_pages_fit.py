"""Issue 16 bug 9 and must-exist 9: every main page at 1280 px and at 390 px (a phone) has no
sideways scroll and no axe-core violations; the queues and the case page are photographed at both."""

import pytest

from tests.browser.browser_stack import axe_violations, browser, screenshot, sign_in, site  # noqa: F401
from tests.web_stack import signed_in, stack  # noqa: F401

WIDTHS = (1280, 390)


@pytest.mark.parametrize("width", WIDTHS)
async def test_main_pages_fit_the_screen_and_have_no_violations(stack, browser, site, width):
    reference = await stack.start_case(handler="mira")
    unassigned = await stack.start_case(handler=None)
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "mira")
        for path, name in (
            ("/", "dashboard"),
            ("/cases", "case-list"),
            (f"/cases/{reference}", "case-page"),
            ("/cases/new", "intake"),
            ("/notices", "notices"),
        ):
            await page.goto(f"{site}{path}")
            overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, width, overflow)
            assert await axe_violations(page) == [], (path, width)
            await screenshot(page, f"{name}-{width}")
        await page.goto(f"{site}/")
        assert unassigned in await page.inner_text("#unassigned")
        await page.goto(f"{site}/cases/{reference}")
        await page.click("details#withdraw summary")
        await page.click("form[action$='/actions/withdraw'] button[type=submit]")
        await page.wait_for_load_state()
        summary = await page.inner_text(".error-summary")
        assert "Tick the box to confirm: withdraw the complaint" in summary
        assert await axe_violations(page) == []
        await screenshot(page, f"case-confirm-error-{width}")
    finally:
        await context.close()
