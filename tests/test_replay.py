"""Every release's stored histories replay against today's workflow code (safe deploys while cases are
open, docs/upgrades.md), and a change that would wedge them fails here instead of in production."""

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.incompatible_change import WaitsBeforeItsLookUps
from tests.record_histories import CURRENT_HISTORIES, HAZARD_PATHS, HISTORIES, LIFECYCLE_PATHS
from worker import workflow_runner
from workflows.complaint import ComplaintWorkflow
from workflows.hazard import HazardWorkflow

STORED = sorted(HISTORIES.glob("*/*.json"))
"""Every release's folder: a case opened under any earlier release may still be open."""


def replayer(*workflow_classes: type) -> Replayer:
    """Today's complaint and hazard workflows (each history names its workflow type), or the given ones."""
    return Replayer(
        workflows=list(workflow_classes or (ComplaintWorkflow, HazardWorkflow)),
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )


def test_the_current_release_stores_a_history_for_every_lifecycle_path():
    stored = {path.stem for path in CURRENT_HISTORIES.glob("*.json")}
    assert stored >= set(LIFECYCLE_PATHS)
    assert stored >= {f"{name}.h1" for name in HAZARD_PATHS}, "each hazard path keeps its HazardWorkflow history"


@pytest.mark.parametrize("path", STORED, ids=[f"{p.parent.name}/{p.stem}" for p in STORED])
async def test_history_replays(path: Path):
    await replayer().replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))


async def test_an_incompatible_change_fails_the_replay():
    """What CI does with a deploy that would wedge open cases: the build fails on a stored history."""
    path = CURRENT_HISTORIES / "two-stages-extended.json"
    with pytest.raises(workflow.NondeterminismError):
        await replayer(WaitsBeforeItsLookUps).replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))
