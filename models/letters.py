"""What each letter to a resident says, as typed content checked against the Code before it is issued.

A letter is filled from the case record (resident, definition, decisions, remedies) and the landlord's
policy profile (`Landlord.from_profile`). Its shape is validated when it is built (an offset against
arrears the policy does not allow, a ground the policy does not list, a decision on a point that does not
exist); its completeness is checked by `missing_contents`, which names, in people's words and with the Code
section, every required part that is missing (models/letter_requirements.py). `casework/letters.py`
refuses to render or store an incomplete letter (`LetterIncomplete`).

Code sections (quoted in seed 001): 2.1-2.4 exclusions, 5.6 the complaint definition, 6.2-6.5 and
6.11-6.16 acknowledgement and extension, 6.6-6.9 and 6.17-6.19 response letters, 7.1-7.4 remedies.
"""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from models.case import Outcome
from models.letterhead import Letterhead, letterhead_of
from models.policy import PolicyProfile
from models.policy_rules import Remedies

Stage = Literal[1, 2]
Finding = Literal["upheld", "not_upheld"]
RemedyKind = Literal["apology", "action", "compensation"]

OUTCOME_WORDS: dict[str, str] = {"upheld": "upheld", "partly_upheld": "partly upheld", "not_upheld": "not upheld"}


class LetterPart(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OmbudsmanContact(LetterPart):
    name: str
    phone: str
    email: str
    website: str
    address: str


HOUSING_OMBUDSMAN = OmbudsmanContact(
    name="Housing Ombudsman Service",
    phone="0300 111 3000",
    email="info@housing-ombudsman.org.uk",
    website="www.housing-ombudsman.org.uk",
    address="PO Box 152, Liverpool L33 7WQ",
)
"""The Ombudsman's public contact details: every extension, exclusion and final response gives them
(Code 2.4, 6.5, 6.16, 6.19g) and stage-1 responses do too (Code 3.7)."""

GROUND_WORDS: dict[str, str] = {
    "older_than_window": "the issue happened more than {months} months before you told us about it",
    "legal_proceedings": "legal proceedings about this matter have started",
    "previously_considered": "this matter has already been considered under our complaints policy",
    "vexatious_complainant": "we have decided, under our policy on vexatious contact, not to take further complaints from you for now",
    "service_request": "this is a request for a service rather than a complaint, and we are dealing with it as a service request",
    "asb_report": "this is a report of neighbour nuisance or anti-social behaviour, which we deal with under our anti-social behaviour procedure",
    "asb_case_not_opened": "it concerns anti-social behaviour for which no case has been opened yet",
    "not_our_service": "it is about a service that we do not provide or arrange",
    "insurance_claim": "it is an insurance claim, which is dealt with through the insurance claims process",
    "pre_action_protocol": "legal action has begun under the pre-action protocol, which the courts' process now covers",
    "ongoing_investigation": "an investigation into this matter is under way, and it would not be right to consider it separately",
    "no_service_failure": "it is clear that there has been no service failure: we acted in line with our policy",
    "unrealistic_outcome": "the outcome you are asking for is not one we could realistically provide",
    "data_protection": "it is about data protection, which is dealt with under data protection law",
    "information_request": "it is a data protection or freedom of information request, which has its own process",
    "director_complaint": "it concerns one of our directors, and a separate procedure applies",
    "unacceptable_behaviour": "of the unacceptable way in which the complaint has been pursued",
    "anonymous": "it was made anonymously, and our policy does not accept anonymous complaints",
    "employment_matter": "it concerns employment with us, which our employment procedures cover",
    "unreasonable_complainant_arrangement": "specific arrangements are in place with you under our Persistent or Unreasonable Complainants Policy",
    "pursued_unreasonably": "it is being pursued in an unreasonable manner",
    "leasehold_tribunal": "it is being dealt with through the Leasehold Tribunal",
    "whistleblowing": "it is being dealt with under our Whistleblowing Policy",
}
"""Each exclusion ground of the policy profiles, as the resident reads it (Code 2.4: the reasons why the
matter is not suitable for the complaints process)."""


class Landlord(LetterPart):
    """The sender, with the parts of its policy that decide what a letter may say, and its letterhead
    (models/letterhead.py: the name, address and contact lines printed on the letter)."""

    name: str = Field(min_length=1)
    policy_id: str
    exclusion_grounds: tuple[str, ...]
    remedies: Remedies
    window_months: int
    stage2_request_window_working_days: int | None = None
    team: str = "Complaints team"
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    @classmethod
    def from_profile(cls, profile: PolicyProfile, letterhead: Letterhead | None = None) -> "Landlord":
        head = letterhead or letterhead_of(profile)
        return cls(
            name=head.name,
            policy_id=profile.id,
            exclusion_grounds=profile.exclusion_grounds,
            remedies=profile.remedies,
            window_months=profile.complaint_window.months,
            stage2_request_window_working_days=profile.stage2_request_window_working_days,
            **head.model_dump(exclude={"name"}),
        )


class Addressee(LetterPart):
    name: str = Field(min_length=1)
    address: str = ""
    """Postal address, one line per line of the address."""


class LetterBase(LetterPart):
    reference: str = Field(pattern=r"^[A-Z]{2,5}-\d{4}-\d{6}$")
    landlord: Landlord
    addressee: Addressee | None = None
    """None for an anonymous complaint: the letter is kept on the case and addressed to "the complainant"."""
    issued_on: date
    signed_by: str = ""
    """Who writes: their name and role, one per line, printed under the letter."""
    if TYPE_CHECKING:
        # Every letter type declares these itself (so each keeps its place in the letter's JSON).
        kind: str
        stage: int | None


class AcknowledgementLetter(LetterBase):
    """Code 6.2 / 6.11: the complaint acknowledged, defined (5.6) and logged, and when the response is due."""

    kind: Literal["acknowledgement"] = "acknowledgement"
    stage: Stage
    received_on: date
    definition: list[str] = []
    outcome_sought: str = ""
    """Code 5.6: our understanding of the outcome the resident wants; empty asks them to tell us."""
    not_responsible_for: list[str] = []
    """Code 5.7: aspects of the complaint the landlord is not responsible for, and who is."""
    response_due: date | None = None
    ombudsman: OmbudsmanContact | None = HOUSING_OMBUDSMAN
    """Code 3.7: residents are told of their right to the Ombudsman; None leaves the details out."""


class ExtensionLetter(LetterBase):
    """Code 6.4-6.5 / 6.15-6.16: the new date, the reason, and the Ombudsman's details."""

    kind: Literal["extension"] = "extension"
    stage: Stage
    previous_due: date
    new_due: date | None = None
    working_days: int | None = Field(default=None, ge=1)
    reason: str = ""
    agreed_with_resident: bool = False
    update_interval: str = ""
    """Code 5.9: how often we will keep the resident informed meanwhile."""
    ombudsman: OmbudsmanContact | None = HOUSING_OMBUDSMAN


class Decision(LetterPart):
    """The decision on one point of the complaint definition (Code 6.7 / 6.18)."""

    point: int = Field(ge=1)
    """The point's number in the definition, from 1."""
    finding: Finding
    reasons: str = ""
    references: str = ""
    """The policy, law or good practice the decision relies on, where appropriate (Code 6.7)."""


class RemedyOffer(LetterPart):
    """A remedy offered to put things right (Code 7.1): what will happen and by when (Code 7.3)."""

    kind: RemedyKind
    description: str = ""
    amount_pence: int = Field(default=0, ge=0)
    compensation_type: str = ""
    offset_against_arrears: bool = False
    due_on: date | None = None
    band: str = ""
    """Compensation: the remedies-guidance band it was offered in (models/remedies_guidance.py)."""
    payment_id: str = ""
    """Compensation: the promised action its payment is tracked by (casework/promises.py)."""


class PendingAction(LetterPart):
    """An action still outstanding when the response is sent, tracked until done (Code 6.6 / 6.17)."""

    action_id: str = ""
    """The id the case's workflow tracks the action by (its deadline `action.<id>`)."""
    description: str = ""
    owner: str = ""
    target_on: date | None = None


class ResponseLetter(LetterBase):
    """The stage 1 or stage 2 response: everything Code 6.9 / 6.19 requires, in writing."""

    kind: Literal["response"] = "response"
    stage: Stage | None = None
    definition: list[str] = []
    outcome_sought: str = ""
    decisions: list[Decision] = []
    outcome: Outcome | None = None
    remedies: list[RemedyOffer] = []
    outstanding_actions: list[PendingAction] = []
    """The actions this response promises (recorded and tracked from it)."""
    earlier_actions: list[PendingAction] = []
    """Actions promised at an earlier stage and still not done: a stage-2 response lists every outstanding
    action (Code 6.19 f), not only its own."""
    learning: list[str] = []
    """What we have learnt and will change (Code 9.1), shared with the resident."""
    stage2_how: str = ""
    """Stage 1: how to ask for stage 2 (Code 6.9g); no reasons are needed (Code 6.12)."""
    ombudsman: OmbudsmanContact | None = HOUSING_OMBUDSMAN

    @property
    def record_kind(self) -> str:
        return f"stage{self.stage}_response"

    @model_validator(mode="after")
    def _fits_definition_and_policy(self) -> "ResponseLetter":
        problems: list[str] = []
        seen: set[int] = set()
        for index, decision in enumerate(self.decisions):
            if self.definition and decision.point > len(self.definition):
                problems.append(
                    f"decisions[{index}].point: the definition has {len(self.definition)} point(s), there is no point {decision.point}"
                )
            if decision.point in seen:
                problems.append(f"decisions[{index}].point: point {decision.point} is decided twice")
            seen.add(decision.point)
        policy = self.landlord.remedies
        for index, remedy in enumerate(self.remedies):
            field = f"remedies[{index}]"
            if remedy.kind != "compensation":
                if remedy.amount_pence or remedy.compensation_type or remedy.offset_against_arrears:
                    problems.append(
                        f"{field}: only a compensation remedy has an amount, a compensation type or an arrears offset"
                    )
                continue
            if remedy.compensation_type and remedy.compensation_type not in policy.compensation_types:
                problems.append(
                    f"{field}.compensation_type: must be one of {self.landlord.name}'s compensation types: "
                    f"{', '.join(policy.compensation_types)} (got {remedy.compensation_type!r})"
                )
            if remedy.offset_against_arrears and not policy.offset_against_arrears:
                problems.append(
                    f"{field}.offset_against_arrears: {self.landlord.name}'s compensation approach does not allow "
                    f"offsetting compensation against arrears (policies/{self.landlord.policy_id}.toml "
                    "[remedies] offset_against_arrears = false; Code 7.2: the remedy reflects the impact on the resident)"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ExclusionLetter(LetterBase):
    """Code 2.1-2.4: why the matter will not be taken as a complaint (or escalated, Code 5.11), and the right
    to take that decision to the Ombudsman."""

    kind: Literal["exclusion"] = "exclusion"
    stage: Stage = 1
    """1: not accepted as a complaint; 2: escalation to stage 2 refused (Code 5.11)."""
    ground: str = ""
    reason: str = ""
    ombudsman: OmbudsmanContact | None = HOUSING_OMBUDSMAN

    @property
    def ground_words(self) -> str:
        words = GROUND_WORDS.get(self.ground, self.ground.replace("_", " "))
        return words.format(months=self.landlord.window_months)

    @model_validator(mode="after")
    def _ground_in_policy(self) -> "ExclusionLetter":
        if self.ground and self.ground not in self.landlord.exclusion_grounds:
            grounds = ", ".join(self.landlord.exclusion_grounds)
            raise ValueError(f"ground: must be one of this policy's exclusion grounds: {grounds} (got {self.ground!r})")
        return self


AnyLetter = Annotated[AcknowledgementLetter | ExtensionLetter | ResponseLetter | ExclusionLetter, Field(discriminator="kind")]
_ANY_LETTER: TypeAdapter = TypeAdapter(AnyLetter)


def letter_from_content(content: dict) -> AcknowledgementLetter | ExtensionLetter | ResponseLetter | ExclusionLetter:
    """A stored letter's content (the `Letter.content` column) back as its model."""
    return _ANY_LETTER.validate_python(content)


class SummaryWork(LetterPart):
    what: str
    due: date


class HazardSummaryLetter(LetterBase):
    """SI 2025/1042 reg 9: the written summary of a hazard investigation, to the tenant of the complaint that
    reported it: what was investigated and found, the safety and preventative work with their dates,
    alternative accommodation where relevant, and how to complain and reach the Housing Ombudsman."""

    kind: Literal["hazard_summary"] = "hazard_summary"
    stage: int = 0
    """Not a complaint stage: the letter is filed with the complaint but answers the hazard's duty."""
    hazard: str = Field(pattern=r"^HZD-\d{4}-\d{6}$")
    category: str
    investigated_on: date | None
    found: str
    """In the tenant's words (casework/hazard_summary.FOUND_WORDS)."""
    work: list[SummaryWork] = []
    accommodation: str = ""
    ombudsman: OmbudsmanContact = HOUSING_OMBUDSMAN


def outcome_sought_at(letters: list, stage: int, desired_outcome: str) -> str:
    """The outcome the resident seeks at a stage, as that stage's latest acknowledgement letter set it out
    (Code 5.6, 6.11). Before one, stage 1's is the complaint's desired outcome as received; stage 2 never
    borrows stage 1's (the resident's stage-2 request says what they now want). `letters` are `Letter` rows."""
    said = [row for row in letters if row.kind == "acknowledgement" and row.stage == stage]
    if said:
        return str(max(said, key=lambda row: row.issued_at).content.get("outcome_sought", ""))
    return desired_outcome if stage == 1 else ""


def record_kind(letter: LetterBase) -> str:
    """The `Letter.kind` a letter is filed under: acknowledgement, extension, stage1_response, stage2_response, exclusion."""
    return letter.record_kind if isinstance(letter, ResponseLetter) else letter.kind
