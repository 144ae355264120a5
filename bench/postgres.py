"""A private, throwaway PostgreSQL cluster: the read model's production database, for benchmarks and
fault tests that must stop and start it.

Needs Debian's `postgresql` package (server binaries in /usr/lib/postgresql/<version>/bin, or
`initdb`/`pg_ctl` on PATH). PostgreSQL refuses to run as root, so under root (CI) every server command
runs as the `postgres` user through `runuser`. The cluster lives in a temporary directory, listens on
127.0.0.1 at a free port with trust authentication, and is removed on exit.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here (apt-get install postgresql)."""


def server_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresCluster:
    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.data.parent / "server.log"), "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as when a database server goes down for maintenance."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextmanager
def private_cluster() -> Iterator[PostgresCluster]:
    binaries = server_bin()
    root = Path(tempfile.mkdtemp(prefix="complaints-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        cluster = PostgresCluster(binaries, root / "data", _free_port())
        cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def on_both_databases(prefix: str, measure_one) -> list[dict]:
    """`measure_one(name, engine)` on a fresh SQLite file and then on a private PostgreSQL cluster (or a
    `skipped` entry saying why there is none): one benchmark's two halves, side by side in one run."""
    from models.tables import make_engine

    runs = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'read.db'}")
        runs.append(measure_one("SQLite", engine))
        engine.dispose()
    try:
        with private_cluster() as cluster:
            engine = make_engine(cluster.url)
            runs.append(measure_one("PostgreSQL", engine))
            engine.dispose()
    except PostgresUnavailable as err:
        runs.append({"database": "PostgreSQL", "skipped": str(err)})
    return runs
