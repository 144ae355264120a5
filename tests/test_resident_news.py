"""Issue 26 item 6: what a resident adds from their tracking page reaches the handler's dashboard at once
(before, nobody was told until someone opened the case)."""

from datetime import datetime, timedelta, timezone

from casework.residents import add_information
from casework.tracking import Tracked
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_information_a_resident_adds_alerts_the_handler(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    others = await stack.start_case(handler="hugo")
    for case, n in ((reference, 1), (others, 2)):
        tracked = Tracked(
            link_id=f"link-{n}",
            reference=case,
            person="resident",
            person_id=f"res-{n}",
            name="Resident",
            expires_at=datetime.now(timezone.utc) + timedelta(days=30),
        )
        await add_information(stack.client, stack.engine, tracked, "The ceiling fell in last night.", f"resident-news-{n}")
    hana = await signed_in("hana")
    news = (await hana.get("/")).text.split('id="from-residents"', 1)[1].split("</ul>", 1)[0]
    assert f"/cases/{reference}" in news and others not in news
    assert "Resident 1 added information" in news or "Resident" in news.split("added information")[0]


async def test_information_a_resident_adds_is_emailed_to_the_handler_or_the_manager(stack, signed_in):
    """The handler hears by email too, through the notices' outbox (one row per note, mailed once); an
    unassigned case's news goes to the complaints manager, by the ladder's recipient rule."""
    from sqlmodel import Session, col, select

    from models.tables import Notice
    from tests.mailbox import Mailbox
    from tests.test_notices import mail_settings

    mailbox = Mailbox().start()
    try:
        settings = mail_settings(mailbox.port)
        mine, nobodys = await stack.start_case(handler="hana"), await stack.start_case()
        for case, n in ((mine, 3), (nobodys, 4)):
            tracked = Tracked(
                link_id=f"link-{n}",
                reference=case,
                person="resident",
                person_id=f"res-{n}",
                name="Resident",
                expires_at=datetime.now(timezone.utc) + timedelta(days=30),
            )
            await add_information(
                stack.client, stack.engine, tracked, "The ceiling fell in last night.", f"resident-mail-{n}", settings
            )
    finally:
        mailbox.stop()
    by_case = {m["X-Complaint-Reference"]: m for m in mailbox.messages}
    assert set(by_case) == {mine, nobodys}, [m["Subject"] for m in mailbox.messages]
    assert by_case[mine]["To"] == "hana@greatwell.example"
    assert by_case[nobodys]["To"] == "manager@greatwell.example"
    assert by_case[mine]["Subject"].startswith("New from the resident: ") and "added information" in by_case[mine]["Subject"]
    body = by_case[mine].get_content()
    assert f"/cases/{mine}" in body and "ceiling" not in body, body  # the resident's words stay on the case page
    with Session(stack.engine) as session:
        rows = list(session.exec(select(Notice).where(col(Notice.reference).in_((mine, nobodys)))))
    assert {(r.kind, r.status) for r in rows} == {("resident_added", "sent")} and len(rows) == 2
    listed = (await (await signed_in("mira")).get("/notices?kind=resident_added")).text
    assert mine in listed and nobodys in listed and "Read what the resident added" in listed
