"""Record the workflow histories that tests/test_replay.py replays: one per lifecycle path, into the
folder of the release being built (`RELEASE`), and for a path with hazard steps each hazard's own
history beside it (`<path>.<hazard_id>.json`, the HazardWorkflow's).

Every release keeps the histories it recorded (`tests/histories/<release>/`) and every later release
replays them all (docs/upgrades.md). When a release is cut, bump `RELEASE` and record into the new
folder; never re-record an earlier release's folder to make a failing replay pass.

    .venv/bin/python -m tests.record_histories          # the paths not yet recorded in this release
    .venv/bin/python -m tests.record_histories --all    # re-record this release's folder
"""

import asyncio
import sys
from pathlib import Path

from starter.scenario import Scenario
from starter.simulate import simulator
from tests.test_design_example import DESIGN_EXAMPLE
from tests.test_ombudsman import CLOSE, TO_FINAL_RESPONSE, TO_STAGE1_RESPONSE, determine, refer

RELEASE = "r23"
"""The release whose histories are recorded now; earlier releases' folders are never written again."""
HISTORIES = Path(__file__).parent / "histories"
CURRENT_HISTORIES = HISTORIES / RELEASE

LIFECYCLE_PATHS: dict[str, dict] = {
    "two-stages-extended": DESIGN_EXAMPLE,
    "withdrawn-at-stage1": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-04T09:00:00+00:00", "action": "resident_input", "note": "withdrawing"},
            {"at": "2026-03-04T09:30:00+00:00", "action": "withdraw"},
        ],
    },
    "excluded-at-intake": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "exclude", "reason": "legal claim filed", "ground": "legal_proceedings"}
        ],
    },
    "overdue-and-escalated": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [{"at": "2026-03-16T09:00:00+00:00", "action": "acknowledge"}],
        "until": "2026-04-10T00:00:00+00:00",
    },
    "informal-resolved": {
        "policy": "together-housing",
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [{"at": "2026-03-04T09:00:00+00:00", "action": "close"}],
    },
    "informal-then-stage1-closed": {
        "policy": "together-housing",
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-05T09:00:00+00:00", "action": "log_stage1"},
            {"at": "2026-03-06T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-12T09:00:00+00:00", "action": "respond", "outcome": "upheld"},
            {"at": "2026-03-13T09:00:00+00:00", "action": "close"},
        ],
        "until": "2027-03-20T00:00:00+00:00",
    },
    "late-stage2-request": {
        "policy": "greatwell-homes",
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-04T09:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
            {"at": "2026-03-05T09:00:00+00:00", "action": "close"},
            {"at": "2026-06-01T09:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-06-02T09:00:00+00:00", "action": "exclude", "reason": "appeal out of time, no good reason"},
        ],
    },
    "full-record-actions-and-reviews": {
        "received": "2026-03-02T09:00:00+00:00",
        "issue_date": "2024-06-01",
        "steps": [
            {"at": "2026-03-02T10:00:00+00:00", "action": "assign", "handler": "alice"},
            {
                "at": "2026-03-02T11:00:00+00:00",
                "action": "accept_outside_window",
                "exception": "good_reason_discretion",
                "reason": "resident in hospital",
            },
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge", "actor": "alice"},
            {"at": "2026-03-03T10:00:00+00:00", "action": "record_consent", "representative_ref": "rep-1"},
            {
                "at": "2026-03-03T11:00:00+00:00",
                "action": "schedule_review",
                "review_id": "large-print",
                "kind": "adjustment",
                "review_on": "2026-03-20",
            },
            {"at": "2026-03-04T09:00:00+00:00", "action": "add_complaint"},
            {
                "at": "2026-03-10T09:00:00+00:00",
                "action": "respond",
                "outcome": "upheld",
                "actor": "alice",
                "actions": [{"action_id": "s1-1", "target_on": "2026-03-25"}],
            },
            {"at": "2026-03-11T09:00:00+00:00", "action": "request_stage2", "on_behalf_of": "rep-1"},
            {"at": "2026-03-11T10:00:00+00:00", "action": "assign", "handler": "bob"},
            {"at": "2026-03-12T09:00:00+00:00", "action": "acknowledge", "actor": "bob"},
            {"at": "2026-03-23T09:00:00+00:00", "action": "record_review", "review_id": "large-print"},
            {"at": "2026-03-27T09:00:00+00:00", "action": "complete_action", "action_id": "s1-1"},
            {"at": "2026-04-01T09:00:00+00:00", "action": "respond", "outcome": "partly_upheld", "actor": "bob"},
            {"at": "2026-04-02T09:00:00+00:00", "action": "close"},
        ],
    },
    "closed-at-stage2-then-review-recorded": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge", "actor": "alice"},
            {
                "at": "2026-03-03T10:00:00+00:00",
                "action": "schedule_review",
                "review_id": "contact-limit",
                "kind": "restriction",
                "review_on": "2026-05-01",
            },
            {"at": "2026-03-10T09:00:00+00:00", "action": "respond", "outcome": "not_upheld", "actor": "alice"},
            {"at": "2026-03-11T09:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-03-12T09:00:00+00:00", "action": "acknowledge", "actor": "bob"},
            {"at": "2026-04-01T09:00:00+00:00", "action": "respond", "outcome": "not_upheld", "actor": "bob"},
            {"at": "2026-04-02T09:00:00+00:00", "action": "close"},
            {
                "at": "2026-05-06T09:00:00+00:00",
                "action": "record_review",
                "review_id": "contact-limit",
                "next_review_on": "2026-08-03",
            },
            {"at": "2026-08-03T09:00:00+00:00", "action": "record_review", "review_id": "contact-limit"},
        ],
    },
    "listening-ended-with-an-action-open": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            {
                "at": "2026-03-10T09:00:00+00:00",
                "action": "respond",
                "outcome": "upheld",
                "actions": [{"action_id": "new-roof", "target_on": "2027-06-01"}],
            },
            {"at": "2027-04-01T09:00:00+00:00", "action": "complete_action", "action_id": "new-roof"},
        ],
        "until": "2027-04-10T00:00:00+00:00",
    },
    "resident-input-extension-and-escalation": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-04T09:00:00+00:00", "action": "resident_input", "note": "photos of the damp"},
            {
                "at": "2026-03-05T09:00:00+00:00",
                "action": "extend",
                "working_days": 5,
                "reason": "survey",
                "agreed_with_resident": True,
            },
            {"at": "2026-03-20T09:00:00+00:00", "action": "respond", "outcome": "partly_upheld"},
            {"at": "2026-03-23T09:00:00+00:00", "action": "request_stage2"},
        ],
    },
    "updates-agreed-while-late": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            {"at": "2026-03-04T09:00:00+00:00", "action": "extend", "working_days": 5, "reason": "survey"},
            {"at": "2026-03-18T09:00:00+00:00", "action": "agree_update_interval", "working_days": 2},
            {"at": "2026-03-23T09:00:00+00:00", "action": "record_update"},
            {"at": "2026-03-24T09:00:00+00:00", "action": "respond", "outcome": "upheld"},
        ],
        "until": "2026-03-31T00:00:00+00:00",
    },
    "ombudsman-evidence-late-two-orders-one-late": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            *TO_FINAL_RESPONSE,
            CLOSE,
            refer("2026-06-01T09:00:00+00:00"),
            {"at": "2026-06-02T09:00:00+00:00", "action": "ombudsman_evidence_requested", "due_on": "2026-06-16"},
            {"at": "2026-06-18T09:00:00+00:00", "action": "ombudsman_evidence_sent"},
            {
                "at": "2026-07-01T09:00:00+00:00",
                "action": "complaint_handling_failure_order",
                "reason": "evidence_not_provided",
                "issued_on": "2026-06-30",
            },
            determine("2026-09-01T09:00:00+00:00", ("apology", "apology", "2026-09-29"), ("pay", "compensation", "2026-09-29")),
            {
                "at": "2026-09-21T09:00:00+00:00",
                "action": "ombudsman_order_complied",
                "order_id": "apology",
                "evidence": "apology letter",
            },
            {"at": "2026-10-05T09:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "pay"},
        ],
    },
    "ombudsman-referral-after-12-months-reopens": {
        "received": "2026-03-02T09:00:00+00:00",
        "steps": [
            *TO_STAGE1_RESPONSE,
            {"at": "2026-03-11T09:00:00+00:00", "action": "request_stage2"},
            {"at": "2026-03-12T09:00:00+00:00", "action": "exclude", "reason": "matter already decided"},
            refer("2027-03-15T09:00:00+00:00"),
            {
                "at": "2027-03-16T09:00:00+00:00",
                "action": "ombudsman_determination",
                "findings": [{"element": "complaint_handling", "finding": "no_maladministration"}],
            },
        ],
    },
}


def hazard_step(at: str, action: str, **fields) -> dict:
    return {"at": at, "action": action, "hazard_id": "h1", **fields}


HAZARD_PATHS: dict[str, dict] = {
    "hazard-significant-every-clock-met": {
        "received": "2026-10-24T10:00:00+00:00",
        "steps": [
            hazard_step("2026-10-24T10:00:00+00:00", "hazard_reported", category="damp_and_mould"),
            hazard_step("2026-10-26T10:00:00+00:00", "hazard_triaged", level="significant"),
            hazard_step("2026-10-27T10:00:00+00:00", "hazard_access_attempt", method="phone", outcome="no_answer"),
            hazard_step("2026-10-29T10:00:00+00:00", "hazard_access_attempt", method="visit", outcome="access"),
            hazard_step(
                "2026-11-05T15:00:00+00:00", "hazard_investigated", found="significant", safety_work=True, preventative_work=True
            ),
            hazard_step("2026-11-10T11:00:00+00:00", "hazard_summary_sent"),
            hazard_step("2026-11-12T16:00:00+00:00", "hazard_made_safe"),
            hazard_step("2026-11-13T09:00:00+00:00", "hazard_preventative_started"),
        ],
        "until": "2026-11-30T00:00:00+00:00",
    },
    "hazard-emergency-overdue-escalated-then-triaged-down": {
        "received": "2026-11-27T18:30:00+00:00",
        "steps": [
            hazard_step("2026-11-27T18:30:00+00:00", "hazard_reported", category="damp_and_mould"),
            hazard_step("2026-11-27T19:00:00+00:00", "hazard_triaged", level="emergency"),
            hazard_step("2026-11-30T10:00:00+00:00", "hazard_triaged", level="significant"),
        ],
        "until": "2026-12-03T00:00:00+00:00",
    },
}
"""Awaab's Law paths (SI 2025/1042): a complaint whose scenario reports a hazard; the hazard's own history
is recorded beside the complaint's."""
LIFECYCLE_PATHS.update(HAZARD_PATHS)


async def record(everything: bool = False) -> None:
    CURRENT_HISTORIES.mkdir(parents=True, exist_ok=True)
    async with simulator() as sim:
        for name, scenario in LIFECYCLE_PATHS.items():
            if not everything and (CURRENT_HISTORIES / f"{name}.json").exists():
                continue
            view, _ = await sim.run_case(Scenario.model_validate(scenario))
            await _save(name, sim.env.client.get_workflow_handle(view.reference), view.state)
            for hazard_id, handle in (sim.hazards.handles if sim.hazards else {}).items():
                await _save(f"{name}.{hazard_id}", handle, "hazard")


async def _save(name: str, handle, state: str) -> None:
    history = await handle.fetch_history()
    (CURRENT_HISTORIES / f"{name}.json").write_text(history.to_json())
    print(f"recorded {name}: {state}, {len(history.events)} events")


if __name__ == "__main__":
    asyncio.run(record(everything="--all" in sys.argv[1:]))
