"""Issue 16 must-exist 7: "Preview the letter" on the respond and exclude forms shows the letter that
issuing would write from what is typed (the same `decision_letter` and completeness check), sends and
stores nothing, keeps the form filled in, names what an incomplete letter lacks, and is the letter that
is then issued, word for word."""

import html

from sqlmodel import Session, select

from models.record import Letter
from models.tables import Case
from starter.web.routes.letters import linked_sheet
from tests.test_web_cases import act, events
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)

RESPONSE = {
    "outcome": "partly_upheld",
    "decisions.0.point": "1",
    "decisions.0.upheld": "true",
    "decisions.0.reasons": "The repair was cancelled twice without telling you.",
    "decisions.1.point": "2",
    "decisions.1.reasons": "The call back was logged and made within the day.",
    "remedies.0.kind": "apology",
    "remedies.0.description": "We are sorry the repair was cancelled twice.",
}


def _letters(stack, reference: str) -> list[Letter]:
    """The case's decision letters (a response or an exclusion; the acknowledgement is left out)."""
    with Session(stack.engine) as session:
        return [row for row in session.exec(select(Letter).where(Letter.reference == reference)) if row.kind != "acknowledgement"]


def _preview(page: str) -> str:
    """The previewed letter as the iframe holds it."""
    return html.unescape(page.split('srcdoc="', 1)[1].split('"', 1)[0])


def _summary(page: str) -> str:
    return page.split("error-summary__list", 1)[1].split("</ul>", 1)[0] if "error-summary__list" in page else ""


async def _acknowledged(stack, hana) -> str:
    reference = await stack.start_case(handler="hana")
    response, _ = await act(hana, reference, "acknowledge", outcomes_sought="The repair done")
    assert response.status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    return reference


async def test_a_response_is_previewed_unchanged_then_issued_as_previewed(stack, signed_in):
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    before = len(events(stack, reference))
    page = (await hana.get(f"/cases/{reference}")).text
    assert 'name="preview" value="yes"' in page and "Preview the letter" in page
    command_id = (
        page.split(f'/cases/{reference}/actions/respond"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]
    )
    form = RESPONSE | {"command_id": command_id}

    shown = await hana.post(f"/cases/{reference}/actions/respond", form | {"preview": "yes"})
    assert shown.status_code == 200 and not _summary(shown.text), _summary(shown.text)
    letter = _preview(shown.text)
    assert "The repair was cancelled twice without telling you." in letter and "Hana" in letter
    assert '<link rel="stylesheet" href="/letters.css">' in letter and "<style>" not in letter, "styled under the CSP"
    assert "Nothing has been sent or stored" in shown.text
    assert "The call back was logged and made within the day.</textarea>" in shown.text, "the form keeps what was typed"
    assert f'name="command_id" value="{command_id}"' in shown.text
    assert _letters(stack, reference) == [] and len(events(stack, reference)) == before
    with Session(stack.engine) as session:
        assert session.get(Case, reference).state == "stage1_acknowledged"

    issued = await hana.post(f"/cases/{reference}/actions/respond", form)
    assert issued.status_code == 303, _summary(issued.text)
    [stored] = _letters(stack, reference)
    assert linked_sheet(stored.html) == letter, "the letter issued is the letter previewed"


async def test_an_incomplete_letter_names_what_is_missing_and_nothing_is_sent(stack, signed_in):
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    before = len(events(stack, reference))
    page = (await hana.get(f"/cases/{reference}")).text
    command_id = (
        page.split(f'/cases/{reference}/actions/respond"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]
    )
    action_remedy = RESPONSE | {
        "remedies.0.kind": "action",
        "remedies.0.description": "We will re-plaster the wall.",
        "command_id": command_id,
        "preview": "yes",
    }
    shown = await hana.post(f"/cases/{reference}/actions/respond", action_remedy)
    assert shown.status_code == 400 and 'srcdoc="' not in shown.text
    summary = _summary(shown.text)
    assert "by when remedy 1 (action)" in summary and "Code 7.3" in summary, summary
    assert "We will re-plaster the wall.</textarea>" in shown.text
    no_reasons = RESPONSE | {"decisions.1.reasons": "", "command_id": command_id, "preview": "yes"}
    shown = await hana.post(f"/cases/{reference}/actions/respond", no_reasons)
    assert shown.status_code == 400 and "Enter point 2: reasons for the decision" in _summary(shown.text), _summary(shown.text)
    assert "The repair was cancelled twice without telling you.</textarea>" in shown.text
    assert _letters(stack, reference) == [] and len(events(stack, reference)) == before


async def test_an_exclusion_letter_is_previewed_without_confirming_and_nothing_is_excluded(stack, signed_in):
    hana = await signed_in("hana")
    reference = await stack.start_case(handler="hana")
    page = (await hana.get(f"/cases/{reference}")).text
    command_id = (
        page.split(f'/cases/{reference}/actions/exclude"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]
    )
    form = {"command_id": command_id, "ground": "legal_proceedings", "reason": "The matter is already before the county court."}
    shown = await hana.post(f"/cases/{reference}/actions/exclude", form | {"preview": "yes"})
    assert shown.status_code == 200 and not _summary(shown.text), _summary(shown.text)
    assert "The matter is already before the county court." in _preview(shown.text)
    assert "Tick the box to confirm" not in shown.text, "a preview excludes nothing, so asks no confirmation"
    assert _letters(stack, reference) == []
    with Session(stack.engine) as session:
        assert session.get(Case, reference).state != "excluded"
    unconfirmed = await hana.post(f"/cases/{reference}/actions/exclude", form)
    assert unconfirmed.status_code == 400 and "Tick the box to confirm: exclude the complaint" in _summary(unconfirmed.text)
    assert _letters(stack, reference) == []
