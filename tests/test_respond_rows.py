"""Issue 26 item 9: a response carries as many remedies and promised actions as needed: "Add another"
shows the form again one row longer, keeping everything typed, and every row is recorded."""

from datetime import date, timedelta

from sqlmodel import Session, select

from models.record import OutstandingAction
from tests.test_web_cases import _acknowledged, _command_id, _response
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_add_another_promised_action_past_three_and_all_are_recorded(stack, signed_in):
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    target = (date.today() + timedelta(days=14)).isoformat()
    rows = {"remedies.0.kind": "apology", "remedies.0.description": "We are sorry"}
    for n in range(3):
        rows |= {
            f"actions.{n}.description": f"Repair number {n + 1}",
            f"actions.{n}.owner": "Repairs team",
            f"actions.{n}.target_on": target,
        }
    command_id = _command_id((await hana.get(f"/cases/{reference}")).text, reference, "respond")
    longer = await hana.post(f"/cases/{reference}/actions/respond", _response(command_id, **rows, more="actions"))
    assert (
        longer.status_code == 200
        and 'name="actions.3.description"' in longer.text
        and 'name="actions.4.description"' not in longer.text
    )
    assert 'value="Repair number 3"' in longer.text and "There is a problem" not in longer.text
    rows |= {"actions.3.description": "Repair number 4", "actions.3.owner": "Repairs team", "actions.3.target_on": target}
    done = await hana.post(f"/cases/{reference}/actions/respond", _response(command_id, **rows))
    assert done.status_code == 303, done.text.split("error-summary__list")[-1][:1500]
    with Session(stack.engine) as session:
        recorded = session.exec(select(OutstandingAction).where(OutstandingAction.reference == reference)).all()
    assert sorted(a.description for a in recorded) == [f"Repair number {n}" for n in range(1, 5)]
