"""A signal refused because of an unexpected error shows on the case page and in the ops list (issue 24,
must-exist 5). The fault is real code raising inside the real worker: the command's apply step is
replaced for one command id, as a bug would break it."""

import asyncio

import pytest
from datetime import UTC, datetime
from uuid import uuid4

from sqlmodel import Session, select

from casework.case_record import case_file
from models.case import ResidentInput
from models.settings import Settings
from models.tables import CaseEvent
from accounts.users import create_user
from tests.cli_runner import complaints
from starter.web.app import create_app
from tests.test_command_effects import file
from tests.web_stack import PASSWORD, Stack
from workflows import commands


@pytest.fixture(scope="module")
async def sim(own_sim):
    """This module's cases stay open after its tests: they run on a test server of their own, so the
    shared one's time skips never wait on their timers (conftest.own_sim)."""
    return own_sim


async def test_a_signal_refused_by_an_unexpected_error_is_on_the_case_page_and_the_ops_list(sim, monkeypatch):
    reference = await file(sim, "Jane Example", "jane@example.org")
    broken = f"broken-{uuid4().hex[:8]}"
    apply = commands.apply

    def failing(rule, state, command, *args, **kwargs):
        if command.command_id == broken:
            raise RuntimeError("a bug")
        return apply(rule, state, command, *args, **kwargs)

    monkeypatch.setattr(commands, "apply", failing)
    await sim.env.client.get_workflow_handle(reference).signal("resident_input", ResidentInput(command_id=broken))
    for _ in range(200):
        with Session(sim.engine) as session:
            refused = session.exec(
                select(CaseEvent).where(CaseEvent.reference == reference, CaseEvent.type == "signal_refused")
            ).all()
        if refused:
            break
        await asyncio.sleep(0.1)
    assert [(e.details["signal"], e.details["rule"]) for e in refused] == [("resident_input", "unexpected_error")]
    assert "signal_refused" in [e.type for e in case_file(sim.engine, reference, datetime.now(UTC).date()).events]

    create_user(sim.engine, f"ops-{broken}", "Ops Admin", "administrator", PASSWORD)
    settings = Settings(WEB_SECRET="refusals-tests-secret-0123")
    web = Stack(
        sim.env.client, sim.engine, settings, create_app(settings, sim.env.client, sim.engine, session_secret="test-secret")
    )
    admin = web.browser()
    await admin.sign_in(f"ops-{broken}")
    page = await admin.get("/ops/refusals")
    assert page.status_code == 200 and reference in page.text and "resident input" in page.text

    listed = complaints("ops", "refusals", env={"DATABASE_URL": sim.engine.url.render_as_string(hide_password=False)})
    assert listed.exit_code == 0, listed.output
    assert any(line.split("\t")[1:3] == [reference, "resident_input"] for line in listed.stdout.splitlines())
