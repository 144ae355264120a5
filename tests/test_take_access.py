"""A handler cannot take a stage-2 case by any way in (issue 29, item 7): the access table reserves
stage 2 to reviewers and managers, and "Assign to me" (`/cases/REF/take`) and the CLI's
`act REF assign handler=me` used to skip the check. Real worker, dev server, the web app over HTTP."""

from uuid import uuid4

import pytest
from sqlmodel import Session

from casework.access import Actor, Refused
from casework.actions import act
from models.tables import Case
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)

MANAGER = Actor(username="mira", role="complaints_manager")


async def at_stage_2_unassigned(stack) -> str:
    reference = await stack.start_case(handler=None)
    for action, form in (
        ("acknowledge", {"points": ["Roof leak not repaired"]}),
        ("respond", {"outcome": "not_upheld", "decisions": [{"point": 1, "upheld": False, "reasons": "No defect found"}]}),
        ("request_stage2", {}),
    ):
        await act(stack.client, stack.engine, reference, action, form, MANAGER, f"c-{uuid4().hex}", TASK_QUEUE)
    case = await stack.projected(reference, "stage2_requested")
    assert case.stage == 2 and case.handler is None
    return reference


async def test_a_handler_cannot_take_a_stage_2_case_from_the_web_or_the_command_line(stack, signed_in):
    reference = await at_stage_2_unassigned(stack)
    hana = await signed_in("hana")
    taken = await hana.post(f"/cases/{reference}/take", {})
    assert taken.status_code == 403 and "a handler cannot take it" in taken.text
    with pytest.raises(Refused, match="a handler cannot take it"):
        await act(
            stack.client,
            stack.engine,
            reference,
            "assign",
            {"handler": "hana"},
            Actor(username="hana", role="handler"),
            f"c-{uuid4().hex}",
            TASK_QUEUE,
        )
    with Session(stack.engine) as session:
        assert session.get(Case, reference).handler is None
    rita = Actor(username="rita", role="stage2_reviewer")
    with pytest.raises(Refused, match="Only a complaints manager may assign"):
        await act(stack.client, stack.engine, reference, "assign", {"handler": "rita"}, rita, f"c-{uuid4().hex}", TASK_QUEUE)
    await act(stack.client, stack.engine, reference, "assign", {"handler": "rita"}, MANAGER, f"c-{uuid4().hex}", TASK_QUEUE)
