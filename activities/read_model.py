"""Projecting a case into the read model, idempotently keyed by (case reference, event sequence).

Staff wait for this write after every action (bench/update_latency.py), so it is three set-based
statements, built once and run in one transaction, rather than a read-then-write per row: an upsert of
the case that only a newer projection wins, an upsert of its deadlines when it won, and an insert of
the new events that skips any already there (a retried activity or a replayed workflow).
"""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from temporalio import activity

from sqlmodel import Session, col

from casework.delivery import MAY_TELL_RESIDENT, tell_of_events
from models.case import CaseProjection
from models.tables import Case, CaseDeadline, CaseEvent

CASE_PROGRESS = ("state", "stage", "handler", "next_deadline", "overdue", "last_seq", "allowed_actions", "stage1_handlers")
"""What a projection moves forward on an existing case; who, where and when it was received never change."""
DEADLINE_FIELDS = ("due", "met_on", "met", "provisional", "extended_by", "cancelled")
EVENT_FIELDS = ("seq", "at", "type", "stage", "state")


class ReadModelActivities:
    def __init__(self, engine: Engine):
        self._engine = engine
        insert = sqlite_insert if engine.dialect.name == "sqlite" else postgresql_insert
        case = insert(Case)
        self._upsert_case = case.on_conflict_do_update(
            index_elements=["reference"],
            set_={field: case.excluded[field] for field in CASE_PROGRESS},
            where=Case.last_seq <= case.excluded.last_seq,
        ).returning(col(Case.reference))
        deadline = insert(CaseDeadline)
        self._upsert_deadlines = deadline.on_conflict_do_update(
            index_elements=["reference", "name"],
            set_={field: deadline.excluded[field] for field in DEADLINE_FIELDS},
        )
        self._insert_events = insert(CaseEvent).on_conflict_do_nothing(index_elements=["reference", "seq"])

    @activity.defn(name="project_case")
    def project_case(self, projection: CaseProjection) -> None:
        view = projection.case
        case = {
            "reference": view.reference,
            "landlord": view.landlord,
            "policy_id": view.policy_id,
            "policy_version": view.policy_version,
            "region": view.region,
            "state": view.state,
            "stage": view.stage,
            "handler": view.handler,
            "received_at": projection.received_at,
            "next_deadline": projection.next_deadline,
            "overdue": projection.overdue,
            "last_seq": max((e.seq for e in view.events), default=0),
            "allowed_actions": list(view.allowed_actions),
            "stage1_handlers": list(view.stage1_handlers),
        }
        with self._engine.begin() as connection:
            newest = connection.execute(self._upsert_case, case).first() is not None
            if newest and view.deadlines:
                connection.execute(
                    self._upsert_deadlines,
                    [
                        {"reference": view.reference, "name": d.name, **{f: getattr(d, f) for f in DEADLINE_FIELDS}}
                        for d in view.deadlines
                    ],
                )
            if view.events:
                connection.execute(
                    self._insert_events,
                    [
                        {"reference": view.reference, "details": dict(e.details), **{f: getattr(e, f) for f in EVENT_FIELDS}}
                        for e in view.events
                    ],
                )
            if told := [e for e in view.events if e.type in MAY_TELL_RESIDENT]:
                # The resident's updates these events call for, in the same transaction, keyed by seq.
                with Session(bind=connection) as session:
                    tell_of_events(session, view.reference, told)
                    session.flush()
