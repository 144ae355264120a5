"""Bug 1 of issue 16: every list's "next deadline" is the case page's due date, and one function
(`models.due.urgency`) says overdue / due today / due soon for the dashboard, the case list and
`complaints list`, at midnight and across the clocks' change.

The read model is written directly (the lists read nothing else), so the test can stand at any instant."""

import re
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest
from sqlmodel import Session

from models.presentation import long_date
from models.calendar import end_of_day, local_date
from models.due import DUE_SOON_DAYS, Urgency, due_date, instant_bounds, urgency
from models.record import Complaint, Resident
from models.settings import Settings
from models.tables import Case, CaseDeadline, create_schema, make_engine
from accounts.users import create_user
from tests.cli_runner import complaints
from tests.web_stack import PASSWORD, Staff

INSTANTS = {
    "BST starts, just after local midnight": datetime(2026, 3, 29, 23, 30, tzinfo=timezone.utc),  # 00:30 BST, 30 Mar
    "BST, a minute before local midnight": datetime(2026, 7, 14, 22, 59, tzinfo=timezone.utc),  # 23:59 BST, 14 Jul
    "BST, a minute after local midnight": datetime(2026, 7, 14, 23, 1, tzinfo=timezone.utc),  # 00:01 BST, 15 Jul
    "GMT again, late on the change day": datetime(2026, 10, 25, 23, 59, tzinfo=timezone.utc),  # 23:59 GMT, 25 Oct
}
OFFSETS = {"yesterday": -1, "today": 0, "in 7 days": DUE_SOON_DAYS, "in 8 days": DUE_SOON_DAYS + 1}
EXPECTED = {"yesterday": Urgency.OVERDUE, "today": Urgency.DUE_TODAY, "in 7 days": Urgency.DUE_SOON, "in 8 days": Urgency.LATER}


def test_the_due_date_of_every_deadline_instant_of_a_year_is_its_own_date():
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert due_date(end_of_day(day)) == day, day
        assert local_date(end_of_day(day)) == day + timedelta(days=1)  # the bug: the instant's own date
        day += timedelta(days=1)


@pytest.mark.parametrize("offset", range(-3, 12))
def test_instant_bounds_select_exactly_what_urgency_says(offset):
    for today in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 12, 31)):
        due = today + timedelta(days=offset)
        instant = end_of_day(due)
        inside = []
        for which in Urgency:
            after, up_to = instant_bounds(which, today)
            if (after is None or instant > after) and (up_to is None or instant <= up_to):
                inside.append(which)
        assert inside == [urgency(due, today)], (today, due)


@pytest.fixture
def site(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'read.db'}"
    engine = make_engine(url)
    create_schema(engine)
    create_user(engine, "mira", "Mira Manager", "complaints_manager", PASSWORD)
    monkeypatch.setenv("DATABASE_URL", url)
    from starter.web.app import create_app

    app = create_app(Settings(WEB_SECRET="due-dates-test-secret", DATABASE_URL=url), None, engine)
    return engine, app


def _case(engine, reference: str, due: date, handler: str | None = "mira") -> None:
    """A stage-1 case whose next deadline (respond) is due on `due`, as the worker projects it."""
    with Session(engine) as session:
        session.add(
            Resident(
                id=f"res-{reference}",
                landlord="code-2024",
                name=f"Resident {reference[-3:]}",
                created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            )
        )
        session.flush()
        session.add(
            Complaint(
                reference=reference,
                intake_id=reference,
                landlord="code-2024",
                policy_id="code-2024",
                policy_version=2,
                region="ENG",
                resident_id=f"res-{reference}",
                channel="phone",
                text="Leak",
                received_at=datetime(2026, 1, 5, 10, tzinfo=timezone.utc),
            )
        )
        session.add(
            Case(
                reference=reference,
                landlord="code-2024",
                policy_id="code-2024",
                policy_version=2,
                region="ENG",
                state="stage1_acknowledged",
                stage=1,
                handler=handler,
                received_at=datetime(2026, 1, 5, 10, tzinfo=timezone.utc),
                next_deadline=end_of_day(due),
                overdue=due < local_date(datetime.now(timezone.utc)),
            )
        )
        session.flush()
        session.add(
            CaseDeadline(
                reference=reference,
                name="stage1.acknowledge",
                due=due - timedelta(days=20),
                met_on=due - timedelta(days=21),
                met=True,
            )
        )
        session.add(CaseDeadline(reference=reference, name="stage1.respond", due=due))
        session.commit()


def _section(page: str, section_id: str) -> str:
    return page.split(f'id="{section_id}"', 1)[1].split("</table>", 1)[0]


@pytest.mark.parametrize("moment", sorted(INSTANTS))
async def test_each_list_shows_the_case_pages_due_date_and_the_same_urgency(site, monkeypatch, moment):
    engine, app = site
    now = INSTANTS[moment]
    monkeypatch.setattr("casework.case_list.clock", lambda: now)
    today = local_date(now)
    references = {}
    for number, (name, offset) in enumerate(OFFSETS.items(), start=1):
        references[name] = f"CMP-2026-{number:06d}"
        _case(engine, references[name], today + timedelta(days=offset))

    staff = Staff(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver"))
    await staff.sign_in("mira")
    dashboard = (await staff.get("/")).text
    listed = (await staff.get("/cases")).text
    cli = complaints("list", env={"COLUMNS": "250"})
    assert cli.exit_code == 0, cli.output

    for name, reference in references.items():
        due = today + timedelta(days=OFFSETS[name])
        case_page = (await staff.get(f"/cases/{reference}")).text
        shown = long_date(due, weekday=True)
        respond_row = case_page.split("Respond at stage 1", 1)[1].split("</tr>", 1)[0]
        assert shown in respond_row, (moment, name)
        # The case list: the same date, in the row's data-due and in words.
        row = listed.split(f'href="/cases/{reference}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-due="{due.isoformat()}"' in row and shown in row, (moment, name)
        assert "Respond at stage 1" in row
        # complaints list: the same date.
        line = next(line for line in cli.output.splitlines() if reference in line)
        assert due.isoformat() in line, (moment, name, line)
        assert ("yes" in line) == (EXPECTED[name] is Urgency.OVERDUE)
        # The dashboard: in exactly the queue urgency puts it.
        in_today = reference in _section(dashboard, "needs-action")
        in_soon = reference in _section(dashboard, "due-soon")
        assert (in_today, in_soon) == {
            Urgency.OVERDUE: (True, False),
            Urgency.DUE_TODAY: (True, False),
            Urgency.DUE_SOON: (False, True),
            Urgency.LATER: (False, False),
        }[EXPECTED[name]], (moment, name)
        tag = {Urgency.OVERDUE: "overdue", Urgency.DUE_TODAY: "due today", Urgency.DUE_SOON: "due soon"}.get(EXPECTED[name])
        if tag:
            assert re.search(rf"{re.escape(shown)}\s*<strong class=\"tag[^\"]*\">{tag}</strong>", row), (moment, name, row)
