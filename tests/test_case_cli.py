"""`complaints file | act | show | list` as people run them: the command in-process (tests/cli_runner.py),
against a real Temporal dev server and worker, with a SQLite read model."""

import json
from uuid import uuid4

import html

import pytest
from typer.testing import Result

from models.settings import Settings
from accounts.users import create_user, set_active
from starter.web.app import create_app
from tests.cli_runner import complaints_in_thread
from tests.dev_stack import dev_stack
from tests.web_stack import PASSWORD, Stack
from worker import build_worker

STAFF = {"alice": "handler", "hugo": "handler", "aude": "auditor", "leaver": "handler"}


@pytest.fixture(scope="module")
async def running():
    """A dev server, a worker on the task queue the CLI uses, staff accounts (one deactivated), the web
    app on the same read model, and the environment the CLI needs."""
    async with dev_stack() as (env, engine, directory):
        for username, role in STAFF.items():
            create_user(engine, username, username.capitalize(), role, PASSWORD)
        set_active(engine, "leaver", False, by="admin")
        settings = Settings(COMPLAINTS_TASK_QUEUE="cli-cases")
        web = Stack(env.client, engine, settings, create_app(settings, env.client, engine, session_secret="test-secret"))
        async with build_worker(env.client, engine, "cli-cases"):
            yield (
                web,
                {
                    "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                    "DATABASE_URL": f"sqlite:///{directory / 'read.db'}",
                    "COMPLAINTS_TASK_QUEUE": "cli-cases",
                },
            )


@pytest.fixture(scope="module")
def stack(running):
    return running[1]


async def complaints(environment: dict, *args: str) -> Result:
    return await complaints_in_thread(*args, env=environment)


async def test_file_act_show_and_list_from_the_command_line(stack):
    filed = await complaints(
        stack,
        "file",
        "--text",
        "Mould in the bathroom for three months",
        "--channel",
        "phone",
        "--name",
        "Priya Example",
        "--email",
        "priya@example.org",
        "--intake-id",
        "cli-1",
    )
    assert filed.exit_code == 0, filed.stderr
    reference = filed.stdout.strip()
    assert reference.startswith("CMP-")
    again = await complaints(
        stack,
        "file",
        "--text",
        "Mould in the bathroom for three months",
        "--channel",
        "phone",
        "--name",
        "Priya Example",
        "--intake-id",
        "cli-1",
    )
    assert again.stdout.strip() == reference

    refused = await complaints(stack, "act", reference, "acknowledge", "--as", "alice")
    assert refused.exit_code == 2
    assert "refused: points: Field required" in refused.stderr

    acknowledged = await complaints(
        stack, "act", reference, "acknowledge", "points=Mould not treated", "points=No reply to two emails", "--as", "alice"
    )
    assert acknowledged.exit_code == 0, acknowledged.stderr
    assert f"{reference}: stage1_acknowledged (stage 1)" in acknowledged.stdout

    wrong_state = await complaints(stack, "act", reference, "request_stage2", "--as", "alice")
    assert wrong_state.exit_code == 2
    assert "request_stage2 is not allowed while the complaint is Stage 1 acknowledged" in wrong_state.stderr

    shown = await complaints(stack, "show", reference)
    assert shown.exit_code == 0, shown.stderr
    for expected in ("Priya Example", "Mould not treated", "stage1.respond", "acknowledge", "actor=alice", "acknowledgement"):
        assert expected in shown.stdout

    record = json.loads((await complaints(stack, "show", reference, "--json")).stdout)
    assert record["case"]["state"] == "stage1_acknowledged"
    assert "respond" in record["case"]["allowed_actions"], "the actions allowed now, as the workflow projected them"
    assert [d["points"] for d in record["definitions"]] == [["Mould not treated", "No reply to two emails"]]
    assert [e["type"] for e in record["events"]] == ["received", "acknowledge"]

    listed = await complaints(stack, "list", "--state", "stage1_acknowledged")
    assert reference in listed.stdout
    bad_filter = await complaints(stack, "list", "--state", "lost")
    assert bad_filter.exit_code == 2 and "state: must be one of the lifecycle's states" in bad_filter.stderr


async def test_unknown_reference_and_bad_intake_are_refused_clearly(stack):
    unknown = await complaints(stack, "show", "CMP-2001-000001")
    assert unknown.exit_code == 2 and "no complaint with reference 'CMP-2001-000001'" in unknown.stderr
    bad_channel = await complaints(stack, "file", "--text", "x", "--channel", "pigeon", "--name", "A")
    assert bad_channel.exit_code == 2 and bad_channel.stderr.startswith("refused: channel:")
    anonymous = await complaints(stack, "file", "--text", "x", "--channel", "web", "--policy", "wolverhampton-homes")
    assert anonymous.exit_code == 2
    assert "refused: resident: Wolverhampton Homes does not accept anonymous complaints" in anonymous.stderr


async def test_acting_needs_an_active_staff_account_whose_role_decides(stack):
    filed = await complaints(
        stack, "file", "--text", "The lift has been broken for a month", "--channel", "phone", "--name", "Sam Example"
    )
    reference = filed.stdout.strip()
    unknown = await complaints(stack, "act", reference, "acknowledge", "points=Lift broken", "--as", "mallory")
    assert unknown.exit_code == 2
    assert "refused: there is no staff account 'mallory'" in unknown.stderr
    leaver = await complaints(stack, "act", reference, "acknowledge", "points=Lift broken", "--as", "leaver")
    assert leaver.exit_code == 2
    assert "refused: the staff account 'leaver' is deactivated" in leaver.stderr
    claimed = await complaints(
        stack, "act", reference, "acknowledge", "points=Lift broken", "--as", "aude", "--role", "complaints_manager"
    )
    assert claimed.exit_code != 0 and "No such option: --role" in claimed.stderr, "the role is the account's, not a flag"
    missing = await complaints(stack, "act", reference, "acknowledge", "points=Lift broken")
    assert missing.exit_code != 0 and "--as" in missing.stderr
    shown = json.loads((await complaints(stack, "show", reference, "--json")).stdout)
    assert [e["type"] for e in shown["events"]] == ["received"], "nothing refused reached the case"


@pytest.mark.parametrize(
    ("username", "because"),
    [
        ("hugo", "This case is assigned to alice; only they or a complaints manager may act on it."),
        ("aude", "Auditors can read cases but not act on them."),
    ],
)
async def test_the_cli_refuses_exactly_what_the_web_refuses(running, username, because):
    """Same case, same person: the web answers 403 and the CLI exits 2, with the same reason, and
    neither changes anything; the assigned handler then acts through either."""
    web, environment = running
    filed = await complaints(
        environment,
        "file",
        "--text",
        "Rubbish not collected for three weeks",
        "--channel",
        "phone",
        "--name",
        "Kim Example",
        "--handler",
        "alice",
    )
    reference = filed.stdout.strip()
    await web.projected(reference)
    browser = web.browser()
    await browser.sign_in(username)
    page = await browser.get(f"/cases/{reference}")
    assert 'action="/cases/' + reference + '/actions/acknowledge"' not in page.text, "no form is offered"
    posted = await browser.post(
        f"/cases/{reference}/actions/acknowledge", {"command_id": f"web-{uuid4().hex}", "points": "Bins not emptied"}
    )
    assert posted.status_code == 403 and because in html.unescape(posted.text)
    cli = await complaints(environment, "act", reference, "acknowledge", "points=Bins not emptied", "--as", username)
    assert cli.exit_code == 2 and f"refused: {because}" in cli.stderr
    shown = json.loads((await complaints(environment, "show", reference, "--json")).stdout)
    assert [e["type"] for e in shown["events"]] == ["received"]
    done = await complaints(environment, "act", reference, "acknowledge", "points=Bins not emptied", "--as", "alice")
    assert done.exit_code == 0, done.stderr
    await browser.http.aclose()


async def test_the_post_rooms_batch_from_the_command_line(stack, tmp_path):
    """`complaints post batch`: what the post-room page prints, for a scheduled job; the same permission."""
    from pypdf import PdfReader

    filed = await complaints(
        stack,
        "file",
        "--text",
        "The fence was never repaired",
        "--channel",
        "letter",
        "--name",
        "Sam Post",
        "--address",
        "2 Mill Lane, Telford TF2 2BB",
        "--intake-id",
        "cli-post-1",
    )
    assert filed.exit_code == 0, filed.stderr
    reference = filed.stdout.strip()
    acted = await complaints(stack, "act", reference, "acknowledge", "points=The fence was never repaired", "--as", "alice")
    assert acted.exit_code == 0, acted.stderr

    refused = await complaints(stack, "post", "waiting", "--as", "aude")
    assert refused.exit_code == 2 and "cannot print letters" in refused.stderr
    waiting = await complaints(stack, "post", "waiting", "--as", "alice")
    assert waiting.exit_code == 0 and f"{reference}\tresident\tletter" in waiting.stdout

    out = tmp_path / "batch.pdf"
    made = await complaints(stack, "post", "batch", "--as", "alice", "--out", str(out))
    assert made.exit_code == 0, made.stderr
    batch_id = made.stdout.split()[1]
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert reference in text and "2 Mill Lane" in text
    again = await complaints(stack, "post", "batch", "--as", "alice", "--out", str(tmp_path / "none.pdf"))
    assert again.exit_code == 1 and "nothing is waiting" in again.stderr, "a letter is never in two batches"
    copy = tmp_path / "copy.pdf"
    reprinted = await complaints(stack, "post", "batch", "--as", "alice", "--out", str(copy), "--again", batch_id)
    assert reprinted.exit_code == 0 and copy.read_bytes() == out.read_bytes()


async def test_the_ombudsman_stage_from_the_command_line(stack, running):
    """A complaints manager records a referral and a determination with orders as JSON; `show` lists the
    orders as deadlines and the determination on the timeline; a handler is refused (Code 4.1)."""
    from datetime import date, timedelta

    create_user(running[0].engine, "mona", "Mona", "complaints_manager", PASSWORD)
    filed = await complaints(
        stack,
        "file",
        "--text",
        "Repairs not done",
        "--channel",
        "phone",
        "--name",
        "Ola Example",
        "--email",
        "ola@example.org",
        "--intake-id",
        "cli-ombudsman",
        "--handler",
        "alice",
    )
    reference = filed.stdout.strip()
    excluded = await complaints(
        stack, "act", reference, "exclude", "ground=legal_proceedings", "reason=Before the court", "--as", "alice"
    )
    assert excluded.exit_code == 0, excluded.stderr
    handler = await complaints(stack, "act", reference, "ombudsman_referral", "ombudsman_ref=202601234", "--as", "alice")
    assert handler.exit_code != 0 and "Only a complaints manager" in handler.stderr + handler.stdout
    referred = await complaints(stack, "act", reference, "ombudsman_referral", "ombudsman_ref=202601234", "--as", "mona")
    assert referred.exit_code == 0 and "ombudsman_referred" in referred.stdout, referred.stderr
    due = (date.today() + timedelta(days=30)).isoformat()
    determined = await complaints(
        stack,
        "act",
        reference,
        "ombudsman_determination",
        "--as",
        "mona",
        'findings=[{"element": "complaint_handling", "finding": "severe_maladministration"}]',
        f'orders=[{{"order_id": "compensation-1", "kind": "compensation", "due_on": "{due}"}}]',
    )
    assert determined.exit_code == 0, determined.stderr
    shown = json.loads((await complaints(stack, "show", reference, "--json")).stdout)
    assert [(d["name"], d["due"]) for d in shown["deadlines"] if d["name"].startswith("ombudsman.")] == [
        ("ombudsman.order.compensation-1", due)
    ]
    [event] = [e for e in shown["events"] if e["type"] == "ombudsman_determination"]
    assert event["details"]["finding.complaint_handling"] == "severe_maladministration"
    text = (await complaints(stack, "show", reference)).stdout
    assert "ombudsman.order.compensation-1" in text and "finding.complaint_handling=severe_maladministration" in text
