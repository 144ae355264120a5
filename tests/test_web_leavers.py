"""Issue 26 item 5: a leaver's cases are not stranded. Deactivating an account with open cases shows them,
refuses until someone is chosen to take them, hands each over through the workflow, and only then
deactivates; nothing stays with the inactive account."""

from sqlmodel import Session, select

from casework.leavers import SPREAD, open_cases_of
from accounts.audit import AuditEntry
from accounts.users import StaffUser
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_deactivating_a_leaver_shows_and_hands_over_their_open_cases(stack, signed_in):
    first, second = await stack.start_case(handler="hugo"), await stack.start_case(handler="hugo")
    adam = await signed_in("adam")
    page = (await adam.get("/users/hugo")).text
    assert "Hugo has 2 open cases" in page and first in page and second in page
    refused = await adam.post("/users/hugo/active", {"active": "no", "reason": "Left on 30 November", "confirm": "yes"})
    assert refused.status_code == 400 and "choose who takes their 2 open case(s)" in refused.text
    with Session(stack.engine) as session:
        assert session.get(StaffUser, "hugo").active
    done = await adam.post(
        "/users/hugo/active", {"active": "no", "reason": "Left on 30 November", "confirm": "yes", "reassign_to": SPREAD}
    )
    assert done.status_code == 303, done.text.split("error-summary__list")[-1][:1500]
    assert open_cases_of(stack.engine, "hugo") == []
    handlers = {(await stack.projected(reference)).handler for reference in (first, second)}
    assert len(handlers) == 2 and "hugo" not in handlers  # spread, one each
    with Session(stack.engine) as session:
        assert not session.get(StaffUser, "hugo").active
        moved = session.exec(select(AuditEntry).where(AuditEntry.event == "case_reassigned")).all()
    assert sorted(e.detail.split()[0] for e in moved) == sorted([first, second])
    assert "Their 2 open case(s) were handed over" in (await adam.get("/users/hugo")).text


async def test_an_account_is_added_with_an_email_address_checked_by_field(stack, signed_in):
    adam = await signed_in("adam")
    account = {"username": "nadia", "display_name": "Nadia Ali", "role": "handler", "password": "violet tractor ocean fig"}
    refused = await adam.post("/users", account | {"email": "nadia at example"})
    assert refused.status_code == 400 and "must be one email address, like name@example.com" in refused.text
    assert (await adam.post("/users", account | {"email": "nadia.ali@example.org"})).status_code == 303
    assert "nadia.ali@example.org" in (await adam.get("/users/nadia")).text
