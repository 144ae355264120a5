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
        tracked = Tracked(link_id=f"link-{n}", reference=case, person="resident", person_id=f"res-{n}", name="Resident",
                          expires_at=datetime.now(timezone.utc) + timedelta(days=30))
        await add_information(stack.client, stack.engine, tracked, "The ceiling fell in last night.", f"resident-news-{n}")
    hana = await signed_in("hana")
    news = (await hana.get("/")).text.split('id="from-residents"', 1)[1].split("</ul>", 1)[0]
    assert f"/cases/{reference}" in news and others not in news
    assert "Resident 1 added information" in news or "Resident" in news.split("added information")[0]
