"""Staff's reasons (for an extension, an exclusion, an out-of-window acceptance) kept in the read model.

The workflow carries the `StaffReason` row's id (`reason_ref`, `good_reason_ref`), never the words
(DESIGN.md principle 5; issue 18 found "Mrs Priya Example was in hospital" in histories). Casework and
the simulator write the rows before the command is sent; the case page, `complaints show` and the
simulator's output read the words back with `readable`.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.record import StaffReason

REASON_FIELDS: dict[str, dict[str, str]] = {
    "extend": {"reason": "reason_ref", "good_reason": "good_reason_ref"},
    "exclude": {"reason": "reason_ref"},
    "accept_outside_window": {"reason": "reason_ref"},
}
"""For each command with free-text reasons: the form's field and the payload field that refers to it."""
REFERENCES = {ref: text_field for fields in REASON_FIELDS.values() for text_field, ref in fields.items()}


def reason_rows(
    action: str, reference: str, command_id: str, texts: dict[str, str | None], at: datetime
) -> tuple[list[StaffReason], dict[str, str]]:
    """The rows holding an action's reasons and the payload fields referring to them. Ids come from the
    command id, so a retried command finds its first attempt's rows; a blank reason is no reason."""
    rows, refs = [], {}
    for text_field, ref_field in REASON_FIELDS.get(action, {}).items():
        text = (texts.get(text_field) or "").strip()
        if not text:
            continue
        digest = hashlib.sha256(f"{command_id}|{text_field}".encode()).hexdigest()[:20]
        row = StaffReason(id=f"why-{digest}", reference=reference, purpose=f"{action}.{text_field}", text=text, recorded_at=at)
        rows.append(row)
        refs[ref_field] = row.id
    return rows, refs


def store_reasons(
    engine: Engine, action: str, reference: str, command_id: str, texts: dict[str, str | None], at: datetime
) -> dict[str, str]:
    """Write an action's reasons at once (the simulator, which has no rows of its own to remove)."""
    rows, refs = reason_rows(action, reference, command_id, texts, at)
    with Session(engine) as session:
        for row in rows:
            session.merge(row)
        session.commit()
    return refs


def reason_texts(session: Session, details: Iterable[dict]) -> dict[str, str]:
    """The words of every reason these event details refer to, by row id."""
    ids = [str(d[ref]) for d in details for ref in REFERENCES if d and d.get(ref)]
    if not ids:
        return {}
    return {row.id: row.text for row in session.exec(select(StaffReason).where(col(StaffReason.id).in_(ids)))}


def readable(details: dict, texts: dict[str, str]) -> dict:
    """Event details as people read them: each reason reference replaced by its words, under the field's
    own name (`reason`, `good_reason`), as the scenario file and the forms call it."""
    shown = {}
    for key, value in (details or {}).items():
        if key in REFERENCES:
            shown[REFERENCES[key]] = texts.get(str(value), "(reason not held)")
        else:
            shown[key] = value
    return shown
