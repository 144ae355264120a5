"""Delivering deadline notices: an outbox row keyed by (case, deadline, kind, due date), then the log.

A retried activity or a replayed workflow finds the row already there and sends nothing twice.
"""

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity

from models.case import NoticeDelivery
from models.tables import Notice

log = logging.getLogger("complaints.notices")


class NoticeActivities:
    def __init__(self, engine: Engine):
        self._engine = engine

    @activity.defn(name="deliver_notice")
    def deliver_notice(self, delivery: NoticeDelivery) -> bool:
        """Queue the notice once; returns False when it had already been queued."""
        notice = delivery.notice
        with Session(self._engine) as session:
            if session.get(Notice, delivery.idempotency_key) is not None:
                return False
            session.add(
                Notice(
                    idempotency_key=delivery.idempotency_key,
                    reference=delivery.reference,
                    landlord=delivery.landlord,
                    deadline=notice.deadline,
                    kind=notice.kind,
                    due=notice.due,
                    at=notice.at,
                    recipients=",".join(notice.recipients),
                )
            )
            session.commit()
        log.info(
            "notice %s for %s %s (due %s) to %s",
            notice.kind,
            delivery.reference,
            notice.deadline,
            notice.due.isoformat(),
            ", ".join(notice.recipients),
        )
        return True
