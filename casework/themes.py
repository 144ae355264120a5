"""Why complaints happen, in the case record: the root causes recorded with a response and the learning
point linked to one of them (models/governance.py, models/taxonomy.py). Written with the response's other
rows before its Update is sent, and removed with them if the workflow refuses it."""

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from casework.forms import RespondForm
from models.governance import ResponseRootCause
from models.record import LearningPoint


def root_cause_rows(form: RespondForm, reference: str, stage: int, command_id: str, now: datetime) -> list[ResponseRootCause]:
    return [
        ResponseRootCause(command_id=command_id, code=code, reference=reference, stage=stage, recorded_at=now)
        for code in form.root_causes
    ]


def link_learning(engine: Engine, letter_id: str, root_cause: str | None) -> None:
    """Mark the learning points the response letter recorded with the root cause they answer."""
    if root_cause is None:
        return
    with Session(engine) as session:
        for point in session.exec(select(LearningPoint).where(LearningPoint.id.startswith(f"{letter_id}-learning-"))).all():
            point.root_cause = root_cause
            session.add(point)
        session.commit()
