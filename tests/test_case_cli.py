"""`complaints file | act | show | list` as people run them: the console script, against a real Temporal
dev server and worker, with a SQLite read model."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.dev_stack import dev_stack
from worker import build_worker

COMPLAINTS = str(Path(sys.executable).parent / "complaints")


@pytest.fixture(scope="module")
async def stack():
    """A dev server, a worker on the task queue the CLI uses, and the environment the CLI needs."""
    async with dev_stack() as (env, engine, directory):
        async with build_worker(env.client, engine, "cli-cases"):
            yield {**os.environ, "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                   "DATABASE_URL": f"sqlite:///{directory / 'read.db'}", "COMPLAINTS_TASK_QUEUE": "cli-cases"}


async def complaints(environment: dict, *args: str) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(
        subprocess.run, [COMPLAINTS, *args], env=environment, capture_output=True, text=True, timeout=120
    )


async def test_file_act_show_and_list_from_the_command_line(stack):
    filed = await complaints(stack, "file", "--text", "Mould in the bathroom for three months", "--channel", "phone",
                             "--name", "Priya Example", "--email", "priya@example.org", "--intake-id", "cli-1")
    assert filed.returncode == 0, filed.stderr
    reference = filed.stdout.strip()
    assert reference.startswith("CMP-")
    again = await complaints(stack, "file", "--text", "Mould in the bathroom for three months", "--channel",
                             "phone", "--name", "Priya Example", "--intake-id", "cli-1")
    assert again.stdout.strip() == reference

    refused = await complaints(stack, "act", reference, "acknowledge", "--as", "alice")
    assert refused.returncode == 2
    assert "refused: points: Field required" in refused.stderr

    acknowledged = await complaints(stack, "act", reference, "acknowledge", "points=Mould not treated",
                                    "points=No reply to two emails", "--as", "alice")
    assert acknowledged.returncode == 0, acknowledged.stderr
    assert f"{reference}: stage1_acknowledged (stage 1)" in acknowledged.stdout

    wrong_state = await complaints(stack, "act", reference, "request_stage2", "--as", "alice")
    assert wrong_state.returncode == 2
    assert "request_stage2 is not allowed while the complaint is Stage 1 acknowledged" in wrong_state.stderr

    shown = await complaints(stack, "show", reference)
    assert shown.returncode == 0, shown.stderr
    for expected in ("Priya Example", "Mould not treated", "stage1.respond", "acknowledge", "actor=alice",
                     "acknowledgement"):
        assert expected in shown.stdout

    record = json.loads((await complaints(stack, "show", reference, "--json")).stdout)
    assert record["case"]["state"] == "stage1_acknowledged"
    assert "respond" in record["case"]["allowed_actions"], "the actions allowed now, as the workflow projected them"
    assert [d["points"] for d in record["definitions"]] == [["Mould not treated", "No reply to two emails"]]
    assert [e["type"] for e in record["events"]] == ["received", "acknowledge"]

    listed = await complaints(stack, "list", "--state", "stage1_acknowledged")
    assert reference in listed.stdout
    bad_filter = await complaints(stack, "list", "--state", "lost")
    assert bad_filter.returncode == 2 and "state: must be one of the lifecycle's states" in bad_filter.stderr


async def test_unknown_reference_and_bad_intake_are_refused_clearly(stack):
    unknown = await complaints(stack, "show", "CMP-2001-000001")
    assert unknown.returncode == 2 and "no complaint with reference 'CMP-2001-000001'" in unknown.stderr
    bad_channel = await complaints(stack, "file", "--text", "x", "--channel", "pigeon", "--name", "A")
    assert bad_channel.returncode == 2 and bad_channel.stderr.startswith("refused: channel:")
    anonymous = await complaints(stack, "file", "--text", "x", "--channel", "web", "--policy", "wolverhampton-homes")
    assert anonymous.returncode == 2
    assert "refused: resident: Wolverhampton Homes does not accept anonymous complaints" in anonymous.stderr
