"""Alembic's environment: migrate the engine `upgrade_to_head` passes, one process at a time."""

from alembic import context
from sqlalchemy import text

from models.migrations import every_table

MIGRATION_LOCK = 7_233_0001
"""PostgreSQL advisory lock: a worker and a web app starting together never migrate at once."""

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=every_table(), render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()
