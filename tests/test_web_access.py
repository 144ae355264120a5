"""The authorisation matrix: every role against every route, each refusal asserted (403 and nothing changed)."""

import itertools

import pytest
from sqlmodel import Session, select

from models.tables import Case, ClosureDay
from accounts.users import StaffUser
from casework.access import Actor, action_refusal
from tests.web_stack import STAFF, signed_in, stack  # noqa: F401 (fixtures)

READERS = {"hana", "hugo", "mira", "rita", "remy", "aude"}
ALLOWED = {
    ("GET", "/"): set(STAFF),
    ("GET", "/cases"): READERS,
    ("GET", "/notices"): READERS,
    ("GET", "/closures"): {"adam", "mira", "aude"},
    ("POST", "/closures"): {"adam"},
    ("GET", "/users"): {"adam"},
    ("GET", "/residents"): {"adam"},
    ("POST", "/users"): {"adam"},
    ("GET", "/reports/annual"): {"mira", "aude"},
    ("GET", "/post-room"): {"hana", "hugo", "mira"},
    ("POST", "/post-room/batches"): {"hana", "hugo", "mira"},
}
PUBLIC = {
    ("GET", "/complain"): 200,
    ("GET", "/track/new-link"): 200,
    ("GET", "/track"): 200,
    ("GET", "/favicon.ico"): 200,
    ("GET", "/track/not-a-token"): 404,
    ("GET", "/track/letters/letter-1"): 404,
    ("POST", "/track/information"): 404,
    ("POST", "/track/stage2"): 404,
}
"""The residents' pages: no sign-in; without a valid personal link the tracking routes answer the one
neutral 'This link does not work' page (tests/test_web_residents.py proves forged, expired, used up),
except /track itself, which asks for the reference and code a posted letter gives (issue 27)."""
_accounts = itertools.count()


def _form(path: str) -> dict:
    if path == "/closures":
        n = next(_accounts)
        return {"landlord": "code-2024", "day": f"2031-{1 + n // 28:02d}-{1 + n % 28:02d}", "reason": "matrix test"}
    return {
        "username": f"new{next(_accounts)}",
        "display_name": "New Person",
        "role": "auditor",
        "password": "long enough password",
    }


def _rows(stack) -> int:
    with Session(stack.engine) as session:
        return len(session.exec(select(ClosureDay)).all()) + len(session.exec(select(StaffUser)).all())


@pytest.mark.parametrize("username", sorted(STAFF))
async def test_every_page_route_checks_the_role(stack, signed_in, username):
    staff = await signed_in(username)
    for (method, path), allowed in ALLOWED.items():
        before = _rows(stack)
        if method == "GET":
            response = await staff.get(path)
        else:
            response = await staff.post(path, _form(path))
        if username in allowed:
            assert response.status_code in (200, 303), (method, path, response.text[:300])
            if method == "POST" and path != "/post-room/batches":  # nothing to print: it says so
                assert _rows(stack) == before + 1
        else:
            assert response.status_code == 403, (username, method, path)
            assert "You cannot do this" in response.text
            assert _rows(stack) == before, f"{username} {method} {path} changed something"


async def test_the_residents_pages_need_no_sign_in_and_show_nothing_without_a_link(stack):
    for (method, path), status in PUBLIC.items():
        visitor = stack.browser(address="10.9.9.9")
        response = await visitor.get(path) if method == "GET" else await visitor.post(path, {"command_id": "x" * 10, "note": "x"})
        assert response.status_code == status, (method, path, response.status_code)
        assert "Sign in" not in response.text.split("<main", 1)[-1], f"{path} asks for a sign-in"
        if status == 404:
            assert "This link does not work" in response.text


@pytest.mark.parametrize("username", sorted(set(STAFF) - {"adam"}))
async def test_only_an_administrator_opens_or_changes_another_persons_account(stack, signed_in, username):
    staff = await signed_in(username)
    assert (await staff.get("/users/hana")).status_code == 403
    assert (await staff.post("/users/hana/active", {"active": "no"})).status_code == 403
    assert (await staff.post("/users/hana/password", {"password": "taken over now"})).status_code == 403
    with Session(stack.engine) as session:
        assert session.get(StaffUser, "hana").active
    assert (await stack.browser().sign_in("hana")).status_code == 303, "hana's password is unchanged"


def _case(state: str, stage: int, handler: str | None = "hana", stage1: tuple[str, ...] = ()) -> Case:
    """A projected case: `stage1` is who the workflow counts as having taken a stage-1 decision."""
    return Case(
        reference="X-2026-000001",
        landlord="l",
        policy_id="code-2024",
        policy_version=1,
        region="ENG",
        state=state,
        stage=stage,
        handler=handler,
        received_at=None,
        stage1_handlers=list(stage1),
    )


@pytest.mark.parametrize(
    ("username", "role", "case", "action", "refused_because"),
    [
        ("hana", "handler", _case("received", 1), "acknowledge", None),
        ("hugo", "handler", _case("received", 1), "acknowledge", "assigned to hana"),
        ("hugo", "handler", _case("received", 1, handler=None), "acknowledge", None),
        ("hana", "handler", _case("stage2_requested", 2), "acknowledge", "stage 2 reviewer"),
        ("hana", "handler", _case("stage2_requested", 2), "resident_input", None),
        ("hana", "handler", _case("received", 1), "assign", "Only a complaints manager"),
        ("mira", "complaints_manager", _case("stage2_requested", 2), "respond", None),
        ("mira", "complaints_manager", _case("received", 1), "assign", None),
        ("rita", "stage2_reviewer", _case("stage2_acknowledged", 2, stage1=("hana",)), "respond", None),
        ("rita", "stage2_reviewer", _case("stage2_acknowledged", 2, handler="rita", stage1=("hana",)), "respond", None),
        ("remy", "stage2_reviewer", _case("stage2_acknowledged", 2, stage1=("hana", "remy")), "respond", "Code 6.13"),
        ("rita", "stage2_reviewer", _case("stage1_acknowledged", 1), "respond", "only on cases at stage 2"),
        ("aude", "auditor", _case("received", 1), "acknowledge", "Auditors can read cases but not act"),
        ("adam", "administrator", _case("received", 1), "acknowledge", "cannot act on cases"),
    ],
)
def test_who_may_act_on_a_case(username, role, case, action, refused_because):
    """A reviewer a manager assigns at stage 2 is not a stage-1 handler: the workflow's projected
    stage-1 people decide (Code 6.13), not the case's current handler."""
    refusal = action_refusal(Actor(username=username, role=role), case, action)
    if refused_because is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_because in refusal
