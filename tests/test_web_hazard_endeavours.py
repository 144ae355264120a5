"""The evidence of "all reasonable endeavours" (Awaab's Law, SI 2025/1042; decision 154): consent sought and
alternative accommodation offered, accepted or declined are steps on the hazard's timeline, refused in plain
words when out of turn, and shown in order on the hazard page and in its CSV export."""

from uuid import uuid4

from casework.access import Actor
from casework.hazards import report_hazard
from tests.test_web_hazards import _projected
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)


async def test_consent_and_accommodation_offers_are_on_the_timeline_in_order(stack, signed_in):
    complaint = await stack.start_case()
    reference = await report_hazard(
        stack.client,
        stack.engine,
        category="damp_and_mould",
        landlord=None,
        actor=Actor(username="hana", role="handler"),
        linked=(complaint,),
        task_queue=TASK_QUEUE,
    )
    await _projected(stack, reference, 1)
    hana = await signed_in("hana")

    early = await hana.post(f"/hazards/{reference}/act", {"action": "hazard_accommodation_accepted"})
    assert early.status_code == 400
    assert "no offer of alternative accommodation is waiting for an answer; record the offer first" in early.text
    missing = await hana.post(f"/hazards/{reference}/act", {"action": "hazard_consent_sought", "method": "letter"})
    assert missing.status_code == 400 and 'href="#consent_from"' in missing.text

    steps = [
        {"action": "hazard_investigated", "found": "significant", "safety_work": "yes"},
        {"action": "hazard_consent_sought", "consent_from": "leaseholder", "method": "letter", "consent": "no_reply"},
        {"action": "hazard_accommodation_offered", "accommodation": "temporary"},
        {"action": "hazard_accommodation_declined"},
        {"action": "hazard_accommodation_offered", "accommodation": "temporary"},
        {"action": "hazard_accommodation_accepted"},
    ]
    for step in steps:
        done = await hana.post(f"/hazards/{reference}/act", step | {"command_id": f"web-{uuid4().hex}"})
        assert done.status_code == 303, done.text[:2000]
    await _projected(stack, reference, 1 + len(steps))
    twice = await hana.post(f"/hazards/{reference}/act", {"action": "hazard_accommodation_declined"})
    assert twice.status_code == 400 and "record the offer first" in twice.text

    timeline = (await hana.get(f"/hazards/{reference}")).text.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    said = [
        "consent sought",
        "consent from: leaseholder; method: letter; consent: no reply",
        "accommodation offered",
        "accommodation declined",
        "accommodation offered",
        "accommodation accepted",
    ]
    positions = [timeline.index(words, timeline.index(said[i - 1]) + 1 if i else 0) for i, words in enumerate(said)]
    assert positions == sorted(positions)
    export = (await hana.get(f"/hazards/{reference}/timeline.csv")).text.splitlines()
    assert [row.split(",")[3] for row in export[3:8]] == [
        "consent_sought",
        "accommodation_offered",
        "accommodation_declined",
        "accommodation_offered",
        "accommodation_accepted",
    ]
    assert export[3].endswith(",consent_sought,consent_from=leaseholder; method=letter; consent=no_reply")
    hana_summary = (await hana.get(f"/hazards/{reference}/summary")).text
    assert "You accepted the suitable alternative accommodation we offered at our cost until your home is safe." in hana_summary
