"""Retention and subject access (issue 18, item 9) on the real dev server, worker and read model: the
export holds everything about the resident, the case page outlives the workflow's history, and
anonymisation after the retention period leaves none of their words anywhere in the read model."""

import asyncio
import io
import json
import re
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader
from sqlalchemy import inspect, text
from sqlmodel import Session, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.service import RPCError, RPCStatusCode

from casework.access import Actor
from casework.actions import act
from casework.intake import Intake, ResidentDetails, file_complaint
from casework.subject_access import anonymise, as_pdf, due_for_anonymisation, subject_access
from accounts.audit import AuditEntry
from models.record import Complaint
from models.tables import CaseEvent
from tests.cli_runner import complaints_in_thread
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)

NAME, STREET, PHONE, EMAIL = "Gwendolyn Quarrington", "7 Tamarisk Row", "07700 900777", "gwen.q@example.net"
WORDS = ["Quarrington", STREET, PHONE, EMAIL, "damp in the nursery", "survey of the Tamarisk", "was in hospital"]


async def a_withdrawn_case(stack, intake_id: str) -> tuple[str, str]:
    filed = await file_complaint(
        stack.client,
        stack.engine,
        Intake(
            intake_id=intake_id,
            channel="phone",
            resident=ResidentDetails(name=NAME, address=STREET, phone=PHONE, email=EMAIL),
            text="There is damp in the nursery and nobody came",
            handler="hana",
        ),
        TASK_QUEUE,
    )
    reference = filed.reference
    await stack.projected(reference)

    async def step(action: str, **form):
        await act(
            stack.client,
            stack.engine,
            reference,
            action,
            form,
            Actor(username="hana", role="handler"),
            f"{action}-{intake_id}",
            TASK_QUEUE,
        )

    await step("acknowledge", points=["Damp in the nursery"])
    await step("extend", working_days=5, reason="A survey of the Tamarisk Row block is booked")
    await step("resident_input", note="My daughter was in hospital with her chest")
    await step("withdraw")
    await stack.projected(reference, "withdrawn")
    with Session(stack.engine) as session:
        return reference, session.get(Complaint, reference).resident_id


def read_model_text(engine) -> str:
    """Every row of every table of the read model, as text."""
    with engine.connect() as connection:
        return "\n".join(
            repr(row)
            for table in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )


async def test_the_export_holds_everything_about_the_resident_as_json_and_pdf_and_is_audited(stack):
    reference, resident_id = await a_withdrawn_case(stack, "sar-1")
    held = subject_access(stack.engine, resident_id, "adam")
    exported = json.dumps(held, default=str)
    for word in ("Quarrington", STREET, EMAIL, "damp in the nursery", "was in hospital", "survey of the Tamarisk"):
        assert word in exported, word
    case = held["cases"][0]
    assert case["complaint"]["reference"] == reference and [e["type"] for e in case["events"]][-1] == "withdraw"
    assert {"acknowledgement", "extension"} <= {letter["kind"] for letter in case["letters"]}
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf(held))).pages)
    assert NAME in pdf_text and "damp in the nursery" in pdf_text
    with Session(stack.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.event == "subject_access_export")).all()[-1]
    assert (entry.username, entry.actor) == (resident_id, "adam") and NAME not in entry.detail


async def test_the_cli_exports_for_an_administrator_only_and_anonymises_only_when_due(stack, tmp_path):
    reference, resident_id = await a_withdrawn_case(stack, "sar-2")
    env = {"DATABASE_URL": str(stack.engine.url), "TEMPORAL_ADDRESS": "127.0.0.1:9"}

    async def run(*args):
        return await complaints_in_thread("residents", *args, env=env)

    pdf = tmp_path / "sar.pdf"
    done = await run("export", resident_id, "--as", "adam", "--pdf", str(pdf))
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["resident"]["name"] == NAME and pdf.read_bytes().startswith(b"%PDF")
    refused = await run("export", resident_id, "--as", "hana")
    assert refused.exit_code == 2 and "only an administrator" in refused.stderr and refused.stdout == ""
    not_due = await run("anonymise", resident_id, "--as", "adam")
    assert not_due.exit_code == 2 and "is not due" in not_due.stderr
    assert resident_id not in (await run("due", "--as", "adam")).stdout

    with Session(stack.engine) as session:  # seven years on: the case closed long ago
        for event in session.exec(select(CaseEvent).where(CaseEvent.reference == reference)):
            event.at = event.at - timedelta(days=7 * 366)
            session.add(event)
        session.commit()
    assert resident_id in (await run("due", "--as", "adam")).stdout.split()
    done = await run("anonymise", resident_id, "--as", "adam")
    assert done.exit_code == 0 and "anonymised" in done.stdout, done.stderr
    with Session(stack.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.event == "resident_anonymised")).all()[-1]
    assert (entry.username, entry.actor) == (resident_id, "adam")


async def test_anonymisation_leaves_none_of_the_residents_words_in_the_read_model(stack):
    reference, resident_id = await a_withdrawn_case(stack, "sar-3")
    assert all(word in read_model_text(stack.engine) for word in WORDS), "the scan reads the real rows"
    assert (
        due_for_anonymisation(stack.engine, 6, datetime.now(timezone.utc).date() + timedelta(days=7 * 366)).count(resident_id)
        == 1
    )
    for other in due_for_anonymisation(stack.engine, 6, datetime.now(timezone.utc).date() + timedelta(days=7 * 366)):
        anonymise(stack.engine, other, "adam")  # every resident of this module's cases with these words
    left = read_model_text(stack.engine)
    assert [word for word in WORDS if word.lower() in left.lower()] == []
    with Session(stack.engine) as session:
        assert session.get(Complaint, reference).received_at is not None, "the case's facts stay for the figures"


async def test_the_case_page_shows_the_timeline_after_the_workflow_history_is_gone(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    await act(
        stack.client,
        stack.engine,
        reference,
        "acknowledge",
        {"points": ["Roof leak"]},
        Actor(username="hana", role="handler"),
        "gone-ack",
        TASK_QUEUE,
    )
    await act(
        stack.client, stack.engine, reference, "withdraw", {}, Actor(username="hana", role="handler"), "gone-withdraw", TASK_QUEUE
    )
    await stack.projected(reference, "withdrawn")
    await stack.client.get_workflow_handle(reference).result()  # closed, as retention finds it
    await stack.client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=stack.client.namespace, workflow_execution=WorkflowExecution(workflow_id=reference)
        )
    )
    gone = False
    for _ in range(600):  # deletion is asynchronous on the server (a system workflow), slow under load
        try:
            await stack.client.get_workflow_handle(reference).fetch_history()
        except RPCError as error:
            gone = error.status == RPCStatusCode.NOT_FOUND
            break
        await asyncio.sleep(0.2)
    assert gone, "Temporal no longer holds the case's history"
    hana = await signed_in("hana")
    page = await hana.get(f"/cases/{reference}")
    assert page.status_code == 200
    titles = re.findall(r'class="timeline__title">([^<]+)<', page.text)
    assert titles == ["Withdrawn", "Acknowledged", "Received"] and "Roof leak" in page.text
