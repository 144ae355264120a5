"""Text that cannot be stored, sent or read as typed is refused at every boundary, in words naming the
field (issue 29, items 3 and 5): NUL and other control characters (a 500 on PostgreSQL before), line
breaks in names (every later email to that person failed), bidirectional overrides, names of zero-width
characters only, and email addresses that are not one deliverable mailbox. Run on SQLite and PostgreSQL;
the web app needs no Temporal here (every refusal comes before anything is sent)."""

import html
import re

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from models.record import Complaint, Resident
from models.settings import Settings
from accounts.users import AccountError, create_user
from starter.scenario import Scenario
from starter.web.app import create_app
from tests.test_cli_bounds import read_model, refused_plainly, run  # noqa: F401 (fixture)

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_ID = re.compile(r'name="form_id" value="([^"]+)"')


class Browser:
    def __init__(self, app):
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 5000)), base_url="http://testserver"
        )
        self.csrf = ""

    async def get(self, url: str) -> httpx.Response:
        response = await self.http.get(url)
        if match := CSRF.search(response.text):
            self.csrf = match.group(1)
        return response

    async def post(self, url: str, data: dict) -> httpx.Response:
        return await self.http.post(url, data={"csrf_token": self.csrf, **data})

    async def sign_in(self, username: str) -> None:
        await self.get("/sign-in")
        await self.post("/sign-in", {"username": username, "password": PASSWORD})


@pytest.fixture
def app(engine):
    settings = Settings(WEB_SECRET="input-boundaries-secret-of-length", WEB_BASE_URL="http://testserver")
    built = create_app(settings, None, engine)
    create_user(engine, "hana", "Hana Handler", "handler", PASSWORD)
    create_user(engine, "adam", "Adam Admin", "administrator", PASSWORD)
    return built


async def complain(browser: Browser, **fields) -> httpx.Response:
    page = await browser.get("/complain")
    data = {
        "form_id": FORM_ID.search(page.text).group(1),
        "name": "Ann Resident",
        "email": "ann@example.org",
        "text": "Water comes through the bathroom ceiling every time it rains.",
    } | fields
    return await browser.post("/complain", data)


def said(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("name", "Ann\x00Resident", "Name contains a control character (U+0000)"),
        ("text", "The roof \x1b[31m leaks", "Text contains a control character (U+001B)"),
        ("name", "Ann \u202eResident", "reverses the direction of text (U+202E)"),
        ("name", "\u200b\u200b\ufeff", "has no visible characters"),
        ("name", "Ann\r\nBcc: someone@example.org", "must be on one line"),
        ("email", "hdr3@example.org>,<postmaster", "Enter your email address, like name@example.com"),
        ("email", "zoë@exämple.org", "Enter your email address, like name@example.com"),
        ("email", '"ann resident"@example.org', "Enter your email address, like name@example.com"),
        ("email", "ann@exämple.org", "must be written in plain letters after the @"),
        ("helper_contact", "rep@example.org, other@example.org", "holds more than one email address"),
        ("helper_contact", "Rob, rob@example.org>,<postmaster", "has an email address that must be one email address"),
    ],
)
async def test_the_public_form_refuses_unprintable_text_and_undeliverable_addresses_by_name(app, engine, field, value, says):
    browser = Browser(app)
    extra = {"helper_name": "Rob Rep", "helper_consent": "yes"} if field.startswith("helper") else {}
    response = await complain(browser, **{field: value}, **extra)
    assert response.status_code == 400, response.text[:300]
    assert says.lower() in said(response).lower()
    with Session(engine) as session:
        assert session.exec(select(Complaint)).first() is None and session.exec(select(Resident)).first() is None


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("resident.name", "Ann\x00Resident", "Resident name contains a control character"),
        ("resident.name", "Ann\nResident", "must be on one line"),
        ("resident.email", "a@example.org,b@example.org", "Enter resident email in the correct format, like name@example.com ("),
        ("representative.name", "Rob\u2066Rep", "reverses the direction"),
        ("text", "\x07bell", "contains a control character (U+0007)"),
    ],
)
async def test_the_staff_intake_form_refuses_the_same_by_name(app, engine, field, value, says):
    browser = Browser(app)
    await browser.sign_in("hana")
    await browser.get("/cases/new")
    data = {
        "intake_id": "intake-boundaries",
        "channel": "phone",
        "policy": "code-2024",
        "region": "ENG",
        "resident.name": "Ann Resident",
        "text": "The boiler has failed twice this winter.",
        field: value,
    }
    if field.startswith("representative"):
        data["representative.consent_given"] = "true"
    response = await browser.post("/cases", data)
    assert response.status_code == 400 and says.lower() in said(response).lower(), said(response)[:800]
    with Session(engine) as session:
        assert session.exec(select(Complaint)).first() is None


@pytest.mark.parametrize("url", ["/residents?q=%00", "/residents?q=Ann%E2%80%AE", "/cases/CMP-2026-%00", "/search?q=a%00b"])
async def test_queries_and_addresses_with_control_characters_are_refused_not_a_500(app, url):
    browser = Browser(app)
    await browser.sign_in("adam")
    response = await browser.get(url)
    assert response.status_code == 400, response.text[:300]
    assert "contains a c" in said(response) or "reverses the direction" in said(response)


@pytest.mark.parametrize(("name", "says"), [("Ann\nAdmin", "must be on one line"), ("Ann\x00", "control character")])
def test_a_staff_display_name_is_one_printable_line(engine, name, says):
    with pytest.raises(AccountError) as refused:
        create_user(engine, "ann", name, "handler", PASSWORD)
    assert refused.value.field == "display_name" and says in refused.value.message


def test_a_scenario_files_text_is_checked_by_field():
    with pytest.raises(ValidationError) as refused:
        Scenario.model_validate(
            {
                "received": "2026-01-05T10:00:00+00:00",
                "steps": [{"at": "2026-01-06T10:00:00+00:00", "action": "extend", "working_days": 5, "reason": "survey\u0000"}],
            }
        )
    assert "reason" in str(refused.value) and "control character (U+0000)" in str(refused.value)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["act", "CMP-2026-000001", "resident_input", "--as", "hana", "note=a\x1bb"],
            "note: contains a control character (U+001B)",
        ),
        (
            ["act", "CMP-2026-000001", "assign", "--as", "hana", "handler=hu\u202ego"],
            "handler: contains a character that reverses",
        ),
        (["file", "--text", "Boiler", "--channel", "phone", "--name", "Ann\nBcc: x@example.org"], "must be on one line"),
        (
            ["file", "--text", "Boiler", "--channel", "phone", "--name", "Ann", "--email", "a@example.org>,<b@example.org"],
            "must be one email address",
        ),
    ],
)
def test_the_command_line_refuses_the_same_in_one_line(read_model, args, says):
    refused_plainly(run(*args, env=read_model), says)


async def test_contacts_on_file_that_mail_cannot_use_are_shown_on_the_case(app, engine):
    from datetime import UTC, datetime

    from models.record import Representative
    from models.tables import Case

    with Session(engine) as session:  # rows kept from before entry checked them
        session.add(
            Resident(
                id="res-old",
                landlord="code-2024",
                name="Ann Old",
                email="ann@example.org>,<postmaster",
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
        session.add(Representative(id="rep-old", resident_id="res-old", name="Rob\nRep", contact="zoë@exämple.org"))
        session.flush()
        session.add(
            Complaint(
                reference="CMP-2026-000777",
                intake_id="old",
                landlord="code-2024",
                policy_id="code-2024",
                policy_version=1,
                region="ENG",
                resident_id="res-old",
                representative_id="rep-old",
                channel="phone",
                text="Old complaint",
                received_at=datetime.now(UTC),
            )
        )
        session.flush()
        session.add(
            Case(
                reference="CMP-2026-000777",
                landlord="code-2024",
                policy_id="code-2024",
                policy_version=1,
                region="ENG",
                state="received",
                stage=1,
                received_at=datetime.now(UTC),
            )
        )
        session.commit()
    browser = Browser(app)
    await browser.sign_in("hana")
    page = said(await browser.get("/cases/CMP-2026-000777"))
    assert "Contact details our mail cannot use" in page
    assert "The resident's email address 'ann@example.org>,<postmaster' must be one email address" in page
    assert "The representative's name must be on one line" in page and "The representative's contact" in page
