"""Signals a case's workflow refused because of an unexpected error (decision 132): the ops list.

A Signal has no caller waiting for its answer, so a refusal caused by a bug would be seen only inside
the workflow. The workflow records it as a `signal_refused` event on the case's timeline
(workflows/side_effects.py), projected like every event; the case page shows it in the timeline, and
`/ops/refusals` and `complaints ops refusals` list them across cases, newest first. References,
commands and times only: nothing personal.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.tables import CaseEvent

REFUSED = "signal_refused"


@dataclass(frozen=True)
class RefusedSignal:
    reference: str
    at: datetime
    signal: str
    state: str


def refused_signals(engine: Engine, limit: int = 200) -> list[RefusedSignal]:
    """The latest refusals, newest first."""
    with Session(engine) as session:
        events = session.exec(
            select(CaseEvent)
            .where(CaseEvent.type == REFUSED)
            .order_by(col(CaseEvent.at).desc(), col(CaseEvent.reference))
            .limit(limit)
        ).all()
        return [RefusedSignal(e.reference, e.at, str((e.details or {}).get("signal", "")), e.state) for e in events]
