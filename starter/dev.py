"""`complaints dev`: the Temporal dev server (SQLite file, Web UI) and the worker, in one process tree."""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from pathlib import Path

from rich.console import Console
from temporalio.client import Client

from models.settings import Settings, load_settings
from models.tables import create_schema, make_engine
from starter.binaries import binary_path
from starter.demo import DEMO_PASSWORD, ensure_demo_staff
from starter.search_attributes import SEARCH_ATTRIBUTES
from starter.web.serve import server as web_server
from casework.resident_mail import ResidentMailer
from worker import build_worker, connect

console = Console()


def dev_server_command(port: int, ui_port: int, db_file: Path) -> list[str]:
    command = [
        binary_path("temporal"),
        "server",
        "start-dev",
        "--db-filename",
        str(db_file),
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--log-level",
        "warn",
    ]
    for name, kind in SEARCH_ATTRIBUTES.items():
        command += ["--search-attribute", f"{name}={kind}"]
    return command


class DevServerError(RuntimeError):
    """`complaints dev` cannot run its own Temporal dev server; the message says why and what to do."""


PID_FILE = "temporal-dev.pid"
"""In `--var`: the PID of the Temporal dev server this directory's `complaints dev` started, so that a
run after a kill -9 (which leaves the server running, orphaned) can stop it (issue 29, item 14)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ours(pid: int, db_file: Path) -> bool:
    """The process is a Temporal dev server on this directory's database (not a reused PID)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"start-dev" in command and str(db_file).encode() in command


def stop_orphan(var: Path) -> int | None:
    """Stop the dev server an earlier `complaints dev` on `var` left running (by its recorded PID, and
    only if that PID is still that server); its PID, or None when there was none."""
    recorded = var / PID_FILE
    try:
        pid = int(recorded.read_text().strip())
    except (OSError, ValueError):
        return None
    recorded.unlink(missing_ok=True)
    if not _alive(pid) or not _ours(pid, var / "temporal.db"):
        return None
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not _alive(pid):
            return pid
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return pid


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def wait_for_server(settings: Settings, server: asyncio.subprocess.Process | None = None, attempts: int = 100) -> Client:
    for _ in range(attempts):
        if server is not None and server.returncode is not None:
            raise DevServerError(
                f"the Temporal dev server exited (code {server.returncode}) before it answered at "
                f"{settings.temporal_address}; nothing is running"
            )
        with contextlib.suppress(Exception):
            return await connect(settings)
        await asyncio.sleep(0.2)
    raise DevServerError(f"Temporal dev server did not answer at {settings.temporal_address}")


async def run_dev(port: int, ui_port: int, var: Path, web_port: int = 8000) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    var.mkdir(parents=True, exist_ok=True)
    if orphan := stop_orphan(var):
        console.print(f"Stopped the Temporal dev server an earlier `complaints dev` left running (PID {orphan})")
    for taken, flag in ((port, "--port"), (ui_port, "--ui-port"), (web_port, "--web-port")):
        if port_taken(taken):
            raise DevServerError(
                f"port {taken} is in use by another program, so `complaints dev` would not be talking to "
                f"its own servers: stop that program, or choose another port with {flag}"
            )
    server = await asyncio.create_subprocess_exec(*dev_server_command(port, ui_port, var / "temporal.db"))
    (var / PID_FILE).write_text(str(server.pid))
    try:
        settings = load_settings(TEMPORAL_ADDRESS=f"localhost:{port}", DATABASE_URL=f"sqlite:///{var / 'complaints.db'}")
        client = await wait_for_server(settings, server)
        engine = make_engine(settings.database_url)
        create_schema(engine)
        console.print(f"Temporal gRPC      localhost:{port}")
        console.print(f"Temporal Web UI    http://localhost:{ui_port}/namespaces/default/workflows")
        console.print(f"Read model         {var / 'complaints.db'}")
        settings = settings.model_copy(update={"temporal_ui_url": f"http://localhost:{ui_port}"})
        web = web_server(settings, client, engine, "127.0.0.1", web_port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with build_worker(client, engine, settings.task_queue, settings=settings):
            staff = ensure_demo_staff(engine)
            web_task = asyncio.create_task(web.serve())
            mailer = asyncio.create_task(ResidentMailer(engine, settings).run(stop))
            console.print(f"Staff web UI       http://localhost:{web_port}/")
            console.print(f"Demo logins        password {DEMO_PASSWORD}")
            for username, role in staff:
                console.print(f"                   {username:<10} {role}", highlight=False)
            console.print("Worker running on task queue", settings.task_queue, "- Ctrl-C stops everything.")
            await stop.wait()
            web.should_exit = True
            await web_task
            await mailer
    finally:
        if server.returncode is None:
            server.terminate()
        await server.wait()
        (var / PID_FILE).unlink(missing_ok=True)
