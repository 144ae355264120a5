"""Projecting a case into the read model, idempotently keyed by (case reference, event sequence)."""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity

from models.case import CaseProjection
from models.tables import Case, CaseDeadline, CaseEvent


class ReadModelActivities:
    def __init__(self, engine: Engine):
        self._engine = engine

    @activity.defn(name="project_case")
    def project_case(self, projection: CaseProjection) -> None:
        view = projection.case
        last_seq = max((e.seq for e in view.events), default=0)
        with Session(self._engine) as session:
            insert = sqlite_insert if self._engine.dialect.name == "sqlite" else postgresql_insert
            session.exec(
                insert(Case)
                .values(
                    reference=view.reference,
                    landlord=view.landlord,
                    policy_id=view.policy_id,
                    policy_version=view.policy_version,
                    region=view.region,
                    state=view.state,
                    stage=view.stage,
                    received_at=projection.received_at,
                    overdue=False,
                    last_seq=0,
                )
                .on_conflict_do_nothing(index_elements=["reference"])
            )
            case = session.get(Case, view.reference)
            if last_seq >= case.last_seq:
                case.state, case.stage, case.handler = view.state, view.stage, view.handler
                case.next_deadline, case.overdue, case.last_seq = projection.next_deadline, projection.overdue, last_seq
                session.add(case)
                session.flush()
                for d in view.deadlines:
                    session.merge(
                        CaseDeadline(
                            reference=view.reference,
                            name=d.name,
                            due=d.due,
                            met_on=d.met_on,
                            met=d.met,
                            provisional=d.provisional,
                            extended_by=d.extended_by,
                            cancelled=d.cancelled,
                        )
                    )
            for event in view.events:
                if session.get(CaseEvent, (view.reference, event.seq)) is None:
                    session.add(
                        CaseEvent(
                            reference=view.reference,
                            seq=event.seq,
                            at=event.at,
                            type=event.type,
                            stage=event.stage,
                            state=event.state,
                            details=dict(event.details),
                        )
                    )
            session.commit()
