"""Worker Versioning (docs/upgrades.md): a worker given a build id joins its Worker Deployment, and cases
started on it run as auto-upgrade on the deployment's current version. Needs the dev server: the
time-skipping test server knows no deployments, so simulations run an unversioned worker (no build id)."""

from datetime import datetime, timezone

from temporalio.api.enums.v1 import VersioningBehavior
from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest

from models.case import Acknowledge, CaseInput, CaseSummary
from models.policy import load_profile
from models.settings import Settings
from tests.dev_stack import dev_stack
from worker import build_worker
from workflows.complaint import ComplaintWorkflow

BUILD = Settings(worker_deployment_name="complaints-test", worker_build_id="r23-test")


async def test_a_case_on_a_versioned_worker_runs_on_the_current_build_and_auto_upgrades():
    async with dev_stack(persistent=False) as (env, engine, _):
        async with build_worker(env.client, engine, "versioned", settings=BUILD):
            # what the deploy does once the new build's workers poll (docs/upgrades.md, "Deploying")
            await env.client.workflow_service.set_worker_deployment_current_version(
                SetWorkerDeploymentCurrentVersionRequest(
                    namespace=env.client.namespace,
                    deployment_name=BUILD.worker_deployment_name,
                    build_id=BUILD.worker_build_id,
                    allow_no_pollers=True,
                )
            )
            received = datetime.now(timezone.utc)
            handle = await env.client.start_workflow(
                ComplaintWorkflow.run,
                CaseInput(
                    reference="VER-2026-000001",
                    landlord="versioned",
                    policy_id="code-2024",
                    policy_version=load_profile("code-2024").version,
                    received_at=received,
                ),
                id="VER-2026-000001",
                task_queue="versioned",
            )
            await handle.execute_update(ComplaintWorkflow.opened)
            summary = await handle.execute_update(
                "acknowledge", Acknowledge(command_id="a1", definition_ref="definition-1"), result_type=CaseSummary
            )
            assert summary.state == "stage1_acknowledged"
            versioning = (await handle.describe()).raw_description.workflow_execution_info.versioning_info
            assert versioning.behavior == VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE
            assert versioning.deployment_version.build_id == "r23-test"
            assert versioning.deployment_version.deployment_name == "complaints-test"
