"""`complaints act` for Awaab's Law steps, as people run it: the console script against a real Temporal dev
server and worker, with a SQLite read model; refusals name the field and the rule, exit 2."""

import asyncio
import os

import pytest

from accounts.users import create_user
from tests.dev_stack import dev_stack
from tests.test_case_cli import complaints
from tests.web_stack import PASSWORD
from worker import build_worker


@pytest.fixture(scope="module")
async def running():
    async with dev_stack() as (env, engine, directory):
        create_user(engine, "alice", "Alice", "handler", PASSWORD)
        async with build_worker(env.client, engine, "cli-hazards"):
            yield (
                {
                    **os.environ,
                    "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                    "DATABASE_URL": f"sqlite:///{directory / 'read.db'}",
                    "COMPLAINTS_TASK_QUEUE": "cli-hazards",
                },
                env.client,
            )


async def test_a_hazard_reported_on_a_complaint_is_triaged_and_refused_steps_say_why(running):
    stack, client = running
    filed = await complaints(
        stack,
        "file",
        "--text",
        "Black mould in the child's bedroom",
        "--channel",
        "phone",
        "--name",
        "Priya Example",
        "--email",
        "priya@example.org",
        "--intake-id",
        "hz-cli-1",
    )
    assert filed.exit_code == 0, filed.stderr
    complaint = filed.stdout.strip()

    reported = await complaints(stack, "act", complaint, "hazard_reported", "category=damp_and_mould", "--as", "alice")
    assert reported.exit_code == 0, reported.stderr
    hazard = reported.stdout.split(":")[0]
    assert hazard.startswith("HZD-") and len(hazard) == len("HZD-2026-000001")

    triaged = await complaints(stack, "act", hazard, "hazard_triaged", "level=emergency", "--as", "alice")
    assert triaged.exit_code == 0, triaged.stderr
    assert "emergency due " in triaged.stdout and "hazard_made_safe" in triaged.stdout

    early = await complaints(stack, "act", hazard, "hazard_summary_sent", "--as", "alice")
    assert early.exit_code == 2
    assert "refused: hazard_summary_sent: the written summary follows the investigation (reg 9)" in early.stderr

    wrong = await complaints(stack, "act", hazard, "hazard_triaged", "level=urgent", "--as", "alice")
    assert wrong.exit_code == 2 and wrong.stderr.startswith("refused: level: ")

    unknown = await complaints(
        stack, "act", "-", "hazard_reported", "category=mould_in_the_loft", "landlord=code-2024", "--as", "alice"
    )
    assert unknown.exit_code == 2 and "category: 'mould_in_the_loft' is not an HHSRS hazard category" in unknown.stderr

    query = 'HazardLevel = "emergency" AND HazardState = "open"'
    for _ in range(100):  # the Web UI's list of every open emergency hazard (visibility is eventually consistent)
        found = {execution.id async for execution in client.list_workflows(query)}
        if hazard in found:
            break
        await asyncio.sleep(0.2)
    assert found == {hazard}

    shown = await complaints(stack, "hazards", "show", hazard)
    assert shown.exit_code == 0, shown.stderr
    assert "Make safe within 24 hours: due " in shown.stdout and "triaged (level=emergency" in shown.stdout
    assert (await complaints(stack, "hazards", "show", "HZD-2026-999999")).exit_code == 2

    alone = await complaints(
        stack,
        "act",
        "-",
        "hazard_reported",
        "category=fire",
        "landlord=code-2024",
        "aware_at=2026-10-24T10:00+01:00",
        "--as",
        "alice",
    )
    assert alone.exit_code == 0, alone.stderr


async def test_the_readme_walkthrough_runs_to_a_made_safe_home(running):
    """docs/hazards.md's walkthrough: triage, all reasonable endeavours, the summary and the work, as printed there."""
    stack, _ = running
    filed = await complaints(
        stack,
        "file",
        "--text",
        "Black mould in the bedroom",
        "--channel",
        "phone",
        "--name",
        "Ann Example",
        "--email",
        "ann@example.org",
        "--intake-id",
        "hz-cli-readme",
    )
    complaint = filed.stdout.strip()
    hazard = (
        await complaints(stack, "act", complaint, "hazard_reported", "category=damp_and_mould", "--as", "alice")
    ).stdout.split(":")[0]
    for step in (
        ["hazard_triaged", "level=significant", 'vulnerabilities=["children"]'],
        ["hazard_access_attempt", "method=phone", "outcome=booked"],
        ["hazard_consent_sought", "consent_from=leaseholder", "method=letter", "consent=given"],
        ["hazard_investigated", "found=significant", "safety_work=true", "preventative_work=true"],
        ["hazard_accommodation_offered", "accommodation=temporary"],
        ["hazard_accommodation_declined"],
        ["hazard_summary_sent"],
        ["hazard_made_safe"],
        ["hazard_preventative_started"],
    ):
        done = await complaints(stack, "act", hazard, *step, "--as", "alice")
        assert done.exit_code == 0, (step, done.stderr)
        if step == ["hazard_summary_sent"]:  # the reg 9 letter is issued, filed with the complaint, to Ann's email
            assert f"The written summary was issued with {complaint}, to the resident by email (" in done.stdout
    shown = (await complaints(stack, "hazards", "show", hazard)).stdout
    assert "accommodation_declined" in shown and "consent_sought" in shown
    for clock in (
        "Investigate (reg 6)",
        "Written summary to the tenant (reg 9)",
        "Safety work (reg 11)",
        "Begin preventative work (reg 13)",
    ):
        line = next(line for line in shown.splitlines() if clock in line)
        assert ", met on " in line, line
