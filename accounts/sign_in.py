"""Sign-in throttling: failures counted per account (the username as typed) and per client address.

Past a number of failures a key is locked for a while, the lock doubling with each further failure
up to a ceiling; while locked, no password is even checked (the right one included), so guessing at
speed is impossible. A success clears the account's count (not the address's, so one person's own
sign-ins do not reset a password-spraying address). Failures are forgotten after a day without one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, DateTime
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from models.clock import stored_utc

FORGET_AFTER = timedelta(days=1)


class SignInThrottle(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=100)
    """`account:<username as typed>` or `address:<client address>`."""
    failures: int = 0
    last_failure_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    locked_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


@dataclass(frozen=True)
class ThrottleRules:
    account_failures: int = 5
    address_failures: int = 20
    lock_seconds: int = 60
    max_lock_seconds: int = 900

    def threshold(self, key: str) -> int:
        return self.account_failures if key.startswith("account:") else self.address_failures

    def lock_for(self, key: str, failures: int) -> int:
        over = failures - self.threshold(key)
        return 0 if over < 0 else min(self.max_lock_seconds, self.lock_seconds * 2 ** min(over, 20))


def now() -> datetime:
    """The clock (a function, so tests move it)."""
    return datetime.now(timezone.utc)


def keys(username: str, address: str) -> tuple[str, str]:
    return f"account:{username.lower()[:64]}", f"address:{address[:64]}"


def locked_seconds(engine: Engine, *throttle_keys: str) -> int:
    """How long until every given key may try again (0: now)."""
    moment = now()
    with Session(engine) as session:
        rows = [session.get(SignInThrottle, key) for key in throttle_keys]
    waits = [(stored_utc(row.locked_until) - moment).total_seconds() for row in rows if row and row.locked_until]
    return max([0, *(int(wait) + 1 for wait in waits if wait > 0)])


def record_failure(engine: Engine, rules: ThrottleRules, *throttle_keys: str) -> int:
    """Count a failed sign-in against every key; the longest lock this failure started (0: none)."""
    moment, started = now(), 0
    with Session(engine) as session:
        for key in throttle_keys:
            row = session.get(SignInThrottle, key)
            if row is None or moment - stored_utc(row.last_failure_at) > FORGET_AFTER:
                row = row or SignInThrottle(key=key, last_failure_at=moment)
                row.failures, row.locked_until = 0, None
            row.failures += 1
            row.last_failure_at = moment
            lock = rules.lock_for(key, row.failures)
            if lock:
                row.locked_until = moment + timedelta(seconds=lock)
                started = max(started, lock)
            session.add(row)
        session.commit()
    return started


def record_success(engine: Engine, account_key: str) -> None:
    with Session(engine) as session:
        row = session.get(SignInThrottle, account_key)
        if row is not None:
            session.delete(row)
            session.commit()
