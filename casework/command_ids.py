"""Command ids are scoped to their case: the one home of that rule outside the workflow (decision 131).

The workflow already treats a repeated command id as a no-op per case. Everything the web or the CLI
writes for a command is keyed the same way: the ledger row (`CaseCommand`) by (reference, command id),
and every record row a command writes (definitions, staff reasons, notes, evidence, letters) by
`scoped_id`, a digest of the case and the id, so the same id typed on two cases writes two rows and a
case never reads another case's row. A repeat must be the same action with the same details; anything
else under a used id is refused as a conflict before anything is written.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from casework.errors import CommandRejected
from models.side_effects import CaseCommand


def scoped_id(kind: str, reference: str, command_id: str) -> str:
    """The key of a row `kind` that the command `command_id` writes on case `reference` (fits a RowRef)."""
    digest = hashlib.sha256(f"{reference}|{command_id}".encode()).hexdigest()[:24]
    return f"{kind}-{digest}"


def fingerprint(action: str, details: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([action, details], sort_keys=True, default=str).encode()).hexdigest()


def claim(engine: Engine, reference: str, command_id: str, action: str, details: dict[str, Any]) -> bool:
    """Record the command on its case; True when it is new, False for a faithful repeat (a retry).
    Raises CommandRejected (field `command_id`) when the id was used on this case for something else."""
    mark = fingerprint(action, details)
    with Session(engine) as session:
        known = session.get(CaseCommand, (reference, command_id))
        if known is None:
            session.add(
                CaseCommand(
                    reference=reference, command_id=command_id, action=action, fingerprint=mark, recorded_at=datetime.now(UTC)
                )
            )
            try:
                session.commit()
                return True
            except IntegrityError:  # the same id taken at the same moment by another request
                session.rollback()
                known = session.get(CaseCommand, (reference, command_id))
    if known is None:
        raise RuntimeError(f"command {command_id} on {reference} was neither recorded nor found")
    if known.action != action or known.fingerprint != mark:
        what = "the same action" if known.action == action else f"{known.action.replace('_', ' ')}"
        raise CommandRejected(
            "command_id",
            f"this command id was already used on {reference} for {what} with other details; "
            "a repeat must send exactly the same action and details (reload the form to start a new one)",
            rule="command_id_conflict",
        )
    return False


def release(engine: Engine, reference: str, command_id: str) -> None:
    """Forget a command the workflow refused, so the id may carry a corrected form."""
    with Session(engine) as session:
        row = session.get(CaseCommand, (reference, command_id))
        if row is not None:
            session.delete(row)
            session.commit()
