"""What a resident can do now, said once for the tracking page and every message (issue 27 item 4,
decision 175).

After the landlord's last word (the stage-2 response, or an exclusion, which covers a refused
escalation: `CaseState.final_response_on`), the complaints procedure is complete and the resident's next
step is the Housing Ombudsman, normally within 12 months (the Scheme's time limit, the workflow's
`REFERRAL_LISTENING_MONTHS`). Nothing offers stage 2 any more.
"""

from datetime import UTC, date

from pydantic import BaseModel

from sqlmodel import Session, col, select

from models.calendar import local_date
from models.presentation import long_date
from models.letters import HOUSING_OMBUDSMAN
from models.tables import Case, CaseEvent
from workflows.case_state import REFERRAL_LISTENING_MONTHS, _months_after  # the workflow's own reckoning of the 12 months

STILL_LISTENING = frozenset({"stage2_responded", "closed", "excluded", "ombudsman_referred", "ombudsman_determined"})


class Final(BaseModel):
    """The landlord's last word and how long the resident has to take it to the Ombudsman."""

    on: date
    refer_by: date
    excluded: bool


def final_word(session: Session, reference: str) -> Final | None:
    """The case's final response or exclusion, if the procedure is complete, else None."""
    case = session.get(Case, reference)
    if case is None or case.state not in STILL_LISTENING:
        return None
    event = session.exec(
        select(CaseEvent)
        .where(CaseEvent.reference == reference, col(CaseEvent.type).in_(("exclude", "respond")))
        .order_by(col(CaseEvent.seq).desc())
    ).first()
    if event is None or (event.type == "respond" and event.stage != 2):
        return None
    on = local_date(event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC))
    return Final(on=on, refer_by=_months_after(on, REFERRAL_LISTENING_MONTHS), excluded=event.type == "exclude")


def ombudsman_words(final: Final) -> str:
    """The paragraph every message ends with once the procedure is complete."""
    o = HOUSING_OMBUDSMAN
    return (
        f"Our complaints procedure is now complete. If you are still not happy, you can ask the {o.name} to look "
        f"at your complaint. It is free and independent. Please contact them by {long_date(final.refer_by, weekday=True)} "
        f"(normally within 12 months of our final decision on {long_date(final.on, weekday=True)}): phone {o.phone}, "
        f"online at {o.website}, email {o.email}, or write to {o.address}."
    )


def link_sentence(session: Session, reference: str, whose: str, body: str) -> str:
    """The words before the personal link in an email: stage 2 offered only while it can be asked for
    (the workflow's allowed actions);
    after the last word, what the resident can do now (unless the message already says it)."""
    final = final_word(session, reference)
    if final is None:
        case = session.get(Case, reference)
        if case is not None and "request_stage2" in (case.allowed_actions or []):
            return f"See where {whose} is, add information, or ask for it to go to stage 2, at this personal link:"
        return f"See where {whose} is, or add information, at this personal link:"
    now = "" if "Our complaints procedure is now complete" in body else ombudsman_words(final) + "\n\n"
    return f"{now}See {whose} and our letters at this personal link:"
