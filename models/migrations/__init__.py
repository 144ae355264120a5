"""The read model's schema history (Alembic). `create_schema` runs `upgrade_to_head` at every start.

Every table on `SQLModel.metadata` (all modules of `models/` and `accounts/`) must come from a revision here;
tests/test_migrations.py compares head with the metadata on SQLite and PostgreSQL.
"""

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import accounts
import models

HERE = Path(__file__).parent


def every_table() -> MetaData:
    """SQLModel's metadata with every module of `models/` and `accounts/` imported, so no table is left out."""
    for package in (models, accounts):
        for module in pkgutil.iter_modules(package.__path__):
            if not module.ispkg:
                importlib.import_module(f"{package.__name__}.{module.name}")
    return SQLModel.metadata


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")
