"""Issue 26 item 12: the managers' workload table marks an account that can no longer sign in, so cases
left with a leaver (from before hand-overs, or an account closed outside the web) are seen and moved.
At 1280 px and 390 px, with no axe-core violations."""

import pytest

from tests.browser.browser_stack import browser, fits, sign_in, site  # noqa: F401
from tests.web_stack import stack  # noqa: F401


@pytest.mark.parametrize("width", (1280, 390))
async def test_the_workload_marks_an_inactive_account(stack, browser, site, width):
    from accounts.users import set_active

    await stack.start_case(handler="hugo")
    await stack.start_case(handler="hana")
    await stack.projected(await stack.start_case(handler="hugo"))
    set_active(stack.engine, "hugo", False, by="adam")
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "mira")
        rows = {text.split("\t")[0].split("\n")[0]: text for text in await page.locator("#workload tbody tr").all_inner_texts()}
        hugo = next(text for name, text in rows.items() if name.startswith("Hugo"))
        hana = next(text for name, text in rows.items() if name.startswith("Hana"))
        assert "account inactive" in hugo and "account inactive" not in hana, rows
        await page.locator("#workload").scroll_into_view_if_needed()
        await fits(page, "workload-inactive", width)
    finally:
        set_active(stack.engine, "hugo", True, by="adam")
        await context.close()
