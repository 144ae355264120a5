"""Letters to residents: drafted from a staff action, rendered from Jinja2 templates to HTML and PDF, and
stored with the case.

A response or exclusion letter is drafted and checked before its action is sent (`decision_letter`: an
incomplete letter refuses the action). Every letter is issued (`store_letter`) by the workflow's
`issue_letter` activity once the command has applied (casework/letter_issue.py, decision 130).

A letter is checked by `missing_contents` before anything is rendered; an incomplete one raises
`LetterIncomplete` and nothing is written. Storing is idempotent by the command's id (DESIGN.md
principle 4): a retried command gets back the letter it stored the first time, never a second one.
Templates autoescape every field, and the PDF renderer may fetch nothing (no fonts, images or styles
from any URL), so a letter renders the same with or without a network.
"""

from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from casework import delivery
from casework.access import Actor
from casework.errors import CommandRejected
from casework.forms import ExcludeForm, Form, RespondForm
from casework.promises import payment_ids, promised
from models.presentation import long_date, money, paragraphs
from models.letters import (
    OUTCOME_WORDS,
    AcknowledgementLetter,
    Addressee,
    Decision,
    ExclusionLetter,
    ExtensionLetter,
    HazardSummaryLetter,
    Landlord,
    LetterBase,
    PendingAction,
    RemedyOffer,
    ResponseLetter,
    outcome_sought_at,
    record_kind,
)
from models.letter_requirements import LetterIncomplete, missing_contents
from models.policy import PolicyProfile
from models.record import Complaint, Definition, LearningPoint, Letter, OutstandingAction, Remedy, Resident
from models.refusal import validation_message
from accounts.users import ROLE_NAMES, get_user
from models.clock import london_today

TEMPLATES = Path(__file__).resolve().parent / "letter_templates"
STYLESHEET = TEMPLATES / "letter.css"
"""Inlined in every stored letter (its PDF needs nothing from outside) and served to the staff preview."""
TEMPLATE_OF = {
    AcknowledgementLetter: "acknowledgement.html",
    ExtensionLetter: "extension.html",
    ResponseLetter: "response.html",
    ExclusionLetter: "exclusion.html",
    HazardSummaryLetter: "hazard_summary.html",
}


def _letter_date(day: date | None) -> str:
    """A letter's dates carry their weekday, so the resident can plan ("Thursday 3 December 2026")."""
    return long_date(day, weekday=True)


def _sentence(text: str) -> str:
    """Text staff typed, ended with a full stop unless it already ends a sentence (never a doubled one)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=_letter_date, money=money, paragraphs=paragraphs, lines=_lines, sentence=_sentence)
    env.globals.update(outcome_words=OUTCOME_WORDS, css=Markup(STYLESHEET.read_text(encoding="utf-8")))
    return env


_ENV = _environment()
_NO_FETCHING = URLFetcher(allowed_protocols=())
"""Every URL is refused: a letter never reaches the network (or the file system) while it renders."""


def check_letter(letter: LetterBase) -> None:
    """Raise `LetterIncomplete` naming every required part the letter lacks."""
    missing = missing_contents(letter)
    if missing:
        raise LetterIncomplete(letter, missing)


def render_html(letter: LetterBase, large_print: bool = False) -> str:
    check_letter(letter)
    return _ENV.get_template(TEMPLATE_OF[type(letter)]).render(letter=letter, title=_title(letter), large_print=large_print)


def render_letter(letter: LetterBase, large_print: bool = False) -> tuple[str, bytes]:
    """The letter as HTML and as PDF bytes (in large print when asked); an incomplete letter raises
    `LetterIncomplete`."""
    html = render_html(letter, large_print)
    pdf = HTML(string=html, url_fetcher=_NO_FETCHING).write_pdf()
    return html, pdf


def pdf_of_pages(htmls: list[str]) -> bytes:
    """One PDF of several rendered documents, each starting on a new page (the post room's batch)."""
    documents = [HTML(string=html, url_fetcher=_NO_FETCHING).render() for html in htmls]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def render_update(
    reference: str, landlord: Landlord, addressee: Addressee | None, subject: str, body: str, large_print: bool = False
) -> str:
    """A short update (a promised action done or late) as a letter for the post, in the letters' layout."""
    letter = {"reference": reference, "landlord": landlord, "addressee": addressee, "issued_on": london_today(), "signed_by": ""}
    return _ENV.get_template("update.html").render(letter=letter, title=subject, body=body, large_print=large_print)


def _title(letter: LetterBase) -> str:
    titles = {
        "acknowledgement": "We have received your complaint",
        "extension": "We need more time to respond to your complaint",
        "stage1_response": "Our response to your complaint (stage 1)",
        "stage2_response": "Our final response to your complaint (stage 2)",
        "exclusion": "Why we cannot take this matter as a complaint",
        "hazard_summary": "What we found when we investigated the hazard in your home",
    }
    title = titles[record_kind(letter)]
    if isinstance(letter, ExclusionLetter) and letter.stage == 2:
        title = "Why we cannot take your complaint to stage 2"
    if isinstance(letter, AcknowledgementLetter) and letter.stage == 2:
        title = "We have received your request to take your complaint to stage 2"
    return title


def store_letter(
    engine: Engine, reference: str, command_id: str, letter: LetterBase, issued_at: datetime | None = None
) -> Letter:
    """Check, render and store the letter for the command; a repeated command id returns the stored letter.

    A response letter also records its remedies (`Remedy`), outstanding actions (`OutstandingAction`,
    tracked until done, Code 6.6) and learning points (`LearningPoint`), in the same transaction."""
    if letter.reference != reference:
        raise ValueError(f"reference: the letter is for {letter.reference}, not {reference}")
    stored = _stored(engine, command_id)
    if stored is not None:
        return _same_case(stored, reference, command_id)
    large = delivery.large_print(engine, reference)
    html, pdf = render_letter(letter, large)
    issued_at = issued_at or datetime.now(UTC)
    assert letter.stage is not None  # render_letter refuses a letter without its stage
    row = Letter(
        id=f"letter-{uuid4().hex}",
        reference=reference,
        kind=record_kind(letter),
        stage=letter.stage,
        command_id=command_id,
        content=letter.model_dump(mode="json"),
        html=html,
        pdf=pdf,
        issued_at=issued_at,
    )
    try:
        with Session(engine) as session:
            session.add(row)
            if isinstance(letter, ResponseLetter):
                session.add_all(_response_record(row, letter, issued_at))
            session.flush()
            # The letter's deliveries are owed from the moment it exists: same transaction (decision 49).
            delivery.queue(
                session,
                reference,
                "letter",
                _title(letter),
                letter_email_text(letter),
                key=row.id,
                letter_id=row.id,
                large=large,
                now=issued_at,
            )
            session.commit()
            session.refresh(row)
            session.expunge(row)
            return row
    except IntegrityError:
        # Another worker stored this command's letter between our look-up and our commit.
        stored = _stored(engine, command_id)
        if stored is None:
            raise
        return _same_case(stored, reference, command_id)


def letter_email_text(letter: LetterBase) -> str:
    """What the email carrying a letter says above the personal link: the letter is attached, and the
    one date or fact the resident most needs from it."""
    lines = [f"Our letter about your complaint {letter.reference} is attached as a PDF. Please read it."]
    if isinstance(letter, AcknowledgementLetter) and letter.response_due:
        lines.append(f"We will send you our response by {_letter_date(letter.response_due)}.")
    elif isinstance(letter, ExtensionLetter):
        lines.append(f"We need more time. We will now send you our response by {_letter_date(letter.new_due)}.")
    elif isinstance(letter, ResponseLetter) and letter.stage == 1:
        lines.append(
            "If you are not happy with our response, you can ask for your complaint to go to stage 2. "
            "You do not need to give reasons. You can do this from your personal link below."
        )
    elif isinstance(letter, HazardSummaryLetter):
        lines[0] = (
            f"Our written summary of the investigation into the hazard you reported ({letter.hazard}) is attached as a PDF."
        )
        lines.append(f"We investigated it on {_letter_date(letter.investigated_on)} and found {letter.found}.")
        lines.extend(f"{item.what}: by {_letter_date(item.due)}." for item in letter.work)
    elif isinstance(letter, ResponseLetter):
        lines.append("This is our final response. The letter explains how to ask the Housing Ombudsman to look at it.")
    return "\n\n".join(lines)


def _stored(engine: Engine, command_id: str) -> Letter | None:
    with Session(engine) as session:
        row = session.exec(select(Letter).where(Letter.command_id == command_id)).first()
        if row is not None:
            session.expunge(row)
        return row


def _same_case(stored: Letter, reference: str, command_id: str) -> Letter:
    if stored.reference != reference:
        raise ValueError(f"command_id: {command_id!r} already issued a letter for {stored.reference}, not {reference}")
    return stored


def _response_record(row: Letter, letter: ResponseLetter, issued_at: datetime) -> list:
    remedies = [
        Remedy(
            id=f"{row.id}-remedy-{number}",
            reference=row.reference,
            stage=row.stage,
            kind=remedy.kind,
            description=remedy.description,
            amount_pence=remedy.amount_pence,
            compensation_type=remedy.compensation_type,
            offset_against_arrears=remedy.offset_against_arrears,
            band=remedy.band,
            payment_id=remedy.payment_id,
        )
        for number, remedy in enumerate(letter.remedies, start=1)
    ]
    actions = []
    for number, action in enumerate(letter.outstanding_actions, start=1):
        assert action.target_on is not None  # render_letter refuses an action without its date
        actions.append(
            OutstandingAction(
                reference=row.reference,
                action_id=action.action_id or f"{row.command_id}-{number}",
                description=action.description,
                owner=action.owner,
                target_on=action.target_on,
            )
        )
    learning = [
        LearningPoint(id=f"{row.id}-learning-{number}", reference=row.reference, text=text, recorded_at=issued_at)
        for number, text in enumerate(letter.learning, start=1)
    ]
    return [*remedies, *actions, *learning]


def addressee_of(engine: Engine, reference: str) -> Addressee | None:
    """The resident a case's letters go to, from the record; None for an anonymous complaint."""
    with Session(engine) as session:
        complaint = session.get(Complaint, reference)
        if complaint is None:
            raise ValueError(f"reference: no complaint {reference} in the record")
        resident = session.get(Resident, complaint.resident_id) if complaint.resident_id else None
        return None if resident is None else Addressee(name=resident.name, address=resident.address)


def definition_of(engine: Engine, reference: str, stage: int) -> list[str]:
    """The points of a stage's complaint definition (Code 5.6), with additional complaints merged in (Code 6.8),
    in the order they were recorded."""
    with Session(engine) as session:
        rows = session.exec(
            select(Definition)
            .where(Definition.reference == reference, Definition.stage == stage)
            .order_by(col(Definition.recorded_at), col(Definition.command_id))
        ).all()
        return [str(point) for row in rows for point in row.points]


def outcome_sought_of(engine: Engine, complaint: Complaint, stage: int) -> str:
    with Session(engine) as session:
        rows = list(session.exec(select(Letter).where(Letter.reference == complaint.reference)).all())
    return outcome_sought_at(rows, stage, complaint.desired_outcome)


def signatory(engine: Engine, actor: Actor, separator: str = "\n") -> str:
    """The staff member's display name and role, as the letter is signed (never their username)."""
    account = get_user(engine, actor.username)
    name = account.display_name if account is not None else actor.username
    return f"{name}{separator}{ROLE_NAMES.get(actor.role, actor.role)}"


def earlier_actions(engine: Engine, reference: str, stage: int) -> list[PendingAction]:
    """The actions promised before this stage's response and still not done (Code 6.19 f)."""
    if stage < 2:
        return []
    with Session(engine) as session:
        rows = session.exec(
            select(OutstandingAction)
            .where(
                OutstandingAction.reference == reference,
                OutstandingAction.completed_on == None,  # noqa: E711
            )
            .order_by(col(OutstandingAction.target_on), col(OutstandingAction.action_id))
        ).all()
        return [
            PendingAction(action_id=r.action_id, description=r.description, owner=r.owner, target_on=r.target_on) for r in rows
        ]


def _sender_and_addressee(engine: Engine, complaint: Complaint, profile: PolicyProfile, actor: Actor) -> dict:
    return dict(
        reference=complaint.reference,
        landlord=Landlord.from_profile(profile),
        addressee=addressee_of(engine, complaint.reference),
        issued_on=london_today(),
        signed_by=signatory(engine, actor),
    )


# ---- the letter a staff action issues -----------------------------------------------------------


def decision_letter(
    engine: Engine, complaint: Complaint, profile: PolicyProfile, form: Form, stage: int, actor: Actor
) -> LetterBase | None:
    """The response or exclusion letter, checked against the Code before the action is sent: an
    incomplete letter refuses the action, naming what is missing."""
    common = _sender_and_addressee(engine, complaint, profile, actor)
    try:
        if isinstance(form, RespondForm):
            letter: LetterBase = ResponseLetter(
                **common,
                stage=stage,
                definition=definition_of(engine, complaint.reference, stage),
                outcome_sought=outcome_sought_of(engine, complaint, stage),
                decisions=[
                    Decision(point=d.point, finding="upheld" if d.upheld else "not_upheld", reasons=d.reasons)
                    for d in form.decisions
                ],
                outcome=form.outcome,
                remedies=[
                    RemedyOffer(**r.model_dump(), payment_id=paid_as)
                    for r, paid_as in zip(form.remedies, payment_ids(form, stage))
                ],
                outstanding_actions=promised(form, stage, signatory(engine, actor, ", ")),
                earlier_actions=earlier_actions(engine, complaint.reference, stage),
                learning=[form.learning] if form.learning else [],
                stage2_how=STAGE2_HOW if stage == 1 else "",
            )
        elif isinstance(form, ExcludeForm):
            letter = ExclusionLetter(**common, stage=stage if stage == 2 else 1, ground=form.ground, reason=form.reason)
        else:
            return None
        check_letter(letter)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise CommandRejected("letter", validation_message(first)) from None
    except LetterIncomplete as err:  # kept as the cause: the web names each missing part on its own line
        raise CommandRejected("letter", str(err)) from err
    return letter


STAGE2_HOW = "To ask, reply to this letter, or phone or email our complaints team (the details are at the top of this letter)."
