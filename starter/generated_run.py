"""A generated year (starter/generate.py) run through the real workflow on a time-skipping server, case by case,
timed, with the facts the reports read (`complaints simulate --generate`)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reports.ombudsman_figures import OmbudsmanFigures, ombudsman_figures
from reports.report_facts import CaseFacts, facts_from_simulation
from reports.reporting import ReportingYear
from starter.generate import GeneratedCase

if TYPE_CHECKING:
    from starter.simulate import Simulator


@dataclass
class GeneratedYear:
    facts: list[CaseFacts]
    seconds: float
    rejected: list[str]
    """Steps the workflow refused, as `reference step N action: error` (expected to be none)."""
    ombudsman: OmbudsmanFigures | None = None
    """The year's Ombudsman figures, read from the run's read model (run_generated with a year)."""


async def run_generated(
    cases: list[GeneratedCase], on_done: Callable[[], None] = lambda: None, year: ReportingYear | None = None
) -> GeneratedYear:
    """Run every case through the real workflow on a fresh time-skipping server, timing the whole run; with
    `year`, read that year's Ombudsman figures from the run's read model before it goes."""
    from sqlmodel import Session

    from starter.simulate import simulator

    async with simulator() as sim:
        run = await simulate_generated(sim, cases, on_done)
        if year is not None:
            with Session(sim.engine) as session:
                run.ombudsman = ombudsman_figures(session, None, year.first, year.last)
        return run


async def simulate_generated(
    sim: "Simulator", cases: list[GeneratedCase], on_done: Callable[[], None] = lambda: None
) -> GeneratedYear:
    """Run every case through `sim`, one after another (the time-skipping server is fragile under concurrency)."""
    facts, rejected = [], []
    started = time.perf_counter()
    for case in cases:
        result = await sim.run(case.scenario)
        rejected += [f"{case.reference} step {r['step']} {r['action']}: {r['error']}" for r in result["rejected"]]
        facts.append(
            _with_letters(
                facts_from_simulation(
                    result,
                    case.scenario.received,
                    reference=case.reference,
                    policy_id=case.scenario.policy,
                    region=case.scenario.region,
                    category=case.category,
                    remedies=case.remedies,
                    learning=case.learning,
                    root_causes=case.root_causes,
                ),
                case.letters,
            )
        )
        on_done()
    return GeneratedYear(facts, time.perf_counter() - started, rejected)


def _with_letters(facts: CaseFacts, letters: dict[int, date]) -> CaseFacts:
    """Generated response letters: sent on the day given, complete (the letters module checks real ones)."""
    stages = tuple(
        s.model_copy(update={"letter_issued_on": letters[s.stage], "letter_complete": True})
        if s.stage in letters and s.responded_on
        else s
        for s in facts.stages
    )
    return facts.model_copy(update={"stages": stages})
