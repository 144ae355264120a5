"""Administrators' actions (issue 16 must-exist 6 and 10): a role changed, an account deactivated only
behind a confirmation with a reason, and every such action on the audit log page auditors read."""

from sqlmodel import Session

from models.presentation import long_date
from accounts.users import StaffUser
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


def get_user(engine, username: str) -> StaffUser:
    with Session(engine) as session:
        return session.get(StaffUser, username)


async def test_a_role_change_is_refused_in_words_then_made_and_audited(stack, signed_in):
    adam = await signed_in("adam")
    await adam.get("/users/remy")
    refused = await adam.post("/users/remy/role", {"role": "overlord"})
    assert refused.status_code == 400 and "Choose a role from the list" in refused.text
    own = await adam.post("/users/adam/role", {"role": "auditor"})
    assert own.status_code == 400 and "You cannot take away your own administrator role" in own.text
    assert (await adam.post("/users/remy/role", {"role": "handler"})).status_code == 303
    assert get_user(stack.engine, "remy").role == "handler"
    remy = await signed_in("remy")
    assert "Complaints handler" in (await remy.get("/")).text, "the new role applies from the next click"
    aude = await signed_in("aude")
    log = (await aude.get("/audit")).text
    assert "Role changed" in log and "stage2_reviewer to handler" in log and "remy" in log and "adam" in log
    await adam.post("/users/remy/role", {"role": "stage2_reviewer"})


async def test_deactivation_needs_a_reason_and_a_ticked_confirmation(stack, signed_in):
    adam = await signed_in("adam")
    page = (await adam.get("/users/hugo")).text
    assert 'class="button button--warning"' in page and "warning-text" in page
    refused = await adam.post("/users/hugo/active", {"active": "no"})
    assert refused.status_code == 400
    assert "Tick the box to confirm: deactivate hugo&#39;s account" in refused.text
    assert "Enter why the account is deactivated" in refused.text
    assert get_user(stack.engine, "hugo").active, "nothing changed"
    done = await adam.post("/users/hugo/active", {"active": "no", "confirm": "yes", "reason": "Left on 30 November"})
    assert done.status_code == 303 and not get_user(stack.engine, "hugo").active
    log = (await (await signed_in("aude")).get("/audit")).text
    assert "Account deactivated" in log and "Left on 30 November" in log
    await adam.post("/users/hugo/active", {"active": "yes"})


async def test_the_audit_page_is_for_auditors_and_administrators_only(stack, signed_in):
    for username, status in (("aude", 200), ("adam", 200), ("mira", 403), ("hana", 403)):
        assert (await (await signed_in(username)).get("/audit")).status_code == status, username
    sign_ins = (await (await signed_in("aude")).get("/audit", params={"show": "sign_in"})).text
    assert "Signed in" in sign_ins
    assert (await (await signed_in("aude")).get("/audit", params={"show": "everything"})).status_code == 400


async def test_a_closure_is_refused_in_the_past_and_twice_and_removing_one_re_plans_and_is_audited(stack, signed_in):
    from datetime import timedelta

    from casework.case_record import working_calendar
    from models.tables import Case, ClosureDay
    from starter.web.routes.cases import today

    reference = await stack.start_case(handler="hana", landlord="greatwell-homes")
    with Session(stack.engine) as session:
        case = session.get(Case, reference)
    calendar = working_calendar(stack.engine, case, today())
    day = calendar.add_working_days(today(), 2)
    past = calendar.add_working_days(today() - timedelta(days=14), 0)
    adam = await signed_in("adam")
    refused = await adam.post("/closures", {"landlord": "greatwell-homes", "day": past.isoformat(), "reason": "training"})
    assert refused.status_code == 400 and f"{past.isoformat()} is in the past" in refused.text
    assert (
        await adam.post("/closures", {"landlord": "greatwell-homes", "day": day.isoformat(), "reason": "training"})
    ).status_code == 303
    twice = await adam.post("/closures", {"landlord": "greatwell-homes", "day": day.isoformat(), "reason": "training"})
    assert twice.status_code == 400 and "is already a closure or override day of greatwell-homes" in twice.text
    page = (await adam.get("/closures")).text
    assert f'id="remove-greatwell-homes-{day.isoformat()}"' in page
    unconfirmed = await adam.post("/closures/remove", {"landlord": "greatwell-homes", "day": day.isoformat()})
    assert unconfirmed.status_code == 400 and "Tick the box to confirm: remove the closure" in unconfirmed.text
    removed = await adam.post("/closures/remove", {"landlord": "greatwell-homes", "day": day.isoformat(), "confirm": "yes"})
    assert removed.status_code == 303
    flash = (await adam.get("/closures")).text
    assert f"{long_date(day, weekday=True)} is a working day again for greatwell-homes; 1 open case(s) re-planned" in flash
    with Session(stack.engine) as session:
        assert session.get(ClosureDay, ("greatwell-homes", day)) is None
    log = (await (await signed_in("aude")).get("/audit")).text
    assert log.count(f"greatwell-homes {day.isoformat()}") == 2 and "Closure removed" in log and "Closure added" in log
