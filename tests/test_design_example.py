"""The worked example of DESIGN.md's CLI contract, through the real workflow and worker."""

from datetime import datetime

DESIGN_EXAMPLE = {
    "policy": "code-2024",
    "region": "ENG",
    "closures": ["2026-12-31"],
    "received": "2026-12-18T10:00:00+00:00",
    "steps": [
        {"at": "2026-12-21T09:30:00+00:00", "action": "acknowledge"},
        {"at": "2027-01-07T12:00:00+00:00", "action": "extend", "working_days": 5, "reason": "contractor report"},
        {"at": "2027-01-14T12:00:00+00:00", "action": "respond", "outcome": "upheld"},
        {"at": "2027-02-01T10:00:00+00:00", "action": "request_stage2"},
        {"at": "2027-02-03T10:00:00+00:00", "action": "acknowledge"},
        {"at": "2027-03-01T10:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
    ],
    "until": "2027-04-30T00:00:00+00:00",
}


async def test_design_example_deadlines_notices_and_state(run):
    result = await run(**DESIGN_EXAMPLE)

    assert result["state"] == "stage2_responded"
    assert result["stage"] == 2
    assert result["deadlines"] == [
        {"name": "stage1.acknowledge", "due": "2026-12-29", "met_on": "2026-12-21", "met": True},
        {"name": "stage1.respond", "due": "2027-01-15", "met_on": "2027-01-14", "met": True},
        {"name": "stage2.acknowledge", "due": "2027-02-08", "met_on": "2027-02-03", "met": True},
        {"name": "stage2.respond", "due": "2027-03-03", "met_on": "2027-03-01", "met": True},
    ]
    assert result["notices"] == [
        {"kind": "due_soon", "deadline": "stage1.respond", "at": "2027-01-07T09:00:00+00:00"},
        {"kind": "due_soon", "deadline": "stage1.respond", "at": "2027-01-14T09:00:00+00:00"},
    ]
    assert result["rejected"] == []
    assert result["events"][0] == {
        "seq": 1,
        "at": "2026-12-18T10:00:00+00:00",
        "type": "received",
        "stage": 1,
        "state": "received",
    }
    types = [e["type"] for e in result["events"]]
    assert types == [
        "received",
        "acknowledge",
        "notice",
        "extend",
        "notice",
        "respond",
        "request_stage2",
        "acknowledge",
        "respond",
    ]
    times = [datetime.fromisoformat(e["at"]) for e in result["events"]]
    assert times == sorted(times)
