"""Histories today's code made live and cannot replay: known bugs, kept so their fix is proven (decision 223).

`known_bugs/hazard-moved-signal.json` is a hazard the hazard fuzz made on 4 Dec 2026 (hypothesis blob in
decision 223): an offer of alternative accommodation signalled, a second offer signalled and refused, Updates
refused by their validators (which leave workflow tasks with no events of their own), a decant, an acceptance
and the close. Replaying it delivers the second offer two tasks later than it came live, at a later workflow
time, and the replay then schedules one projection fewer at the close: temporalio 1.35 raises "Missing
associated machine for LocalActivity(8)". A hazard evicted from the worker's cache with such a history would
fail every workflow task from then on. Strict: the day a change makes it replay, this test says so.
"""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from worker import workflow_runner
from workflows.hazard import HazardWorkflow

KNOWN = Path(__file__).parent / "known_bugs"


@pytest.mark.xfail(strict=True, raises=NondeterminismError, reason="decision 223: a hazard history made live does not replay")
async def test_a_hazard_history_made_live_replays():
    path = KNOWN / "hazard-moved-signal.json"
    replayer = Replayer(workflows=[HazardWorkflow], workflow_runner=workflow_runner(), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))
