"""`complaints dev` after a kill -9 (issue 29, item 14): the Temporal dev server it started outlives it,
and the next run used to talk to that orphan and print "Worker running" although its own server had
failed to bind. Now the next run stops the orphan by its recorded PID (only if that PID is still that
server) and starts afresh; a port held by any other program is refused in one clear line. Real
processes, real dev server; waits are on what the processes print, with generous bounds."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.serial
"""Kills processes and holds ports on a clock: alone, after the parallel part of `make test`."""

COMPLAINTS = str(Path(sys.executable).parent / "complaints")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def started(args: list[str], until: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [COMPLAINTS, "dev", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    seen = ""
    deadline = time.monotonic() + 180
    while until not in seen:
        line = process.stdout.readline()
        if not line and process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"`complaints dev` never printed {until!r}:\n{seen[-3000:]}")
        seen += line
    return process, seen


def test_a_second_run_after_kill_9_stops_the_orphan_it_left_and_runs_its_own(tmp_path):
    ports = [free_port() for _ in range(3)]
    args = ["--port", str(ports[0]), "--ui-port", str(ports[1]), "--web-port", str(ports[2]), "--var", str(tmp_path)]
    first, _ = started(args, "Worker running")
    orphan = int((tmp_path / "temporal-dev.pid").read_text())
    first.send_signal(signal.SIGKILL)
    first.wait()
    try:
        assert alive(orphan), "the dev server outlives a kill -9 of `complaints dev`"
        second, said = started(args, "Worker running")
        assert f"Stopped the Temporal dev server an earlier `complaints dev` left running (PID {orphan})" in said
        assert not alive(orphan)
        own = int((tmp_path / "temporal-dev.pid").read_text())
        assert own != orphan and alive(own)
        second.send_signal(signal.SIGINT)
        second.wait(timeout=60)
        assert not (tmp_path / "temporal-dev.pid").exists()
    finally:
        for pid in (orphan, *(int(p.read_text()) for p in tmp_path.glob("temporal-dev.pid"))):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_port_held_by_another_program_is_refused_in_one_line(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        done = subprocess.run(
            [
                COMPLAINTS,
                "dev",
                "--port",
                str(taken),
                "--ui-port",
                str(free_port()),
                "--web-port",
                str(free_port()),
                "--var",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr + done.stdout
    assert f"port {taken} is in use by another program" in done.stderr and "--port" in done.stderr
    assert "Worker running" not in done.stdout and "Traceback" not in done.stderr
