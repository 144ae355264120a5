"""The full-record rules the workflow enforces, on the real time-skipping server (issue: the full case record).

Each test drives a scenario like staff would and checks what a complaints team sees: the refusal and its
reason, the deadline and its notices, the state the case ends in.
"""

RECEIVED = "2026-03-02T10:00:00+00:00"


def at(day: str, time: str = "10:00") -> str:
    return f"2026-{day}T{time}:00+00:00"


def errors(result: dict) -> dict[int, str]:
    return {r["step"]: r["error"] for r in result["rejected"]}


async def test_acknowledging_without_a_definition_is_refused_at_each_stage(run):
    result = await run(
        received=RECEIVED,
        steps=[
            {"at": at("03-03"), "action": "acknowledge", "definition": False},
            {"at": at("03-03", "11:00"), "action": "acknowledge"},
            {"at": at("03-10"), "action": "respond", "outcome": "not_upheld"},
            {"at": at("03-11"), "action": "request_stage2"},
            {"at": at("03-12"), "action": "acknowledge", "definition": False},
        ],
    )
    assert errors(result) == {
        0: "definition: record the complaint definition when acknowledging stage 1 (Code 5.6)",
        4: "definition: record the complaint definition when acknowledging stage 2 (Code 5.6)",
    }
    assert result["state"] == "stage2_requested"
    acknowledged = [e for e in result["events"] if e["type"] == "acknowledge"]
    assert len(acknowledged) == 1 and acknowledged[0]["definition_ref"].endswith("-step-1-definition")


async def test_the_stage2_reviewer_is_never_someone_who_considered_stage1(run):
    result = await run(
        received=RECEIVED,
        steps=[
            {"at": at("03-02", "11:00"), "action": "assign", "handler": "alice"},
            {"at": at("03-03"), "action": "acknowledge", "actor": "alice"},
            {"at": at("03-10"), "action": "respond", "outcome": "not_upheld", "actor": "carol"},
            {"at": at("03-11"), "action": "request_stage2"},
            {"at": at("03-12"), "action": "assign", "handler": "alice"},
            {"at": at("03-12", "11:00"), "action": "acknowledge", "actor": "carol"},
            {"at": at("03-12", "12:00"), "action": "assign", "handler": "bob"},
            {"at": at("03-13"), "action": "acknowledge", "actor": "bob"},
            {"at": at("03-20"), "action": "respond", "outcome": "upheld", "actor": "bob"},
        ],
    )
    assert errors(result) == {
        4: "handler: alice considered this complaint at stage 1; the stage-2 reviewer must be someone else (Code 6.13)",
        5: "actor: carol considered this complaint at stage 1; the stage-2 reviewer must be someone else (Code 6.13)",
    }
    assert result["state"] == "stage2_responded"


async def test_a_representative_acts_only_once_consent_is_recorded(run):
    result = await run(
        received=RECEIVED,
        steps=[
            {"at": at("03-03"), "action": "acknowledge"},
            {"at": at("03-10"), "action": "respond", "outcome": "not_upheld"},
            {"at": at("03-11"), "action": "request_stage2", "on_behalf_of": "rep-1"},
            {"at": at("03-11", "11:00"), "action": "record_consent", "representative_ref": "rep-1"},
            {"at": at("03-11", "12:00"), "action": "request_stage2", "on_behalf_of": "rep-1"},
        ],
    )
    assert errors(result) == {
        2: "on_behalf_of: representative rep-1 has no recorded consent from the resident; record_consent first"
    }
    request = [e for e in result["events"] if e["type"] == "request_stage2"]
    assert result["state"] == "stage2_requested" and request[0]["on_behalf_of"] == "rep-1"


async def test_promised_actions_keep_the_case_open_and_raise_notices_when_overdue(run):
    result = await run(
        received=RECEIVED,
        steps=[
            {"at": at("03-03"), "action": "acknowledge"},
            {
                "at": at("03-10"),
                "action": "respond",
                "outcome": "upheld",
                "actions": [{"action_id": "fix-boiler", "target_on": "2026-03-20"}],
            },
            {"at": at("03-11"), "action": "close"},
            {"at": at("03-24"), "action": "complete_action", "action_id": "fix-boiler"},
            {"at": at("03-24", "11:00"), "action": "complete_action", "action_id": "fix-boiler"},
            {"at": at("03-24", "12:00"), "action": "close"},
        ],
        until=at("03-30"),
    )
    assert errors(result)[2].startswith(
        "close is not allowed while the complaint is Stage 1 responded because actions promised in the response "
        "are still outstanding"
    )
    assert errors(result)[4] == (
        "complete_action is not allowed while the complaint is Stage 1 responded because no promised action is "
        "outstanding; allowed now: request_stage2, close, withdraw, resident_input, assign, schedule_review, "
        "record_consent, complaint_handling_failure_order"
    )
    action = next(d for d in result["deadlines"] if d["name"] == "action.fix-boiler")
    assert action == {"name": "action.fix-boiler", "due": "2026-03-20", "met_on": "2026-03-24", "met": False}
    notices = [(n["kind"], n["at"]) for n in result["notices"] if n["deadline"] == "action.fix-boiler"]
    assert notices == [("due_soon", "2026-03-19T09:00:00+00:00"), ("overdue", "2026-03-21T00:00:00+00:00")]
    assert result["state"] == "closed"


async def test_an_adjustment_review_date_raises_a_notice_and_is_recorded(run):
    result = await run(
        received=RECEIVED,
        steps=[
            {
                "at": at("03-03"),
                "action": "schedule_review",
                "review_id": "large-print",
                "kind": "adjustment",
                "review_on": "2026-03-16",
            },
            {"at": at("03-03", "11:00"), "action": "record_review", "review_id": "nothing"},
            {"at": at("03-17"), "action": "record_review", "review_id": "large-print", "next_review_on": "2026-06-16"},
        ],
        until=at("03-18"),
    )
    assert errors(result) == {1: "review_id: no review 'nothing' is due; scheduled: large-print"}
    notices = [(n["kind"], n["at"]) for n in result["notices"] if n["deadline"] == "review.large-print"]
    assert notices == [("due_soon", "2026-03-13T09:00:00+00:00"), ("overdue", "2026-03-17T00:00:00+00:00")]
    reviews = {d["name"]: (d["due"], d["met_on"], d["met"]) for d in result["deadlines"] if d["name"].startswith("review.")}
    assert reviews == {  # the late review stays missed; the next round is a deadline beside it (issue 15.6)
        "review.large-print": ("2026-03-16", "2026-03-17", False),
        "review.large-print.2": ("2026-06-16", None, None),
    }


async def test_a_complaint_older_than_the_window_waits_for_a_decision(run):
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        issue_date="2024-12-01",
        steps=[
            {"at": at("03-03"), "action": "acknowledge"},
            {
                "at": at("03-03", "11:00"),
                "action": "accept_outside_window",
                "exception": "safeguarding",
                "reason": "resident unwell",
            },
            {
                "at": at("03-03", "12:00"),
                "action": "accept_outside_window",
                "exception": "good_reason_discretion",
                "reason": "resident was in hospital for most of the year",
            },
            {"at": at("03-04"), "action": "acknowledge"},
        ],
    )
    refusals = errors(result)
    assert refusals[0].startswith(
        "acknowledge is not allowed while the complaint is Stage 1 received because the "
        "complaint is about an issue older than the policy's window"
    )
    assert refusals[1] == (
        "exception: must be one of code-2024's reasons to accept an issue older than 12 months (Code 2.3): good_reason_discretion"
    )
    assert set(refusals) == {0, 1} and result["state"] == "stage1_acknowledged"


async def test_wolverhampton_names_no_exception_so_an_old_complaint_can_only_be_excluded(run):
    result = await run(
        policy="wolverhampton-homes",
        received=RECEIVED,
        issue_date="2025-08-01",
        steps=[
            {"at": at("03-03"), "action": "accept_outside_window", "exception": "recurring_issue", "reason": "leak"},
            {
                "at": at("03-03", "11:00"),
                "action": "exclude",
                "reason": "issue over six months old",
                "ground": "older_than_window",
            },
        ],
    )
    assert errors(result)[0].endswith("(Code 2.3): none, so the complaint can only be excluded")
    assert result["state"] == "excluded"


async def test_an_additional_complaint_joins_the_case_only_before_the_response(run):
    result = await run(
        received=RECEIVED,
        steps=[
            {"at": at("03-03"), "action": "acknowledge"},
            {"at": at("03-05"), "action": "add_complaint"},
            {"at": at("03-10"), "action": "respond", "outcome": "partly_upheld"},
            {"at": at("03-11"), "action": "add_complaint"},
        ],
    )
    assert list(errors(result)) == [3]
    assert errors(result)[3].startswith("add_complaint is not allowed while the complaint is Stage 1 responded")
    merged = [e for e in result["events"] if e["type"] == "add_complaint"]
    assert len(merged) == 1 and merged[0]["definition_ref"]
