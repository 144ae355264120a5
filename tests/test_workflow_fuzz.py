"""Workflow fuzz: a hypothesis state machine hunts for wedges in the real ComplaintWorkflow (issue 14).

It drives random runs of every command of `models/case.py` COMMANDS, as Updates and as Signals, with
valid and invalid values (far-future and past dates, unknown ids, stage-1 people acting at stage 2,
repeated command ids, a handler with CR/LF), calendar changes after a new closure day (also one inside an
agreed update interval, Code 5.9), time jumps past deadlines and past the 12-month stage-2 listening window,
linked cases started with a command at once, a worker restart, a profile revision followed by a late
request that reopens an ended case under its old version, and cases that continue as new in the middle of
a sequence (some cases start with a small `history_events_limit`), on the real time-skipping test server
with the real worker and read model.

After every step, for every case of the example:
1. no workflow task failed (history has no WorkflowTaskFailed) and nothing is stuck: an Update or a
   query answers within a few seconds, and the case settles (no task pending, no activity retrying);
2. a refused Update carries a structured refusal (field, rule, message) and leaves no event;
3. the `case` query's state, stage and deadlines (name, due, met) equal the read model's;
4. each notice at most once (timeline and outbox), a command id applies at most once;
5. a workflow that has ended leaves no deadline open and no next deadline in the read model;
and at the end of each example (and after a worker restart) every history replays with today's code: every
run of the case, the ones it continued as new from and the ones that ended before it was reopened.

The server is started once per module and shared by every example; each example's cases run one
after another (the time-skipping server is fragile under concurrent workflows). Hypothesis runs on a
thread of the test; the server, client and worker live on an event loop of their own thread, so every
call has a hard timeout and a wedge fails fast instead of hanging.

Bounded profile (`make test`): FUZZ_EXAMPLES (default 10) examples of FUZZ_STEPS (default 15) steps.
FUZZ_VERBOSE=1 prints every example's steps and errors; FUZZ_SHRINK=0 skips shrinking (faster hunting); FUZZ_WITHOUT=far_dates,crlf leaves out known wedges.
Long profile (`make faults`, marker `faults`): FUZZ_LONG_EXAMPLES (default 150) of 30 steps.
`pytest --hypothesis-seed=N` fixes the seed; a failure prints its steps, notes and a `@reproduce_failure` blob.
"""

import asyncio
import concurrent.futures
import itertools
import os
import shutil
import threading
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, Verbosity, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from pydantic import ValidationError
from sqlmodel import Session, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest, DescribeWorkflowExecutionResponse
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer

from models.calendar import local_date
from models.case import OUTSIDE_WINDOW, CalendarChanged, CaseInput, CaseSummary, CaseView
from models.commands import COMMANDS
from models.policy import POLICY_DIR_ENV, PolicyProfile, load_profile
from models.refusal import refusal_of
from models.settings import Settings
from models.tables import Case, CaseDeadline, Notice, add_closures
from casework.updates import reopen
from starter.simulate import _clock_offset, simulator
from tests.mailbox import Mailbox
from tests.test_policy_versions import POLICIES as REPO_POLICIES, publish_revision
from worker import build_worker, workflow_runner
from workflows.complaint import ComplaintWorkflow

TASK_QUEUE = "workflow-fuzz"
RPC = timedelta(seconds=5)
"""Every Update, query and describe gets this long: a wedged case fails the step instead of hanging."""
SETTLE = 25.0
"""Seconds a case may take, after a step, to have no workflow task pending and no activity running. Long,
because without a worker cache a task that overlaps another case's local activity can wait out the
10-second task timeout; a retrying activity and a failed task are reported at once, not after this."""
SETTLE_POLL = 0.1
"""Seconds between two looks at a settling case; quiet twice running is settled. Every step of every example
settles each of its cases, so this is most of the fuzz's time."""
SIGNAL_NAMES = {"extend": "extension_agreed", "request_stage2": "stage2_requested"}
POLICIES = ["code-2024", "greatwell-homes", "together-housing", "wrekin", "wolverhampton-homes"]
WITHOUT = set(filter(None, os.environ.get("FUZZ_WITHOUT", "").split(",")))
"""Knobs to leave a known wedge out while hunting for others: `far_dates`, `crlf`."""
FAR_DATES = [date(2020, 1, 1)] + ([] if "far_dates" in WITHOUT else [date(2031, 6, 1), date(2029, 12, 31), date(9999, 12, 31)])
PEOPLE = ["alice", "bob", "carol"]
CRLF_HANDLER = "dave\r\nBcc: everyone@example.org"
TERMINAL = (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
MAX_CASES = 2
SHORT_HISTORY = 40
"""The `history_events_limit` some cases start with: they continue as new every few commands."""
"""A handful of cases per example: the time-skipping server slows down with many workflows' timers."""
_numbers = itertools.count(1)


class Wedge(AssertionError):
    """A call that did not answer in time, or a case that never settled."""


# ---- the shared server, read model and worker, on an event loop of their own --------------------


class Harness:
    """The time-skipping server, read model and a restartable worker (mail on, to a local SMTP)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fuzz-loop", daemon=True)
        self._thread.start()
        self._stack = AsyncExitStack()
        self.run(self._start(), 180, "starting the test server and worker")

    def run(self, coroutine, timeout: float, what: str) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise Wedge(f"{what}: no answer within {timeout:.0f} s") from None

    async def _start(self) -> None:
        self.sim = await self._stack.enter_async_context(simulator())
        self.env, self.engine = self.sim.env, self.sim.engine
        self.mailbox = Mailbox().start()
        self._stack.callback(self.mailbox.stop)
        self.settings = Settings(SMTP_HOST="127.0.0.1", SMTP_PORT=self.mailbox.port, SMTP_TIMEOUT_SECONDS=3)
        self._start_worker()

    def _start_worker(self) -> None:
        # No sticky cache: every workflow task replays the case from history (so nondeterminism shows at
        # once), and a restart leaves no sticky queue behind for the time-skipping server to wait on.
        self.worker = build_worker(self.env.client, self.engine, TASK_QUEUE, settings=self.settings, max_cached_workflows=0)
        self._worker_run = asyncio.ensure_future(self.worker.run())

    async def restart_worker(self) -> None:
        """Shut the worker down (its cache goes with it) and start a fresh one: cases replay from history."""
        await self.worker.shutdown()
        try:
            await self._worker_run
        except Exception:  # the run's own error, if any, is not what this restart tests
            pass
        self._start_worker()

    async def _stop(self) -> None:
        await self.worker.shutdown()
        await self._stack.aclose()

    def close(self) -> None:
        try:
            self.run(self._stop(), 60, "stopping the test server")
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)


HARNESS: Harness | None = None


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """The harness, with every profile load (worker and test alike) reading a copy of `policies/` that the
    machine revises (`reopen_after_revision`)."""
    global HARNESS
    policy_dir = tmp_path_factory.mktemp("fuzz") / "policies"
    shutil.copytree(REPO_POLICIES, policy_dir)
    before = os.environ.get(POLICY_DIR_ENV)
    os.environ[POLICY_DIR_ENV] = str(policy_dir)
    HARNESS = Harness()
    HARNESS.policy_dir = policy_dir
    try:
        yield HARNESS
    finally:
        HARNESS.close()
        HARNESS = None
        if before is None:
            os.environ.pop(POLICY_DIR_ENV, None)
        else:
            os.environ[POLICY_DIR_ENV] = before


# ---- what the machine sends --------------------------------------------------------------------

DATES = st.one_of(
    st.integers(-40, 420).map(lambda days: ("today+", days)),
    st.sampled_from(FAR_DATES).map(lambda day: ("on", day)),
)
"""A date as the rule draws it: relative to the case's business today, or a fixed (often far) date."""
OCCURRED = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.sampled_from([-3, -400 * 24, 48]).map(lambda hours: ("now+h", hours)),
)
"""When the action happened: mostly now (None); sometimes before the last event, long ago, or in the future."""
BASE = {
    "actor": st.none() | st.sampled_from(PEOPLE),
    "occurred_at": OCCURRED,
    "on_behalf_of": st.none() | st.none() | st.sampled_from(["rep-1", "rep-2"]),
}
IDS = st.sampled_from(["a1", "a2", "a3", "nope"])
FIELDS: dict[str, st.SearchStrategy[dict]] = {
    "log_stage1": st.fixed_dictionaries({}),
    "acknowledge": st.fixed_dictionaries({}, optional={"definition_ref": st.sampled_from(["def-1", "def-2"])}),
    "extend": st.fixed_dictionaries(
        {
            "working_days": st.sampled_from([1, 5, 10, 11, 20, 21, 60]),
            "reason_ref": st.sampled_from(["why-1", "why-2"]),
        },
        optional={
            "agreed_with_resident": st.booleans(),
            "ombudsman_details_given": st.booleans(),
            "good_reason_ref": st.sampled_from(["why-3"]),
        },
    ),
    "respond": st.fixed_dictionaries(
        {
            "outcome": st.sampled_from(["upheld", "partly_upheld", "not_upheld"]),
        },
        optional={
            "actions": st.lists(st.tuples(IDS, DATES), max_size=2),
            "letter_ref": st.sampled_from(["letter-1"]),
        },
    ),
    "request_stage2": st.fixed_dictionaries({}),
    "resident_input": st.fixed_dictionaries({}, optional={"note_ref": st.sampled_from(["note-1", "note-2"])}),
    "withdraw": st.fixed_dictionaries({}),
    "exclude": st.fixed_dictionaries(
        {"reason_ref": st.just("why-4")},
        optional={
            "ground": st.sampled_from(["older_than_window", "legal_proceedings", "no_such_ground"]),
        },
    ),
    "close": st.fixed_dictionaries({}),
    "assign": st.fixed_dictionaries(
        {"handler": st.sampled_from(PEOPLE + ["dora"] + ([] if "crlf" in WITHOUT else [CRLF_HANDLER]))}
    ),
    "add_complaint": st.fixed_dictionaries({"definition_ref": st.sampled_from(["def-2", "def-3"])}),
    "complete_action": st.fixed_dictionaries({"action_id": IDS}),
    "schedule_review": st.fixed_dictionaries(
        {
            "review_id": st.sampled_from(["r1", "r2", "nope"]),
            "kind": st.sampled_from(["adjustment", "restriction"]),
            "review_on": DATES,
        }
    ),
    "record_review": st.fixed_dictionaries(
        {"review_id": st.sampled_from(["r1", "r2", "nope"])},
        optional={
            "next_review_on": DATES,
        },
    ),
    "record_consent": st.fixed_dictionaries(
        {"representative_ref": st.sampled_from(["rep-1", "rep-2"])},
        optional={
            "given": st.booleans(),
        },
    ),
    "accept_outside_window": st.fixed_dictionaries(
        {
            "exception": st.sampled_from(["good_reason_discretion", "safeguarding", "recurring_issue", "no_such_reason"]),
            "reason_ref": st.just("why-5"),
        }
    ),
    "agree_update_interval": st.fixed_dictionaries({"working_days": st.sampled_from([1, 2, 5, 20])}),
    "record_update": st.fixed_dictionaries({}),
    "ombudsman_referral": st.fixed_dictionaries({"ombudsman_ref": st.sampled_from(["202601234", "HOS/2026/9"])}),
    "ombudsman_evidence_requested": st.fixed_dictionaries({"due_on": DATES}),
    "ombudsman_evidence_sent": st.fixed_dictionaries({}),
    "ombudsman_determination": st.fixed_dictionaries(
        {
            "findings": st.lists(
                st.tuples(
                    st.sampled_from(["complaint_handling", "repairs"]),
                    st.sampled_from(["maladministration", "no_maladministration"]),
                ),
                min_size=1,
                max_size=2,
            ),
            "orders": st.lists(st.tuples(IDS, st.sampled_from(["apology", "compensation"]), DATES), max_size=2),
        }
    ),
    "ombudsman_order_complied": st.fixed_dictionaries({"order_id": IDS}, optional={"evidence_ref": st.just("ev-1")}),
    "complaint_handling_failure_order": st.fixed_dictionaries(
        {
            "reason": st.sampled_from(["not_progressed", "evidence_not_provided"]),
            "issued_on": DATES,
        }
    ),
}
assert set(FIELDS) == set(COMMANDS), "every command of models/case.py is fuzzed"

RECEIVED = st.one_of(
    st.sampled_from(
        [
            datetime(2026, 12, 18, 10, 17, tzinfo=timezone.utc),
            datetime(2024, 2, 29, 10, 17, tzinfo=timezone.utc),
            datetime(2029, 12, 21, 10, 17, tzinfo=timezone.utc),
            datetime(2019, 6, 3, 10, 17, tzinfo=timezone.utc),
            datetime(2035, 1, 2, 10, 17, tzinfo=timezone.utc),
        ]
    ),
    st.dates(date(2020, 1, 1), date(2032, 12, 31)).map(
        lambda day: datetime(day.year, day.month, day.day, 10, 17, tzinfo=timezone.utc)
    ),
)
"""Received instants (10:17 UTC: steps stay clear of notice timers, which fire on whole hours)."""
JUMPS = st.sampled_from(
    [
        timedelta(hours=5),
        timedelta(days=1),
        timedelta(days=3),
        timedelta(days=8),
        timedelta(days=16),
        timedelta(days=40),
        timedelta(days=370),
        timedelta(days=400),
    ]
)


@dataclass
class FuzzCase:
    reference: str
    landlord: str
    handle: WorkflowHandle
    policy: PolicyProfile
    offset: timedelta
    anchored: bool = False
    applied_ids: set[str] = field(default_factory=set)
    ended_runs: list[str] = field(default_factory=list)
    """Run ids of runs that ended before the case was reopened (replayed with the rest)."""
    sent: list[tuple[str, str, Any]] = field(default_factory=list)
    """(via, name, payload) of every command sent, to repeat one."""


# ---- the machine ---------------------------------------------------------------------------------


class WorkflowFuzz(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert HARNESS is not None, "use the `harness` fixture"
        self.h = HARNESS
        self.cases: list[FuzzCase] = []
        self.example = next(_numbers)
        self._pending_notes: list[str] = []

    def run(self, coroutine, timeout: float = 30, what: str = "step"):
        try:
            return self.h.run(coroutine, timeout, what)
        finally:
            while self._pending_notes:  # `note` works only on the test's thread
                note(self._pending_notes.pop(0))

    # -- opening cases --

    @initialize(
        policy=st.sampled_from(POLICIES),
        received=RECEIVED,
        region=st.sampled_from(["ENG", "WLS", "SCT", "NIR"]),
        informal=st.sampled_from([None, None, True, False]),
        outside=st.booleans(),
        handler=st.none() | st.sampled_from(PEOPLE),
        anchored=st.booleans() | st.just(True),
        age_days=st.sampled_from([0, 3, 30, 400, 2500]),
        history_limit=st.sampled_from([None, None, SHORT_HISTORY]),
    )
    def open_case(self, policy, received, region, informal, outside, handler, anchored, age_days, history_limit):
        """A case under `policy`; anchored at `received` (business clock = received), or received
        `age_days` before the server's now (a complaint logged late, or far in the past); with
        `history_limit`, it continues as new every few commands."""
        self.run(
            self._open(
                [
                    dict(
                        policy=policy,
                        received=received,
                        region=region,
                        informal=informal,
                        outside=outside,
                        handler=handler,
                        anchored=anchored,
                        age_days=age_days,
                        history_limit=history_limit,
                    )
                ]
            ),
            60,
            "opening a case",
        )

    async def _open(self, specs: list[dict], first_command: tuple[str, dict] | None = None) -> None:
        # Land the server on hh:17 so that no whole-hour timer fires mid-step, whatever the anchoring.
        now = await self.h.env.get_current_time()
        aligned = now.replace(minute=17, second=0, microsecond=0)
        await self.h.sim.sleep_until(aligned if aligned > now else aligned + timedelta(hours=1))
        now = await self.h.env.get_current_time()
        for spec in specs:
            number = next(_numbers)
            profile = load_profile(spec["policy"])
            received = spec["received"] if spec["anchored"] else now - timedelta(days=spec["age_days"])
            reference = f"FUZ-{received.year:04d}-{number:06d}"
            landlord = f"fuzz-{self.example}"
            case = CaseInput(
                reference=reference,
                landlord=landlord,
                policy_id=profile.id,
                policy_version=profile.version,
                region=spec["region"],
                received_at=received,
                informal=spec["informal"],
                flags=(OUTSIDE_WINDOW,) if spec["outside"] else (),
                handler=spec["handler"],
                clock_anchored_to_received=spec["anchored"],
                history_events_limit=spec.get("history_limit"),
            )
            self._pending_notes.append(f"open {reference}: {case.model_dump_json(exclude_defaults=True)}")
            handle = await self.h.env.client.start_workflow(ComplaintWorkflow.run, case, id=reference, task_queue=TASK_QUEUE)
            if first_command is not None:
                # As the service layer does for a linked case: a command at once, before the first task ran.
                name, payload = first_command
                result = await self._update(handle, name, payload)
                if isinstance(result, BaseException) and refusal_of(result) is None:
                    raise Wedge(
                        f"{name} sent to the new case {handle.id} at once got no answer or an unstructured error: {result!r}"
                    )
            # One case at a time: the next starts once this one has recorded its receipt.
            offset = await asyncio.wait_for(_clock_offset(handle), 20)
            self.cases.append(FuzzCase(handle.id, landlord, handle, profile, offset, anchored=spec["anchored"]))
            if first_command is not None:
                self.cases[-1].sent.append(("update", *first_command))

    @precondition(lambda self: len(self.cases) < MAX_CASES)
    @rule(count=st.integers(1, 2), policy=st.sampled_from(POLICIES))
    def add_linked_cases(self, count, policy):
        """Unrelated additional complaints: new linked cases, each sent a command straight after its start
        (as `add_complaint` does for an unrelated complaint); one after another, as the server needs."""
        parent = self.cases[0]
        received = self.run(self._business_now(parent))
        received = received.replace(minute=17, second=0, microsecond=0)
        consent = COMMANDS["record_consent"](command_id=f"linked-{next(_numbers)}-consent", representative_ref="rep-1")
        # Received a few days apart, so that their timers rarely fire at the same instant.
        self.run(
            self._open(
                [
                    dict(
                        policy=policy,
                        received=received - timedelta(days=3 * k),
                        region="ENG",
                        informal=None,
                        outside=False,
                        handler="alice",
                        anchored=True,
                        age_days=0,
                    )
                    for k in range(min(count, MAX_CASES - len(self.cases)))
                ],
                first_command=("record_consent", consent),
            ),
            90,
            "opening linked cases",
        )

    # -- commands --

    def _command(self, case_index: int, name: str, fields: dict, base: dict, via: str, command_id: str | None = None):
        case = self.cases[case_index % len(self.cases)]
        today_now = self.run(self._business_now(case))
        payload = {k: _resolve(v, today_now) for k, v in {**base, **fields}.items() if v is not None}
        if "actions" in payload:
            payload["actions"] = [{"action_id": i, "target_on": _resolve(d, today_now)} for i, d in fields["actions"]]
        if "findings" in payload:
            payload["findings"] = [{"element": e, "finding": f} for e, f in fields["findings"]]
        if "orders" in payload:
            payload["orders"] = [{"order_id": i, "kind": k, "due_on": _resolve(d, today_now)} for i, k, d in fields["orders"]]
        allowed = COMMANDS[name].model_fields
        payload = {k: v for k, v in payload.items() if k in allowed}  # fields the lead may remove (Extend)
        payload["command_id"] = command_id or f"cmd-{next(_numbers)}"
        try:
            command = COMMANDS[name].model_validate(payload)
        except ValidationError as invalid:  # refused at the payload's own boundary (a CR/LF handler is no StaffName)
            note(f"{name} refused before sending: {invalid.errors()[0]['loc']}")
            return
        self._send(case, via, name, command)

    def _send(self, case: FuzzCase, via: str, name: str, command) -> None:
        note(f"{via} {name} to {case.reference}: {command.model_dump_json(exclude_none=True)}")
        case.sent.append((via, name, command))
        before = self._timeline(case)
        history_before = self._history(case)
        if via == "signal":
            try:
                self.run(case.handle.signal(SIGNAL_NAMES.get(name, name), command, rpc_timeout=RPC), 10, f"signal {name}")
            except RPCError as err:
                self._assert_ended(case, f"signal {name} failed: {err}")
            return
        outcome = self.run(self._update(case.handle, name, command), 15, f"Update {name}")
        self._check_no_task_failure(case)
        if isinstance(outcome, WorkflowUpdateFailedError):
            refusal = refusal_of(outcome)
            assert refusal is not None and refusal.field and refusal.rule and refusal.message, (
                f"Update {name} on {case.reference} failed without a structured refusal: {outcome!r}, cause {outcome.cause!r}"
            )
            note(f"  refused: {refusal.field} / {refusal.rule}: {refusal.message}")
            recorded = self._recorded_since(case, before)
            assert not recorded, f"refused {name} left events on {case.reference}: {recorded}"
            new = self._history(case).events[len(history_before.events) :]
            traces = [e for e in new if e.event_type in TERMINAL]
            assert not traces, f"refused {name} left Update events in {case.reference}'s history: {traces}"
        elif isinstance(outcome, BaseException):
            self._assert_ended(case, f"Update {name} got no answer within {RPC.seconds} s: {outcome!r}")
        elif command.command_id in case.applied_ids:
            recorded = self._recorded_since(case, before)
            assert not recorded, f"repeated command id {command.command_id} was applied again: {recorded}"

    @staticmethod
    async def _update(handle: WorkflowHandle, name: str, command):
        try:
            return await asyncio.wait_for(
                handle.execute_update(name, command, result_type=CaseSummary, rpc_timeout=RPC), RPC.seconds + 3
            )
        except (WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, RPCError, asyncio.TimeoutError) as err:
            return err

    # (No precondition may depend on what the workflow answered, as `sent` does through `advance`:
    # hypothesis needs an example to draw the same way each time it runs it.)

    def _sent(self) -> list[tuple[int, str, Any]]:
        return [(i, name, command) for i, c in enumerate(self.cases) for _, name, command in c.sent]

    @rule(pick=st.integers(0, 1000), via=st.sampled_from(["update", "signal"]))
    def repeat_a_command(self, pick, via):
        """A command sent before, again (same command_id, same payload): a no-op if it had applied."""
        sent = self._sent()
        if not sent:
            return
        index, name, command = sent[pick % len(sent)]
        self._send(self.cases[index], via, name, command)

    @rule(
        pick=st.integers(0, 1000),
        name=st.sampled_from(["log_stage1", "request_stage2", "withdraw", "close"]),
        via=st.sampled_from(["update", "signal"]),
    )
    def command_id_reused_for_another_command(self, pick, name, via):
        """A command id sent before, now with another action: a no-op if the first had applied."""
        sent = self._sent()
        if not sent:
            return
        index, _, command = sent[pick % len(sent)]
        self._command(index, name, {}, {}, via, command_id=command.command_id)

    @rule(
        case_index=st.integers(0, 3),
        pick=st.integers(0, 1000),
        promise=st.integers(-1, 2),
        when=st.integers(1, 60).map(lambda days: ("today+", days)) | DATES,
        via=st.sampled_from(["update", "update", "signal"]),
    )
    def advance(self, case_index, pick, promise, when, via):
        """One of the actions the case allows now, with valid values, so runs reach stage 2, promised
        actions, reviews and closing. (The draw is an index; which action it names depends on the case.)"""
        case = self.cases[case_index % len(self.cases)]
        allowed = sorted(self._view(case).allowed_actions)
        if not allowed:
            return
        name = allowed[pick % len(allowed)]
        fields = {
            "acknowledge": {"definition_ref": "def-1"},
            "extend": {"working_days": 1 + pick % 5, "reason_ref": "why-1", "agreed_with_resident": True},
            "respond": {"outcome": "upheld", "actions": [(f"a{k + 1}", when) for k in range(max(promise, 0))]},
            "exclude": {"reason_ref": "why-4"},
            "assign": {"handler": "dora"},
            "add_complaint": {"definition_ref": "def-2"},
            "schedule_review": {"review_id": f"r{1 + pick % 2}", "kind": "adjustment", "review_on": when},
            "record_consent": {"representative_ref": "rep-1"},
            "accept_outside_window": {
                "exception": (case.policy.complaint_window.exceptions or ["none"])[0],
                "reason_ref": "why-5",
            },
            "ombudsman_referral": {"ombudsman_ref": "202601234"},
            "ombudsman_evidence_requested": {"due_on": when},
            "ombudsman_determination": {
                "findings": [("complaint_handling", "maladministration")],
                "orders": [(f"o{k + 1}", "apology", when) for k in range(max(promise, 0))],
            },
            "complaint_handling_failure_order": {"reason": "not_progressed", "issued_on": ("today+", 0)},
        }.get(name, {})
        if name in ("complete_action", "record_review", "ombudsman_order_complied"):
            prefix, key = {
                "complete_action": ("action.", "action_id"),
                "record_review": ("review.", "review_id"),
                "ombudsman_order_complied": ("ombudsman.order.", "order_id"),
            }[name]
            open_ids = sorted(
                d.name.removeprefix(prefix)
                for d in self._view(case).deadlines
                if d.name.startswith(prefix) and d.met_on is None and not d.cancelled
            )
            fields = {key: (open_ids or ["none"])[pick % max(len(open_ids), 1)]}
        self._command(case_index, name, fields, {}, via)

    # -- calendar, time and the worker --

    @rule(case_index=st.integers(0, 3), days_ahead=st.integers(0, 25))
    def closure_day_announced(self, case_index, days_ahead):
        """A new closure day in the read model, then `calendar_changed` to the case."""
        case = self.cases[case_index % len(self.cases)]
        day = local_date(self.run(self._business_now(case))) + timedelta(days=days_ahead)
        note(f"closure {day} for {case.landlord}; calendar_changed to {case.reference}")
        add_closures(self.h.engine, case.landlord, [day], "closure", "fuzz closure")
        try:
            self.run(
                case.handle.signal(
                    ComplaintWorkflow.calendar_changed, CalendarChanged(change="closure_added", days=(day,)), rpc_timeout=RPC
                ),
                10,
                "calendar_changed",
            )
        except RPCError as err:
            self._assert_ended(case, f"calendar_changed failed: {err}")

    @rule(case_index=st.integers(0, 3), interval=st.sampled_from([5, 10]))
    def closure_inside_update_interval(self, case_index, interval):
        """A closure day on the due day of the open `update.<n>` (first acknowledging, letting the response go
        late and agreeing an interval, where the case allows): after `calendar_changed` the update falls due on
        a later working day, as every other deadline would (issue 24 item 7)."""
        case = self.cases[case_index % len(self.cases)]
        self._progress(case_index, ("acknowledge",))
        view = self._view(case)
        respond = [d for d in view.deadlines if d.name == f"stage{view.stage}.respond" and d.met is None and not d.cancelled]
        if respond and not self._open_update(case) and "agree_update_interval" not in view.allowed_actions:
            today = local_date(self.run(self._business_now(case)))
            self.time_passes(timedelta(days=max((respond[0].due - today).days + 1, 1)))
        if "agree_update_interval" in self._view(case).allowed_actions and not self._open_update(case):
            self._command(case_index, "agree_update_interval", {"working_days": interval}, {}, "update")
        update = self._open_update(case)
        today = local_date(self.run(self._business_now(case)))
        if update is None or update.due <= today or self._status(case) != WorkflowExecutionStatus.RUNNING:
            return
        note(f"closure {update.due} (the due day of {update.name}) for {case.landlord}; calendar_changed to {case.reference}")
        add_closures(self.h.engine, case.landlord, [update.due], "closure", "fuzz closure")
        self.run(
            case.handle.signal(
                ComplaintWorkflow.calendar_changed, CalendarChanged(change="closure_added", days=(update.due,)), rpc_timeout=RPC
            ),
            10,
            "calendar_changed",
        )
        self._settle(case)
        after = {d.name: d for d in self._view(case).deadlines}[update.name]
        if after.met is None and not after.cancelled:
            assert after.due > update.due, (
                f"{case.reference}: {update.name} still due {after.due} after its due day {update.due} became a closure day"
            )

    def _open_update(self, case: FuzzCase):
        """The latest open `update.<n>` deadline (Code 5.9), if any."""
        open_ = [
            d
            for d in self._view(case).deadlines
            if d.name.startswith("update.") and d.met is None and d.met_on is None and not d.cancelled
        ]
        return max(open_, key=lambda d: int(d.name.removeprefix("update.")), default=None)

    @rule(case_index=st.integers(0, 3), action=st.sampled_from(["request_stage2", "ombudsman_referral"]))
    def reopen_after_revision(self, case_index, action):
        """The case's profile is revised (a new published version), then a late request reopens the ended case
        as the service layer does (Update-with-Start): it answers, or refuses with a structured refusal, and a
        reopened case runs under the version it was opened under (issue 24 item 1)."""
        case = self.cases[case_index % len(self.cases)]
        if self._status(case) == WorkflowExecutionStatus.RUNNING:  # close it, and let its listening window end
            self._progress(case_index, ("acknowledge", "respond", "close"))
            if self._status(case) == WorkflowExecutionStatus.RUNNING and self._view(case).state == "closed":
                self.time_passes(timedelta(days=370))
        raw = self.run(_describe(case.handle), 10, "describe")
        if raw.workflow_execution_info.status != WorkflowExecutionStatus.COMPLETED:
            return  # running, or failed at its start (a received date the case refused): nothing to reopen
        revised = publish_revision(self.h.policy_dir, case.policy.id, '\nlandlord = "', '\nlandlord = "Revised: ')
        fields = {"ombudsman_ref": "202601234"} if action == "ombudsman_referral" else {}
        command = COMMANDS[action].model_validate({"command_id": f"cmd-{next(_numbers)}", **fields})
        at = self.run(self._business_now(case)) if case.anchored else None
        note(f"{case.policy.id} revised to version {revised}; {action} reopens {case.reference}")
        case.ended_runs.append(raw.workflow_execution_info.execution.run_id)
        outcome = self.run(self._reopen(case, action, command, at), 30, f"reopening {case.reference}")
        if outcome is None:
            note("  the lifecycle does not reopen it for this request")
            return
        if isinstance(outcome, WorkflowUpdateFailedError):
            refusal = refusal_of(outcome)
            assert refusal is not None and refusal.field and refusal.rule and refusal.message, (
                f"reopening {case.reference} failed without a structured refusal: {outcome!r}, cause {outcome.cause!r}"
            )
            note(f"  refused: {refusal.field} / {refusal.rule}: {refusal.message}")
        elif isinstance(outcome, BaseException):
            raise AssertionError(f"reopening {case.reference} after a revision failed: {outcome!r}") from outcome
        case.offset = self.run(asyncio.wait_for(_clock_offset(case.handle), 20), 30, "clock offset")
        self._settle(case)
        view = self._view(case)
        assert view.policy_version == case.policy.version, (
            f"{case.reference} reopened under version {view.policy_version}, not its own {case.policy.version}"
        )

    def _progress(self, case_index: int, through: tuple[str, ...]) -> None:
        """Valid commands, in order, each only if the case allows it then: how a rule reaches the state it needs."""
        fields = {"acknowledge": {"definition_ref": "def-1"}, "respond": {"outcome": "not_upheld"}}
        for name in through:
            if name in self._view(self.cases[case_index % len(self.cases)]).allowed_actions:
                self._command(case_index, name, fields.get(name, {}), {}, "update")

    async def _reopen(self, case: FuzzCase, action: str, command, at: datetime | None):
        try:
            return await reopen(self.h.env.client, case.reference, TASK_QUEUE, action, command, at=at)
        except (WorkflowUpdateFailedError, RPCError) as err:
            return err

    async def _skip(self, leg: timedelta) -> None:
        """The simulator's skip, which asks again for what a loaded server gave up on part of the way."""
        await self.h.sim.sleep_until(await self.h.env.get_current_time() + leg)

    @rule(jump=JUMPS)
    def time_passes(self, jump):
        note(f"time passes: {jump}")
        try:
            left = jump
            while left > timedelta(0):  # in legs, so that no one call to the server runs for long
                leg = min(left, timedelta(days=20))
                self.run(self._skip(leg), 120, f"sleeping {leg} on the time-skipping server")
                left -= leg
        except (RPCError, Wedge) as err:
            # The server cannot skip past work that never ends; name the case that holds it up.
            for case in self.cases:
                self._check_no_task_failure(case)
                problem = self.run(self._settled(case.handle), SETTLE + 10, f"settling {case.reference}")
                if problem:
                    raise Wedge(f"time cannot pass ({err}): {case.reference} does not settle: {problem}") from None
            raise Wedge(f"time cannot pass: sleeping {jump} failed with {err!r}") from None

    @rule()
    def worker_restarts(self):
        note("worker restarts")
        self.run(self.h.restart_worker(), 60, "restarting the worker")
        for case in self.cases:
            self._settle(case)
            self._replay(case)

    # -- invariants --

    @invariant()
    def every_case_is_sound(self):
        for case in self.cases:
            self._check_no_task_failure(case)
            self._settle(case)
            self._check_no_task_failure(case)
            view = self._view(case)
            case.applied_ids |= {str(e.details["command_id"]) for e in view.events if "command_id" in e.details}
            self._check_read_model(case, view)
            self._check_once(case, view)
            self._check_ended_leaves_nothing_open(case, view)

    def teardown(self):
        try:
            for case in self.cases:
                self._replay(case)
        finally:
            for case in self.cases:
                try:
                    self.run(case.handle.terminate("fuzz example over"), 10, "terminate")
                except Exception:  # already ended
                    pass

    # ---- checks ----

    def _history(self, case: FuzzCase):
        return self.run(case.handle.fetch_history(rpc_timeout=RPC), 15, f"fetching {case.reference}'s history")

    def _check_no_task_failure(self, case: FuzzCase) -> None:
        for event in self._history(case).events:
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                failure = event.workflow_task_failed_event_attributes.failure
                raise AssertionError(
                    f"workflow task failed on {case.reference} (event {event.event_id}): {failure.message}\n"
                    f"{failure.stack_trace[-1500:]}"
                )

    def _settle(self, case: FuzzCase) -> None:
        problem = self.run(self._settled(case.handle), SETTLE + 10, f"settling {case.reference}")
        if problem:
            for _ in range(20):  # a retried task's failure event may lag its retry by a moment
                self._check_no_task_failure(case)
                time.sleep(0.25)
            raise Wedge(f"{case.reference} does not settle: {problem}")

    @staticmethod
    async def _settled(handle: WorkflowHandle) -> str | None:
        """None once nothing is pending; else what keeps the case busy (a retrying activity at once)."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + SETTLE
        quiet = 0
        while True:
            raw = await _describe(handle)
            if raw.workflow_execution_info.status != WorkflowExecutionStatus.RUNNING:
                return None
            for activity in raw.pending_activities:
                if activity.attempt > 1:
                    return (
                        f"activity {activity.activity_type.name} retrying (attempt {activity.attempt}): "
                        f"{activity.last_failure.message}"
                    )
            if raw.HasField("pending_workflow_task") and raw.pending_workflow_task.attempt > 1:
                return f"its workflow task is being retried (attempt {raw.pending_workflow_task.attempt}): it failed"
            busy = raw.HasField("pending_workflow_task") or len(raw.pending_activities) > 0
            quiet = 0 if busy else quiet + 1
            if quiet >= 2:
                return None
            if loop.time() > give_up:
                return f"still busy after {SETTLE:.0f} s: {raw.pending_workflow_task}, {list(raw.pending_activities)}"
            await asyncio.sleep(SETTLE_POLL)

    def _view(self, case: FuzzCase) -> CaseView:
        """The case's query. A query waits for the workflow task in flight, which on an uncached worker under
        load can outlast the RPC budget without anything being wrong; so a deadline is answered by settling
        the case (a wedged case fails there, naming what keeps it busy) and asking once more."""

        async def query():
            return await case.handle.query(ComplaintWorkflow.case, result_type=CaseView, rpc_timeout=RPC)

        try:
            return self.run(query(), 15, f"querying {case.reference}")
        except RPCError as err:
            self._check_no_task_failure(case)
            # The client's own deadline shows as CANCELLED "Timeout expired" (tonic), the server's as DEADLINE_EXCEEDED.
            if err.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                raise Wedge(f"query on {case.reference} failed: {err}") from None
            note(f"  query on {case.reference} hit the {RPC.seconds} s deadline; settling and asking again")
        self._settle(case)
        try:
            return self.run(query(), 15, f"querying {case.reference} again")
        except RPCError as err:
            raise Wedge(f"query on {case.reference} failed after it settled: {err}") from None

    def _timeline(self, case: FuzzCase) -> list[tuple[int, str]]:
        return [(e.seq, e.type) for e in self._view(case).events]

    def _recorded_since(self, case: FuzzCase, before: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Events recorded after `before` was taken. By sequence number, not by comparing timelines: a case
        that continued as new meanwhile no longer lists its older resident notes (workflows/continuation.py)."""
        last = max((seq for seq, _ in before), default=0)
        return [(seq, kind) for seq, kind in self._timeline(case) if seq > last]

    def _status(self, case: FuzzCase) -> WorkflowExecutionStatus:
        raw = self.run(_describe(case.handle), 10, "describe")
        return WorkflowExecutionStatus(raw.workflow_execution_info.status)

    def _assert_ended(self, case: FuzzCase, problem: str) -> None:
        """A command to a case whose workflow has ended may fail; to a running one it must answer."""
        self._check_no_task_failure(case)
        self._settle(case)  # a failing task shows here, the same way whatever the timing
        status = self._status(case)
        if status == WorkflowExecutionStatus.RUNNING:
            raise Wedge(f"{case.reference} is running but: {problem}")
        note(f"  {case.reference} has ended ({status.name}): {problem}")

    def _check_read_model(self, case: FuzzCase, view: CaseView) -> None:
        with Session(self.h.engine) as session:
            row = session.get(Case, case.reference)
            rows = session.exec(select(CaseDeadline).where(CaseDeadline.reference == case.reference)).all()
        assert row is not None, f"{case.reference} is not in the read model"
        assert (row.state, row.stage) == (view.state, view.stage), (
            f"{case.reference}: query says {view.state}/stage {view.stage}, read model {row.state}/stage {row.stage}"
        )
        queried = sorted((d.name, d.due, d.met) for d in view.deadlines)
        stored = sorted((d.name, d.due, d.met) for d in rows)
        assert queried == stored, f"{case.reference}: deadlines in the query {queried} != read model {stored}"

    def _check_once(self, case: FuzzCase, view: CaseView) -> None:
        notices = [
            (e.details.get("deadline"), e.details.get("kind"), e.details.get("due")) for e in view.events if e.type == "notice"
        ]
        repeated = {n for n in notices if notices.count(n) > 1}
        assert not repeated, f"{case.reference}: notices sent more than once: {sorted(map(str, repeated))}"
        with Session(self.h.engine) as session:
            outbox = session.exec(select(Notice).where(Notice.reference == case.reference)).all()
        keys = [(n.deadline, n.kind, n.due) for n in outbox]
        assert len(keys) == len(set(keys)), f"{case.reference}: outbox has duplicate notices: {sorted(keys)}"
        ids = [e.details["command_id"] for e in view.events if "command_id" in e.details]
        assert len(ids) == len(set(ids)), f"{case.reference}: a command id applied twice: {ids}"

    def _check_ended_leaves_nothing_open(self, case: FuzzCase, view: CaseView) -> None:
        if self._status(case) == WorkflowExecutionStatus.RUNNING:
            return
        open_ = [d.name for d in view.deadlines if d.met_on is None and d.met is None and not d.cancelled]
        assert not open_, f"{case.reference} ended ({view.state}, stage {view.stage}) with deadlines open: {open_}"
        with Session(self.h.engine) as session:
            row = session.get(Case, case.reference)
        assert row.next_deadline is None, (
            f"{case.reference} ended ({view.state}) but the read model still shows next deadline {row.next_deadline}"
        )

    def _replay(self, case: FuzzCase) -> None:
        """Replay every run of the case: the latest, the runs each continued as new from, and the runs that
        ended before a reopening (with theirs)."""

        async def replay():
            replayer = Replayer(
                workflows=[ComplaintWorkflow], workflow_runner=workflow_runner(), data_converter=pydantic_data_converter
            )
            client = self.h.env.client
            runs = 0
            for start in [None, *case.ended_runs]:
                run_id = start
                while True:
                    history = await client.get_workflow_handle(case.reference, run_id=run_id).fetch_history(rpc_timeout=RPC)
                    await replayer.replay_workflow(history)
                    runs += 1
                    run_id = history.events[0].workflow_execution_started_event_attributes.continued_execution_run_id
                    if not run_id:
                        break
            self._pending_notes.append(f"replayed {case.reference}: {runs} run(s)")

        self.run(replay(), 120, f"replaying {case.reference}")

    async def _business_now(self, case: FuzzCase) -> datetime:
        return await self.h.env.get_current_time() + case.offset


async def _describe(handle: WorkflowHandle) -> DescribeWorkflowExecutionResponse:
    """The raw description (the SDK's own `describe` cannot decode the test server's Datetime attributes)."""
    client = handle._client
    return await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(namespace=client.namespace, execution=WorkflowExecution(workflow_id=handle.id)),
        timeout=RPC,
    )


def _resolve(value: Any, now: datetime) -> Any:
    """A drawn date or instant as the payload carries it."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "today+":
        return local_date(now) + timedelta(days=value[1])
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "on":
        return value[1]
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "now+h":
        return now + timedelta(hours=value[1])
    return value


def _command_rule(name: str, rule_name: str):
    def send(self, case_index, fields, base, via):
        self._command(case_index, name, fields, base, via)

    send.__name__ = send.__qualname__ = rule_name  # hypothesis tells rules apart by name
    return rule(
        case_index=st.integers(0, 3),
        fields=FIELDS[name],
        base=st.fixed_dictionaries(BASE),
        via=st.sampled_from(["update", "signal"]),
    )(send)


def _alias(method, rule_name: str):
    """The same rule under another name, so hypothesis draws it more often."""

    def alias(self, **kwargs):
        return method(self, **kwargs)

    alias.__name__ = alias.__qualname__ = rule_name
    return rule(**method.hypothesis_stateful_rule.arguments)(alias)


for _name in COMMANDS:
    setattr(WorkflowFuzz, f"send_{_name}", _command_rule(_name, f"send_{_name}"))
# Valid progress and time are drawn more often, so that runs get deep (stage 2, promised actions,
# reviews, closing, the end of the listening window).
for _name in ("acknowledge", "respond", "request_stage2"):
    setattr(WorkflowFuzz, f"send_{_name}_again", _command_rule(_name, f"send_{_name}_again"))
WorkflowFuzz.advance_again = _alias(WorkflowFuzz.advance, "advance_again")
WorkflowFuzz.advance_once_more = _alias(WorkflowFuzz.advance, "advance_once_more")
WorkflowFuzz.time_passes_again = _alias(WorkflowFuzz.time_passes, "time_passes_again")


def _profile(examples: int, steps: int):
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
    if os.environ.get("FUZZ_SHRINK", "1") != "0":
        phases.append(Phase.shrink)
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=True,
        phases=phases,
        verbosity=Verbosity.debug if os.environ.get("FUZZ_VERBOSE") else Verbosity.normal,
    )


def _run(examples: int, steps: int) -> None:
    run_state_machine_as_test(WorkflowFuzz, settings=_profile(examples, steps))


def test_workflow_fuzz_bounded(harness):
    _run(int(os.environ.get("FUZZ_EXAMPLES", 10)), int(os.environ.get("FUZZ_STEPS", 15)))


@pytest.mark.faults
def test_workflow_fuzz_long(harness):
    _run(int(os.environ.get("FUZZ_LONG_EXAMPLES", 150)), int(os.environ.get("FUZZ_LONG_STEPS", 30)))
