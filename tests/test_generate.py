"""`simulate --generate`: a seeded year of cases through the real workflow, and the figures it gives."""

import pytest

from reports.reporting import ReportingYear, tsm
from starter.generate import GeneratorSettings, generate
from starter.generated_run import simulate_generated
from tests.cli_runner import complaints

YEAR = ReportingYear.parse("2025-26")


def test_the_same_seed_gives_the_same_year_and_another_seed_another():
    settings = GeneratorSettings(cases=50, escalation_rate=0.2)
    first, again = generate(settings), generate(settings)
    assert [c.scenario for c in first] == [c.scenario for c in again]
    assert [c.scenario for c in generate(settings.model_copy(update={"seed": 7}))] != [c.scenario for c in first]
    assert all(c.scenario.received.date() in YEAR for c in first)
    escalated = sum(any(s.action == "request_stage2" for s in c.scenario.steps) for c in first)
    assert 3 <= escalated <= 20  # 20% of 50, seeded


def test_rates_that_cannot_add_up_are_refused_naming_them():
    with pytest.raises(ValueError, match="on_time_rate \\+ extension_rate must be at most 1"):
        GeneratorSettings(on_time_rate=0.9, extension_rate=0.2)
    with pytest.raises(ValueError, match="reporting year like 2025-26"):
        GeneratorSettings(year="2025")
    with pytest.raises(ValueError, match="unknown policy profile 'nope'"):
        GeneratorSettings(policy="nope")


@pytest.mark.parametrize(("on_time", "extended", "expected"), [(1.0, 0.0, 100.0), (0.0, 0.0, 0.0), (0.0, 1.0, 100.0)])
async def test_handlers_behaviour_decides_ch02(sim, on_time, extended, expected):
    """Handlers who always answer within the deadline (or an extension the Code allows) score 100%; always
    late, 0% - known without counting, whatever the dates drawn."""
    cases = generate(GeneratorSettings(cases=6, escalation_rate=0.5, on_time_rate=on_time, extension_rate=extended, seed=11))
    year = await simulate_generated(sim, cases)
    assert year.rejected == []
    rows = {m.code: m for m in tsm(year.facts, YEAR, homes=1000)}
    answered = sum(1 for f in year.facts if f.stage(1).responded_on in YEAR)  # a late March answer falls in the next year
    assert rows["CH01 (1)"].numerator == 6 and rows["CH02 (1)"].denominator == answered >= 4
    assert rows["CH02 (1)"].value == expected
    requested = sum(1 for f in year.facts if f.stage(2) is not None and f.stage(2).received_on in YEAR)
    assert rows["CH01 (2)"].numerator == requested


@pytest.mark.workflow  # in-process, but the command starts a time-skipping server of its own
def test_cli_generates_a_small_year_with_timing_and_a_report(tmp_path):
    done = complaints(
        "simulate",
        "--generate",
        "--cases",
        "4",
        "--homes",
        "500",
        "--report",
        str(tmp_path / "year.html"),
        "--csv",
        str(tmp_path / "tsm.csv"),
    )
    assert done.exit_code == 0, done.stderr
    assert "simulated 4 cases in" in done.stderr and "ms per case" in done.stderr
    assert "CH01 (1)" in done.stdout and "8.00" in done.stdout  # 4 complaints per 500 homes
    assert 'id="self-assessment"' in (tmp_path / "year.html").read_text()
    assert (tmp_path / "tsm.csv").read_text().splitlines()[1].startswith("2025-26,CH01 (1),")
    done = complaints("simulate", "--generate", "--on-time-rate", "0.9", "--extension-rate", "0.2", env={"COLUMNS": "200"})
    assert done.exit_code == 2 and "--extension-rate" in done.stderr and "at most 1" in done.stderr


async def test_a_generated_year_refers_determines_and_orders_at_the_rates_given(sim):
    """Every case escalated and referred, every referral determined, every element found against the landlord:
    known without counting. Each element brings one order; each referral one evidence request."""
    settings = GeneratorSettings(
        cases=5,
        escalation_rate=1.0,
        referral_rate=1.0,
        determination_rate=1.0,
        adverse_finding_rate=1.0,
        late_compliance_rate=0.0,
        failure_order_rate=1.0,
        seed=5,
    )
    cases = generate(settings)
    actions = [[s.action for s in c.scenario.steps] for c in cases]
    assert all(a.count("ombudsman_referral") == a.count("ombudsman_determination") == 1 for a in actions)
    elements = sum(len(s.findings) for c in cases for s in c.scenario.steps if s.action == "ombudsman_determination")
    year = await simulate_generated(sim, cases)
    assert year.rejected == []
    referred = [f for f in year.facts if f.ombudsman_referred_on is not None]
    assert len(referred) == 5
    complied = [s for c in cases for s in c.scenario.steps if s.action == "ombudsman_order_complied"]
    assert len(complied) == elements
    assert sum(a.count("complaint_handling_failure_order") for a in actions) == 5
    quiet = generate(settings.model_copy(update={"referral_rate": 0.0, "failure_order_rate": 0.0}))
    assert not any(s.action.startswith(("ombudsman", "complaint_handling")) for c in quiet for s in c.scenario.steps)
    assert [[s for s in c.scenario.steps if not s.action.startswith(("ombudsman", "complaint_handling"))] for c in cases] == [
        c.scenario.steps for c in quiet
    ]  # the Ombudsman's draws leave the rest of the seeded year as it was


async def test_a_generated_year_has_service_areas_root_causes_and_payments_for_every_report(sim):
    """The generated cases carry the taxonomy's codes into the workflow, and the quarterly pack's themes and
    compensation are the generated facts' own: counted here one by one, against the pack's sums."""
    from reports.quarterly import Quarter, quarterly_figures
    from models.remedies_guidance import remedies_guidance
    from models.taxonomy import ROOT_CAUSES, SERVICE_AREAS

    cases = generate(GeneratorSettings(cases=12, escalation_rate=0.2, unpaid_rate=0.3, seed=5))
    assert {c.scenario.category for c in cases} <= set(SERVICE_AREAS) and all(c.scenario.category for c in cases)
    year = await simulate_generated(sim, cases)
    assert year.rejected == []
    assert all(f.category in SERVICE_AREAS for f in year.facts)
    causes = [c for f in year.facts for c in f.root_causes]
    assert causes and {c.code for c in causes} <= set(ROOT_CAUSES)
    for remedy in (r for f in year.facts for r in f.remedies):
        band = remedies_guidance().band(remedy.band)
        assert band.min_pence <= remedy.amount_pence <= band.max_pence and remedy.due_on is not None
    for number in (1, 2, 3, 4):
        quarter = Quarter.of("2025-26", number)
        pack = quarterly_figures(year.facts, quarter)
        offered = [
            r
            for f in year.facts
            for s in (1, 2)
            for r in f.remedies
            if r.stage == s and f.stage(s) is not None and f.stage(s).responded_on in quarter
        ]
        assert (pack.compensation.offered, pack.compensation.offered_pence) == (
            len(offered),
            sum(r.amount_pence for r in offered),
        )
        assert sum(count for _, count, _ in pack.service_areas) == sum(
            1 for f in year.facts if f.stage(1).received_on in quarter and not f.stage(1).excluded
        )
