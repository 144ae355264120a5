"""Shared fixtures: the real Temporal time-skipping test server (one for the session) with the real worker."""

import pytest

from starter.scenario import Scenario
from starter.simulate import Simulator, simulator


@pytest.fixture(scope="session")
async def sim() -> Simulator:
    async with simulator() as running:
        yield running


@pytest.fixture
def run(sim: Simulator):
    """Run a scenario given as a dict through the real workflow; returns the simulate JSON."""

    async def _run(**scenario) -> dict:
        return await sim.run(Scenario.model_validate(scenario))

    return _run
