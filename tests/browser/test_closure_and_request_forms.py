"""Issue 16 must-exist 4 and 5 in a browser: the closures form's date typed in day, month and year boxes,
refused in people's words with what was typed kept, then added and removed; the service-request form's
errors all at once by the field's label. At 1280 px and 390 px, with no axe-core violations."""

import pytest

from models.presentation import long_date
from tests.browser.browser_stack import browser, fits, sign_in, site  # noqa: F401
from tests.web_stack import signed_in, stack  # noqa: F401

WIDTHS = (1280, 390)


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_closure_is_typed_day_month_year_refused_in_words_added_and_removed(stack, browser, site, width):
    from casework.case_list import today
    from casework.case_record import working_calendar
    from models.tables import Case
    from sqlmodel import Session

    reference = await stack.start_case(handler="hana", landlord="greatwell-homes")
    with Session(stack.engine) as session:
        case = session.get(Case, reference)
    day = working_calendar(stack.engine, case, today()).add_working_days(today(), 3 + (width == 390))
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "adam")
        await page.goto(f"{site}/closures")
        await page.select_option("#landlord", "greatwell-homes")
        await page.fill("#day", str(day.day))
        await page.fill("#day-year", str(day.year))
        await page.fill("#reason", "Staff training")
        await page.click("button:has-text('Add closure day')")
        summary = await page.inner_text(".error-summary")
        assert "Closure date must include a month" in summary and "Day:" not in summary
        assert await page.input_value("#day") == str(day.day) and await page.input_value("#day-year") == str(day.year)
        assert await page.input_value("#reason") == "Staff training"
        await fits(page, "closures-error", width)

        await page.fill("#day-month", str(day.month))
        await page.click("button:has-text('Add closure day')")
        await page.wait_for_url(f"{site}/closures")
        assert f"{long_date(day, weekday=True)} is now a closure day for greatwell-homes" in await page.inner_text("main")
        row = page.locator(f"#remove-greatwell-homes-{day.isoformat()}")
        assert long_date(day) in await page.inner_text("table")
        await row.locator("summary").click()
        await row.locator("input[name=confirm]").check()
        await row.locator("button:has-text('Remove the closure')").click()
        await page.wait_for_url(f"{site}/closures")
        assert f"{long_date(day, weekday=True)} is a working day again for greatwell-homes" in await page.inner_text("main")
        assert long_date(day) not in await page.inner_text("table")
    finally:
        await context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_service_request_form_says_every_problem_by_its_label(stack, browser, site, width):
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await sign_in(page, site, "hana")
        await page.goto(f"{site}/service-requests/new")
        await page.select_option("#channel", "phone")
        await page.fill("#resident-name", "Sam Tenant")
        await page.fill("#resident-email", "sam-at-home")
        await page.fill("#received_at", "31")
        await page.fill("#received_at-month", "2")
        await page.fill("#received_at-year", "2026")
        await page.click("button:has-text('Record service request')")
        summary = await page.inner_text(".error-summary")
        for message in (
            "Enter what the resident is asking for",
            "Enter resident email in the correct format",
            "Date the request was received must be a real date",
        ):
            assert message in summary, summary
        assert "Field required" not in summary and "String should" not in summary
        assert await page.input_value("#resident-name") == "Sam Tenant" and await page.input_value("#received_at") == "31"
        await fits(page, "service-request-errors", width)
    finally:
        await context.close()
