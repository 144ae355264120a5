"""Fuzz every web form (issue 8, item 5): whatever staff or an attacker posts — arbitrary text, the wrong
type (a file where text belongs), huge values, script — the app answers 2xx, 3xx or 4xx, never 5xx,
escapes what it echoes, and a refused post leaves no row behind. One stack for the module; few examples
per form, so the module stays under a minute."""

import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from casework.forms import ACTION_FORMS
from casework.intake import Intake
from casework.service_requests import ServiceRequestIntake
from models.record import Complaint, Definition, Letter, OutstandingAction, Remedy, Resident, ServiceRequest
from models.tables import CaseEvent, ClosureDay, ResidentNote
from accounts.users import StaffUser
from starter.web.fields import form_fields
from starter.web.routes.cases import ACTION_ROWS, REMEDY_ROWS
from tests.web_stack import PASSWORD, CSRF, Stack, filled, stack  # noqa: F401 (fixtures)


SCRIPT = "<script>alert('fuzz')</script>"
TABLES = (
    Complaint,
    Definition,
    Remedy,
    OutstandingAction,
    Resident,
    ServiceRequest,
    Letter,
    CaseEvent,
    ClosureDay,
    ResidentNote,
    StaffUser,
)
"""Every table a form writes to: a refused post must leave each count unchanged."""

values = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(
        [
            SCRIPT,
            "",
            " ",
            "-1",
            "0",
            "1e999",
            "NaN",
            "£-5",
            "99999999999999999999",
            "2026-02-30",
            "2026-12-18",
            "true",
            "on",
            "code-2024",
            "wolverhampton-homes",
            "compensation",
            "phone",
            "../../etc/passwd",
            "' OR 1=1 --",
            "\x00",
            "x" * 20_000,
        ]
    ),
)
FUZZ_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def counts(stack: Stack) -> dict[str, int]:
    with Session(stack.engine) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


@pytest.fixture(scope="module")
async def staff(stack):
    """A signed-in complaints manager and administrator, for the whole module."""
    browsers = {}
    for username in ("mira", "adam"):
        person = stack.browser()
        await person.sign_in(username)
        browsers[username] = person
    yield browsers
    for person in browsers.values():
        await person.http.aclose()


async def post(stack, person, url: str, form: dict[str, str], upload: str | None, script_sent: bool) -> int:
    """Post like a browser (a file in place of `upload`, if given); assert the answer is never a 5xx,
    echoes no raw script, and, when refused, wrote nothing."""
    before = counts(stack)
    upload = upload if upload in form else None
    data = {k: v for k, v in form.items() if k != upload} | {"csrf_token": person.csrf}
    files = {upload: ("value.txt", form[upload].encode(), "text/plain")} if upload else None
    response = await person.http.post(url, data=data, files=files)
    assert response.status_code < 500, (url, form, response.text[:2000])
    if script_sent:
        assert SCRIPT not in response.text
    if response.status_code >= 400:
        assert counts(stack) == before, (url, form, response.status_code)
    if match := CSRF.search(response.text):
        person.csrf = match.group(1)
    return response.status_code


def fuzzed(names: list[str]):
    """A form over `names`: each field valid-looking, missing or fuzzed; maybe one sent as a file."""
    return st.fixed_dictionaries({}, optional={name: values for name in names}), st.none() | st.sampled_from(names)


_case: dict[str, str] = {}


async def acknowledged_case(stack, person) -> str:
    """One case for the action forms, acknowledged so that most actions are allowed."""
    if "reference" not in _case:
        reference = await stack.start_case(handler="mira")
        page = (await person.get(f"/cases/{reference}")).text
        command_id = (
            page.split(f'/cases/{reference}/actions/acknowledge"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]
        )
        form = filled(ACTION_FORMS["acknowledge"]) | {"command_id": command_id, "csrf_token": person.csrf}
        assert (await person.http.post(f"/cases/{reference}/actions/acknowledge", data=form)).status_code == 303
        await stack.projected(reference, "stage1_acknowledged")
        _case["reference"] = reference
    return _case["reference"]


INTAKE_FIELDS = [spec.name for spec in form_fields(Intake)] + ["intake_id"]
intake_form, intake_upload = fuzzed(INTAKE_FIELDS)


@FUZZ_SETTINGS
@given(form=intake_form, upload=intake_upload)
async def test_intake_form(stack, staff, form, upload):
    valid = filled(Intake) | {"intake_id": f"fuzz-{uuid.uuid4()}"}
    await post(stack, staff["mira"], "/cases", valid | form, upload, SCRIPT in form.values())


SERVICE_FIELDS = [spec.name for spec in form_fields(ServiceRequestIntake)]
service_form, service_upload = fuzzed(SERVICE_FIELDS)


@FUZZ_SETTINGS
@given(form=service_form, upload=service_upload)
async def test_service_request_form(stack, staff, form, upload):
    await post(stack, staff["mira"], "/service-requests", filled(ServiceRequestIntake) | form, upload, SCRIPT in form.values())


ROW_FIELDS = (
    [f"decisions.{n}.{name}" for n in range(3) for name in ("point", "upheld", "reasons")]
    + [
        f"remedies.{n}.{name}"
        for n in range(REMEDY_ROWS)
        for name in ("kind", "description", "amount", "compensation_type", "offset_against_arrears")
    ]
    + [f"actions.{n}.{name}" for n in range(ACTION_ROWS) for name in ("description", "owner", "target_on")]
)
ACTION_FIELDS = sorted(
    {spec.name for model in ACTION_FORMS.values() for spec in form_fields(model)} | set(ROW_FIELDS) | {"command_id", "seen_state"}
)
action_form, action_upload = fuzzed(ACTION_FIELDS)


@FUZZ_SETTINGS
@given(action=st.sampled_from(sorted(ACTION_FORMS)) | values, form=action_form, upload=action_upload)
async def test_every_action_form(stack, staff, action, form, upload):
    """Any action (or none), any fields: refused or done, never a 5xx; the case page still opens."""
    person = staff["mira"]
    reference = await acknowledged_case(stack, person)
    valid = filled(ACTION_FORMS[action]) if action in ACTION_FORMS else {}
    form = valid | {"command_id": str(uuid.uuid4())} | form
    status = await post(
        stack, person, f"/cases/{reference}/actions/{quote(action, safe='')}", form, upload, SCRIPT in form.values()
    )
    assert status in (303, 400, 403, 404, 405, 409), status
    assert (await person.get(f"/cases/{reference}")).status_code == 200


FILTERS = ["stage", "state", "handler", "landlord", "overdue", "due_from", "due_to", "page", "kind"]


@FUZZ_SETTINGS
@given(
    query=st.fixed_dictionaries({}, optional={name: values for name in FILTERS}),
    path=st.sampled_from(["/cases", "/notices", "/service-requests", "/"]),
)
async def test_filters_and_pages(stack, staff, query, path):
    response = await staff["mira"].http.get(path, params=query)
    assert response.status_code in (200, 400), (path, query, response.text[:2000])
    assert SCRIPT not in response.text


@FUZZ_SETTINGS
@given(
    form=st.fixed_dictionaries({}, optional={n: values for n in ("username", "password", "next")}),
    upload=st.none() | st.sampled_from(["username", "password", "next"]),
)
async def test_sign_in_form(stack, form, upload):
    person = stack.browser()
    try:
        await person.get("/sign-in")
        status = await post(stack, person, "/sign-in", form, upload, SCRIPT in form.values())
        assert status in (303, 400, 401, 403), status
    finally:
        await person.http.aclose()


ADMIN_FORMS = {
    "/closures": ["landlord", "day", "reason"],
    "/users": ["username", "display_name", "role", "password"],
    "/users/hugo/active": ["active", "confirm", "reason"],
    "/users/hugo/role": ["role"],
    "/users/hugo/password": ["password"],
    "/account/password": ["current_password", "new_password"],
}


@FUZZ_SETTINGS
@given(path=st.sampled_from(sorted(ADMIN_FORMS)), data=st.data())
async def test_administrator_forms(stack, staff, path, data):
    form = data.draw(st.fixed_dictionaries({}, optional={name: values for name in ADMIN_FORMS[path]}))
    upload = data.draw(st.none() | st.sampled_from(ADMIN_FORMS[path]))
    status = await post(stack, staff["adam"], path, form, upload, SCRIPT in form.values())
    assert status in (303, 400), status
