"""Hazard steps of a scenario through the real HazardWorkflow, beside the scenario's complaint.

`hazard_reported` starts a hazard (linked to the scenario's complaint) on the same time-skipping server, with
the complaint's clock offset, so its business clock reads the scenario's dates; the other steps are Updates
with the workflow's validators. The result gains `hazard.<hazard_id>.<clock>` deadlines (`due_at` for the
24-hour clock, `ceased` when a duty stopped), the hazards' notices, and their rejected steps.
"""

from datetime import datetime, timedelta, timezone

from pydantic import ValidationError
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from models.hazard import HAZARD_COMMANDS, HazardDeadlineView, HazardInput
from models.hazard_rules import load_hazard_rules
from models.refusal import refusal_of
from starter.scenario import Step
from workflows.hazard import HazardWorkflow
from workflows.hazard_state import report_problem

COMMAND_FIELDS = (
    "level",
    "method",
    "outcome",
    "consent_from",
    "consent",
    "accommodation",
    "found",
    "safety_work",
    "preventative_work",
    "preventative_start_practicable",
    "linked_reference",
)


def is_hazard_step(step: Step) -> bool:
    return step.action.startswith("hazard_")


class HazardSimulation:
    """The hazards of one scenario, by their `hazard_id`."""

    def __init__(self, client: Client, task_queue: str, landlord: str, complaint_reference: str, scenario_number: int):
        self.client = client
        self.first_number = scenario_number * 1000 + 1
        """Hazard references unique on the simulator's server: HZD-YYYY-<scenario><nnn>."""
        self.task_queue = task_queue
        self.landlord = landlord
        self.complaint_reference = complaint_reference
        self.handles: dict[str, WorkflowHandle] = {}

    async def step(self, number: int, step: Step, offset: timedelta) -> list[dict]:
        """Deliver one hazard step; returns its rejection, if any, as the scenario output lists them."""
        try:
            if step.action == "hazard_reported":
                error = await self._report(number, step, offset)
            else:
                error = await self._act(number, step)
        except ValidationError as invalid:
            first = invalid.errors()[0]
            error = f"{'.'.join(str(p) for p in first['loc']) or 'step'}: {first['msg']}"
        return [] if error is None else [{"step": number, "action": step.action, "error": error}]

    async def _report(self, number: int, step: Step, offset: timedelta) -> str | None:
        assert step.hazard_id is not None and step.category is not None
        if step.hazard_id in self.handles:
            return f"hazard_id: {step.hazard_id} was already reported"
        reference = f"HZD-{step.at.year}-{self.first_number + len(self.handles):06d}"
        hazard = HazardInput(
            reference=reference,
            landlord=self.landlord,
            category=step.category,
            aware_at=step.aware_at or step.at,
            recorded_at=step.at,
            linked_cases=(self.complaint_reference,),
            clock_offset_seconds=offset.total_seconds(),
        )
        problem = report_problem(hazard, load_hazard_rules(), step.at)
        if problem is not None:
            return f"{problem.field}: {problem.message}"
        handle = await self.client.start_workflow(HazardWorkflow.run, hazard, id=reference, task_queue=self.task_queue)
        self.handles[step.hazard_id] = handle
        await handle.query(HazardWorkflow.hazard)
        return None

    async def _act(self, number: int, step: Step) -> str | None:
        handle = self.handles.get(step.hazard_id or "")
        if handle is None:
            return f"hazard_id: {step.hazard_id} has not been reported (no hazard_reported step before this one)"
        fields = {name: getattr(step, name) for name in COMMAND_FIELDS if getattr(step, name) is not None}
        payload = HAZARD_COMMANDS[step.action]
        allowed = {name: value for name, value in fields.items() if name in payload.model_fields}
        command = payload(command_id=f"{handle.id}-step-{number}", occurred_at=step.at, **allowed)
        try:
            await handle.execute_update(step.action, command)
        except WorkflowUpdateFailedError as err:
            refusal = refusal_of(err)
            if refusal is None:
                raise
            return refusal.message if refusal.field == "action" else f"{refusal.field}: {refusal.message}"
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            return f"{step.action}: the hazard is closed"
        return None

    async def merge_into(self, result: dict) -> None:
        """Add each hazard's deadlines, notices and timeline to the scenario's result, then end its workflow."""
        hazards = {}
        for hazard_id, handle in self.handles.items():
            view = await handle.query(HazardWorkflow.hazard)
            result["deadlines"].extend(deadline_json(hazard_id, d) for d in view.deadlines)
            result["notices"].extend(
                {"kind": n.kind, "deadline": f"hazard.{hazard_id}.{n.deadline}", "at": _utc(n.at)} for n in view.notices
            )
            hazards[hazard_id] = {
                "reference": view.reference,
                "category": view.category,
                "level": view.level,
                "found": view.found,
                "state": view.state,
                "aware_at": _utc(view.aware_at),
                "events": [{"seq": e.seq, "at": _utc(e.at), "type": e.type, **e.details} for e in view.events],
            }
            try:
                await handle.terminate(reason="scenario finished")
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise
        result["notices"].sort(key=lambda notice: notice["at"])
        result["rejected"].sort(key=lambda rejection: rejection["step"])
        if hazards:
            result["hazards"] = hazards


def deadline_json(hazard_id: str, deadline: HazardDeadlineView) -> dict:
    shown: dict[str, object] = {"name": f"hazard.{hazard_id}.{deadline.name}", "due": deadline.due.isoformat()}
    if deadline.due_at is not None:
        shown["due_at"] = _utc(deadline.due_at)
    shown.update(met_on=deadline.met_on.isoformat() if deadline.met_on else None, met=deadline.met, ceased=deadline.ceased)
    return shown


def _utc(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat()
