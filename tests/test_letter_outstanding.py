"""Issue 26 item 3: the stage-2 response lists every action still outstanding, the stage-1 ones too (Code
6.19 f), and a letter names staff by name and role, never by their sign-in name."""

from datetime import date, timedelta

from sqlmodel import Session, select

from models.record import Letter
from tests.test_web_cases import _acknowledged, _command_id, _response, act
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


def _letter(stack, reference: str, stage: int) -> str:
    with Session(stack.engine) as session:
        return (
            session.exec(select(Letter).where(Letter.reference == reference, Letter.kind == f"stage{stage}_response")).one().html
        )


async def _respond(stack, staff, reference: str, state: str, **rows) -> None:
    page = (await staff.get(f"/cases/{reference}")).text
    response = await staff.post(f"/cases/{reference}/actions/respond", _response(_command_id(page, reference, "respond"), **rows))
    assert response.status_code == 303, response.text[:3000]
    await stack.projected(reference, state)


async def test_the_stage_2_response_lists_the_stage_1_actions_still_open_and_names_people(stack, signed_in):
    hana, rita = await signed_in("hana"), await signed_in("rita")
    reference = await _acknowledged(stack, hana)
    target = (date.today() + timedelta(days=30)).isoformat()
    await _respond(
        stack,
        hana,
        reference,
        "stage1_responded",
        **{
            "remedies.0.kind": "compensation",
            "remedies.0.amount": "£325",
            "remedies.0.band": "some_impact",
            "remedies.0.due_on": target,
            "remedies.0.compensation_type": "distress_and_inconvenience",
            "remedies.0.description": "For the weeks without a usable kitchen",
            "actions.0.description": "Replace the kitchen roof",
            "actions.0.owner": "Repairs team",
            "actions.0.target_on": target,
        },
    )
    stage1 = _letter(stack, reference, 1)
    assert "Pay the compensation of £325" in stage1 and "Hana, Complaints handler" in stage1 and ">hana<" not in stage1
    requested, _ = await act(hana, reference, "request_stage2")
    assert requested.status_code == 303
    await stack.projected(reference, "stage2_requested")
    acknowledged, _ = await act(rita, reference, "acknowledge")
    assert acknowledged.status_code == 303, acknowledged.text[:2000]
    await stack.projected(reference, "stage2_acknowledged")
    await _respond(
        stack,
        rita,
        reference,
        "stage2_responded",
        **{
            "remedies.0.kind": "apology",
            "remedies.0.description": "We are sorry it took two stages",
            "actions.0.description": "Inspect the gutters",
            "actions.0.owner": "Repairs team",
            "actions.0.target_on": target,
        },
    )
    stage2 = _letter(stack, reference, 2).split("What is still to be done", 1)[1].split("</table>", 1)[0]
    assert "Replace the kitchen roof (promised in our earlier response)" in stage2
    assert "Pay the compensation of £325" in stage2 and "Hana, Complaints handler" in stage2
    assert "Inspect the gutters" in stage2
    assert ">hana<" not in stage2 and ">rita<" not in stage2
    deadlines = (
        (await hana.get(f"/cases/{reference}")).text.split('<h2 class="heading-m">Deadlines</h2>', 1)[1].split("</table>", 1)[0]
    )
    for named in ("Replace the kitchen roof", "Inspect the gutters", "Pay the compensation of £325"):
        assert f"Complete a promised action: {named}" in deadlines  # issue 26 item 9: each action named
