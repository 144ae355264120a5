"""`complaints dev`: the Temporal dev server (SQLite file, Web UI) and the worker, in one process tree."""

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from rich.console import Console
from temporalio.client import Client

from models.settings import Settings, load_settings
from models.tables import create_schema, make_engine
from starter.binaries import binary_path
from starter.demo import DEMO_PASSWORD, ensure_demo_staff
from starter.search_attributes import SEARCH_ATTRIBUTES
from starter.web.serve import server as web_server
from activities.resident_mail import ResidentMailer
from worker import build_worker, connect

console = Console()


def dev_server_command(port: int, ui_port: int, db_file: Path) -> list[str]:
    command = [
        binary_path("temporal"), "server", "start-dev",
        "--db-filename", str(db_file),
        "--port", str(port),
        "--ui-port", str(ui_port),
        "--log-level", "warn",
    ]
    for name, kind in SEARCH_ATTRIBUTES.items():
        command += ["--search-attribute", f"{name}={kind}"]
    return command


async def wait_for_server(settings: Settings, attempts: int = 100) -> Client:
    for _ in range(attempts):
        with contextlib.suppress(Exception):
            return await connect(settings)
        await asyncio.sleep(0.2)
    raise RuntimeError(f"Temporal dev server did not answer at {settings.temporal_address}")


async def run_dev(port: int, ui_port: int, var: Path, web_port: int = 8000) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    var.mkdir(parents=True, exist_ok=True)
    server = await asyncio.create_subprocess_exec(*dev_server_command(port, ui_port, var / "temporal.db"))
    try:
        settings = load_settings(TEMPORAL_ADDRESS=f"localhost:{port}", DATABASE_URL=f"sqlite:///{var / 'complaints.db'}")
        client = await wait_for_server(settings)
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
        server.terminate()
        await server.wait()
