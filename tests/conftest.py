"""Shared fixtures: the real Temporal time-skipping test server with the real worker, and read-model
databases on SQLite and on a real PostgreSQL.

PostgreSQL: `COMPLAINTS_TEST_POSTGRES` is the URL of a role allowed to create databases (default: the
role `.ci/run` creates on the local server). Each test gets a database of its own, dropped afterwards.
Where no server answers, PostgreSQL tests are skipped with the reason, unless
`COMPLAINTS_REQUIRE_POSTGRES=1` (set by `.ci/run`), which makes them fail instead.
`COMPLAINTS_TEST_READ_MODEL=postgresql` runs the simulator's read model (every `sim` test) on PostgreSQL.
"""

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from functools import cache

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from accounts import users
from models.tables import create_schema, make_engine
from starter.scenario import Scenario
from starter.simulate import Simulator, simulator

POSTGRES_URL = os.environ.get(
    "COMPLAINTS_TEST_POSTGRES", "postgresql+psycopg://complaints_test:complaints_test@127.0.0.1:5432/complaints_test"
)
POSTGRES_REQUIRED = os.environ.get("COMPLAINTS_REQUIRE_POSTGRES") == "1"


@cache
def _postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means: no usable server
        return f"no PostgreSQL at {make_url(POSTGRES_URL).render_as_string()}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    """Skip (locally) or fail (CI) when no PostgreSQL server is reachable."""
    reason = _postgres_unreachable()
    if reason is None:
        return
    if POSTGRES_REQUIRED:
        pytest.fail(f"COMPLAINTS_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(f"{reason} (start one as .ci/run does, or set COMPLAINTS_TEST_POSTGRES)")


@contextmanager
def fresh_postgres_database(template: str | None = None) -> Iterator[str]:
    """A database of its own on the test server (empty, or a copy of `template`); its URL. Dropped afterwards."""
    require_postgres()
    name = f"complaints_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def read_model_at_head(tmp_path_factory) -> Iterator[Callable[[str], str]]:
    """One read model per database kind brought to head through the migrations, made when first asked
    for: the `engine` fixture's databases are copies of it (a migration run on PostgreSQL is most of a
    second, a copy a tenth). tests/test_migrations.py runs the migrations on empty databases itself."""
    made: dict[str, str] = {}
    with ExitStack() as cleanup:

        def at_head(kind: str) -> str:
            if kind not in made:
                if kind == "sqlite":
                    made[kind] = f"sqlite:///{tmp_path_factory.mktemp('template') / 'read.db'}"
                else:
                    made[kind] = cleanup.enter_context(fresh_postgres_database())
                migrated = make_engine(made[kind])
                create_schema(migrated)
                migrated.dispose()
            return made[kind]

        yield at_head


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A read-model database, once on SQLite and once on PostgreSQL: empty, or at head for a test that
    also takes `engine` (a copy of `read_model_at_head`)."""
    template = request.getfixturevalue("read_model_at_head")(request.param) if "engine" in request.fixturenames else None
    if request.param == "sqlite":
        path = tmp_path / "read.db"
        if template:
            with closing(sqlite3.connect(make_url(template).database)) as source, closing(sqlite3.connect(path)) as copy:
                source.backup(copy)
        yield f"sqlite:///{path}"
        return
    with fresh_postgres_database(template and make_url(template).database) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The read model at head (its Alembic migrations run once, on the template), on SQLite and on PostgreSQL."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


QUICK_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""argon2id at its cheapest, for the accounts tests create and sign in to (hundreds of them): at the
production cost (64 MiB, 3 passes) each hash is a fifth of a second of a 2-core CI machine. The hash is
still real argon2id, checked the same way; `production_password_hashing` restores the real cost for the
tests that are about it."""


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    production = users._hasher
    users._hasher = QUICK_PASSWORD_HASHER
    yield
    users._hasher = production


@pytest.fixture
def production_password_hashing(quick_password_hashing) -> Iterator[PasswordHasher]:
    """The hasher accounts use outside tests, for the tests of hashing itself."""
    users._hasher = PasswordHasher()
    yield users._hasher
    users._hasher = QUICK_PASSWORD_HASHER


@contextmanager
def _simulation_database() -> Iterator[str | None]:
    if os.environ.get("COMPLAINTS_TEST_READ_MODEL", "sqlite") == "postgresql":
        with fresh_postgres_database() as url:
            yield url
    else:
        yield None


@pytest.fixture(scope="session")
async def sim() -> Simulator:
    with _simulation_database() as database_url:
        async with simulator(database_url) as running:
            yield running


@pytest.fixture(scope="module")
async def own_sim() -> Simulator:
    """A simulator of the module's own, whose clock has not been moved on by other modules' scenarios: for
    tests that act through the casework layer, which bounds dates by today's date while the workflow reads
    the test server's clock (the shared one runs years ahead once the Ombudsman's and reopening tests ran)."""
    with _simulation_database() as database_url:
        async with simulator(database_url) as running:
            yield running


@pytest.fixture
def run(sim: Simulator):
    """Run a scenario given as a dict through the real workflow; returns the simulate JSON."""

    async def _run(**scenario) -> dict:
        return await sim.run(Scenario.model_validate(scenario))

    return _run


TIERS = {
    "browser": "drives Chromium (tests/browser/)",
    "postgresql": "runs against the real PostgreSQL server",
    "simulator": "runs on the shared time-skipping simulator (CI runs these again on PostgreSQL)",
    "workflow": "runs real workflows on a Temporal server (test server, dev server or a stack)",
    "web": "drives the web app over HTTP",
    "cli": "runs the `complaints` command as a separate process",
    "unit": "none of the above: plain Python, a file or a local database",
}
"""The suite's tiers, each a marker set from what a test uses, so no test has to be marked by hand:
`make test-fast` runs the quick ones, `make test` (CI) all of them. A test may name a tier its fixtures and
module do not show (an in-process `complaints simulate` starting its own test server is `workflow`)."""

WORKFLOW_FIXTURES = {"sim", "own_sim", "env", "client", "worker", "stack", "dev_server"}


def _tiers(item: pytest.Item) -> set[str]:
    fixtures = set(getattr(item, "fixturenames", ()))
    path = str(getattr(item, "path", ""))
    source = getattr(getattr(item, "module", None), "__file__", "") or ""
    tiers = {marker.name for marker in item.iter_markers() if marker.name in TIERS}
    if "/tests/browser/" in path:
        tiers.add("browser")
    if "postgresql" in getattr(item, "name", ""):
        tiers.add("postgresql")
    if "sim" in fixtures:
        tiers.add("simulator")
    if fixtures & WORKFLOW_FIXTURES or _module_starts_temporal(source):
        tiers.add("workflow")
    if _module_uses_web(source):
        tiers.add("web")
    if "subprocess" in _read(source):
        tiers.add("cli")
    return tiers or {"unit"}


@cache
def _module_starts_temporal(source: str) -> bool:
    text_ = _read(source)
    return any(word in text_ for word in ("temporalio", "simulator", "Simulator", "web_stack", "browser_stack", "dev_stack"))


@cache
def _module_uses_web(source: str) -> bool:
    text_ = _read(source)
    return any(word in text_ for word in ("web_stack", "browser_stack", "TestClient", "httpx"))


def _read(source: str) -> str:
    try:
        with open(source, encoding="utf-8") as file:
            return file.read()
    except OSError:
        return ""


def pytest_configure(config: pytest.Config) -> None:
    for name, why in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {why}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its tiers (TIERS); `simulator` lets CI run those again with the simulator's
    read model on PostgreSQL (`-m simulator`)."""
    for item in items:
        for tier in _tiers(item):
            item.add_marker(getattr(pytest.mark, tier))
