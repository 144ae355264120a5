"""A deliberately incompatible change to the case workflow, for tests/test_replay.py. A module of its own,
importing only workflow code, because the sandbox re-imports the module that defines a workflow."""

from datetime import timedelta

from temporalio import workflow

from models.case import CaseInput, CaseView
from workflows.complaint import ComplaintWorkflow
from workflows.continuation import CarriedCase


@workflow.defn(name="ComplaintWorkflow")
class WaitsBeforeItsLookUps(ComplaintWorkflow):
    """An incompatible change, deployed without a patch: a timer before each policy or calendar read."""

    @workflow.run
    async def run(self, start: CaseInput | CarriedCase) -> CaseView:
        return await super().run(start)

    async def _look_up(self, activity, request, result_type):
        await workflow.sleep(timedelta(minutes=1))
        return await super()._look_up(activity, request, result_type)
