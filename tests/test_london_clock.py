"""One London clock outside the workflow (issue 24 item 5; DESIGN.md "Working days": dates are local to
Europe/London). At 23:30 UTC on a summer day it is already 00:30 the next day in London: "today" is London's
everywhere, whatever the server's time zone."""

import re
from datetime import date, datetime, timezone
from pathlib import Path

from casework import case_list
from casework.residents import OnlineComplaint
from models import clock

ROOT = Path(__file__).resolve().parent.parent
SUMMER_NIGHT = datetime(2026, 7, 15, 23, 30, tzinfo=timezone.utc)  # 00:30 BST on Thu 16 Jul 2026


def test_today_at_half_past_midnight_in_summer_is_londons(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: SUMMER_NIGHT)
    assert clock.london_today() == date(2026, 7, 16)
    assert case_list.today() == date(2026, 7, 16)
    complaint = OnlineComplaint(name="A Resident", email="a@example.org", text="Mould", issue_date=date(2026, 7, 16))
    assert complaint.issue_date == date(2026, 7, 16)  # "today", not "in the future" on a UTC server


def test_nothing_outside_the_workflow_asks_the_servers_time_zone_for_today():
    naive = re.compile(r"\bdate\.today\(\)|\bdatetime\.today\(\)|\bdatetime\.now\(\)|\butcnow\(\)")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("casework", "starter", "models", "activities")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if naive.search(line)
    ]
    assert found == [], "use models.clock.london_today() / now()"
