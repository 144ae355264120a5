"""Every kind of button on the dashboard, the case list and the case page, clicked by each role that is
offered it, with what the button promised checked afterwards (issue 26 item 1): not just that a page
rendered. Every POST form on those pages carries the session's CSRF token."""

from tests.browser.browser_stack import browser, page, screenshot, sign_in, site  # noqa: F401
from tests.browser.test_casework_flow import take
from tests.web_stack import stack  # noqa: F401

ROLES = ("hana", "mira", "rita", "aude")


async def _tokens_filled(page) -> None:
    """No POST form on the page posts an empty token (the 'form has expired' dead end)."""
    forms = await page.locator("form[method=post]").count()
    empty = await page.locator("form[method=post]:not(:has(input[name=csrf_token]:not([value=''])))").count()
    assert empty == 0, (page.url, empty, forms)


async def _sign_out(page) -> None:
    await page.click("button:has-text('Sign out')")
    await page.wait_for_load_state()


async def _handler_of(stack, reference: str, username: str) -> None:
    for _ in range(100):
        if (await stack.projected(reference)).handler == username:
            return
    assert (await stack.projected(reference)).handler == username


async def test_assign_to_me_works_from_the_dashboard_the_case_list_and_the_case_page(stack, page, site):
    from_dashboard, from_list, from_case, for_manager = [await stack.start_case(handler=None) for _ in range(4)]
    await sign_in(page, site, "hana")
    await _tokens_filled(page)
    await page.click(f"#unassigned tr:has(a:text('{from_dashboard}')) button:has-text('Assign to me')")
    await page.wait_for_url(f"{site}/cases/{from_dashboard}")
    assert f"{from_dashboard} is assigned to you." in await page.inner_text(".notification")
    await _handler_of(stack, from_dashboard, "hana")
    await page.goto(f"{site}/")
    assert from_dashboard in await page.inner_text("#mine")
    await screenshot(page, "dashboard-after-assign")

    await page.goto(f"{site}/cases")
    await _tokens_filled(page)
    await page.click(f"tr:has(a:text('{from_list}')) button:has-text('Assign to me')")
    await page.wait_for_url(f"{site}/cases/{from_list}")
    await _handler_of(stack, from_list, "hana")

    await page.goto(f"{site}/cases/{from_case}")
    await _tokens_filled(page)
    await page.click("button:has-text('Assign to me')")
    await page.wait_for_url(f"{site}/cases/{from_case}")
    await _handler_of(stack, from_case, "hana")
    assert await page.locator("button:has-text('Assign to me')").count() == 0
    await take(page, from_case, "acknowledge")
    assert (await stack.projected(from_case, "stage1_acknowledged")).state == "stage1_acknowledged"
    await _sign_out(page)

    await sign_in(page, site, "mira")
    await page.click(f"#unassigned tr:has(a:text('{for_manager}')) button:has-text('Assign to me')")
    await page.wait_for_url(f"{site}/cases/{for_manager}")
    await _handler_of(stack, for_manager, "mira")
    await _tokens_filled(page)
    form = f"form[action='/cases/{for_manager}/actions/assign']"
    await page.click(f"details:has({form}) summary")
    await page.select_option(f"{form} #assign-handler", "hugo")
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_load_state()
    assert "Assign: done." in await page.inner_text(".notification")
    await _handler_of(stack, for_manager, "hugo")


async def test_each_role_is_offered_only_buttons_that_work(stack, page, site):
    reference = await stack.start_case(handler=None)
    for username in ROLES:
        await sign_in(page, site, username)
        await _tokens_filled(page)
        takes = await page.locator("#unassigned button:has-text('Assign to me')").count()
        assert (takes > 0) == (username in ("hana", "mira")), username
        await page.goto(f"{site}/cases?stage=1")
        await _tokens_filled(page)
        await page.click("button:has-text('Filter'), button:has-text('Apply')")
        await page.wait_for_load_state()
        assert reference in await page.inner_text("table"), username
        await page.goto(f"{site}/cases/{reference}")
        await _tokens_filled(page)
        offered = await page.locator("main form[method=post] button[type=submit]").count()
        assert (offered > 0) == (username in ("hana", "mira")), (username, offered)
        await screenshot(page, f"case-as-{username}")
        await _sign_out(page)


async def test_mark_done_asks_first_then_marks_the_promised_action_done(stack, page, site):
    from datetime import date, timedelta

    from tests.test_web_cases import _command_id, _response, act

    hana = stack.browser()
    await hana.sign_in("hana")
    reference = await stack.start_case(handler="hana")
    assert (await act(hana, reference, "acknowledge"))[0].status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    target = (date.today() + timedelta(days=20)).isoformat()
    form = _response(
        _command_id((await hana.get(f"/cases/{reference}")).text, reference, "respond"),
        **{
            "remedies.0.kind": "apology",
            "remedies.0.description": "We are sorry",
            "actions.0.description": "Replace the kitchen roof",
            "actions.0.owner": "Repairs team",
            "actions.0.target_on": target,
        },
    )
    assert (await hana.post(f"/cases/{reference}/actions/respond", form)).status_code == 303
    await stack.projected(reference, "stage1_responded")
    await hana.http.aclose()

    await sign_in(page, site, "hana")
    await page.goto(f"{site}/cases/{reference}")
    await _tokens_filled(page)
    await page.click("summary:has-text('Mark done')")
    await page.click("form[action$='/actions/complete_action'] button[type=submit]")
    await page.wait_for_load_state()
    assert "Tick the box to confirm" in await page.inner_text("[data-error-summary]")
    await page.check("form[action$='/actions/complete_action'] input[name=confirm]")
    await page.click("form[action$='/actions/complete_action'] button[type=submit]")
    await page.wait_for_load_state()
    assert "Complete action: done." in await page.inner_text(".notification")
    await screenshot(page, "case-action-done")
