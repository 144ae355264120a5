"""Issue 16 bug 6 / must-exist 9: the annual report page and the letter preview keep their styling under
the app's own CSP (no inline styles or scripts: the browser reports no CSP violation), the charts draw in
their colours, the report has year and landlord choice from lists, a PDF link and a way back; both pages
fit 1280 px and 390 px with no axe-core violations."""

import pytest

from tests.browser.browser_stack import axe_violations, browser, screenshot, sign_in, site  # noqa: F401
from tests.test_web_cases import act
from tests.web_stack import signed_in, stack  # noqa: F401

WIDTHS = (1280, 390)


async def _open(browser, width: int):
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    return context, page, blocked


async def _downloads_a_pdf(page, link) -> None:
    async with page.expect_download() as download:
        await link.click()
    assert (await (await download.value).path()).read_bytes().startswith(b"%PDF")


async def _fits(page) -> None:
    await page.evaluate("document.activeElement && document.activeElement.blur()")  # a focused link is not underlined
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, (page.url, overflow)
    assert await axe_violations(page) == [], page.url


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_annual_report_is_styled_under_the_csp_with_choices_a_pdf_and_a_way_back(stack, browser, site, width):
    await stack.start_case(handler="hana", landlord="wrekin")
    context, page, blocked = await _open(browser, width)
    try:
        await sign_in(page, site, "mira")
        await page.click("nav >> text=Annual report")
        bar = page.locator('.report .chart svg path[fill="#1d70b8"]').first
        assert await bar.evaluate("e => getComputedStyle(e).fill") == "rgb(29, 112, 184)", "bars in their colour, not black"
        heading = page.locator(".report h2").first
        assert await heading.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid", "report.css applies"
        years = await page.locator("#year option").all_inner_texts()
        assert len(years) >= 2 and years == sorted(years, reverse=True)
        await page.select_option("#landlord", "wrekin")
        await page.click("button:has-text('Show the report')")
        assert "The Wrekin Housing Group" in await page.inner_text(".report h1")
        assert await page.locator("#landlord").input_value() == "wrekin"
        pdf = page.locator("a:has-text('Download this report as PDF')")
        assert "landlord=wrekin" in await pdf.get_attribute("href")
        await _downloads_a_pdf(page, pdf)
        await _fits(page)
        await screenshot(page, f"annual-report-{width}")
        assert blocked == []
        await page.click("text=Back to the dashboard")
        await page.wait_for_url(f"{site}/")
    finally:
        await context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_letter_preview_is_styled_under_the_csp_with_its_pdf(stack, signed_in, browser, site, width):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    response, _ = await act(hana, reference, "acknowledge")
    assert response.status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    context, page, blocked = await _open(browser, width)
    try:
        await sign_in(page, site, "hana")
        await page.goto(f"{site}/cases/{reference}")
        await page.click("a:has-text('Acknowledgement')")
        frame = page.frame_locator("iframe.letter")
        head = frame.locator(".letterhead")
        assert await head.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid", "letter.css applies"
        assert "Example Homes" in await head.inner_text()
        assert "Yours sincerely" in await frame.locator(".signature").inner_text()
        link = page.locator("a:has-text('Download the letter as PDF')")
        await _downloads_a_pdf(page, link)
        await _fits(page)
        await screenshot(page, f"letter-{width}")
        assert blocked == []
    finally:
        await context.close()
