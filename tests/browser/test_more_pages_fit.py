"""Issue 16 must-exist 2, 6, 9 and 10 in a browser: search from the header box, the audit log, a staff
account with its role and warned deactivation, the closures with their remove control and a service
request's page fit 1280 px and 390 px with no axe-core violations."""

import pytest

from tests.browser.browser_stack import browser, fits, sign_in, site  # noqa: F401
from tests.web_stack import signed_in, stack  # noqa: F401

WIDTHS = (1280, 390)


@pytest.mark.parametrize("width", WIDTHS)
async def test_search_audit_accounts_closures_and_service_requests_fit(stack, signed_in, browser, site, width):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    await hana.post("/service-requests", {"channel": "phone", "resident.name": "Sam Tenant", "text": "Please fix the gate."})
    listing = (await hana.get("/service-requests")).text
    request_id = listing.split('<td><a href="/service-requests/', 1)[1].split('"', 1)[0]
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "hana")
        resident = (await page.goto(f"{site}/cases/{reference}")) and await page.inner_text("h1")
        await page.fill("#header-search", "Resident")
        await page.click(".header__search button")
        await page.wait_for_url(f"{site}/search?q=Resident")
        assert reference in await page.inner_text("main"), resident
        await fits(page, "search", width)
        await page.goto(f"{site}/service-requests/{request_id}")
        await fits(page, "service-request", width)
        await page.click("button:has-text('Sign out')")

        await sign_in(page, site, "adam")
        for path, name in (("/users/hugo", "staff-account"), ("/closures", "closures-remove"), ("/audit", "audit-log")):
            await page.goto(f"{site}{path}")
            await fits(page, name, width)
    finally:
        await context.close()
