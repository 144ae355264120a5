"""The CLI contract (DESIGN.md) in-process (tests/cli_runner.py): the answer alone on stdout, bad input one
line on stderr with exit 2. tests/test_cli.py runs the installed console script itself."""

import json

import pytest

from tests.cli_runner import complaints


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calendar", "add", "2026-12-18", "5"], "2026-12-29"),
        (["calendar", "add", "2026-12-18", "5", "--closure", "2026-12-24"], "2026-12-30"),
        (["calendar", "add", "2026-04-02", "1", "--region", "SCT"], "2026-04-06"),
        (["calendar", "add", "2026-03-16", "1", "--region", "NIR"], "2026-03-18"),
        (["calendar", "add", "2026-12-29", "-5"], "2026-12-18"),
        (["calendar", "between", "2026-12-18", "2026-12-29"], "5"),
        (["calendar", "between", "2026-12-18", "2026-12-29", "--closure", "2026-12-24", "--closure", "2026-12-23"], "3"),
        (["calendar", "between", "2025-12-31", "2026-01-05", "--region", "SCT"], "1"),
    ],
)
def test_calendar_commands_print_the_answer_alone(args, expected):
    done = complaints(*args)
    assert (done.exit_code, done.stdout) == (0, expected + "\n"), done.stderr


def test_calendar_bad_input_names_the_argument():
    done = complaints("calendar", "add", "2026-13-01", "5")
    assert done.exit_code == 2 and "START" in done.stderr and "YYYY-MM-DD" in done.stderr
    done = complaints("calendar", "add", "2026-12-01", "5", "--region", "FRA")
    assert done.exit_code == 2 and "--region" in done.stderr and "ENG, WLS, SCT, NIR" in done.stderr


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"steps": []}, "received: Field required"),
        ({"received": "2026-12-18T10:00:00"}, "received: must include a time zone"),
        ({"received": "2026-12-18T10:00:00+00:00", "policy": "nope"}, "policy: unknown policy profile 'nope'"),
        (
            {"received": "2026-12-18T10:00:00+00:00", "steps": [{"at": "2026-12-19T10:00:00+00:00", "action": "extend"}]},
            "steps[0]: action 'extend' needs working_days, reason",
        ),
        (
            {"received": "2026-12-18T10:00:00+00:00", "steps": [{"at": "2026-12-19T10:00:00+00:00", "action": "fly"}]},
            "steps[0].action: Input should be",
        ),
        (
            {"received": "2026-12-18T10:00:00+00:00", "steps": [{"at": "2026-12-17T10:00:00+00:00", "action": "acknowledge"}]},
            "steps[0].at: 2026-12-17T10:00:00+00:00 is before received",
        ),
        ({"received": "2026-12-18T10:00:00+00:00", "region": "FRA"}, "region: Input should be 'ENG', 'WLS', 'SCT' or 'NIR'"),
    ],
)
def test_bad_scenario_is_refused_naming_the_field(scenario, message):
    done = complaints("simulate", "-", input=json.dumps(scenario))
    assert done.exit_code == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_simulate_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    done = complaints("simulate", str(path))
    assert done.exit_code == 2 and "not valid JSON" in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["worker"],
        ["users", "create-admin", "--username", "ann", "--name", "Ann Jones", "--password", "a-long-password"],
    ],
    ids=["worker", "users create-admin"],
)
def test_a_bad_environment_variable_is_one_line_naming_it_and_the_rule(command, tmp_path, monkeypatch):
    """A worker or a command started with a broken setting says which variable and which rule, and stops
    before it connects or writes anything (no traceback for an operator to read through)."""
    database = tmp_path / "read.db"
    monkeypatch.chdir(tmp_path)
    done = complaints(*command, env={"DATABASE_URL": f"sqlite:///{database}", "WORKER_CACHED_CASES": "0", "SMTP_PORT": "smtp"})
    assert done.exit_code == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("configuration: ")
    assert "WORKER_CACHED_CASES: Input should be greater than or equal to 1 (got '0')" in done.stderr
    assert "SMTP_PORT: Input should be a valid integer" in done.stderr
    assert not database.exists()
