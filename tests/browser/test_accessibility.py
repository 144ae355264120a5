"""Every page has no axe-core violations, and the sign-in works from the keyboard alone."""

import pytest

from tests.browser.browser_stack import axe_violations, browser, page, screenshot, sign_in, site  # noqa: F401
from tests.web_stack import PASSWORD, signed_in, stack  # noqa: F401

PAGES = {
    "manager": ("mira", ["/", "/cases", "/cases?stage=9", "/notices", "/closures", "/no-such-page"]),
    "admin": ("adam", ["/", "/users", "/closures", "/residents", "/residents?q=Resident", "/residents?q=ab"]),
    "auditor": ("aude", ["/", "/cases"]),
}


async def test_sign_in_page_has_no_violations_and_errors_are_announced(page, site):
    await page.goto(f"{site}/sign-in")
    assert await axe_violations(page) == []
    await screenshot(page, "sign-in")
    await page.click("button:has-text('Sign in')")
    assert await page.locator(".error-summary").is_visible()
    assert await page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert await axe_violations(page) == []
    await screenshot(page, "sign-in-error")


@pytest.mark.parametrize("who", sorted(PAGES))
async def test_every_page_has_no_axe_violations(stack, page, site, who):
    await stack.start_case(handler="mira")
    username, paths = PAGES[who]
    await sign_in(page, site, username)
    for path in paths:
        await page.goto(f"{site}{path}")
        assert await axe_violations(page) == [], path
    if who == "manager":
        await page.goto(f"{site}/")
        await screenshot(page, "dashboard")
        await page.goto(f"{site}/cases")
        await screenshot(page, "case-list")
    if who == "admin":
        await page.goto(f"{site}/closures")
        await screenshot(page, "closures")
        for width in (1280, 390):
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{site}/residents?q=Resident")
            await screenshot(page, f"residents-data-{width}")


async def test_keyboard_only_sign_in_and_navigation(page, site):
    await page.goto(f"{site}/sign-in")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to main content"
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "username"
    await page.keyboard.type("hana")
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{site}/")
    focused = []
    for _ in range(4):
        await page.keyboard.press("Tab")
        focused.append(await page.evaluate("document.activeElement.textContent.trim()"))
    assert focused == ["Skip to main content", "Complaints", "Dashboard", "Cases"]
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{site}/cases")
    assert "Cases" in await page.inner_text("h1")
