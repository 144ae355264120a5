"""Error pages and headers (issue 18 item 7, web part): every 500 is a styled page with the security
headers, a Temporal outage is a friendly 503 saying nothing was saved, pages are never cached, and
the CSP limits where forms post and what a <base> may do."""

import pytest
from sqlmodel import Session
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from models.settings import Settings
from models.tables import Case
from casework import forms as casework
from starter.web.app import SECURITY_HEADERS, create_app
from tests.web_stack import WEB_SECRET, filled, signed_in, stack  # noqa: F401 (fixtures)


def assert_secure_page(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"].startswith("text/html")
    assert '<link rel="stylesheet" href="/static/app.css">' in response.text, "a styled page"
    assert "Traceback" not in response.text


def test_the_csp_names_form_action_and_base_uri():
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "form-action 'self'" in policy and "base-uri 'none'" in policy and "frame-ancestors 'none'" in policy


async def test_pages_with_personal_data_are_never_cached_and_static_files_may_be(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    for path in ("/", "/cases", f"/cases/{reference}", "/sign-in", "/no-such-page"):
        response = await hana.get(path)
        assert response.headers["cache-control"] == "no-store", path
        assert "form-action 'self'" in response.headers["content-security-policy"], path
    static = await hana.http.get("/static/app.css")
    assert static.status_code == 200 and static.headers.get("cache-control") != "no-store"


async def test_an_unexpected_error_is_a_styled_500_with_the_headers(stack, signed_in):
    app = create_app(Settings(WEB_SECRET=WEB_SECRET), stack.client, stack.engine)

    @app.get("/explode")
    def explode():
        raise ZeroDivisionError("secret internals: /srv/app/models.py line 42")

    staff = stack.browser(app=app)
    await staff.sign_in("mira")
    response = await staff.get("/explode")
    assert response.status_code == 500
    assert_secure_page(response)
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text and "ZeroDivisionError" not in response.text
    assert "Mira (Complaints manager)" in response.text, "the usual layout, signed in"


async def test_probes_that_used_to_be_bare_500s_get_a_page_with_the_headers(stack, signed_in):
    mira = await signed_in("mira")
    for path in ("/cases?due_from=9999-12-31", "/cases?due_to=9999-12-31", "/cases?after=%FF%FE", "/cases?page=" + "9" * 5000):
        response = await mira.get(path)
        assert response.status_code < 500 or "Sorry, there is a problem with the service" in response.text, path
        assert response.text != "Internal Server Error"
        assert_secure_page(response)


@pytest.fixture
async def temporal_down(stack):
    """The web app with a Temporal client whose server is not there (as when Temporal is stopped)."""
    client = await Client.connect("127.0.0.1:9", lazy=True, data_converter=pydantic_data_converter)
    return create_app(Settings(WEB_SECRET=WEB_SECRET, COMPLAINTS_TASK_QUEUE="web-tests"), client, stack.engine)


async def test_temporal_unavailable_is_a_friendly_503_and_the_case_is_unchanged(stack, temporal_down):
    reference = await stack.start_case(handler="hana")
    hana = stack.browser(app=temporal_down)
    await hana.sign_in("hana")
    page = await hana.get(f"/cases/{reference}")
    assert page.status_code == 200, "reading the case needs only the read model"
    command_id = (
        page.text.split(f'/cases/{reference}/actions/acknowledge"', 1)[1]
        .split('name="command_id" value="', 1)[1]
        .split('"', 1)[0]
    )
    form = filled(casework.ACTION_FORMS["acknowledge"]) | {"command_id": command_id}
    response = await hana.post(f"/cases/{reference}/actions/acknowledge", form)
    assert response.status_code == 503 and response.headers["retry-after"] == "60"
    assert_secure_page(response)
    assert "The service is not available at the moment" in response.text and "nothing was saved" in response.text
    with Session(stack.engine) as session:
        assert session.get(Case, reference).state == "received"


async def test_a_huge_body_is_refused_with_413_before_it_is_read(stack, signed_in):
    mira = await signed_in("mira")
    response = await mira.post("/closures", {"landlord": "code-2024", "day": "2031-06-01", "reason": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413 and "What you sent is too large" in response.text
    assert_secure_page(response)
    lying = await mira.http.post(
        "/closures",
        content=b"a=b",
        headers={"Content-Length": "99999999999", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert lying.status_code == 413
