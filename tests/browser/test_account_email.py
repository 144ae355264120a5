"""Issue 26 item 12: an administrator changes an existing account's email address for notices on the
account page; a malformed address is refused by the one email rule (models.input_text.email_problem),
naming the field. At 1280 px and 390 px, with no axe-core violations."""

import pytest

from tests.browser.browser_stack import browser, fits, sign_in, site  # noqa: F401
from tests.web_stack import stack  # noqa: F401


@pytest.mark.parametrize("width", (1280, 390))
async def test_an_administrator_changes_an_accounts_email(stack, browser, site, width):
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "adam")
        await page.goto(f"{site}/users/hana")
        await page.fill("#email", "hana@greatwell.example, boss@greatwell.example")
        await page.click("button:has-text('Change email')")
        summary = await page.inner_text(".error-summary")
        assert "Email for notices must be one email address" in summary, summary
        await fits(page, "account-email-refused", width)
        await page.fill("#email", f"Hana.Khan{width}@Greatwell.example")
        await page.click("button:has-text('Change email')")
        await page.wait_for_url(f"{site}/users/hana")
        shown = await page.inner_text(".summary-list")
        assert f"hana.khan{width}@greatwell.example" in shown, shown
        await fits(page, "account-email-changed", width)
    finally:
        await context.close()
