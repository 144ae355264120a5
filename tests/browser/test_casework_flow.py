"""A case from intake to a stage-2 response in the browser, as staff would do it, with axe on the case
page and its error summary, and screenshots of the case page."""

from casework.forms import ACTION_FORMS
from casework.intake import Intake
from starter.web.fields import form_fields
from tests.browser.browser_stack import axe_violations, browser, page, screenshot, sign_in, site  # noqa: F401
from tests.web_stack import PASSWORD, sample, signed_in, stack  # noqa: F401


async def fill(page, model, scope: str, prefix: str = "", **overrides) -> None:
    """Fill every field of the form rendered from `model`, by its kind."""
    for spec in form_fields(model):
        if not (spec.required or spec.kind == "lines" or spec.name in overrides):
            continue
        field = page.locator(f"{scope} #{prefix}{spec.name}")
        value = overrides.get(spec.name, sample(spec))
        if spec.kind == "select":
            await field.select_option(value)
        elif spec.kind == "checkbox":
            await field.set_checked(value == "true")
        else:
            await field.fill(value)


async def take(page, reference: str, action: str, refused: bool = False, **overrides) -> None:
    form = f"form[action='/cases/{reference}/actions/{action}']"
    await page.click(f"details:has({form}) summary")
    await fill(page, ACTION_FORMS[action], form, f"{action}-", **overrides)
    for reasons in await page.locator(f"{form} textarea[name$='.reasons']").all():
        await reasons.fill("We checked the repair log and spoke to the contractor.")
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_load_state()
    if not refused:
        outcome = await page.inner_text(".notification, [data-error-summary]")
        assert "done." in outcome, outcome


async def test_a_complaint_from_intake_to_stage_2_response(stack, page, site):
    await sign_in(page, site, "hana")
    await page.goto(f"{site}/cases/new")
    assert await axe_violations(page) == []
    await screenshot(page, "intake")
    await fill(page, Intake, "form[action='/cases']")
    await page.click("button:has-text('File complaint')")
    await page.wait_for_url(f"{site}/cases/*")
    reference = page.url.rsplit("/", 1)[1]

    await take(page, reference, "acknowledge")
    assert "Acknowledge: done." in await page.inner_text(".notification")
    await take(page, reference, "extend", working_days="5", reason="contractor report", agreed_with_resident="true")
    await take(page, reference, "respond", outcome="not_upheld")
    await take(page, reference, "request_stage2")
    assert "stage 2 requested" in await page.inner_text("h1")
    await page.click("button:has-text('Sign out')")

    await sign_in(page, site, "rita")
    await page.goto(f"{site}/cases/{reference}")
    await take(page, reference, "acknowledge")
    await take(page, reference, "extend", refused=True, working_days="999", reason="too long")
    summary = page.locator("[data-error-summary]")
    assert await summary.is_visible() and "How many more working days must be 60 or less" in await summary.inner_text()
    assert await axe_violations(page) == []
    await screenshot(page, "case-error")
    await page.goto(f"{site}/cases/{reference}")
    await take(page, reference, "respond", outcome="not_upheld")
    assert "final response sent" in await page.inner_text("h1")
    timeline = await page.inner_text(".timeline")
    assert timeline.count("Respond") == 2 and "Extend" in timeline and "working days: 5" in timeline
    assert "by Rita" in timeline and "by Hana" in timeline
    assert await axe_violations(page) == []
    await screenshot(page, "case")
