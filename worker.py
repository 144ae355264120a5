"""Builds the Worker: every workflow and activity of the complaints system on one task queue."""

import asyncio
import logging
from typing import Any
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import LogForwardingConfig, LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import Worker, WorkerDeploymentConfig
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.calendar import CalendarActivities
from activities.calendar_fanout import CalendarFanOutActivities
from activities.hazards import HazardActivities, load_hazard_rules_activity, load_statutory_calendar
from activities.letters import LetterActivities
from activities.notices import NoticeActivities
from activities.policy import load_policy
from activities.read_model import ReadModelActivities
from casework.resident_mail import ResidentMailer
from models.settings import Settings
from models.tables import create_schema, make_engine
from workflows.calendar_fanout import CalendarFanOutWorkflow
from workflows.complaint import ComplaintWorkflow
from workflows.hazard import HazardWorkflow


def send_core_logs_to_python(level: str = "WARN") -> None:
    """Route the SDK core's logs through Python logging (stderr), so stdout stays for our own output."""
    forwarding = LogForwardingConfig(logger=logging.getLogger("temporalio.core"))
    logging_config = LoggingConfig(filter=TelemetryFilter(core_level=level, other_level="ERROR"), forwarding=forwarding)
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=logging_config)), error_if_already_set=False)


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox, with our deterministic modules and zoneinfo (Europe/London dates) passed through."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "zoneinfo",
            "numpy",
            "statemachine",
            "models",
            "workflows.calendar_span",
            "workflows.case_state",
            "workflows.commands",
            "workflows.continuation",
            "workflows.deadlines",
            "workflows.ladder",
            "workflows.lifecycle",
            "workflows.lifecycle_reasons",
            "workflows.views",
            "workflows.visibility",
        )
    )


def build_worker(
    client: Client,
    engine: Engine,
    task_queue: str,
    max_activity_threads: int = 16,
    settings: Settings | None = None,
    **options: Any,
) -> Worker:
    """The worker; `settings` turn on mail when they name an SMTP server (simulations never mail) and
    bound its cache of cases; `options` go to temporalio's Worker (tests turn off the sticky cache to
    restart workers)."""
    if settings is not None:
        options.setdefault("max_cached_workflows", settings.worker_cached_cases)
        if settings.worker_build_id:
            options.setdefault("deployment_config", deployment(settings))
    calendar = CalendarActivities(engine)
    read_model = ReadModelActivities(engine)
    notices = NoticeActivities(engine, settings)
    letters = LetterActivities(engine, settings)
    fan_out = CalendarFanOutActivities(engine, client)
    hazards = HazardActivities(engine)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ComplaintWorkflow, HazardWorkflow, CalendarFanOutWorkflow],
        workflow_runner=workflow_runner(),
        activities=[
            load_policy,
            calendar.load_calendar,
            read_model.project_case,
            notices.deliver_notice,
            letters.issue_letter,
            letters.mail_letter,
            fan_out.cases_to_replan_page,
            fan_out.signal_calendar_changed_batch,
            load_hazard_rules_activity,
            load_statutory_calendar,
            hazards.project_hazard,
            hazards.issue_hazard_summary,
        ],
        activity_executor=ThreadPoolExecutor(max_activity_threads),
        **options,
    )


def deployment(settings: Settings) -> WorkerDeploymentConfig:
    """This build as a Worker Deployment Version. Cases auto-upgrade to the current version at their next
    task, so a case open for a year runs today's code; a change that alters its commands ships behind
    `workflow.patched` and the stored histories of every release prove it (docs/upgrades.md)."""
    version = WorkerDeploymentVersion(deployment_name=settings.worker_deployment_name, build_id=settings.worker_build_id)
    return WorkerDeploymentConfig(
        version=version, use_worker_versioning=True, default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE
    )


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls_config(),
        data_converter=pydantic_data_converter,
    )


async def run_worker(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    create_schema(engine)
    client = await connect(settings)
    logging.info(
        "worker on task queue %s at %s, build %s",
        settings.task_queue,
        settings.temporal_address,
        settings.worker_build_id or "unversioned",
    )
    mailer = asyncio.create_task(ResidentMailer(engine, settings).run())  # the residents' outbox (decision 49)
    try:
        await build_worker(client, engine, settings.task_queue, settings=settings).run()
    finally:
        mailer.cancel()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run_worker(Settings()))
