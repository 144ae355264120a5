"""The Ombudsman stage on the case page, over HTTP against the real worker on a dev server: an excluded
complaint referred, the Ombudsman's evidence request, its determination with two orders typed in the
form's rows, compliance with evidence kept on the record, and the refusals people see."""

from datetime import date, timedelta

from sqlmodel import Session, select

from models.presentation import long_date
from models.tables import CaseDeadline, CaseEvent, OmbudsmanEvidence
from tests.test_web_cases import _command_id, act
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


def deadlines(stack, reference: str) -> dict[str, CaseDeadline]:
    with Session(stack.engine) as session:
        return {d.name: d for d in session.exec(select(CaseDeadline).where(CaseDeadline.reference == reference))}


async def post(staff, reference: str, action: str, fields: dict):
    page = (await staff.get(f"/cases/{reference}")).text
    return await staff.post(
        f"/cases/{reference}/actions/{action}", {"command_id": _command_id(page, reference, action), **fields}
    )


async def test_an_excluded_complaint_goes_to_the_ombudsman_and_its_orders_are_tracked(stack, signed_in):
    mira = await signed_in("mira")
    hana = await signed_in("hana")
    reference = await stack.start_case(handler="hana")
    response, _ = await act(hana, reference, "exclude", ground="legal_proceedings", reason="The matter is before the court")
    assert response.status_code == 303, response.text[:2000]
    await stack.projected(reference, "excluded")
    assert f"/cases/{reference}/actions/ombudsman_referral" not in (await hana.get(f"/cases/{reference}")).text  # Code 4.1

    bad = await post(mira, reference, "ombudsman_referral", {"ombudsman_ref": "please look at my case"})
    assert (
        bad.status_code == 400
        and "must be the Ombudsman&#39;s case reference as its letters give it: the year and a number, like 202601234" in bad.text
    )
    assert (await post(mira, reference, "ombudsman_referral", {"ombudsman_ref": "202601234"})).status_code == 303
    await stack.projected(reference, "ombudsman_referred")

    due = date.today() + timedelta(days=14)
    asked = await post(
        mira,
        reference,
        "ombudsman_evidence_requested",
        {"due_on-day": str(due.day), "due_on-month": str(due.month), "due_on-year": str(due.year)},
    )
    assert asked.status_code == 303, asked.text[:2000]
    page = (await mira.get(f"/cases/{reference}")).text
    assert "Send evidence to the Ombudsman" in page and long_date(due) in page
    assert (await post(mira, reference, "ombudsman_evidence_sent", {})).status_code == 303

    page = (await mira.get(f"/cases/{reference}")).text
    assert 'name="findings.3.element"' in page and 'name="orders.2.due_on-day"' in page
    past = date.today() - timedelta(days=1)
    order_due = date.today() + timedelta(days=28)
    findings = {
        "findings.0.element": "complaint_handling",
        "findings.0.finding": "maladministration",
        "findings.1.element": "repairs",
        "findings.1.finding": "service_failure",
    }
    refused = await post(
        mira,
        reference,
        "ombudsman_determination",
        findings
        | {
            "orders.0.kind": "apology",
            "orders.0.due_on": order_due.isoformat(),
            "orders.1.kind": "compensation",
            "orders.1.due_on": past.isoformat(),
        },
    )
    assert refused.status_code == 400
    assert f"Order 2: due date: must be a date from today ({date.today().isoformat()})" in refused.text
    assert "ombudsman.order.apology-1" not in deadlines(stack, reference)
    nothing = await post(mira, reference, "ombudsman_determination", {})
    assert nothing.status_code == 400 and "Enter at least one finding" in nothing.text

    determined = await post(
        mira,
        reference,
        "ombudsman_determination",
        findings
        | {
            "orders.0.kind": "apology",
            "orders.0.due_on": order_due.isoformat(),
            "orders.1.kind": "compensation",
            "orders.1.due_on": order_due.isoformat(),
        },
    )
    assert determined.status_code == 303, determined.text[:3000]
    await stack.projected(reference, "ombudsman_determined")
    assert {n: d.due for n, d in deadlines(stack, reference).items() if n.startswith("ombudsman.order.")} == {
        "ombudsman.order.apology-1": order_due,
        "ombudsman.order.compensation-2": order_due,
    }
    page = (await mira.get(f"/cases/{reference}")).text
    assert page.count("Comply with an Ombudsman order") == 2
    assert '<option value="apology-1"' in page and "apology-1, due" in page  # a picker of the open orders

    unknown = await post(mira, reference, "ombudsman_order_complied", {"order_id": "compensation-9"})
    assert unknown.status_code == 400 and "no outstanding Ombudsman order &#39;compensation-9&#39;" in unknown.text
    complied = await post(
        mira,
        reference,
        "ombudsman_order_complied",
        {"order_id": "apology-1", "evidence": "Apology letter signed by the chief executive, sent 2 May"},
    )
    assert complied.status_code == 303, complied.text[:2000]
    page = (await mira.get(f"/cases/{reference}")).text
    assert "Evidence: Apology letter signed by the chief executive, sent 2 May" in page
    with Session(stack.engine) as session:
        [evidence] = session.exec(select(OmbudsmanEvidence).where(OmbudsmanEvidence.reference == reference)).all()
        [event] = session.exec(
            select(CaseEvent).where(CaseEvent.reference == reference, CaseEvent.type == "ombudsman_order_complied")
        ).all()
    assert event.details["evidence_ref"] == evidence.id and "chief executive" not in str(event.details)
    assert deadlines(stack, reference)["ombudsman.order.apology-1"].met is True
