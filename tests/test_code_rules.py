"""The Code's rules the audit found wrong (issue 15), each a scenario with hand-counted working days.

England 2026: Good Friday 3 Apr, Easter Monday 6 Apr. Every case below is received Monday 2 March 2026
at 09:00 and acknowledged Tuesday 3 March, so a 10-working-day response is due Tuesday 17 March.
"""

import pytest

RECEIVED = "2026-03-02T09:00:00+00:00"
ACK = {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"}


def extend(days: int, **fields) -> dict:
    return {"at": "2026-03-04T09:00:00+00:00", "action": "extend", "working_days": days, "reason": "survey", **fields}


def respond_due(result: dict) -> str:
    return next(d["due"] for d in result["deadlines"] if d["name"] == "stage1.respond")


def refused(result: dict) -> dict[int, str]:
    return {r["step"]: r["error"] for r in result["rejected"]}


async def test_code_6_4_past_ten_days_needs_a_good_reason(run):
    """Code 6.4: "no more than 10 working days without good reason". 17 Mar + 12 WD = Thu 2 Apr."""
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            ACK,
            extend(12),
            extend(12, good_reason="the specialist survey needs scaffolding first"),
        ],
    )
    assert refused(result) == {
        1: "good_reason: an extension to 12 working days in all at stage 1 needs a good reason "
        "to go past 10 working days under code-2024 v2 (normal limit 10; Code 6.4)"
    }
    assert respond_due(result) == "2026-04-02"
    [event] = [e for e in result["events"] if e["type"] == "extend"]
    assert event["beyond_limit"] is True


async def test_together_housing_5_5_longer_only_with_the_residents_agreement(run):
    """Together 5.5: "a further 10 working days - or longer only with the resident's agreement"."""
    result = await run(
        policy="together-housing",
        informal=False,
        received=RECEIVED,
        steps=[
            ACK,
            extend(12),
            extend(12, agreed_with_resident=True),
        ],
    )
    assert refused(result)[1].startswith(
        "agreed_with_resident: an extension to 12 working days in all at stage 1 "
        "needs the resident's agreement to go past 10 working days"
    )
    assert respond_due(result) == "2026-04-02"


async def test_wolverhampton_7_1_ten_days_is_a_hard_limit(run):
    """Wolverhampton 7.1: "Any extension will not be longer than 10 working days", agreed with the customer.
    Its response counts from receipt: 2 Mar + 10 WD = Mon 16 Mar; + 10 WD = Mon 30 Mar."""
    result = await run(
        policy="wolverhampton-homes",
        received=RECEIVED,
        steps=[
            ACK,
            extend(11, good_reason="g", agreed_with_resident=True),
            extend(10, agreed_with_resident=True),
        ],
    )
    assert refused(result)[1].startswith("working_days: stage 1 extensions may total at most 10 working days")
    assert respond_due(result) == "2026-03-30"


async def test_wrekin_7_5_every_extension_needs_the_residents_express_agreement(run):
    """Wrekin 7.5: "only ... in exceptional circumstances and with the express agreement of the complainant"."""
    result = await run(
        policy="wrekin",
        received=RECEIVED,
        steps=[
            ACK,
            extend(5),
            extend(5, agreed_with_resident=True),
            extend(7, agreed_with_resident=True),
            extend(7, agreed_with_resident=True, good_reason="structural engineer's report"),
        ],
    )
    errors = refused(result)
    assert set(errors) == {1, 3}
    assert errors[1].startswith("agreed_with_resident:") and errors[3].startswith("good_reason:")
    assert respond_due(result) == "2026-04-02"  # 17 Mar + 5 + 7 WD


async def test_greatwell_2_3_past_the_limit_a_good_reason_the_letter_gives_the_ombudsman(run):
    """Greatwell 2.3: a good reason, and the customer's agreement or, failing it, the Ombudsman's details (which
    the system's extension letter always gives, Code 6.5). Greatwell counts 10 WD from logging: 2 Mar + 10 = 16 Mar."""
    result = await run(
        policy="greatwell-homes",
        informal=False,
        received=RECEIVED,
        steps=[
            ACK,
            extend(12),
            extend(12, good_reason="contractor in administration"),
        ],
    )
    assert refused(result)[1].startswith("good_reason:")
    assert respond_due(result) == "2026-04-01"


async def test_code_6_4_no_extension_after_the_response_was_due(run):
    """Received Mon 5 Jan 2026, acknowledged Tue 6 Jan: due Tue 20 Jan. On 21 Jan an extension is refused, uses
    no allowance and leaves no event; the deadline stays missed."""
    result = await run(
        policy="code-2024",
        received="2026-01-05T09:00:00+00:00",
        steps=[
            {"at": "2026-01-06T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-01-21T09:00:00+00:00", "action": "extend", "working_days": 5, "reason": "late"},
        ],
    )
    assert refused(result) == {
        1: "working_days: the stage 1 response was due on Tuesday 20 January 2026; an "
        "extension must be agreed before it is due (Code 6.4)"
    }
    assert [e["type"] for e in result["events"]].count("extend") == 0
    [respond] = [d for d in result["deadlines"] if d["name"] == "stage1.respond"]
    assert (respond["due"], respond["met"]) == ("2026-01-20", False)


async def test_greatwell_2_2_an_unresolved_concern_becomes_a_stage1_complaint_by_itself(run):
    """Greatwell 2.2: resolve within 3 WD (Thu 5 Mar); unresolved, it is logged on Fri 6 Mar at stage 1 with a
    notice to the complaints manager; acknowledge 3 WD from logging (Wed 11 Mar), respond 10 WD (Fri 20 Mar)."""
    result = await run(policy="greatwell-homes", informal=True, received=RECEIVED, steps=[], until="2026-03-09T00:00:00+00:00")
    assert (result["state"], result["stage"]) == ("received", 1)
    dues = {d["name"]: (d["due"], d["met"]) for d in result["deadlines"]}
    assert dues == {
        "pre_stage.resolve": ("2026-03-05", False),
        "stage1.acknowledge": ("2026-03-11", None),
        "stage1.respond": ("2026-03-20", None),
    }
    [logged] = [e for e in result["events"] if e["type"] == "log_stage1"]
    assert (logged["at"], logged["automatic"]) == ("2026-03-06T00:00:00+00:00", True)
    assert ("overdue", "pre_stage.resolve", "2026-03-06T00:00:00+00:00") in [
        (n["kind"], n["deadline"], n["at"]) for n in result["notices"]
    ]


async def test_together_get_it_sorted_unresolved_raises_the_ladders_notices_and_waits(run):
    """Together 5.4: resolve within 5 WD (Mon 9 Mar); then the ladder: overdue at midnight, escalated 3 WD on."""
    result = await run(policy="together-housing", received=RECEIVED, steps=[], until="2026-03-16T00:00:00+00:00")
    assert (result["state"], result["stage"]) == ("pre_stage", 0)
    assert [(n["kind"], n["at"]) for n in result["notices"]] == [
        ("due_soon", "2026-03-06T09:00:00+00:00"),
        ("overdue", "2026-03-10T00:00:00+00:00"),
        ("escalated", "2026-03-12T09:00:00+00:00"),
    ]


@pytest.mark.parametrize(
    "step, error",
    [
        (extend(0), "working_days: Input should be greater than or equal to 1"),
        (
            {
                "at": "2026-03-10T09:00:00+00:00",
                "action": "respond",
                "outcome": "upheld",
                "actions": [{"action_id": "fix", "target_on": "2026-03-01"}],
            },
            "actions.0.target_on: must be a date from today (2026-03-10) to two years ahead (2028-03-10), not 2026-03-01",
        ),
    ],
)
async def test_a_value_that_breaks_its_actions_rule_is_a_rejected_step_not_a_bad_file(run, step, error):
    """Issue 15 item 7: the step is listed in `rejected` and changes nothing; the rest of the file runs."""
    result = await run(policy="code-2024", received=RECEIVED, steps=[ACK, step])
    assert refused(result) == {1: error} and result["state"] == "stage1_acknowledged"


async def test_code_6_10_a_stage2_request_after_the_case_stopped_listening_reopens_it(run):
    """Code 6.10 sets no time limit: responded Tue 10 Mar 2026, the case stopped listening after 12 months; a
    request on Fri 12 Mar 2027 reaches the same case, flagged late, with stage-2 clocks from the request:
    acknowledge 5 WD (Fri 19 Mar), respond 20 WD from the acknowledgement on Mon 15 Mar, skipping Good Friday
    26 Mar and Easter Monday 29 Mar 2027: Wed 14 Apr. Stage-1 people stay locked out (Code 6.13)."""
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            {**ACK, "actor": "alice"},
            {"at": "2026-03-10T09:00:00+00:00", "action": "respond", "outcome": "not_upheld", "actor": "alice"},
            {"at": "2026-03-11T09:00:00+00:00", "action": "close"},
            {"at": "2027-03-12T09:00:00+00:00", "action": "request_stage2"},
            {"at": "2027-03-15T09:00:00+00:00", "action": "acknowledge", "actor": "alice"},
            {"at": "2027-03-15T10:00:00+00:00", "action": "acknowledge", "actor": "bob"},
        ],
        until="2027-03-20T00:00:00+00:00",
    )
    assert (result["state"], result["stage"]) == ("stage2_acknowledged", 2)
    assert list(refused(result)) == [4] and "(Code 6.13)" in refused(result)[4]
    types = [e["type"] for e in result["events"]]
    assert types[types.index("close") :] == ["close", "reopened", "request_stage2", "acknowledge"]
    assert next(e for e in result["events"] if e["type"] == "request_stage2")["late"] is True
    dues = {d["name"]: d["due"] for d in result["deadlines"]}
    assert (dues["stage2.acknowledge"], dues["stage2.respond"]) == ("2027-03-19", "2027-04-14")
    assert [e["seq"] for e in result["events"]] == list(range(1, len(result["events"]) + 1))
