"""Issue 27 items 4 and 5 over HTTP, with the mail read on a real SMTP server as the resident reads it:
asking for stage 2 is confirmed at once with the date, the tracking page shows the request and its
acknowledgement, the resident can read what they told us, and after the final response the page and
every later message say what the resident can do now (the Ombudsman, how and by when), never stage 2."""

import re
from datetime import timedelta
from uuid import uuid4

from casework.access import Actor
from casework.actions import act
from casework.case_list import today
from tests.test_web_promised_dates import long_date, mail_about
from tests.test_web_residents import LINK, complain, mail_to, mailbox, mailer, resident  # noqa: F401 (fixtures)
from tests.web_stack import TASK_QUEUE, stack  # noqa: F401 (fixtures)

MANAGER = Actor(username="mira", role="complaints_manager")
REVIEWER = Actor(username="rita", role="stage2_reviewer")


async def take(stack, reference, action, actor, **form):
    await act(stack.client, stack.engine, reference, action, form, actor, f"c-{uuid4().hex}", TASK_QUEUE)


def plain(mail) -> str:
    return " ".join(mail.get_body(("plain",)).get_content().split())


async def test_after_the_final_response_the_resident_is_told_the_ombudsman_how_and_by_when_never_stage_2(stack, mailer, mailbox):
    browser = resident(stack)
    email = f"eve-{uuid4().hex[:6]}@example.org"
    await complain(browser, email, text="Black mould on the bedroom wall since October.")
    link = LINK.search(plain((await mail_to(mailer, mailbox, email))[0]).replace(" ", "\n")).group(1)
    await browser.get(link)
    reference = re.search(r"CMP-\d{4}-\d{6}", (await browser.get("/track")).text).group(0)
    page = (await browser.get("/track")).text
    assert "What you told us" in page and "Black mould on the bedroom wall since October." in page

    await take(stack, reference, "acknowledge", MANAGER, points=["Mould not treated"])
    await take(
        stack,
        reference,
        "respond",
        MANAGER,
        outcome="not_upheld",
        decisions=[{"point": 1, "upheld": False, "reasons": "The wall was treated in November"}],
        remedies=[{"kind": "apology", "description": "We are sorry for the worry"}],
    )
    await stack.projected(reference, "stage1_responded")
    page = (await browser.get("/track")).text
    command = re.search(
        r'action="/track/stage2">\s*<input[^>]+>\s*<input type="hidden" name="command_id" value="([^"]+)"', page
    ).group(1)
    assert (await browser.post("/track/stage2", {"command_id": command})).status_code == 303
    page = (await browser.get("/track")).text
    due = re.search(r"We will write to you by (\w+day \d+ \w+ \d{4}) to confirm it", page)
    assert due, "the confirmation gives the date, not 'within 5 working days'"
    assert f"You asked for stage 2 on {long_date(today())}" in page
    confirmed = plain((await mail_about(mailer, mailbox, email, "We have your request for stage 2"))[0])
    assert f"We will write to you by {due.group(1)} to confirm the review" in confirmed

    await take(stack, reference, "acknowledge", REVIEWER, points=["Mould not treated"])
    await stack.projected(reference, "stage2_acknowledged")
    assert f"We confirmed the stage 2 review on {long_date(today())}" in (await browser.get("/track")).text
    target = today() + timedelta(days=21)
    await take(
        stack,
        reference,
        "respond",
        REVIEWER,
        outcome="upheld",
        decisions=[{"point": 1, "upheld": True, "reasons": "The treatment did not last"}],
        remedies=[{"kind": "apology", "description": "We are sorry"}],
        actions=[
            {
                "description": "Mould wash and stain-block treatment to the bedroom wall",
                "owner": "Repairs",
                "target_on": target.isoformat(),
            }
        ],
    )
    await stack.projected(reference, "stage2_responded")

    page = (await browser.get("/track")).text
    refer_by = (
        today().replace(year=today().year + 1)
        if (today().month, today().day) != (2, 29)
        else today().replace(year=today().year + 1, day=28)
    )
    now_section = page[page.index('id="next-step"') :]
    assert "What you can do now" in page and "0300 111 3000" in now_section and long_date(refer_by) in now_section
    assert (
        "Ask for stage 2" not in page and "You have asked for stage 2" not in page and "Not happy with our response?" not in page
    )
    assert f"Mould wash and stain-block treatment to the bedroom wall. By {long_date(target)}" in page

    await take(stack, reference, "complete_action", REVIEWER, action_id="s2-1")
    done = plain((await mail_about(mailer, mailbox, email, "An action we promised is done"))[0])
    assert "stage 2" not in done, done
    assert f"contact them by {long_date(refer_by)}" in done and "0300 111 3000" in done
