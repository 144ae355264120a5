"""Issue 26 item 8: independence shown, not only enforced. A complaints manager who decided stage 1 is
not offered stage-2 decisions (Code 6.13); the same manager still assigns, and a reviewer is offered them."""

import uuid

from casework.forms import ACTION_FORMS
from tests.test_web_cases import _command_id, _response, act
from tests.web_stack import filled, signed_in, stack  # noqa: F401 (fixtures)


async def test_a_manager_who_decided_stage_1_is_not_offered_stage_2_decisions(stack, signed_in):
    mira, rita = await signed_in("mira"), await signed_in("rita")
    reference = await stack.start_case(handler="hana")
    acknowledged, _ = await act(mira, reference, "acknowledge")
    assert acknowledged.status_code == 303, acknowledged.text[:2000]
    await stack.projected(reference, "stage1_acknowledged")
    page = (await mira.get(f"/cases/{reference}")).text
    responded = await mira.post(
        f"/cases/{reference}/actions/respond",
        _response(
            _command_id(page, reference, "respond"), **{"remedies.0.kind": "apology", "remedies.0.description": "We are sorry"}
        ),
    )
    assert responded.status_code == 303, responded.text.split("error-summary__list")[-1][:1500]
    await stack.projected(reference, "stage1_responded")
    requested, _ = await act(mira, reference, "request_stage2")
    assert requested.status_code == 303
    await stack.projected(reference, "stage2_requested")
    page = (await mira.get(f"/cases/{reference}")).text
    assert f"/cases/{reference}/actions/acknowledge" not in page and f"/cases/{reference}/actions/assign" in page
    refused = await mira.post(
        f"/cases/{reference}/actions/acknowledge", filled(ACTION_FORMS["acknowledge"], command_id=str(uuid.uuid4()))
    )
    assert refused.status_code == 403 and "Code 6.13" in refused.text
    assert f"/cases/{reference}/actions/acknowledge" in (await rita.get(f"/cases/{reference}")).text


async def test_a_reviewers_queue_shows_the_stage_2_step_not_a_stage_1_promise(stack, signed_in):
    """Issue 26 item 8: a new stage-2 request reads "Acknowledge at stage 2" for the reviewer, even when a
    promised action from stage 1 falls due sooner."""
    from datetime import date, timedelta

    hana, rita = await signed_in("hana"), await signed_in("rita")
    reference = await stack.start_case(handler="hana")
    assert (await act(hana, reference, "acknowledge"))[0].status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    soon = (date.today() + timedelta(days=1)).isoformat()
    page = (await hana.get(f"/cases/{reference}")).text
    responded = await hana.post(
        f"/cases/{reference}/actions/respond",
        _response(
            _command_id(page, reference, "respond"),
            **{
                "remedies.0.kind": "apology",
                "remedies.0.description": "We are sorry",
                "actions.0.description": "Clear the gutter",
                "actions.0.owner": "Repairs team",
                "actions.0.target_on": soon,
            },
        ),
    )
    assert responded.status_code == 303
    await stack.projected(reference, "stage1_responded")
    assert (await act(hana, reference, "request_stage2"))[0].status_code == 303
    await stack.projected(reference, "stage2_requested")
    row = (await rita.get("/")).text.split('id="mine"', 1)[1].split(f"/cases/{reference}", 1)[1].split("</tr>", 1)[0]
    assert "Acknowledge at stage 2" in row and "Complete a promised action" not in row
