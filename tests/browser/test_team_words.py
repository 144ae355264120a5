"""Issue 26 item 7: the screens speak the team's language: people by name, states and steps in words,
one date style (GOV.UK: "11 December 2026", the weekday where it helps), the landlord's title only when
the list mixes landlords, and the Temporal Web UI link only for those who run and check the process."""

import re

from models.presentation import long_date
from tests.browser.browser_stack import browser, page, screenshot, sign_in, site  # noqa: F401
from tests.web_stack import stack  # noqa: F401

ABBREVIATED = re.compile(
    r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|\d{4}-\d{2}-\d{2}"
)


async def test_pages_name_people_and_write_dates_and_states_in_words(stack, page, site):
    reference = await stack.start_case(handler="hana")
    case = await stack.projected(reference)
    await sign_in(page, site, "hana")
    mine = await page.inner_text("#mine")
    assert "Hana" in mine and "hana" not in mine
    assert "Housing Ombudsman Complaint Handling Code (2024)" not in mine  # one landlord: not on every row
    assert not ABBREVIATED.search(await page.inner_text("main")), ABBREVIATED.search(await page.inner_text("main"))
    await page.goto(f"{site}/cases/{reference}")
    main = await page.inner_text("main")
    assert "Stage 1: received" in main and "Hana, Complaints handler" in main
    assert "Temporal Web UI" not in main
    assert long_date(case.received_at) in main and not ABBREVIATED.search(main)
    await screenshot(page, "case-in-words")
    await page.click("button:has-text('Sign out')")
    await sign_in(page, site, "mira")
    await page.goto(f"{site}/cases/{reference}")
    assert "Temporal Web UI" in await page.inner_text("main")


async def test_the_notices_table_reads_in_words_and_fits_390_px(stack, page, site):
    import asyncio
    from datetime import datetime, timedelta, timezone

    from sqlmodel import Session, select

    from casework.intake import Intake, ResidentDetails, file_complaint
    from models.tables import Notice
    from tests.web_stack import TASK_QUEUE

    intake = Intake(
        intake_id="narrow-notices",
        policy="code-2024",
        channel="phone",
        handler="hana",
        resident=ResidentDetails(name="Nia Jones", address="9 Mill Lane"),
        text="Mould in the bedroom since August.",
        received_at=datetime.now(timezone.utc) - timedelta(days=30),
    )
    reference = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    for _ in range(200):
        with Session(stack.engine) as session:
            if session.exec(select(Notice).where(Notice.reference == reference)).first():
                break
        await asyncio.sleep(0.05)
    await page.set_viewport_size({"width": 390, "height": 800})
    await sign_in(page, site, "mira")
    await page.goto(f"{site}/notices")
    table = await page.inner_text("#notices")
    assert "Acknowledge at stage 1" in table and "stage1.acknowledge" not in table and "head of service" in table
    sideways = await page.evaluate(
        "(() => { const w = document.querySelector('#notices').parentElement; return w.scrollWidth - w.clientWidth; })()"
    )
    assert sideways <= 0
    await screenshot(page, "notices-390")
