"""The CLI contract (DESIGN.md) through the installed `complaints` console script, as outside tests call it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_design_example import DESIGN_EXAMPLE

COMPLAINTS = str(Path(sys.executable).parent / "complaints")


def complaints(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([COMPLAINTS, *args], input=stdin, capture_output=True, text=True, timeout=300)


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
    assert (done.returncode, done.stdout) == (0, expected + "\n"), done.stderr


def test_calendar_bad_input_names_the_argument():
    done = complaints("calendar", "add", "2026-13-01", "5")
    assert done.returncode == 2 and "START" in done.stderr and "YYYY-MM-DD" in done.stderr
    done = complaints("calendar", "add", "2026-12-01", "5", "--region", "FRA")
    assert done.returncode == 2 and "--region" in done.stderr and "ENG, WLS, SCT, NIR" in done.stderr


def test_simulate_a_file_and_a_list_on_stdin(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(DESIGN_EXAMPLE))
    single = complaints("simulate", str(path))
    assert single.returncode == 0, single.stderr
    result = json.loads(single.stdout)
    assert result["state"] == "stage2_responded"
    assert [d["due"] for d in result["deadlines"]] == ["2026-12-29", "2027-01-15", "2027-02-08", "2027-03-03"]

    rejected_step = {
        "received": "2023-03-01T10:00:00+00:00",
        "steps": [{"at": "2023-03-02T10:00:00+00:00", "action": "respond", "outcome": "upheld"}],
    }
    listed = complaints("simulate", "-", stdin=json.dumps([DESIGN_EXAMPLE, rejected_step]))
    assert listed.returncode == 0, listed.stderr
    results = json.loads(listed.stdout)
    assert [r["state"] for r in results] == ["stage2_responded", "received"]
    assert results[1]["rejected"][0]["step"] == 0
    assert "respond is not allowed" in results[1]["rejected"][0]["error"]
    # A 2023 scenario runs on a server whose clock is in the present: dates are the scenario's own.
    assert results[1]["deadlines"][0] == {"name": "stage1.acknowledge", "due": "2023-03-08", "met_on": None, "met": None}


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
    done = complaints("simulate", "-", stdin=json.dumps(scenario))
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_simulate_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    done = complaints("simulate", str(path))
    assert done.returncode == 2 and "not valid JSON" in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["worker"],
        ["users", "create-admin", "--username", "ann", "--name", "Ann Jones", "--password", "a-long-password"],
    ],
    ids=["worker", "users create-admin"],
)
def test_a_bad_environment_variable_is_one_line_naming_it_and_the_rule(command, tmp_path):
    """A worker or a command started with a broken setting says which variable and which rule, and stops
    before it connects or writes anything (no traceback for an operator to read through)."""
    database = tmp_path / "read.db"
    done = subprocess.run(
        [COMPLAINTS, *command],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}", "WORKER_CACHED_CASES": "0", "SMTP_PORT": "smtp"},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("configuration: ")
    assert "WORKER_CACHED_CASES: Input should be greater than or equal to 1 (got '0')" in done.stderr
    assert "SMTP_PORT: Input should be a valid integer" in done.stderr
    assert not database.exists()
