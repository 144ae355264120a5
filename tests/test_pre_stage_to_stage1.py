"""A concern closed in the informal stage can still be investigated at stage 1 on the same reference (issue 24
item 3; Together Housing 003 §5.5: "If we were unable to resolve the complaint at Get It Sorted within 5 working
days (or on receipt of a response) then the resident can ... request that this is investigated under the formal
stage"; Code 5.4: residents must not go through two processes, so no second case and no second informal stage)."""

from workflows.lifecycle import allowed_actions, next_state


def test_the_lifecycle_allows_log_stage1_only_from_a_pre_stage_closure():
    assert "log_stage1" in allowed_actions("closed", 0)
    assert next_state("closed", 0, "log_stage1") == "received"
    assert "log_stage1" not in allowed_actions("closed", 1)
    assert "log_stage1" not in allowed_actions("closed", 2)


async def test_a_get_it_sorted_reply_then_a_request_for_stage_1_reopens_the_same_case(run):
    """Received Mon 2 Mar 2026 in Get It Sorted, answered and closed Wed 4 Mar; the resident asks for the formal
    stage on Mon 16 Mar. Stage 1 counts from that logging: acknowledge 5 WD (Mon 23 Mar); acknowledged Tue 17 Mar,
    respond 10 WD from it (Tue 31 Mar)."""
    result = await run(
        policy="together-housing",
        received="2026-03-02T09:00:00+00:00",
        steps=[
            {"at": "2026-03-04T09:00:00+00:00", "action": "close"},
            {"at": "2026-03-16T09:00:00+00:00", "action": "log_stage1"},
            {"at": "2026-03-17T09:00:00+00:00", "action": "acknowledge"},
        ],
        until="2026-03-18T00:00:00+00:00",
    )
    assert result["rejected"] == []
    assert (result["state"], result["stage"]) == ("stage1_acknowledged", 1)
    types = [e["type"] for e in result["events"]]
    assert types[types.index("close") :] == ["close", "reopened", "log_stage1", "acknowledge"]
    assert result["events"][0]["type"] == "received" and types.count("received") == 1
    dues = {d["name"]: (d["due"], d["met"]) for d in result["deadlines"]}
    assert dues["stage1.acknowledge"] == ("2026-03-23", True)
    assert dues["stage1.respond"] == ("2026-03-31", None)
