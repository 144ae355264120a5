"""A command's letter, drafted before the command and issued by the workflow once it applied (decision 130).

The process taking the action (web, CLI) drafts the letter and stores it keyed by (reference, command
id) before it sends the Update, then tells the workflow a draft exists (`letter_ref`). The workflow, on
applying the command, starts the `issue_letter` activity (activities/letters.py), which turns the draft
into the stored letter and queues its deliveries in one transaction (`letters.store_letter`, keyed by
the case-scoped command id): whatever the workflow accepted gets its letter exactly once, even if the
web process dies right after the Update; a refused or repeated (no-op) command never issues its draft.

A response or exclusion letter is complete in its draft (checked before the action, so an incomplete
letter refuses it). An acknowledgement or extension letter states the dates the workflow sets, so its
draft holds what staff typed and the activity finishes it with the dates the workflow passes.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework import letters
from casework.access import Actor
from casework.command_ids import scoped_id
from casework.forms import AcknowledgeForm, ExcludeForm, ExtendForm, Form, RespondForm, policy_profile
from casework.themes import link_learning
from models.calendar import local_date
from models.activity_inputs import IssueLetter
from models.letters import AcknowledgementLetter, ExclusionLetter, ExtensionLetter, Landlord, LetterBase, ResponseLetter
from models.policy import PolicyProfile
from models.record import Complaint
from models.side_effects import LetterDraft

DECISION_LETTERS: dict[str, type[LetterBase]] = {"ResponseLetter": ResponseLetter, "ExclusionLetter": ExclusionLetter}


def draft(
    engine: Engine,
    complaint: Complaint,
    profile: PolicyProfile,
    form: Form,
    stage: int,
    actor: Actor,
    due_before: date | None,
) -> tuple[str, dict[str, Any]] | None:
    """The draft (kind, content) of the letter this form's command issues, or None; a response or
    exclusion letter is checked now (`letters.decision_letter` refuses an incomplete one)."""
    if isinstance(form, (RespondForm, ExcludeForm)):
        letter = letters.decision_letter(engine, complaint, profile, form, stage, actor)
        assert letter is not None
        return "decision", {
            "type": type(letter).__name__,
            "letter": letter.model_dump(mode="json"),
            "learning_root_cause": getattr(form, "learning_root_cause", None),
        }
    signed_by = letters.signatory(engine, actor)
    if isinstance(form, AcknowledgeForm):
        return "acknowledge", {"signed_by": signed_by, "outcomes_sought": form.outcomes_sought}
    if isinstance(form, ExtendForm):
        return "extend", {
            "signed_by": signed_by,
            "working_days": form.working_days,
            "reason": form.reason,
            "agreed_with_resident": form.agreed_with_resident,
            "due_before": due_before.isoformat() if due_before else None,
        }
    return None


def store_draft(engine: Engine, reference: str, command_id: str, kind: str, content: dict[str, Any]) -> None:
    """Keep the first draft of a command (a retried command finds it and sends the same Update)."""
    with Session(engine) as session:
        if session.get(LetterDraft, (reference, command_id)) is None:
            session.add(
                LetterDraft(reference=reference, command_id=command_id, kind=kind, content=content, drafted_at=datetime.now(UTC))
            )
            session.commit()


def drop_draft(engine: Engine, reference: str, command_id: str) -> None:
    """Remove the draft of a command the workflow refused (an issued letter's draft stays with it)."""
    with Session(engine) as session:
        row = session.get(LetterDraft, (reference, command_id))
        if row is not None and row.letter_id is None:
            session.delete(row)
            session.commit()


def issue(engine: Engine, request: IssueLetter) -> str | None:
    """Issue the drafted letter of a command the workflow applied; its letter id, or None without a draft.
    Idempotent: a retried activity returns the letter issued the first time."""
    with Session(engine) as session:
        row = session.get(LetterDraft, (request.reference, request.command_id))
        complaint = session.get(Complaint, request.reference)
        if row is None or complaint is None:
            return None
        if row.letter_id is not None:
            return row.letter_id
        kind, content = row.kind, dict(row.content)
    stored = letters.store_letter(
        engine,
        request.reference,
        scoped_id("letter", request.reference, request.command_id),
        _letter(engine, complaint, kind, content, request),
    )
    if content.get("learning_root_cause"):
        link_learning(engine, stored.id, content["learning_root_cause"])
    with Session(engine) as session:
        row = session.get_one(LetterDraft, (request.reference, request.command_id))
        row.letter_id, row.content = stored.id, {}  # the letter holds the words now; the draft only says it is issued
        session.add(row)
        session.commit()
    return stored.id


def _letter(engine: Engine, complaint: Complaint, kind: str, content: dict[str, Any], request: IssueLetter) -> LetterBase:
    if kind == "decision":
        return DECISION_LETTERS[content["type"]].model_validate(content["letter"])
    reference, stage = complaint.reference, request.stage
    common = dict(
        reference=reference,
        landlord=Landlord.from_profile(policy_profile(complaint.policy_id)),
        addressee=letters.addressee_of(engine, reference),
        issued_on=local_date(datetime.now(UTC)),
        signed_by=content["signed_by"],
    )
    if kind == "acknowledge":
        return AcknowledgementLetter(
            **common,
            stage=stage,
            received_on=local_date(complaint.received_at),
            definition=letters.definition_of(engine, reference, stage),
            outcome_sought=content.get("outcomes_sought") or (complaint.desired_outcome if stage == 1 else ""),
            response_due=request.response_due,
        )
    due_before = date.fromisoformat(content["due_before"]) if content.get("due_before") else request.response_due
    return ExtensionLetter(
        **common,
        stage=stage,
        previous_due=due_before,
        new_due=request.response_due,
        working_days=content["working_days"],
        reason=content["reason"],
        agreed_with_resident=content["agreed_with_resident"],
    )
