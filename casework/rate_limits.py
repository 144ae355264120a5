"""Rate limits on what the public can do without signing in (complain, ask for a new link, try a printed code,
add a note): a count per key in a fixed window, kept in the read model so every web process shares it. Keys
are hashed: no email address or client address is kept in clear."""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.clock import stored_utc
from models.residents import PublicRateLimit


def _tally(session: Session, key: str, window: timedelta, now: datetime) -> PublicRateLimit:
    key = hashlib.sha256(key.encode()).hexdigest()  # no email addresses or client addresses kept in clear
    row = session.get(PublicRateLimit, key)
    if row is None or stored_utc(row.window_start) + window <= now:
        row = row or PublicRateLimit(key=key, window_start=now, count=0)
        row.window_start, row.count = now, 0
    return row


def within(engine: Engine, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Fewer than `limit` were counted for `key` in the current window (nothing is counted by asking)."""
    with Session(engine) as session:
        return _tally(session, key, window, now or datetime.now(UTC)).count < limit


def count(engine: Engine, key: str, window: timedelta, now: datetime | None = None) -> None:
    """Count one for `key` (an accepted complaint, a wrong code): only what the limit is about counts."""
    with Session(engine) as session:
        row = _tally(session, key, window, now or datetime.now(UTC))
        row.count += 1
        session.add(row)
        session.commit()


def allow(engine: Engine, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one request for `key`; False once `limit` requests fell in the current window."""
    now = now or datetime.now(UTC)
    count(engine, key, window, now)
    return within(engine, key, limit + 1, window, now)
