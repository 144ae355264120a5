"""The web app against the real stack, for the web tests: a Temporal dev server, the real worker, a
SQLite read model, one staff account per role, and an httpx client that signs in like a browser."""

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import Client

from models.settings import Settings
from models.tables import Case
from accounts.users import create_user
from starter.web.app import create_app
from starter.web.fields import FieldSpec, form_fields
from tests.dev_stack import dev_stack
from worker import build_worker

TASK_QUEUE = "web-tests"
PASSWORD = "correct horse battery"
WEB_SECRET = "web-tests-secret-of-some-length"
STAFF = {
    "hana": "handler",
    "hugo": "handler",
    "mira": "complaints_manager",
    "rita": "stage2_reviewer",
    "remy": "stage2_reviewer",
    "aude": "auditor",
    "adam": "administrator",
}
"""Two handlers and two reviewers, so that 'someone else's case' and 'a different reviewer' can be tested."""
CASE_OWNERS = ("pager", "dated", "someone-else")
"""More handler accounts for the list tests' cases (a handler must be an active account)."""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


SAMPLES = {
    "resident.email": "resident@example.org",
    "resident.phone": "01234 567890",
    "resident.name": "Ann Resident",
    "policy": "code-2024",
    "ground": "",
    "phone": "01234 567890",
    "landlord": "code-2024",
    "policy_id": "code-2024",
    "channel": "phone",
}


def sample(spec: FieldSpec) -> str:
    """A valid value for a field, by its kind (and for a few well-known names, by name)."""
    if spec.name in SAMPLES:
        return SAMPLES[spec.name] if not spec.options else spec.options[0]
    return {
        "select": spec.options[0] if spec.options else "",
        "checkbox": "true",
        "number": "5",
        "date": date.today().isoformat(),
        "lines": "The repair was not done on time\nNobody called back",
    }.get(spec.kind, "Leaking roof over the kitchen")


def filled(model, **overrides) -> dict:
    return {spec.name: sample(spec) for spec in form_fields(model) if spec.required or spec.kind == "lines"} | overrides


@dataclass
class Stack:
    client: Client
    engine: Engine
    settings: Settings
    app: object
    count: int = 0

    async def start_case(self, handler: str | None = None, landlord: str = "code-2024") -> str:
        """A complaint filed through casework (as the intake form does), projected by the real worker."""
        from casework.intake import Intake, ResidentDetails, file_complaint

        self.count += 1
        intake = Intake(
            intake_id=f"web-test-{self.count}",
            policy=landlord,
            channel="phone",
            handler=handler,
            resident=ResidentDetails(name=f"Resident {self.count}", address="1 High Street"),
            text="The kitchen roof has leaked since March and the repair was cancelled twice.",
        )
        filed = await file_complaint(self.client, self.engine, intake, TASK_QUEUE)
        await self.projected(filed.reference)
        return filed.reference

    async def projected(self, reference: str, state: str | None = None) -> Case:
        """The case row once the worker has projected it (in `state`, if given)."""
        for _ in range(200):
            with Session(self.engine) as session:
                case = session.get(Case, reference)
            if case is not None and state in (None, case.state):
                return case
            await asyncio.sleep(0.05)
        raise AssertionError(f"{reference} not projected{f' in state {state}' if state else ''}")

    def closure_ahead(self, reference: str) -> tuple[date, date, date]:
        """A closure day soon, the case's acknowledgement due date now, and where the closure moves it."""
        from casework.case_list import today
        from casework.case_record import working_calendar
        from models.tables import CaseDeadline

        with Session(self.engine) as session:
            case = session.get(Case, reference)
            due = session.get(CaseDeadline, (reference, "stage1.acknowledge")).due
        calendar = working_calendar(self.engine, case, today())
        closure = calendar.next_working_day(today() + timedelta(days=1))
        return closure, due, calendar.add_working_days(due, 1) if closure <= due else due

    def browser(self, address: str = "127.0.0.1", app: object | None = None) -> "Staff":
        """A new browser (no cookies) at client `address`, on this app or another (a second replica)."""
        transport = httpx.ASGITransport(app=app or self.app, client=(address, 50000))
        return Staff(httpx.AsyncClient(transport=transport, base_url="http://testserver"))


class Staff:
    """One person's browser session: cookies kept, CSRF token read from the last page."""

    def __init__(self, http: httpx.AsyncClient):
        self.http = http
        self.csrf = ""

    async def get(self, url: str, **kwargs) -> httpx.Response:
        response = await self.http.get(url, **kwargs)
        if match := CSRF.search(response.text):
            self.csrf = match.group(1)
        return response

    async def post(self, url: str, data: dict | None = None, csrf: bool = True) -> httpx.Response:
        if not self.csrf:
            await self.get("/sign-in")
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        return await self.http.post(url, data=form)

    async def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/sign-in")
        response = await self.post("/sign-in", {"username": username, "password": password})
        await self.get("/")
        return response


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    async with dev_stack(persistent=False) as (env, engine, _):
        settings = Settings(COMPLAINTS_TASK_QUEUE=TASK_QUEUE, TEMPORAL_UI_URL="http://localhost:8233", WEB_SECRET=WEB_SECRET)
        app = create_app(settings, env.client, engine)
        for username, role in STAFF.items():
            create_user(engine, username, username.capitalize(), role, PASSWORD)
        for username in CASE_OWNERS:
            create_user(engine, username, username.capitalize(), "handler", PASSWORD)
        async with build_worker(env.client, engine, TASK_QUEUE):
            yield Stack(env.client, engine, settings, app)


@pytest.fixture
async def signed_in(stack: Stack):
    """A factory: a browser session signed in as `username`."""
    sessions: list[Staff] = []

    async def _as(username: str) -> Staff:
        staff = stack.browser()
        await staff.sign_in(username)
        sessions.append(staff)
        return staff

    yield _as
    for staff in sessions:
        await staff.http.aclose()
