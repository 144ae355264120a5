"""The notice ladder over a case's deadlines: when the workflow must wake next, and what is due now.

Pure functions of the case state and the business clock (no Temporal calls), so the workflow's loop
(`workflows/complaint.py`) stays the process and this stays the arithmetic (DESIGN.md, "Notices and
escalation": by default due_soon one working day before, overdue at the deadline, escalated after).
"""

from collections.abc import Iterable
from datetime import datetime

from models.calendar import end_of_day
from models.case import NoticeView
from workflows import deadlines
from workflows.case_state import CaseState


def next_wake(state: CaseState, now: datetime, also: Iterable[datetime] = ()) -> datetime | None:
    """The next future instant something is due: a deadline, a rung of the ladder, the end of listening for a
    stage-2 request, or one of `also`. Past instants are never returned (they were dealt with already), so the
    loop always sleeps on something that lies ahead."""
    instants = list(also)
    for deadline in state.live_deadlines():
        if deadline.met is None:
            instants.append(end_of_day(deadline.due))
        for rung in state.policy.notice_ladder:
            if rung.kind not in deadline.notified:
                instants.append(deadlines.notice_instant(rung, deadline.due, state.calendar))
    listening_end = state.listening_end()
    if listening_end is not None:
        instants.append(listening_end)
    return min((instant for instant in instants if instant > now), default=None)


def mark_missed_and_notify(state: CaseState, now: datetime, planned_at: datetime | None) -> tuple[list[str], list[NoticeView]]:
    """Mark passed deadlines missed and raise the ladder's notices now due; returns the deadlines newly missed
    and the notices to deliver, both recorded on the case's timeline.

    When several rungs of one deadline are already past (a case logged late, a calendar change), one notice of
    the most serious kind is sent to every passed rung's recipients (handler, manager, head of service), so
    nobody who should have heard is left out and nobody gets a burst of stale mail (issue 26). A notice whose
    instant lies before the last re-plan is dated now (it could not have been sent then)."""
    missed: list[str] = []
    notices: list[NoticeView] = []
    for deadline in state.live_deadlines():
        if deadline.met is None and end_of_day(deadline.due) <= now:
            deadline.met = False
            missed.append(deadline.name)
            state.record("deadline_missed", end_of_day(deadline.due), {"deadline": deadline.name})
        passed = sorted(
            (
                (instant, rung)
                for rung in state.policy.notice_ladder
                if rung.kind not in deadline.notified
                and (instant := deadlines.notice_instant(rung, deadline.due, state.calendar)) <= now
            ),
            key=lambda pair: pair[0],
        )
        for _, rung in passed:
            deadline.notified.add(rung.kind)
        if passed:
            instant, rung = passed[-1]
            at = instant if planned_at is None or instant >= planned_at else now
            recipients = tuple(dict.fromkeys(role for _, passed_rung in passed for role in passed_rung.recipients))
            notice = NoticeView(kind=rung.kind, deadline=deadline.name, due=deadline.due, at=at, recipients=recipients)
            state.notices.append(notice)
            state.record("notice", at, {"kind": rung.kind, "deadline": deadline.name, "due": deadline.due.isoformat()})
            notices.append(notice)
    return missed, notices
