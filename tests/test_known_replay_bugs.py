"""Histories made live that cannot replay: known bugs, kept so that what they teach stays true (decision 223).

`known_bugs/hazard-moved-signal.json` is a hazard the hazard fuzz made on 4 Dec 2026, before patch
`hazard-refused-signal-projected`: an acceptance of alternative accommodation dated two days ahead was refused
as in the future on a workflow task that then carried no command, so on replay it was checked again on the next
task, days later, and applied; the close then projected once more than the history had, and temporalio 1.35
raises "Missing associated machine for LocalActivity(8)". The patch stops new hazards drifting so (the fuzz
keeps the example); a history made before it cannot be mended by code, and a hazard caught so is reset to before the
refused step (docs/operations.md). Strict: if this history ever replays, something about replay changed.
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


@pytest.mark.xfail(strict=True, raises=NondeterminismError, reason="decision 223: made before the patch, it cannot replay")
async def test_a_hazard_history_made_live_replays():
    path = KNOWN / "hazard-moved-signal.json"
    replayer = Replayer(workflows=[HazardWorkflow], workflow_runner=workflow_runner(), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))
