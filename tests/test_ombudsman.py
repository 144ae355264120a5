"""The Ombudsman stage through `complaints simulate` (issue 19), each date counted by hand.

Every case is received Mon 2 Mar 2026, acknowledged Tue 3 Mar, answered at stage 1 on Tue 10 Mar, escalated
Wed 11 Mar, acknowledged Thu 12 Mar and given its final (stage 2) response on Wed 1 Apr 2026. England;
British Summer Time from 29 Mar 2026, so a London day ends at 23:00 UTC and starts at 08:00 UTC (09:00 BST).
"""

import pytest

RECEIVED = "2026-03-02T09:00:00+00:00"
TO_STAGE1_RESPONSE = [
    {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
    {"at": "2026-03-10T09:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
]
TO_FINAL_RESPONSE = [
    *TO_STAGE1_RESPONSE,
    {"at": "2026-03-11T09:00:00+00:00", "action": "request_stage2"},
    {"at": "2026-03-12T09:00:00+00:00", "action": "acknowledge"},
    {"at": "2026-04-01T09:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
]
CLOSE = {"at": "2026-04-02T09:00:00+00:00", "action": "close"}


def refer(at: str) -> dict:
    return {"at": at, "action": "ombudsman_referral", "ombudsman_ref": "202601234"}


def determine(at: str, *orders: tuple[str, str, str]) -> dict:
    return {
        "at": at,
        "action": "ombudsman_determination",
        "findings": [
            {"element": "complaint_handling", "finding": "maladministration"},
            {"element": "repairs", "finding": "service_failure"},
        ],
        "orders": [{"order_id": order_id, "kind": kind, "due_on": due} for order_id, kind, due in orders],
    }


def types_from(result: dict, first: str) -> list[str]:
    types = [e["type"] for e in result["events"]]
    return types[types.index(first) :]


def event(result: dict, kind: str) -> dict:
    [found] = [e for e in result["events"] if e["type"] == kind]
    return found


def refused(result: dict) -> dict[int, str]:
    return {r["step"]: r["error"] for r in result["rejected"]}


@pytest.mark.parametrize(
    "ending",
    [
        [CLOSE],
        [],  # answered, never closed: the case still listens
    ],
)
async def test_a_referral_within_12_months_reaches_the_running_case_on_time(run, ending):
    """1 Jun 2026 is within 12 months of the 1 Apr 2026 final response: no reopening, not late."""
    result = await run(received=RECEIVED, steps=[*TO_FINAL_RESPONSE, *ending, refer("2026-06-01T09:00:00+00:00")])
    assert (result["state"], result["stage"], result["rejected"]) == ("ombudsman_referred", 2, [])
    referral = event(result, "ombudsman_referral")
    assert (referral["ombudsman_ref"], referral["late"]) == ("202601234", False)
    assert "reopened" not in [e["type"] for e in result["events"]]


async def test_an_exclusion_or_a_refused_escalation_may_be_referred(run):
    """Code 2.4: the resident may take an exclusion to the Ombudsman; a refused stage-2 request is an exclusion."""
    result = await run(
        received=RECEIVED,
        steps=[
            *TO_STAGE1_RESPONSE,
            {"at": "2026-03-11T09:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-03-12T09:00:00+00:00", "action": "exclude", "reason": "matter already decided"},
            refer("2026-05-01T09:00:00+00:00"),
        ],
    )
    assert result["state"] == "ombudsman_referred" and event(result, "ombudsman_referral")["late"] is False


@pytest.mark.parametrize(
    "referred, late, reopened",
    [
        ("2027-04-01T12:00:00+00:00", False, False),  # the anniversary itself is within the 12 months
        ("2027-04-02T09:00:00+00:00", True, True),  # the case stopped listening at the end of 1 Apr 2027
    ],
)
async def test_after_12_months_a_referral_reopens_the_ended_case_flagged_late(run, referred, late, reopened):
    """Answered at stage 2 and never closed: at the end of Thu 1 Apr 2027 the case closes itself and its
    workflow ends; a referral the next day reopens the same reference, as a late stage-2 request does."""
    result = await run(received=RECEIVED, steps=[*TO_FINAL_RESPONSE, refer(referred)])
    assert (result["state"], result["rejected"]) == ("ombudsman_referred", [])
    assert event(result, "ombudsman_referral")["late"] is late
    if reopened:
        assert types_from(result, "close") == ["close", "reopened", "ombudsman_referral"]
        close = event(result, "close")
        assert (close["at"], close["automatic"]) == ("2027-04-01T23:00:00+00:00", True)
    else:
        assert types_from(result, "respond")[-2:] == ["respond", "ombudsman_referral"]
    assert [e["seq"] for e in result["events"]] == list(range(1, len(result["events"]) + 1))


async def test_evidence_sent_after_the_ombudsmans_date_is_late_with_the_ladders_notices(run):
    """Asked on Tue 2 Jun 2026 for Tue 16 Jun: due_soon at the start of Mon 15 Jun (one working day before),
    overdue at the end of 16 Jun; sent Thu 18 Jun, before the escalation due 3 WD on (Fri 19 Jun)."""
    result = await run(
        received=RECEIVED,
        steps=[
            *TO_FINAL_RESPONSE,
            CLOSE,
            refer("2026-06-01T09:00:00+00:00"),
            {"at": "2026-06-02T09:00:00+00:00", "action": "ombudsman_evidence_requested", "due_on": "2026-06-16"},
            {"at": "2026-06-18T09:00:00+00:00", "action": "ombudsman_evidence_sent"},
        ],
        until="2026-06-30T00:00:00+00:00",
    )
    [evidence] = [d for d in result["deadlines"] if d["name"] == "ombudsman.evidence"]
    assert evidence == {"name": "ombudsman.evidence", "due": "2026-06-16", "met_on": "2026-06-18", "met": False}
    assert [(n["kind"], n["deadline"], n["at"]) for n in result["notices"]] == [
        ("due_soon", "ombudsman.evidence", "2026-06-15T08:00:00+00:00"),
        ("overdue", "ombudsman.evidence", "2026-06-16T23:00:00+00:00"),
    ]
    assert event(result, "ombudsman_evidence_sent")["late"] is True


async def test_two_orders_one_complied_late_the_case_ends_only_after_both(run):
    """Determined Tue 1 Sep 2026 with two orders due Tue 29 Sep. The apology on Mon 21 Sep is in time; the
    payment is missed (overdue at the end of 29 Sep, escalated at the start of Fri 2 Oct, 3 WD on), a note
    on Thu 1 Oct still reaches the running case, and payment on Mon 5 Oct is late. Then the case's workflow
    has ended, so a note on Tue 6 Oct finds it ended."""
    result = await run(
        received=RECEIVED,
        steps=[
            *TO_FINAL_RESPONSE,
            CLOSE,
            refer("2026-06-01T09:00:00+00:00"),
            determine("2026-09-01T09:00:00+00:00", ("apology", "apology", "2026-09-29"), ("pay", "compensation", "2026-09-29")),
            {
                "at": "2026-09-21T09:00:00+00:00",
                "action": "ombudsman_order_complied",
                "order_id": "apology",
                "evidence": "Apology letter sent by the head of service",
            },
            {"at": "2026-10-01T09:00:00+00:00", "action": "resident_input", "note": "still waiting for the payment"},
            {"at": "2026-10-05T09:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "pay"},
            {"at": "2026-10-06T09:00:00+00:00", "action": "resident_input", "note": "thank you"},
        ],
    )
    orders = {
        d["name"]: (d["due"], d["met_on"], d["met"]) for d in result["deadlines"] if d["name"].startswith("ombudsman.order.")
    }
    assert orders == {
        "ombudsman.order.apology": ("2026-09-29", "2026-09-21", True),
        "ombudsman.order.pay": ("2026-09-29", "2026-10-05", False),
    }
    assert [(n["kind"], n["deadline"], n["at"]) for n in result["notices"]] == [
        ("due_soon", "ombudsman.order.pay", "2026-09-28T08:00:00+00:00"),
        ("overdue", "ombudsman.order.pay", "2026-09-29T23:00:00+00:00"),
        ("escalated", "ombudsman.order.pay", "2026-10-02T08:00:00+00:00"),
    ]
    determination = event(result, "ombudsman_determination")
    assert {k: v for k, v in determination.items() if k.startswith(("finding.", "order"))} == {
        "finding.complaint_handling": "maladministration",
        "finding.repairs": "service_failure",
        "order.apology": "apology",
        "order.pay": "compensation",
        "orders": 2,
    }
    complied = [
        (e["order_id"], e["late"], "evidence_ref" in e) for e in result["events"] if e["type"] == "ombudsman_order_complied"
    ]
    assert complied == [("apology", False, True), ("pay", True, False)]
    assert list(refused(result)) == [11] and "workflow has ended" in refused(result)[11]
    assert result["state"] == "ombudsman_determined"


async def test_the_ombudsman_stages_refusals_name_the_field_and_the_rule(run):
    """Each refused step changes nothing; the dates are counted from the step's own day."""
    result = await run(
        received=RECEIVED,
        steps=[
            *TO_STAGE1_RESPONSE,
            refer("2026-03-11T09:00:00+00:00"),  # 2: no final response yet
            {"at": "2026-03-11T10:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-03-12T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-04-01T09:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
            {"at": "2026-06-01T09:00:00+00:00", "action": "ombudsman_referral", "ombudsman_ref": "my case please"},  # 6
            refer("2026-06-01T10:00:00+00:00"),
            {"at": "2026-06-02T09:00:00+00:00", "action": "ombudsman_evidence_requested", "due_on": "2026-05-29"},  # 8
            {"at": "2026-06-02T10:00:00+00:00", "action": "ombudsman_evidence_sent"},  # 9: nothing asked for
            determine("2026-09-01T09:00:00+00:00", ("pay", "compensation", "2026-08-31")),  # 10: order due in the past
            {
                **determine("2026-09-01T10:00:00+00:00", ("pay", "compensation", "2026-09-29")),
                "findings": [{"element": "repairs", "finding": "guilty"}],
            },  # 11
            determine("2026-09-01T11:00:00+00:00", ("pay", "compensation", "2026-09-29")),
            {"at": "2026-09-02T09:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "refund"},  # 13
            {
                "at": "2026-09-02T10:00:00+00:00",
                "action": "complaint_handling_failure_order",
                "reason": "no_response_to_ombudsman",
                "issued_on": "2026-09-03",
            },  # 14: issued tomorrow
            {
                "at": "2026-09-02T11:00:00+00:00",
                "action": "complaint_handling_failure_order",
                "reason": "evidence_not_provided",
                "issued_on": "2026-06-30",
            },
        ],
        until="2026-09-03T00:00:00+00:00",
    )
    errors = refused(result)
    assert sorted(errors) == [2, 6, 8, 9, 10, 11, 13, 14]
    assert errors[2].startswith(
        "ombudsman_referral is not allowed while the complaint is Stage 1 responded because a "
        "referral to the Ombudsman follows the landlord's final (stage 2) response"
    )
    assert "(Code 6.10, 6.20, 2.4)" in errors[2]
    assert errors[6].startswith("ombudsman_ref: String should match pattern")
    assert errors[8] == "due_on: must be a date from today (2026-06-02) to two years ahead (2028-06-02), not 2026-05-29"
    assert errors[9].startswith(
        "ombudsman_evidence_sent is not allowed while the complaint is Referred to the Ombudsman "
        "because the Ombudsman has not asked for evidence"
    )
    assert errors[10] == (
        "orders.0.due_on: must be a date from today (2026-09-01) to two years ahead (2028-09-01), not 2026-08-31"
    )
    assert errors[11].startswith("findings.0.finding: Input should be 'severe_maladministration'")
    assert errors[13] == "order_id: no outstanding Ombudsman order 'refund'; outstanding: pay"
    assert (
        errors[14] == "issued_on: must be a date from the complaint's receipt (2026-03-02) to today (2026-09-02), not 2026-09-03"
    )
    chfo = event(result, "complaint_handling_failure_order")
    assert (chfo["reason"], chfo["issued_on"]) == ("evidence_not_provided", "2026-06-30")
    assert [e["type"] for e in result["events"]].count("ombudsman_referral") == 1
    assert [d["name"] for d in result["deadlines"] if d["name"].startswith("ombudsman.")] == ["ombudsman.order.pay"]
