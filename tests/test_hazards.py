"""Awaab's Law clocks through `complaints simulate`, each due date counted by hand from SI 2025/1042.

Working-day clocks count from the day after Day 0 on weekends and England's bank holidays only (a landlord's
closures never move them); the 24-hour clock runs in hours through nights and weekends.
"""

import pytest

from starter.scenario import ScenarioError, parse_scenarios

SATURDAY_AWARE = "2026-10-24T10:00:00+01:00"  # Saturday 24 October 2026, 09:00 UTC


def hazard(result: dict, hazard_id: str = "h1") -> dict[str, dict]:
    prefix = f"hazard.{hazard_id}."
    return {d["name"][len(prefix) :]: d for d in result["deadlines"] if d["name"].startswith(prefix)}


def hazard_notices(result: dict) -> list[tuple[str, str, str]]:
    return [(n["kind"], n["deadline"], n["at"]) for n in result["notices"] if n["deadline"].startswith("hazard.")]


def step(at: str, action: str, **fields) -> dict:
    return {"at": at, "action": action, "hazard_id": fields.pop("hazard_id", "h1"), **fields}


async def test_significant_track_from_a_saturday_awareness(run):
    """Day 0 Sat 24 Oct: 10 WD from Mon 26 Oct is Fri 6 Nov (reg 6). Investigation ends Thu 5 Nov: summary 3 WD
    (6, 9, 10) Tue 10 Nov (reg 9); safety work and preventative start 5 WD (6, 9, 10, 11, 12) Thu 12 Nov."""
    result = await run(
        received=SATURDAY_AWARE,
        steps=[
            step(SATURDAY_AWARE, "hazard_reported", category="damp_and_mould"),
            step("2026-10-26T10:00:00+00:00", "hazard_triaged", level="significant"),
            step("2026-10-27T10:00:00+00:00", "hazard_access_attempt", method="phone", outcome="no_answer"),
            step("2026-10-29T10:00:00+00:00", "hazard_access_attempt", method="visit", outcome="access"),
            step(
                "2026-11-05T15:00:00+00:00", "hazard_investigated", found="significant", safety_work=True, preventative_work=True
            ),
            step("2026-11-10T11:00:00+00:00", "hazard_summary_sent"),
            step("2026-11-12T16:00:00+00:00", "hazard_made_safe"),
            step("2026-11-13T09:00:00+00:00", "hazard_preventative_started"),
        ],
        until="2026-11-30T00:00:00+00:00",
    )
    clocks = hazard(result)
    assert clocks == {
        "investigate": {
            "name": "hazard.h1.investigate",
            "due": "2026-11-06",
            "met_on": "2026-11-05",
            "met": True,
            "ceased": None,
        },
        "summary": {"name": "hazard.h1.summary", "due": "2026-11-10", "met_on": "2026-11-10", "met": True, "ceased": None},
        "safety_work": {
            "name": "hazard.h1.safety_work",
            "due": "2026-11-12",
            "met_on": "2026-11-12",
            "met": True,
            "ceased": None,
        },
        "preventative_start": {
            "name": "hazard.h1.preventative_start",
            "due": "2026-11-12",
            "met_on": "2026-11-13",
            "met": False,
            "ceased": None,
        },
    }
    assert ("overdue", "hazard.h1.preventative_start", "2026-11-13T00:00:00+00:00") in hazard_notices(result)
    assert result["rejected"] == []
    timeline = [e["type"] for e in result["hazards"]["h1"]["events"] if e["type"].startswith("hazard_")]
    assert timeline.count("hazard_access_attempt") == 2, "each attempt is evidence of all reasonable endeavours"


async def test_emergency_runs_24_hours_through_a_weekend_and_its_ladder_is_in_hours(run):
    """Aware Fri 27 Nov 2026 18:30 UTC: due Sat 28 Nov 18:30 exactly; warned 6 hours before, overdue at the
    instant, escalated 2 hours after (policies/hazards/awaabs-law.toml)."""
    aware = "2026-11-27T18:30:00+00:00"
    result = await run(
        received=aware,
        steps=[
            step(aware, "hazard_reported", category="electrical_hazards"),
            step("2026-11-27T19:00:00+00:00", "hazard_triaged", level="emergency"),
        ],
        until="2026-12-01T00:00:00+00:00",
    )
    assert hazard(result)["emergency"] == {
        "name": "hazard.h1.emergency",
        "due": "2026-11-28",
        "due_at": "2026-11-28T18:30:00+00:00",
        "met_on": None,
        "met": False,
        "ceased": None,
    }
    assert "investigate" not in hazard(result), "an emergency's investigation is inside its 24 hours"
    assert hazard_notices(result) == [
        ("due_soon", "hazard.h1.emergency", "2026-11-28T12:30:00+00:00"),
        ("overdue", "hazard.h1.emergency", "2026-11-28T18:30:00+00:00"),
        ("escalated", "hazard.h1.emergency", "2026-11-28T20:30:00+00:00"),
    ]


async def test_emergency_made_safe_on_the_sunday_is_met_and_stops_its_notices(run):
    aware = "2026-11-28T20:00:00+00:00"  # Saturday evening
    result = await run(
        received=aware,
        steps=[
            step(aware, "hazard_reported", category="damp_and_mould"),
            step("2026-11-28T20:30:00+00:00", "hazard_triaged", level="emergency"),
            step("2026-11-29T11:00:00+00:00", "hazard_made_safe"),
        ],
        until="2026-12-02T00:00:00+00:00",
    )
    emergency = hazard(result)["emergency"]
    assert (emergency["due_at"], emergency["met"], emergency["met_on"]) == ("2026-11-29T20:00:00+00:00", True, "2026-11-29")
    assert hazard_notices(result) == []


async def test_christmas_awareness_skips_christmas_boxing_day_substitute_and_new_year(run):
    """Day 0 Thu 24 Dec 2026: 25 Dec, the 28 Dec substitute for Boxing Day and 1 Jan are not working days:
    29, 30, 31 Dec, 4, 5, 6, 7, 8, 11, 12 Jan, so Tue 12 Jan 2027."""
    aware = "2026-12-24T16:00:00+00:00"
    result = await run(received=aware, steps=[step(aware, "hazard_reported", category="damp_and_mould")])
    assert hazard(result)["investigate"]["due"] == "2027-01-12"


async def test_a_landlord_closure_moves_the_complaint_but_never_the_statutory_clock(run):
    """Closures on Fri 30 Oct and Mon 2 Nov: the complaint's acknowledgement moves from 2 to 4 Nov, the hazard's
    investigation stays due Fri 6 Nov."""
    result = await run(
        received=SATURDAY_AWARE,
        closures=["2026-10-30", "2026-11-02"],
        steps=[step(SATURDAY_AWARE, "hazard_reported", category="damp_and_mould")],
    )
    complaint = {d["name"]: d["due"] for d in result["deadlines"] if not d["name"].startswith("hazard.")}
    assert complaint["stage1.acknowledge"] == "2026-11-04"
    assert hazard(result)["investigate"]["due"] == "2026-11-06"


async def test_preventative_work_not_practicable_in_5_days_has_the_12_week_backstop(run):
    """Investigation ended Thu 5 Nov 2026; reg 13(3)(b): within 12 weeks, 84 days on: Thu 28 Jan 2027."""
    result = await run(
        received=SATURDAY_AWARE,
        steps=[
            step(SATURDAY_AWARE, "hazard_reported", category="damp_and_mould"),
            step(
                "2026-11-05T10:00:00+00:00",
                "hazard_investigated",
                found="significant",
                preventative_work=True,
                preventative_start_practicable=False,
            ),
            step("2027-01-27T10:00:00+00:00", "hazard_preventative_started"),
        ],
    )
    assert hazard(result)["preventative_start"] == {
        "name": "hazard.h1.preventative_start",
        "due": "2027-01-28",
        "met_on": "2027-01-27",
        "met": True,
        "ceased": None,
    }
    assert "safety_work" not in hazard(result)


async def test_a_decant_before_the_24_hours_ceases_the_duty_and_its_notices(run):
    aware = "2026-11-30T09:00:00+00:00"
    result = await run(
        received=aware,
        steps=[
            step(aware, "hazard_reported", category="fire"),
            step("2026-11-30T09:30:00+00:00", "hazard_triaged", level="emergency"),
            step("2026-11-30T20:00:00+00:00", "hazard_decanted"),
            step("2026-12-01T10:00:00+00:00", "hazard_closed"),
        ],
        until="2026-12-04T00:00:00+00:00",
    )
    assert hazard(result)["emergency"] == {
        "name": "hazard.h1.emergency",
        "due": "2026-12-01",
        "due_at": "2026-12-01T09:00:00+00:00",
        "met_on": None,
        "met": None,
        "ceased": "decanted",
    }
    assert hazard_notices(result) == []
    assert result["hazards"]["h1"]["state"] == "closed"


async def test_an_emergency_triage_revised_down_stays_on_the_record_ceased_or_missed(run):
    """Triaged emergency, then revised to significant: revised within the 24 hours the duty ceases (not an
    emergency) and its notices stop; revised after the 24 hours ran out, the missed clock stays missed and its
    escalation is not unsaid. Either way the reg 6 investigation clock (10 WD from Mon 30 Nov: Mon 14 Dec) returns."""
    aware = "2026-11-30T09:00:00+00:00"
    result = await run(
        received=aware,
        steps=[
            step(aware, "hazard_reported", category="damp_and_mould"),
            step(aware, "hazard_reported", hazard_id="h2", category="damp_and_mould"),
            step("2026-11-30T09:30:00+00:00", "hazard_triaged", level="emergency"),
            step("2026-11-30T09:30:00+00:00", "hazard_triaged", hazard_id="h2", level="emergency"),
            step("2026-11-30T15:00:00+00:00", "hazard_triaged", level="significant"),
            step("2026-12-02T10:00:00+00:00", "hazard_triaged", hazard_id="h2", level="significant"),
        ],
        until="2026-12-04T00:00:00+00:00",
    )
    assert result["rejected"] == []
    revised_in_time, revised_late = hazard(result), hazard(result, "h2")
    assert revised_in_time["emergency"]["ceased"] == "not_an_emergency" and revised_in_time["emergency"]["met"] is None
    assert revised_late["emergency"]["met"] is False and revised_late["emergency"]["ceased"] is None
    assert revised_in_time["investigate"]["due"] == revised_late["investigate"]["due"] == "2026-12-14"
    fired = hazard_notices(result)
    assert not any(deadline == "hazard.h1.emergency" for _, deadline, _ in fired)
    assert ("overdue", "hazard.h2.emergency", "2026-12-01T09:00:00+00:00") in fired


async def test_an_investigation_that_finds_no_hazard_still_owes_the_written_summary(run):
    """Investigation ends Tue 3 Nov 2026: summary 3 WD (4, 5, 6) Fri 6 Nov, whatever it found (reg 9); an
    emergency triage's 24-hour duty ceases (no hazard), and its written summary is still owed."""
    result = await run(
        received=SATURDAY_AWARE,
        steps=[
            step(SATURDAY_AWARE, "hazard_reported", category="damp_and_mould"),
            step(SATURDAY_AWARE, "hazard_reported", hazard_id="h2", category="damp_and_mould"),
            step("2026-10-24T11:00:00+01:00", "hazard_triaged", hazard_id="h2", level="emergency"),
            step("2026-10-24T18:00:00+01:00", "hazard_investigated", hazard_id="h2", found="none"),
            step("2026-11-03T10:00:00+00:00", "hazard_investigated", found="none"),
            step("2026-11-03T11:00:00+00:00", "hazard_made_safe", hazard_id="h2"),
        ],
        until="2026-11-10T00:00:00+00:00",
    )
    clocks = hazard(result)
    assert set(clocks) == {"investigate", "summary"}
    assert clocks["summary"]["due"] == "2026-11-06" and clocks["summary"]["met"] is False
    assert hazard(result, "h2")["emergency"]["ceased"] == "no_hazard"
    assert hazard(result, "h2")["summary"]["due"] == "2026-10-28", "investigated Sat 24 Oct: 26, 27, 28 Oct (reg 9)"
    assert result["rejected"] == [], "making safe after a finding of no hazard is allowed and changes no clock"


async def test_awareness_before_the_recording_counts_from_day_0(run):
    """Recorded Mon 9 Nov 2026 but the landlord knew on Mon 2 Nov: 10 WD from Tue 3 Nov is Mon 16 Nov."""
    result = await run(
        received="2026-11-09T10:00:00+00:00",
        steps=[
            step("2026-11-09T10:00:00+00:00", "hazard_reported", category="damp_and_mould", aware_at="2026-11-02T12:00:00+00:00")
        ],
    )
    assert hazard(result)["investigate"]["due"] == "2026-11-16"
    assert result["hazards"]["h1"]["aware_at"] == "2026-11-02T12:00:00+00:00"


async def test_steps_that_break_a_rule_are_rejected_with_their_reason_and_change_nothing(run):
    at = "2026-11-09T10:00:00+00:00"
    result = await run(
        received=at,
        steps=[
            step(at, "hazard_triaged", level="significant"),
            step(at, "hazard_reported", category="mould_in_the_loft"),
            step(at, "hazard_reported", hazard_id="h2", category="crowding_and_space"),
            step(at, "hazard_reported", hazard_id="h3", category="damp_and_mould", aware_at="2026-11-10T10:00:00+00:00"),
            step(at, "hazard_reported", hazard_id="h4", category="excess_cold"),
            step("2026-11-09T10:05:00+00:00", "hazard_triaged", hazard_id="h4", level="significant"),
            step("2026-11-09T10:06:00+00:00", "hazard_summary_sent", hazard_id="h4"),
            step("2026-11-09T10:07:00+00:00", "hazard_investigated", hazard_id="h4", found="none", safety_work=True),
            step("2026-11-09T10:08:00+00:00", "hazard_closed", hazard_id="h4"),
            step("2026-11-09T10:09:00+00:00", "hazard_access_attempt", hazard_id="h4", method="phone", outcome="upheld"),
        ],
    )
    errors = {r["step"]: r["error"] for r in result["rejected"]}
    assert "h1 has not been reported" in errors[0]
    assert errors[1].startswith("category: 'mould_in_the_loft' is not an HHSRS hazard category")
    assert errors[2].startswith("category: crowding_and_space is not in scope")
    assert errors[3].startswith("aware_at: ")
    assert errors[5].startswith("level: excess_cold is not in scope of SI 2025/1042 as a significant hazard")
    assert "follows the investigation (reg 9)" in errors[6]
    assert errors[7].startswith("safety_work: ")
    assert 8 not in errors, "an untriaged emergency-only category owes no clock yet, so it may close"
    assert errors[9].startswith("outcome: ")
    assert set(hazard(result, "h4")) == set()


def test_a_hazard_step_without_its_hazard_id_is_a_malformed_file():
    with pytest.raises(ScenarioError, match=r"steps\[0\]: .*hazard_reported.* needs hazard_id"):
        parse_scenarios(
            '{"received": "2026-11-09T10:00:00+00:00", "steps": [{"at": "2026-11-09T10:00:00+00:00", '
            '"action": "hazard_reported", "category": "damp_and_mould"}]}'
        )


async def test_the_read_model_holds_the_hazard_its_clocks_and_timeline(sim, run):
    from sqlmodel import Session, select

    from models.hazard_tables import Hazard, HazardDeadline, HazardEvent

    aware = "2026-11-30T09:00:00+00:00"
    result = await run(
        received=aware,
        steps=[
            step(aware, "hazard_reported", category="damp_and_mould"),
            step("2026-11-30T09:30:00+00:00", "hazard_triaged", level="emergency"),
            step("2026-11-30T12:00:00+00:00", "hazard_access_attempt", method="visit", outcome="refused"),
        ],
    )
    reference = result["hazards"]["h1"]["reference"]
    with Session(sim.engine) as session:
        hazard_row = session.get(Hazard, reference)
        clocks = session.exec(select(HazardDeadline).where(HazardDeadline.reference == reference)).all()
        events = session.exec(select(HazardEvent).where(HazardEvent.reference == reference).order_by(HazardEvent.seq)).all()
    assert (hazard_row.level, hazard_row.state) == ("emergency", "open")
    assert hazard_row.linked.startswith("SIM-"), "linked to the scenario's complaint by reference"
    assert hazard_row.next_due_at.replace(tzinfo=None).isoformat() == "2026-12-01T09:00:00"  # SQLite keeps UTC naive
    assert [c.name for c in clocks] == ["emergency"]
    assert [e.type for e in events] == ["hazard_reported", "hazard_triaged", "hazard_access_attempt"]
    assert events[2].details == {"method": "visit", "outcome": "refused"}


async def test_hazard_notices_reach_the_outbox_of_the_complaint_that_reported_it(sim, run):
    from sqlmodel import Session, select

    from models.tables import Notice

    aware = "2026-12-07T09:00:00+00:00"
    result = await run(
        received=aware,
        steps=[
            step(aware, "hazard_reported", category="fire"),
            step("2026-12-07T09:10:00+00:00", "hazard_triaged", level="emergency"),
        ],
        until="2026-12-09T00:00:00+00:00",
    )
    reference = result["hazards"]["h1"]["reference"]
    with Session(sim.engine) as session:
        rows = session.exec(select(Notice).where(Notice.deadline == f"hazard.{reference}.emergency")).all()
    assert sorted(row.kind for row in rows) == ["due_soon", "escalated", "overdue"]
    assert len({row.reference for row in rows}) == 1 and rows[0].reference.startswith("SIM-"), "the scenario's complaint"


async def test_the_example_scenario_runs_both_timescales_on_one_record(run):
    """examples/awaabs-law.json: the 30 Oct closure moves the complaint's acknowledgement, never the hazard's."""
    import json
    from pathlib import Path

    example = json.loads((Path(__file__).parent.parent / "examples" / "awaabs-law.json").read_text())
    result = await run(**example)
    assert result["rejected"] == []
    dues = {d["name"]: (d["due"], d["met"]) for d in result["deadlines"]}
    assert dues["hazard.h1.investigate"] == ("2026-11-06", True)
    assert dues["hazard.h1.summary"] == ("2026-11-10", True)
    assert dues["hazard.h1.safety_work"] == ("2026-11-12", True)
    assert dues["hazard.h1.preventative_start"] == ("2027-01-28", True)
    assert dues["stage1.acknowledge"] == ("2026-11-03", True)
    assert result["hazards"]["h1"]["state"] == "closed"


async def test_consent_and_accommodation_steps_run_in_a_scenario_in_order_and_out_of_turn_is_rejected(run):
    """The evidence of all reasonable endeavours in `simulate` (decision 154): codes on the timeline, in order;
    an answer with no offer waiting is a rejected step."""
    at = "2026-11-09T10:00:00+00:00"
    result = await run(
        received=at,
        steps=[
            step(at, "hazard_reported", category="damp_and_mould"),
            step("2026-11-09T11:00:00+00:00", "hazard_accommodation_declined"),
            step(
                "2026-11-09T12:00:00+00:00",
                "hazard_consent_sought",
                consent_from="freeholder",
                method="letter",
                consent="refused",
            ),
            step("2026-11-10T09:00:00+00:00", "hazard_accommodation_offered", accommodation="temporary"),
            step("2026-11-10T10:00:00+00:00", "hazard_accommodation_accepted"),
        ],
        until="2026-11-11T00:00:00+00:00",
    )
    assert [(r["step"], r["error"]) for r in result["rejected"]] == [
        (
            1,
            "hazard_accommodation_declined: no offer of alternative accommodation is waiting for an answer; record the offer first",
        )
    ]
    timeline = [
        {k: v for k, v in e.items() if k not in ("seq", "at")}
        for e in result["hazards"]["h1"]["events"]
        if e["type"].startswith("hazard_") and e["type"] != "hazard_reported"
    ]
    assert timeline == [
        {"type": "hazard_consent_sought", "consent_from": "freeholder", "method": "letter", "consent": "refused"},
        {"type": "hazard_accommodation_offered", "accommodation": "temporary"},
        {"type": "hazard_accommodation_accepted"},
    ]
