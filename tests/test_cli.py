"""Smoke tests of the installed `complaints` console script, as outside tests call it: it runs, prints the
answer alone, exits 2 on bad input, reads standard input and prints JSON. The rest of the CLI contract is
tested in-process (tests/test_cli_contract.py and tests/cli_runner.py)."""

import json
import subprocess
import sys
from pathlib import Path

from tests.test_design_example import DESIGN_EXAMPLE

COMPLAINTS = str(Path(sys.executable).parent / "complaints")


def complaints(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([COMPLAINTS, *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_the_console_script_prints_the_answer_alone():
    done = complaints("calendar", "add", "2026-12-18", "5", "--closure", "2026-12-24")
    assert (done.returncode, done.stdout) == (0, "2026-12-30\n"), done.stderr


def test_the_console_script_exits_2_on_bad_input():
    done = complaints("calendar", "add", "2026-12-01", "5", "--region", "FRA")
    assert done.returncode == 2 and "--region" in done.stderr and "ENG, WLS, SCT, NIR" in done.stderr
    assert done.stdout == ""


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


def test_a_bad_environment_variable_stops_the_worker_process_with_exit_2(tmp_path):
    """The console script's own exit path: one line naming the variable, exit 2, nothing written."""
    database = tmp_path / "read.db"
    done = subprocess.run(
        [COMPLAINTS, "worker"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}", "WORKER_CACHED_CASES": "0"},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("configuration: WORKER_CACHED_CASES: Input should be greater than or equal to 1")
    assert "Traceback" not in done.stderr and not database.exists()
