"""Temporal's own floor: a workflow that does nothing, measured beside ComplaintWorkflow on the same server."""

from temporalio import workflow


@workflow.defn
class NoopWorkflow:
    """Waits for `finish`; `touch` is a validated no-op Update."""

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
    async def finish(self) -> None:
        self._done = True
