"""Issue 26 item 4: a session that ends while a long form is being written does not lose it. The page
warns before the idle limit; a form sent after the session ended is refused with a way back, and what
was typed is there again once signed in, to check and send."""

from tests.browser.browser_stack import PASSWORD, browser, page, screenshot, sign_in, site  # noqa: F401
from tests.web_stack import stack  # noqa: F401

POINTS = "The kitchen roof still leaks\nThe repair was cancelled twice"


async def test_what_was_typed_survives_the_session_ending(stack, page, site):
    reference = await stack.start_case(handler="hana")
    await sign_in(page, site, "hana")
    await page.goto(f"{site}/cases/{reference}")
    form = f"form[action='/cases/{reference}/actions/acknowledge']"
    await page.click(f"details:has({form}) summary")
    await page.fill(f"{form} #acknowledge-points", POINTS)
    await page.fill(f"{form} #acknowledge-outcomes_sought", "A working roof")
    await page.context.clear_cookies()  # the session ends (idle limit, restart, another sign-out)
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_load_state()
    assert "Sign in first" in await page.inner_text("h1")
    assert "kept in this browser tab" in await page.inner_text("main")
    await screenshot(page, "session-ended")
    await page.click("a:has-text('Sign in again')")
    await page.fill("#username", "hana")
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url(f"{site}/cases/{reference}")
    assert await page.input_value(f"{form} #acknowledge-points") == POINTS
    assert await page.locator("[data-draft-restored]").is_visible()
    await screenshot(page, "session-draft-restored")
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_load_state()
    assert "Acknowledge: done." in await page.inner_text(".notification")
    assert (await stack.projected(reference, "stage1_acknowledged")).state == "stage1_acknowledged"
    await page.reload()
    assert await page.locator("[data-draft-restored]").count() == 0


async def test_the_page_warns_before_the_idle_limit_and_can_stay_signed_in(stack, page, site):
    await page.clock.install()
    await sign_in(page, site, "hana")
    idle = stack.settings.web_session_idle_minutes
    assert await page.get_attribute("body", "data-idle-minutes") == str(idle)
    assert await page.locator(".session-warning").count() == 0
    await page.clock.fast_forward(f"{idle - 4}:00")
    warning = page.locator(".session-warning")
    await warning.wait_for()
    assert "You will be signed out soon" in await warning.inner_text()
    await screenshot(page, "session-warning")
    await page.click("button:has-text('Stay signed in')")
    await warning.wait_for(state="detached")
