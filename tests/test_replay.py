"""Every stored history replays against today's workflow code (safe upgrades while cases are open)."""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from worker import workflow_runner
from workflows.complaint import ComplaintWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").rglob("*.json"))
CURRENT = {path.stem for path in (Path(__file__).parent / "histories").glob("*.json")}


def test_histories_are_stored_for_every_lifecycle_path():
    from tests.record_histories import LIFECYCLE_PATHS

    assert CURRENT >= set(LIFECYCLE_PATHS)


@pytest.mark.parametrize("path", HISTORIES, ids=[f"{p.parent.name}/{p.stem}" for p in HISTORIES])
async def test_history_replays(path: Path):
    replayer = Replayer(
        workflows=[ComplaintWorkflow], workflow_runner=workflow_runner(), data_converter=pydantic_data_converter
    )
    await replayer.replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))
