"""Every Code timescale and every profile's own, through the real workflow on the time-skipping server.

Expected dates are worked out by hand from the bank-holiday lists and written literally.
"""


def deadline(result: dict, name: str) -> dict:
    return next(d for d in result["deadlines"] if d["name"] == name)


async def test_code_stage1_acknowledge_is_5_working_days_from_receipt_and_overdue_notices_follow(run):
    # Received Mon 2 Mar 2026; 5 WD → Mon 9 Mar. Nobody acknowledges.
    result = await run(received="2026-03-02T11:00:00+00:00", until="2026-03-20T00:00:00+00:00")
    ack = deadline(result, "stage1.acknowledge")
    assert (ack["due"], ack["met"], ack["met_on"]) == ("2026-03-09", False, None)
    # due_soon 09:00 on the working day before; overdue at the end of the due date (midnight, GMT);
    # escalated 09:00 three working days after the due date (Thu 12 Mar).
    assert result["notices"] == [
        {"kind": "due_soon", "deadline": "stage1.acknowledge", "at": "2026-03-06T09:00:00+00:00"},
        {"kind": "overdue", "deadline": "stage1.acknowledge", "at": "2026-03-10T00:00:00+00:00"},
        {"kind": "escalated", "deadline": "stage1.acknowledge", "at": "2026-03-12T09:00:00+00:00"},
    ]
    # The response deadline is provisional, counted from the acknowledgement due date (DESIGN.md).
    assert deadline(result, "stage1.respond")["due"] == "2026-03-23"
    assert deadline(result, "stage1.respond")["met"] is None


async def test_notices_in_british_summer_time_fire_at_local_0900(run):
    # Received Mon 1 Jun 2026 (BST): ack due Mon 8 Jun; due_soon Fri 5 Jun 09:00 BST = 08:00 UTC.
    result = await run(received="2026-06-01T08:00:00+00:00", until="2026-06-10T00:00:00+00:00")
    assert result["notices"][:2] == [
        {"kind": "due_soon", "deadline": "stage1.acknowledge", "at": "2026-06-05T08:00:00+00:00"},
        {"kind": "overdue", "deadline": "stage1.acknowledge", "at": "2026-06-08T23:00:00+00:00"},
    ]


async def test_code_stage2_respond_is_20_working_days_from_acknowledgement_with_20_day_extension(run):
    result = await run(
        received="2026-01-05T09:00:00+00:00",
        steps=[
            {"at": "2026-01-05T10:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-01-06T10:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
            # Stage 2 requested Mon 2 Feb, acknowledged Wed 4 Feb → respond by Wed 4 Mar.
            {"at": "2026-02-02T10:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-02-04T10:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-02-20T10:00:00+00:00", "action": "extend", "working_days": 20, "reason": "survey"},
            {"at": "2026-02-21T10:00:00+00:00", "action": "extend", "working_days": 1, "reason": "more"},
        ],
        until="2026-03-05T00:00:00+00:00",
    )
    assert deadline(result, "stage2.acknowledge")["due"] == "2026-02-09"
    # 20 WD after Wed 4 Feb is Wed 4 Mar; the 20-day extension runs Mar 5,6,9-13,16-20,23-27,30,31, Apr 1.
    assert deadline(result, "stage2.respond")["due"] == "2026-04-01"
    assert [r["step"] for r in result["rejected"]] == [5]
    assert result["rejected"][0]["error"].startswith(
        "good_reason: an extension to 21 working days in all at stage 2 needs a good reason to go past 20 working days"
    )  # Code 6.15
    assert result["state"] == "stage2_extended"


async def test_wolverhampton_counts_stage1_response_from_receipt(run):
    # Wolverhampton Homes §7.1: 10 WD "from the day the complaint was received"; a late ack does not move it.
    result = await run(
        policy="wolverhampton-homes",
        received="2026-03-02T09:00:00+00:00",
        steps=[{"at": "2026-03-06T10:00:00+00:00", "action": "acknowledge"}],
        until="2026-03-07T00:00:00+00:00",
    )
    assert deadline(result, "stage1.respond")["due"] == "2026-03-16"


async def test_greatwell_acknowledges_in_3_days_and_responds_10_days_from_logging(run):
    # Greatwell §2.3: acknowledge within 3 WD, respond within 10 WD of the complaint being logged.
    result = await run(
        policy="greatwell-homes",
        received="2026-03-02T09:00:00+00:00",
        steps=[{"at": "2026-03-05T10:00:00+00:00", "action": "acknowledge"}],
        until="2026-03-06T00:00:00+00:00",
    )
    assert deadline(result, "stage1.acknowledge") == {
        "name": "stage1.acknowledge",
        "due": "2026-03-05",
        "met_on": "2026-03-05",
        "met": True,
    }
    assert deadline(result, "stage1.respond")["due"] == "2026-03-16"


async def test_together_housing_get_it_sorted_then_stage2_in_15_days(run):
    # THA §5.4 "Get It Sorted" 5 WD; §5.5 stage 1 5/10; §5.6 stage 2 5/15.
    result = await run(
        policy="together-housing",
        received="2026-03-02T09:00:00+00:00",
        steps=[
            {"at": "2026-03-06T10:00:00+00:00", "action": "log_stage1"},
            {"at": "2026-03-09T10:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-20T10:00:00+00:00", "action": "respond", "outcome": "partly_upheld"},
            {"at": "2026-03-23T10:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-03-24T10:00:00+00:00", "action": "acknowledge"},
        ],
        until="2026-03-25T00:00:00+00:00",
    )
    assert [d["name"] for d in result["deadlines"]] == [
        "pre_stage.resolve",
        "stage1.acknowledge",
        "stage1.respond",
        "stage2.acknowledge",
        "stage2.respond",
    ]
    assert deadline(result, "pre_stage.resolve") == {
        "name": "pre_stage.resolve",
        "due": "2026-03-09",
        "met_on": "2026-03-06",
        "met": True,
    }
    assert deadline(result, "stage1.acknowledge")["due"] == "2026-03-13"
    assert deadline(result, "stage1.respond")["due"] == "2026-03-23"
    # 15 WD from Tue 24 Mar, over Good Friday 3 Apr and Easter Monday 6 Apr → Thu 16 Apr.
    assert deadline(result, "stage2.respond")["due"] == "2026-04-16"


async def test_wrekin_7_5_past_10_days_needs_a_good_reason_beside_the_agreement(run):
    result = await run(
        policy="wrekin",
        received="2026-03-02T09:00:00+00:00",
        steps=[
            {"at": "2026-03-03T10:00:00+00:00", "action": "acknowledge"},
            {
                "at": "2026-03-10T10:00:00+00:00",
                "action": "extend",
                "working_days": 11,
                "reason": "survey",
                "agreed_with_resident": True,
            },
            {
                "at": "2026-03-10T10:00:00+00:00",
                "action": "extend",
                "working_days": 10,
                "reason": "survey",
                "agreed_with_resident": True,
            },
        ],
        until="2026-03-11T00:00:00+00:00",
    )
    assert [r["step"] for r in result["rejected"]] == [1]
    assert result["rejected"][0]["error"].startswith(
        "good_reason: an extension to 11 working days in all at stage 1 needs a good reason"
    )
    # 10 WD from Tue 3 Mar → Tue 17 Mar; +10 → Tue 31 Mar.
    assert deadline(result, "stage1.respond")["due"] == "2026-03-31"


async def test_withdrawal_cancels_open_deadlines_and_stops_notices(run):
    result = await run(
        received="2026-03-02T09:00:00+00:00",
        steps=[{"at": "2026-03-03T09:00:00+00:00", "action": "withdraw"}],
        until="2026-04-01T00:00:00+00:00",
    )
    assert result["state"] == "withdrawn"
    assert deadline(result, "stage1.acknowledge") == {
        "name": "stage1.acknowledge",
        "due": "2026-03-09",
        "met_on": None,
        "met": None,
    }
    assert result["notices"] == []


async def test_exclusion_at_stage2_refuses_escalation_with_a_reason(run):
    result = await run(
        received="2026-03-02T09:00:00+00:00",
        steps=[
            {"at": "2026-03-02T10:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-03T10:00:00+00:00", "action": "respond", "outcome": "upheld"},
            {"at": "2026-03-04T10:00:00+00:00", "action": "request_stage2"},
            {
                "at": "2026-03-05T10:00:00+00:00",
                "action": "exclude",
                "reason": "court claim filed",
                "ground": "legal_proceedings",
            },
            {"at": "2026-03-05T11:00:00+00:00", "action": "exclude", "reason": "x", "ground": "no_such_ground"},
        ],
    )
    assert result["state"] == "excluded"
    assert result["events"][-1]["ground"] == "legal_proceedings"
    assert [r["step"] for r in result["rejected"]] == [4]


async def test_unknown_exclusion_ground_is_rejected_naming_the_profiles_grounds(run):
    result = await run(
        received="2026-03-02T09:00:00+00:00",
        steps=[{"at": "2026-03-02T10:00:00+00:00", "action": "exclude", "reason": "x", "ground": "bored"}],
    )
    assert result["state"] == "received"
    assert result["rejected"] == [
        {
            "step": 0,
            "action": "exclude",
            "error": "ground: must be one of this policy's exclusion grounds: older_than_window, legal_proceedings, "
            "previously_considered",
        }
    ]


async def test_greatwell_concern_is_optional_and_can_be_resolved_informally(run):
    result = await run(
        policy="greatwell-homes",
        informal=True,
        received="2026-03-02T09:00:00+00:00",
        steps=[{"at": "2026-03-04T09:00:00+00:00", "action": "close"}],
    )
    assert result["state"] == "closed" and result["stage"] == 0
    assert result["deadlines"] == [{"name": "pre_stage.resolve", "due": "2026-03-05", "met_on": "2026-03-04", "met": True}]


async def test_an_action_exactly_at_a_notice_instant_pre_empts_the_notice(run):
    # Ack due Mon 9 Mar; its due_soon is Fri 6 Mar 09:00, the very moment of the acknowledgement.
    result = await run(
        received="2026-03-02T09:00:00+00:00",
        steps=[{"at": "2026-03-06T09:00:00+00:00", "action": "acknowledge"}],
        until="2026-03-07T00:00:00+00:00",
    )
    assert result["notices"] == []
    assert deadline(result, "stage1.acknowledge")["met_on"] == "2026-03-06"
