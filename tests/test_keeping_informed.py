"""Code 5.9, keeping the resident informed while a response is late, as scenarios with hand-counted days.

"Where a response to a complaint will fall outside the timescales set out in this Code, the landlord must
agree with the resident suitable intervals for keeping them informed about their complaint" (seed 001,
5.9). England, March 2026 has no bank holidays. Each case is received Monday 2 March 2026 and acknowledged
Tuesday 3 March, so its 10-working-day stage-1 response is due Tuesday 17 March.
"""

RECEIVED = "2026-03-02T09:00:00+00:00"
ACK = {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"}
EXTEND = {"at": "2026-03-04T09:00:00+00:00", "action": "extend", "working_days": 5, "reason": "survey"}
"""17 March + 5 working days: the response is due Tuesday 24 March."""


def deadline(result: dict, name: str) -> dict:
    return next(d for d in result["deadlines"] if d["name"] == name)


def updates(result: dict) -> list[dict]:
    return [d for d in result["deadlines"] if d["name"].startswith("update.")]


async def test_code_5_9_updates_at_the_agreed_interval_after_an_extension(run):
    """Agreed Wed 18 Mar every 3 WD: update.1 due Mon 23 Mar (Thu 19, Fri 20, Mon 23). Given Fri 20 Mar, so
    update.2 falls due 3 WD on, Wed 25 Mar; the response on Tue 24 Mar ends the interval (update.2 cancelled)."""
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            ACK,
            EXTEND,
            {"at": "2026-03-18T10:00:00+00:00", "action": "agree_update_interval", "working_days": 3},
            {"at": "2026-03-20T11:00:00+00:00", "action": "record_update"},
            {"at": "2026-03-24T12:00:00+00:00", "action": "respond", "outcome": "upheld"},
        ],
        until="2026-04-10T00:00:00+00:00",
    )
    assert result["rejected"] == []
    assert updates(result) == [
        {"name": "update.1", "due": "2026-03-23", "met_on": "2026-03-20", "met": True},
        {"name": "update.2", "due": "2026-03-25", "met_on": None, "met": None},
    ]
    agreed = next(e for e in result["events"] if e["type"] == "agree_update_interval")
    assert (agreed["working_days"], agreed["update_due"]) == (3, "2026-03-23")
    given = next(e for e in result["events"] if e["type"] == "record_update")
    assert given["update_due"] == "2026-03-25"
    # The handler was reminded at 09:00 the working day before update.1 (Fri 20 Mar); update.2 was
    # cancelled by the response before its reminder (Tue 24 Mar 09:00 came before the 12:00 response, so
    # that one went).
    reminders = [(n["kind"], n["at"]) for n in result["notices"] if n["deadline"].startswith("update.")]
    assert reminders == [("due_soon", "2026-03-20T09:00:00+00:00"), ("due_soon", "2026-03-24T09:00:00+00:00")]


async def test_code_5_9_a_missed_update_stays_missed_and_the_next_one_follows(run):
    """Agreed Wed 18 Mar every 2 WD: update.1 due Fri 20 Mar, not given. At the end of 20 Mar it is missed
    (an overdue notice) and update.2 falls due 2 WD after it, Tue 24 Mar, with the reminders from then on
    (update.1 is not escalated 3 WD later). An update given Mon 23 Mar meets update.2; update.3 is due
    Wed 25 Mar (23 + 2 WD); nobody gives it, so update.4 is due Fri 27 Mar and, missed too, update.5 Tue 31 Mar."""
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            ACK,
            EXTEND,
            {"at": "2026-03-18T10:00:00+00:00", "action": "agree_update_interval", "working_days": 2},
            {"at": "2026-03-23T11:00:00+00:00", "action": "record_update"},
        ],
        until="2026-03-31T08:00:00+00:00",
    )
    assert result["rejected"] == []
    assert updates(result) == [
        {"name": "update.1", "due": "2026-03-20", "met_on": None, "met": False},
        {"name": "update.2", "due": "2026-03-24", "met_on": "2026-03-23", "met": True},
        {"name": "update.3", "due": "2026-03-25", "met_on": None, "met": False},
        {"name": "update.4", "due": "2026-03-27", "met_on": None, "met": False},
        {"name": "update.5", "due": "2026-03-31", "met_on": None, "met": None},
    ]
    missed = [e["deadline"] for e in result["events"] if e["type"] == "deadline_missed"]
    assert missed == ["update.1", "stage1.respond", "update.3", "update.4"]
    update1 = [n["kind"] for n in result["notices"] if n["deadline"] == "update.1"]
    assert update1 == ["due_soon", "overdue"]


async def test_code_5_9_an_overdue_response_also_calls_for_agreed_updates(run):
    """No extension, but the response due Tue 17 Mar is missed: on Wed 18 Mar an interval of 5 WD is
    agreed, so update.1 is due Wed 25 Mar."""
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            ACK,
            {"at": "2026-03-18T10:00:00+00:00", "action": "agree_update_interval", "working_days": 5},
        ],
        until="2026-03-19T00:00:00+00:00",
    )
    assert result["rejected"] == []
    assert deadline(result, "stage1.respond")["met"] is False
    assert deadline(result, "update.1")["due"] == "2026-03-25"


async def test_code_5_9_no_interval_while_the_response_is_on_time(run):
    """On time and not extended, nothing calls for agreed updates; an update with none due is refused too."""
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            ACK,
            {"at": "2026-03-05T10:00:00+00:00", "action": "agree_update_interval", "working_days": 5},
            {"at": "2026-03-05T11:00:00+00:00", "action": "record_update"},
            {"at": "2026-03-05T12:00:00+00:00", "action": "agree_update_interval", "working_days": 0},
        ],
        until="2026-03-06T00:00:00+00:00",
    )
    errors = {r["step"]: r["error"] for r in result["rejected"]}
    assert errors[1].startswith(
        "agree_update_interval is not allowed while the complaint is Stage 1 acknowledged "
        "because the response is not late: an interval for updates is agreed with the resident "
        "after an extension, or once the response is overdue (Code 5.9)"
    )
    assert errors[2].startswith(
        "record_update is not allowed while the complaint is Stage 1 acknowledged because no update to the resident is due"
    )
    assert errors[3].startswith("working_days:")
    assert updates(result) == []
