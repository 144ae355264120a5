"""Bad input at every CLI boundary (issue 18, item 7): each is one clear line on stderr and exit 2, never a
traceback or a hang. The real command runs in-process (tests/cli_runner.py), against a SQLite read model and,
for `act`, a Temporal address where nothing listens (the input is refused before anything is sent)."""

import base64
import os

import pytest
from typer.testing import Result

from models.tables import create_schema, make_engine
from accounts.users import create_user
from tests.cli_runner import complaints as run

STEP = '{"at": "2026-01-06T10:00:00+00:00", "action": "extend", "working_days": %s, "reason": "survey"}'
SCENARIOS = {
    "binary": os.urandom(64) + b"\xff\xfe{",
    "nul": b'{"received": "2026-01-05T10:00:00+00:00"\x00}',
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "5000-digit number": ('{"received": "2026-01-05T10:00:00+00:00", "steps": [%s]}' % (STEP % ("9" * 5000))).encode(),
    "year 9999": b'{"received": "9999-12-30T10:00:00+00:00", "steps": [{"at": "9999-12-31T10:00:00+00:00", "action": "acknowledge"}]}',
    "a step in 9999": b'{"received": "2026-01-05T10:00:00+00:00", "steps": [{"at": "9999-12-31T23:59:59-12:00", "action": "acknowledge"}]}',
    "until 9999": b'{"received": "2026-01-05T10:00:00+00:00", "until": "9999-12-31T23:59:59+00:00"}',
    "NaN": ('{"received": "2026-01-05T10:00:00+00:00", "steps": [%s]}' % (STEP % "NaN")).encode(),
}
SAYS = {
    "binary": "not UTF-8 text (a binary file?)",
    "nul": "contains NUL characters",
    "deeply nested": "nested too deeply: JSON here nests at most 20 levels",
    "5000-digit number": "a number has 5000 digits; numbers have at most 18",
    "year 9999": "received: must be in the years 2000 to 2099",
    "a step in 9999": "steps[0].at: must be within 5 years of received",
    "until 9999": "until: must be within 5 years of received",
    "NaN": "NaN is not a JSON number",
}


def refused_plainly(done: Result, says: str) -> None:
    assert done.exit_code == 2, done.stderr
    assert says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_simulate_refuses_a_bad_file_in_one_line(name, tmp_path):
    path = tmp_path / "scenario.json"
    path.write_bytes(SCENARIOS[name])
    refused_plainly(run("simulate", str(path)), SAYS[name])
    refused_plainly(run("simulate", "-", input=SCENARIOS[name]), SAYS[name])


def test_simulate_refuses_a_file_too_big_to_be_a_scenario(tmp_path):
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * 5_000_001)
    refused_plainly(run("simulate", str(path)), "at most 5,000,000 are read")


@pytest.fixture(scope="module")
def read_model(tmp_path_factory) -> dict:
    """A read model with one handler, and a Temporal address where nothing listens; shared by the module's
    tests, since every command in it is refused before it writes."""
    url = f"sqlite:///{tmp_path_factory.mktemp('read-model') / 'complaints.db'}"
    engine = make_engine(url)
    create_schema(engine)
    create_user(engine, "hana", "Hana Handler", "handler", "correct horse battery")
    engine.dispose()
    return {"DATABASE_URL": url, "TEMPORAL_ADDRESS": "127.0.0.1:9", "WEB_SECRET": "x" * 40}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--due-from", "9999-12-31"], "due_from: must be a date in the years 2000 to 2099"),
        (["--due-to", "0001-01-01"], "due_to: must be a date in the years 2000 to 2099"),
        (
            ["--page", base64.urlsafe_b64encode(b'["9999-12-31T23:59:59-12:00", "x"]').decode()],
            "not a page token issued by the case list",
        ),
        (["--page", base64.urlsafe_b64encode(b"[" * 200 + b"]" * 200).decode()], "not a page token issued by the case list"),
    ],
)
def test_list_refuses_far_dates_and_crafted_pages(args, says, read_model):
    refused_plainly(run("list", *args, env=read_model), says)


@pytest.mark.parametrize(
    ("field", "says"),
    [
        ("points=" + "[" * 3000 + "]" * 3000, "points: nested too deeply"),
        ("working_days=" + "9" * 5000, "working_days: a number has 5000 digits"),
        ('points={"a": {"b": {"c": [1]}}}', "points"),
    ],
)
def test_act_refuses_nested_json_and_huge_numbers(field, says, read_model):
    refused_plainly(run("act", "CMP-2026-000001", "acknowledge", "--as", "hana", field, env=read_model), says)


def test_filing_while_temporal_is_unreachable_is_one_line_and_saves_nothing(read_model):
    done = run("file", "--text", "The boiler has failed", "--channel", "phone", "--name", "Ann Example", env=read_model)
    stderr = done.stderr
    assert done.exit_code == 1 and "Temporal is not reachable at 127.0.0.1:9" in stderr and "nothing was sent or saved" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    listed = run("list", env=read_model)
    assert listed.exit_code == 0 and "no cases match" in listed.stderr
