"""Personal links to the tracking page: signed, expiring, bound to one case and one person.

A link's token is an itsdangerous signature (WEB_SECRET, its own salt, so a session cookie can never
pass as a link) over a `ResidentLink` row's id, the case reference and the person's id. The signature
makes it unforgeable and unguessable (the row id is 128 random bits); the row makes it revocable and
expiring: a link is used up when its time runs out (RESIDENT_LINK_DAYS) or when the person asks for a
new one (every older link of theirs on that case stops working). Whatever is wrong with a token
(forged, tampered, expired, used up, for a case that is gone) the answer is the same `LinkInvalid`, and
the page shows the same neutral words, so a token tells nobody anything.

A resident who has letters by post gets a printed link instead (decision 170): the short address
(`/track`), their reference and an eight-character code. The code is one more way to the same
`ResidentLink` row (its hash is kept on the row, the code itself only in the letter), so it expires and
is used up exactly as an emailed link is.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.clock import stored_utc
from models.record import Complaint, Representative, Resident
from models.residents import ResidentLink

SALT = "complaints.resident-link"
DEFAULT_DAYS = 28
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: a code is read off paper and typed. Eight of these are 40 bits; tries are limited."""
CODE_LENGTH = 8


class LinkInvalid(Exception):
    """The token does not open a case (forged, tampered, expired, used up): one answer for all."""


@dataclass(frozen=True)
class Tracked:
    """What a valid link opens: one case, as one person (the resident, or their representative)."""

    link_id: str
    reference: str
    person: str
    person_id: str
    name: str
    expires_at: datetime

    @property
    def on_behalf_of(self) -> str | None:
        """What a representative's command carries (the workflow checks their consent)."""
        return self.person_id if self.person == "representative" else None


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def issue_link(
    session: Session,
    secret: str,
    reference: str,
    person: str,
    person_id: str,
    days: int = DEFAULT_DAYS,
    link_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """A new link's token (the row is added to `session`; the caller commits). `link_id` makes it
    idempotent: the message that carries it reuses its link when it is sent again."""
    now = now or datetime.now(UTC)
    link_id = link_id or secrets.token_hex(16)
    if session.get(ResidentLink, link_id) is None:
        session.add(
            ResidentLink(
                id=link_id,
                reference=reference,
                person=person,
                person_id=person_id,
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
        )
    return _serializer(secret).dumps({"l": link_id, "r": reference, "p": person_id})


def issue_code(
    session: Session, reference: str, person: str, person_id: str, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> str:
    """A new printed code for this person on this case, shown as `ABCD-EFGH` (the row is added to
    `session`; the caller commits). Only its hash is kept."""
    now = now or datetime.now(UTC)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        ResidentLink(
            id=secrets.token_hex(16),
            reference=reference,
            person=person,
            person_id=person_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
            code_hash=_code_hash(reference, code),
        )
    )
    return f"{code[:4]}-{code[4:]}"


def _code_hash(reference: str, code: str) -> str:
    return hashlib.sha256(f"{reference}|{code}".encode()).hexdigest()


def normal_code(typed: str) -> str:
    """A code as typed (any case, with spaces or dashes) in the form it was issued."""
    return "".join(c for c in typed.upper() if c.isalnum())


def open_code(engine: Engine, secret: str, reference: str, code: str, now: datetime | None = None) -> str:
    """The token of the link a printed code stands for (to keep in the session as an emailed link's is),
    or LinkInvalid for a wrong, expired or used-up code."""
    reference, code = reference.strip().upper(), normal_code(code)
    if len(code) != CODE_LENGTH or len(reference) > 40:
        raise LinkInvalid()
    with Session(engine) as session:
        row = session.exec(
            select(ResidentLink).where(ResidentLink.reference == reference, ResidentLink.code_hash == _code_hash(reference, code))
        ).first()
        if row is None:
            raise LinkInvalid()
        token = _serializer(secret).dumps({"l": row.id, "r": row.reference, "p": row.person_id})
    open_link(engine, secret, token, now)
    return token


def open_link(engine: Engine, secret: str, token: str, now: datetime | None = None) -> Tracked:
    """The case and person a token opens, or LinkInvalid."""
    now = now or datetime.now(UTC)
    if not isinstance(token, str) or len(token) > 400:
        raise LinkInvalid()
    try:
        claims = _serializer(secret).loads(token, max_age=366 * 24 * 3600)
    except BadData:
        raise LinkInvalid() from None
    if not isinstance(claims, dict) or not all(isinstance(claims.get(k), str) for k in ("l", "r", "p")):
        raise LinkInvalid()
    with Session(engine) as session:
        row = session.get(ResidentLink, claims["l"])
        if row is None or row.reference != claims["r"] or row.person_id != claims["p"]:
            raise LinkInvalid()
        if row.revoked_at is not None or stored_utc(row.expires_at) <= now:
            raise LinkInvalid()
        if row.person == "representative" and not _consent_stands(session, row, now):
            raise LinkInvalid()
        name = _name(session, row)
        if name is None:
            raise LinkInvalid()
        return Tracked(row.id, row.reference, row.person, row.person_id, name, stored_utc(row.expires_at))


def _consent_stands(session: Session, row: ResidentLink, now: datetime) -> bool:
    """A representative reads the case only while the resident's consent stands (issue 29, item 4): once
    it is withdrawn their link is revoked for good, at the first use after the withdrawal (every link they hold on the case), whichever way
    it was recorded (web, CLI, scenario); consent given again later does not revive it (a new link does)."""
    from casework.delivery import latest_consent

    given = latest_consent(session, row.reference, row.person_id)
    if given is False:
        revoke_links(session, row.reference, row.person_id, now)
        session.commit()
    return bool(given)


def _name(session: Session, row: ResidentLink) -> str | None:
    complaint = session.get(Complaint, row.reference)
    if complaint is None:
        return None
    if row.person == "resident":
        resident = session.get(Resident, row.person_id)
        return resident.name if resident is not None and complaint.resident_id == resident.id else None
    representative = session.get(Representative, row.person_id)
    return representative.name if representative is not None and complaint.representative_id == representative.id else None


def revoke_links(session: Session, reference: str, person_id: str, now: datetime | None = None) -> None:
    """Every link this person holds on this case stops working (they asked for a new one)."""
    now = now or datetime.now(UTC)
    for row in session.exec(
        select(ResidentLink).where(
            ResidentLink.reference == reference, ResidentLink.person_id == person_id, col(ResidentLink.revoked_at).is_(None)
        )
    ).all():
        row.revoked_at = now
        session.add(row)
