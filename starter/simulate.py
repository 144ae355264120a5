"""`complaints simulate`: scenarios through the real ComplaintWorkflow and worker on the time-skipping server.

The test server's clock starts at the real now and only moves forward, while scenarios may be dated in
2023 or 2027. Each case is therefore started with `clock_anchored_to_received`: the workflow fixes the
offset between its business clock and the server clock at its first task (recorded in history, and
queryable), and this driver sleeps the server to `step.at - offset` before delivering each step.
Production cases never set the flag, so their offset is zero.
"""

import asyncio
import tempfile
from contextlib import asynccontextmanager
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from casework.reasons import REASON_FIELDS, readable, reason_texts, store_reasons
from casework.updates import REOPENING_ACTIONS, reopen
from models.case import OUTSIDE_WINDOW, CaseInput, CaseView, EventView
from models.commands import COMMANDS
from models.policy import PolicyProfile, load_profile
from models.policy_versions import load_profile_version
from models.tables import CaseEvent, OmbudsmanEvidence, ResidentNote, add_closures, create_schema, make_engine
from starter.binaries import binary_path
from starter.scenario import Scenario, Step
from starter.hazard_simulation import HazardSimulation, is_hazard_step
from starter.search_attributes import register_search_attributes
from worker import build_worker
from workflows.complaint import ComplaintWorkflow
from models.calendar import local_date
from models.refusal import refusal_of, validation_message
from workflows.lifecycle import ActionNotAllowed, next_state

TASK_QUEUE = "complaints-simulation"
SKIP_ATTEMPTS = 3
"""How often a time skip the server gave up on is asked for again (`Simulator.sleep_until`)."""
STEP_LEAD = timedelta(seconds=2)
"""Steps are delivered this long before their `at` (and carry `at` as occurred_at). Timers fire only on
whole hours, so the only effect is that a step exactly at a notice instant acts first; it also keeps
updates clear of a timer firing mid-update, which the time-skipping test server does not survive."""
UPDATE_TIMEOUT = timedelta(seconds=60)


class Simulator:
    """A time-skipping server, a scratch read model and a worker; runs scenarios one after another."""

    def __init__(self, env: WorkflowEnvironment, engine: Engine):
        self.env = env
        self.engine = engine
        self._count = 0
        self.hazards: HazardSimulation | None = None

    async def run(self, scenario: Scenario) -> dict:
        """The scenario's result as of its `until`; its case is then ended, so that a later scenario's days
        skipped on this shared server are not spent on it (a late response's updates would go on for ever)."""
        view, rejected = await self.run_case(scenario)
        with Session(self.engine) as session:
            if view.events and view.events[-1].seq != len(view.events):  # continued as new: notes left behind
                rows = session.exec(select(CaseEvent).where(CaseEvent.reference == view.reference).order_by(col(CaseEvent.seq)))
                view = view.model_copy(
                    update={"events": tuple(EventView.model_validate(row, from_attributes=True) for row in rows)}
                )
            reasons = reason_texts(session, (event.details for event in view.events))
        try:
            await self.env.client.get_workflow_handle(view.reference).terminate(reason="scenario finished")
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:  # NOT_FOUND: the case's workflow had ended by itself
                raise
        result = result_json(view, rejected, reasons)
        if self.hazards is not None:
            await self.hazards.merge_into(result)
        return result

    async def run_case(self, scenario: Scenario) -> tuple[CaseView, list[dict]]:
        self._count += 1
        landlord = f"simulation-{self._count}"
        add_closures(self.engine, landlord, scenario.closures, "closure", "scenario closure")
        add_closures(self.engine, landlord, scenario.overrides, "override", "scenario override")
        reference = f"SIM-{scenario.received.year}-{self._count:06d}"
        profile = load_profile_version(scenario.policy, scenario.policy_version or load_profile(scenario.policy).version)
        handle = await self.env.client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(
                reference=reference,
                landlord=landlord,
                policy_id=profile.id,
                policy_version=profile.version,
                region=scenario.region,
                received_at=scenario.received,
                informal=scenario.informal,
                category=scenario.category,
                flags=_flags(scenario, profile),
                clock_anchored_to_received=True,
            ),
            id=reference,
            task_queue=TASK_QUEUE,
        )
        handle = self.env.client.get_workflow_handle(reference)  # the latest run: a long case continues as new
        offset = await _clock_offset(handle)
        rejected = []
        self.hazards = HazardSimulation(self.env.client, TASK_QUEUE, landlord, reference, self._count)
        for number, step in enumerate(scenario.steps):
            await self.sleep_until(step.at - offset - STEP_LEAD)
            if is_hazard_step(step):  # Awaab's Law steps go to their hazard's own workflow
                rejected.extend(await self.hazards.step(number, step, offset))
                continue
            try:
                command = _command(self.engine, reference, number, step)
            except ValidationError as invalid:  # a value that breaks its action's rule: a rejected step
                rejected.append({"step": number, "action": step.action, "error": validation_refusal(invalid)})
                continue
            try:
                try:
                    await handle.execute_update(step.action, command, rpc_timeout=UPDATE_TIMEOUT)
                except RPCError as err:
                    if err.status != RPCStatusCode.NOT_FOUND or step.action not in REOPENING_ACTIONS:
                        raise
                    if await reopen(self.env.client, reference, TASK_QUEUE, step.action, command, at=step.at) is None:
                        raise
                    handle = self.env.client.get_workflow_handle(reference)
                    offset = await _clock_offset(handle)
            except WorkflowUpdateFailedError as err:
                rejected.append({"step": number, "action": step.action, "error": _message(err)})
            except RPCError:
                rejected.append({"step": number, "action": step.action, "error": await _finished_case_error(handle, step)})
        if scenario.until is not None:
            await self.sleep_until(scenario.until - offset)
        return await handle.query(ComplaintWorkflow.case), rejected

    async def sleep_until(self, server_time: datetime) -> None:
        """Skip the server's clock to `server_time`. On a loaded machine the time-skipping server may give up a
        long skip with "Timeout expired" part of the way; the rest is asked for again, a few times."""
        for attempt in range(1, SKIP_ATTEMPTS + 1):
            gap = server_time - await self.env.get_current_time()
            if gap <= timedelta(0):
                return
            try:
                await self.env.sleep(gap)
                return
            except RPCError as err:
                if "Timeout expired" not in str(err) or attempt == SKIP_ATTEMPTS:
                    raise


@asynccontextmanager
async def simulator(database_url: str | None = None) -> AsyncIterator[Simulator]:
    """The time-skipping server and a worker; the read model on `database_url` (default: a scratch SQLite)."""
    with tempfile.TemporaryDirectory(prefix="complaints-sim-") as tmp:
        engine = make_engine(database_url or f"sqlite:///{Path(tmp) / 'simulation.db'}")
        create_schema(engine)
        env = await WorkflowEnvironment.start_time_skipping(
            data_converter=pydantic_data_converter,
            test_server_existing_path=binary_path("temporal-test-server"),
        )
        try:
            await register_search_attributes(env.client)
            async with build_worker(env.client, engine, TASK_QUEUE):
                yield Simulator(env, engine)
        finally:
            await env.shutdown()
            engine.dispose()


async def simulate(scenarios: list[Scenario], on_done: Callable[[], None] = lambda: None) -> list[dict]:
    """Run each scenario, one after another (the time-skipping server is fragile under concurrency)."""
    results = []
    async with simulator() as sim:
        for scenario in scenarios:
            results.append(await sim.run(scenario))
            on_done()
    return results


async def _clock_offset(handle: WorkflowHandle) -> timedelta:
    """The offset the workflow fixed at its first task, once it has recorded the complaint."""
    for _ in range(3000):
        view = await handle.query(ComplaintWorkflow.case)
        if view.events:
            return timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))
        await asyncio.sleep(0.01)
    raise RuntimeError(f"case {handle.id} did not start within 30 s; see the worker log")


def _flags(scenario: Scenario, profile: PolicyProfile) -> tuple[str, ...]:
    received_on = local_date(scenario.received)
    if scenario.issue_date is not None and profile.complaint_window.is_outside(scenario.issue_date, received_on):
        return (OUTSIDE_WINDOW,)
    return ()


def _command(engine: Engine, reference: str, number: int, step: Step):
    fields = step.model_dump(exclude={"at", "action", "note", "definition", "evidence"}, exclude_none=True)
    allowed = COMMANDS[step.action].model_fields
    payload = {name: value for name, value in fields.items() if name in allowed}
    command_id = f"{reference}-step-{number}"
    if step.action in REASON_FIELDS:  # the words in the simulator's read model, their ids in the command
        texts = {name: fields.get(name) for name in REASON_FIELDS[step.action]}
        payload.update(store_reasons(engine, step.action, reference, command_id, texts, step.at))
    if step.action == "resident_input" and step.note is not None:
        payload["note_ref"] = ResidentNote.store(engine, reference, step.note, step.at)
    if step.action == "ombudsman_order_complied" and step.evidence is not None and step.order_id is not None:
        payload["evidence_ref"] = OmbudsmanEvidence.store(
            engine, reference, step.order_id, step.evidence, step.at, f"{command_id}-evidence"
        )
    if step.action in ("acknowledge", "add_complaint") and step.definition:
        payload["definition_ref"] = f"{command_id}-definition"
    return COMMANDS[step.action](command_id=command_id, occurred_at=step.at, **payload)


async def _finished_case_error(handle: WorkflowHandle, step: Step) -> str:
    """A command sent to a case whose workflow has ended gets the lifecycle's own refusal."""
    view = await handle.query(ComplaintWorkflow.case)
    try:
        next_state(view.state, view.stage, step.action)
    except ActionNotAllowed as refusal:
        return str(refusal)
    return f"the case is {view.state} and its workflow has ended"


def validation_refusal(invalid: ValidationError) -> str:
    """A command's own field rule, worded as the workflow words its refusals: `field: rule`."""
    first = invalid.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "step"
    return f"{field}: {validation_message(first)}"


def _message(err: WorkflowUpdateFailedError) -> str:
    """A refusal as the scenario output shows it: the field at fault, then the rule in words."""
    refusal = refusal_of(err)
    if refusal is None:
        raise err
    return refusal.message if refusal.field == "action" else f"{refusal.field}: {refusal.message}"


def result_json(view: CaseView, rejected: list[dict], reasons: dict[str, str]) -> dict:
    """The simulate output contract of DESIGN.md; events show staff's reasons in words (`reasons`, by
    row id), as the scenario gave them."""
    return {
        "state": view.state,
        "stage": view.stage,
        "deadlines": [
            {"name": d.name, "due": d.due.isoformat(), "met_on": d.met_on.isoformat() if d.met_on else None, "met": d.met}
            for d in view.deadlines
        ],
        "notices": [{"kind": n.kind, "deadline": n.deadline, "at": _utc(n.at)} for n in view.notices],
        "rejected": rejected,
        "events": [
            {"seq": e.seq, "at": _utc(e.at), "type": e.type, "stage": e.stage, "state": e.state, **readable(e.details, reasons)}
            for e in view.events
        ],
    }


def _utc(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat()
