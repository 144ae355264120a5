"""A typed-in due date that is not a working day still ends at the end of that date (issue 24 item 2, DESIGN.md
"Working days": the deadline instant is the end of the due date, Europe/London; `overdue` fires at that instant).
The other rungs count working days from it: the first working day after a Saturday is the Monday.

Dates counted by hand. England; BST from 29 Mar to 25 Oct 2026, so a London day ends at 23:00 UTC and starts
(09:00 local) at 08:00 UTC; in December London is on GMT."""

from tests.test_ombudsman import RECEIVED, TO_FINAL_RESPONSE, determine, refer


def notices_of(result: dict, deadline: str) -> list[tuple[str, str]]:
    return [(n["kind"], n["at"]) for n in result["notices"] if n["deadline"] == deadline]


def deadline_of(result: dict, name: str) -> dict:
    return next(d for d in result["deadlines"] if d["name"] == name)


ORDER_ON_A_SATURDAY = [
    *TO_FINAL_RESPONSE,
    refer("2026-06-01T09:00:00+00:00"),
    determine("2026-07-01T09:00:00+00:00", ("apology-1", "apology", "2026-08-01")),
]


async def test_an_ombudsman_order_due_on_a_saturday_is_overdue_at_the_end_of_that_saturday(run):
    """Due Sat 1 Aug 2026: due_soon one working day before (Fri 31 Jul, 09:00 BST), missed and overdue at the end
    of Sat 1 Aug (23:00 UTC), escalated 3 working days after (Mon 3, Tue 4, Wed 5 Aug; 09:00 BST)."""
    result = await run(received=RECEIVED, steps=ORDER_ON_A_SATURDAY, until="2026-08-10T00:00:00+00:00")
    assert result["rejected"] == []
    assert notices_of(result, "ombudsman.order.apology-1") == [
        ("due_soon", "2026-07-31T08:00:00+00:00"),
        ("overdue", "2026-08-01T23:00:00+00:00"),
        ("escalated", "2026-08-05T08:00:00+00:00"),
    ]
    missed = [e for e in result["events"] if e["type"] == "deadline_missed" and e["deadline"] == "ombudsman.order.apology-1"]
    assert [e["at"] for e in missed] == ["2026-08-01T23:00:00+00:00"]


async def test_an_order_complied_with_on_the_monday_after_is_late_and_was_notified_overdue(run):
    result = await run(
        received=RECEIVED,
        steps=[
            *ORDER_ON_A_SATURDAY,
            {"at": "2026-08-03T10:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "apology-1"},
        ],
        until="2026-08-10T00:00:00+00:00",
    )
    order = deadline_of(result, "ombudsman.order.apology-1")
    assert (order["due"], order["met_on"], order["met"]) == ("2026-08-01", "2026-08-03", False)
    assert notices_of(result, "ombudsman.order.apology-1") == [
        ("due_soon", "2026-07-31T08:00:00+00:00"),
        ("overdue", "2026-08-01T23:00:00+00:00"),
    ]


async def test_a_wrekin_promised_action_due_on_its_closure_day_is_overdue_at_the_end_of_that_day(run):
    """Wrekin closed Thu 24 Dec 2026; a promised action due that day is overdue at the end of 24 Dec (midnight
    GMT), not on 30 Dec. due_soon Wed 23 Dec 09:00; escalated 3 working days after 24 Dec: Tue 29, Wed 30,
    Thu 31 Dec (25, 28 Dec bank holidays; 26 Dec a Saturday) at 09:00 GMT."""
    result = await run(
        policy="wrekin",
        closures=["2026-12-24"],
        received="2026-11-02T09:00:00+00:00",
        steps=[
            {"at": "2026-11-03T09:00:00+00:00", "action": "acknowledge"},
            {
                "at": "2026-11-10T09:00:00+00:00",
                "action": "respond",
                "outcome": "upheld",
                "actions": [{"action_id": "repair-1", "target_on": "2026-12-24"}],
            },
        ],
        until="2027-01-05T00:00:00+00:00",
    )
    assert result["rejected"] == []
    assert notices_of(result, "action.repair-1") == [
        ("due_soon", "2026-12-23T09:00:00+00:00"),
        ("overdue", "2026-12-25T00:00:00+00:00"),
        ("escalated", "2026-12-31T09:00:00+00:00"),
    ]
