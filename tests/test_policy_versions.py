"""Every published profile version stays loadable for ever (issue 24 item 1, DESIGN.md principle 6): a case
runs under the version it was opened under, even when it is reopened or its worker restarts after a revision."""

import asyncio
import json
import shutil
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from models.case import Acknowledge, CalendarChanged, CaseInput, CaseView
from models.policy_versions import FINGERPRINTS, VERSIONS, fingerprint, load_profile_version, version_problems
from models.policy import known_profile_ids, load_profile
from starter import simulate
from tests.cli_runner import complaints
from worker import build_worker
from workflows.complaint import ComplaintWorkflow


@pytest.fixture(scope="module")
async def sim(own_sim):
    """This module's cases stay open after its tests: they run on a test server of their own, so the
    shared one's time skips never wait on their timers (conftest.own_sim)."""
    return own_sim


POLICIES = Path(__file__).resolve().parent.parent / "policies"
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
ACKNOWLEDGED = datetime(2026, 3, 3, 10, tzinfo=timezone.utc)


def publish_revision(policy_dir: Path, profile_id: str, old: str, new: str) -> int:
    """Publish the next version of a profile as the module's docstring says: keep the current file as it was,
    change one value, raise the version, date it and record its fingerprint. Returns the new version."""
    current = policy_dir / f"{profile_id}.toml"
    version = load_profile(profile_id, policy_dir).version
    shutil.copy(current, policy_dir / VERSIONS / profile_id / f"{version}.toml")
    text = current.read_text()
    assert text.count(old) == 1 and f"\nversion = {version}\n" in text
    text = text.replace(old, new).replace(f"\nversion = {version}\n", f"\nversion = {version + 1}\n")
    current.write_text(text.replace("\npublished = 2026-12-01\n", "\npublished = 2027-01-04\n"))
    manifest = policy_dir / VERSIONS / FINGERPRINTS
    manifest.write_text(
        manifest.read_text().replace(f"[{profile_id}]\n", f'[{profile_id}]\n{version + 1} = "{fingerprint(current)}"\n')
    )
    assert version_problems(profile_id, policy_dir) == []
    return version + 1


@pytest.fixture
def policy_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the repo's policies, used by every load in this process (CLI, scenario and worker alike)."""
    copy = tmp_path / "policies"
    shutil.copytree(POLICIES, copy)
    monkeypatch.setenv("COMPLAINTS_POLICY_DIR", str(copy))
    return copy


def test_every_published_version_is_on_disk_unchanged_and_dated():
    for profile_id in known_profile_ids(POLICIES):
        assert version_problems(profile_id, POLICIES) == [], profile_id
        assert load_profile_version(profile_id, 1, POLICIES).published == date(2026, 11, 23)


def test_a_published_version_changed_in_place_fails_policy_check(policy_copy):
    profile = policy_copy / "code-2024.toml"
    profile.write_text(profile.read_text().replace("respond_working_days = 20\n", "respond_working_days = 15\n", 1))
    done = complaints("policy", "check", "code-2024")
    assert done.exit_code == 2
    assert "code-2024 version 2: a published version may not change" in done.stderr
    assert "publish the change as version 3" in done.stderr
    comments_only = policy_copy / "wrekin.toml"
    comments_only.write_text(comments_only.read_text() + "\n# a corrected comment changes no value\n")
    assert version_problems("wrekin", policy_copy) == []


def test_policy_versions_lists_each_version_with_its_date(policy_copy):
    publish_revision(policy_copy, "wrekin", "respond_working_days = 10\n", "respond_working_days = 9\n")
    done = complaints("policy", "versions", "wrekin", "--format", "json")
    assert done.exit_code == 0, done.stderr
    listed = [(row["version"], row["published"], row["current"], row["file"]) for row in json.loads(done.stdout)]
    assert listed == [
        (1, "2026-11-23", False, "policies/versions/wrekin/1.toml"),
        (2, "2026-12-01", False, "policies/versions/wrekin/2.toml"),
        (3, "2027-01-04", True, "policies/wrekin.toml"),
    ]


async def test_a_scenario_runs_under_an_earlier_published_version(run):
    """Code profile v1 allowed no extension past 10 WD; v2 allows one with a good reason (Code 6.4)."""
    steps = [
        {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
        {
            "at": "2026-03-05T09:00:00+00:00",
            "action": "extend",
            "working_days": 12,
            "reason": "survey",
            "good_reason": "the specialist survey needs scaffolding first",
        },
    ]
    old = await run(policy="code-2024", policy_version=1, received=RECEIVED.isoformat(), steps=steps)
    current = await run(policy="code-2024", received=RECEIVED.isoformat(), steps=steps)
    assert [r["step"] for r in old["rejected"]] == [1] and old["state"] == "stage1_acknowledged"
    assert current["rejected"] == [] and current["state"] == "stage1_extended"


def test_a_scenario_asking_for_an_unpublished_version_names_the_field():
    from starter.scenario import ScenarioError, parse_scenarios

    with pytest.raises(ScenarioError, match="policy_version: policy code-2024 has no published version 7; published: 1, 2"):
        parse_scenarios('{"policy": "code-2024", "policy_version": 7, "received": "2026-03-02T09:00:00+00:00"}')


async def test_a_case_ended_before_a_revision_reopens_under_its_own_version(sim, policy_copy, monkeypatch):
    """The issue's probe: responded 10 Mar 2026 and closed; the case stops listening after 12 months; then the
    profile is revised (stage 2 respond 20 -> 15 WD) and a late stage-2 request on 12 Mar 2027 reopens the case.
    Under its own version 2: acknowledged Mon 15 Mar, respond 20 WD skipping Good Friday and Easter Monday 2027:
    Wed 14 Apr (15 WD would be Wed 7 Apr)."""
    real_reopen = simulate.reopen

    async def revise_then_reopen(*args, **kwargs):
        publish_revision(policy_copy, "code-2024", "respond_working_days = 20\n", "respond_working_days = 15\n")
        return await real_reopen(*args, **kwargs)

    monkeypatch.setattr(simulate, "reopen", revise_then_reopen)
    result = await sim.run(
        simulate.Scenario.model_validate(
            dict(
                policy="code-2024",
                received=RECEIVED.isoformat(),
                steps=[
                    {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
                    {"at": "2026-03-10T09:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
                    {"at": "2026-03-11T09:00:00+00:00", "action": "close"},
                    {"at": "2027-03-12T09:00:00+00:00", "action": "request_stage2"},
                    {"at": "2027-03-15T09:00:00+00:00", "action": "acknowledge"},
                ],
                until="2027-03-20T00:00:00+00:00",
            )
        )
    )
    assert load_profile("code-2024").version == 3
    assert result["rejected"] == []
    types = [e["type"] for e in result["events"]]
    assert types[types.index("close") :] == ["close", "reopened", "request_stage2", "acknowledge"]
    assert {d["name"]: d["due"] for d in result["deadlines"]}["stage2.respond"] == "2027-04-14"


async def _start(sim, task_queue: str, version: int, reference: str | None = None):
    reference = reference or f"VER-2026-{uuid.uuid4().int % 10**6:06d}"
    return await sim.env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord="versions",
            policy_id="code-2024",
            policy_version=version,
            received_at=RECEIVED,
            clock_anchored_to_received=True,
        ),
        id=reference,
        task_queue=task_queue,
    )


async def _acknowledged(sim, handle) -> str:
    """Acknowledge on 3 Mar (business clock); the stage-1 respond due date that follows."""
    for _ in range(3000):
        if (await handle.query(ComplaintWorkflow.case, result_type=CaseView)).events:
            break
        await asyncio.sleep(0.01)
    offset = timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))
    await sim.sleep_until(ACKNOWLEDGED - offset)
    await handle.execute_update("acknowledge", Acknowledge(command_id="ack", definition_ref="d", occurred_at=ACKNOWLEDGED))
    return await _respond_due(handle)


async def _respond_due(handle) -> str:
    view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
    return next(d.due.isoformat() for d in view.deadlines if d.name == "stage1.respond")


async def test_a_worker_restarted_after_a_revision_keeps_open_cases_on_their_versions(sim, policy_copy):
    """Case A is open under v2; case B was filed under v2 while the worker was down for the deploy that brings
    v3 (stage 1 respond 10 -> 20 WD). After the restart both run on v2 (respond due 17 Mar, 10 WD from the
    3 Mar acknowledgement), a calendar change re-plans A on v2, and a new case C gets v3 (31 Mar)."""
    task_queue = f"versions-{uuid.uuid4().hex[:6]}"
    async with build_worker(sim.env.client, sim.engine, task_queue, max_cached_workflows=0):
        case_a = await _start(sim, task_queue, version=2)
        assert await _acknowledged(sim, case_a) == "2026-03-17"
    case_b = await _start(sim, task_queue, version=2)
    publish_revision(policy_copy, "code-2024", "respond_working_days = 10\n", "respond_working_days = 20\n")
    async with build_worker(sim.env.client, sim.engine, task_queue, max_cached_workflows=0):
        assert await _acknowledged(sim, case_b) == "2026-03-17"
        await case_a.signal(ComplaintWorkflow.calendar_changed, CalendarChanged(change="bank_holidays"))
        await case_a.query(ComplaintWorkflow.case, result_type=CaseView)
        assert await _respond_due(case_a) == "2026-03-17"
        case_c = await _start(sim, task_queue, version=3)
        assert await _acknowledged(sim, case_c) == "2026-03-31"
    for handle in (case_a, case_b, case_c):
        await handle.terminate("test over")


def test_casework_reads_the_version_a_case_pinned():
    """A case opened under Together's v1 is offered v1's exclusion grounds and letters (v2 added
    'ongoing_investigation'), not the newest file's."""
    from casework.forms import policy_profile

    assert "ongoing_investigation" not in policy_profile("together-housing", 1).exclusion_grounds
    assert "ongoing_investigation" in policy_profile("together-housing").exclusion_grounds
