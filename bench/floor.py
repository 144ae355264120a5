"""Temporal's own floor: workflows that do nothing, measured beside ComplaintWorkflow on the same server."""

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn
def nothing(command_id: str) -> None:
    """A local activity that does no work: what one costs the SDK and the server by itself."""


@workflow.defn
class NoopWorkflow:
    """Waits for `finish`; `touch` is a validated no-op Update, `touch_through_local_activity` the same
    Update running one empty local activity (the part of a staff action's cost that is the projection's
    mechanism rather than its work)."""

    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update
    async def touch(self, command_id: str) -> str:
        return command_id

    @touch.validator
    def _validate_touch(self, command_id: str) -> None:
        if not command_id:
            raise ValueError("command_id: required")

    @workflow.update
    async def touch_through_local_activity(self, command_id: str) -> str:
        await workflow.execute_local_activity(nothing, command_id, start_to_close_timeout=timedelta(seconds=30))
        return command_id

    @touch_through_local_activity.validator
    def _validate_touch_through_local_activity(self, command_id: str) -> None:
        self._validate_touch(command_id)

    @workflow.update
    async def finish(self) -> None:
        self._done = True
