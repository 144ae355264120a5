"""The read model's schema comes from Alembic, and head is exactly the tables the code declares."""

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel

from alembic.script import ScriptDirectory

from models.migrations import alembic_config, every_table
from models.tables import ClosureDay, create_schema, make_engine


def test_head_on_an_empty_database_is_exactly_the_declared_tables(database_url):
    """A table or column added to a model without a migration fails here, on SQLite and PostgreSQL."""
    engine = make_engine(database_url)
    try:
        create_schema(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), every_table())
            revision = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    assert differences == []
    assert revision == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_migrating_again_changes_nothing(engine):
    """Every process runs create_schema at start; the second run finds head and keeps the data."""
    with Session(engine) as session:
        session.add(ClosureDay(landlord="greatwell", day=date(2026, 12, 24), reason="office party"))
        session.commit()
    create_schema(engine)
    with Session(engine) as session:
        assert session.get(ClosureDay, ("greatwell", date(2026, 12, 24))).reason == "office party"


def test_a_database_made_before_alembic_is_adopted(tmp_path):
    """An old `var/complaints.db` built by create_all (missing a newer table) is brought to head."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        tables = every_table()
        SQLModel.metadata.create_all(engine, tables=[t for name, t in tables.tables.items() if name != "knownbankholiday"])
        create_schema(engine)
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), tables) == []
        assert "knownbankholiday" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
