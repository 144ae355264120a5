"""The Ombudsman stage's commands (DESIGN.md "The Ombudsman stage"): a referral, evidence asked for and sent,
the determination with its findings and orders, compliance, and a Complaint Handling Failure Order. Codes,
dates and ids only: what the Ombudsman wrote stays in the read model."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from models.case import Command, ItemId, Payload, RowRef

OmbudsmanFinding = Literal[
    "severe_maladministration",
    "maladministration",
    "service_failure",
    "no_maladministration",
    "reasonable_redress",
    "outside_jurisdiction",
]
"""The Housing Ombudsman's findings on each element of a complaint it determines (DESIGN.md)."""
OrderKind = Literal["apology", "compensation", "action", "review", "other"]
ChfoReason = Literal[
    "not_progressed", "no_response_to_ombudsman", "evidence_not_provided", "order_not_complied", "other_code_failure"
]
"""Why the Ombudsman issued a Complaint Handling Failure Order (its CHFO protocol's grounds, as codes)."""
OMBUDSMAN_REF_PATTERN = r"^[A-Z0-9][A-Z0-9/-]{2,29}$"
"""The Ombudsman's case reference (e.g. 202412345): capitals, digits, '/' and '-', a code, not free text."""
ElementCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
"""An element of a determined complaint as a code (`complaint_handling`, `repairs`, ...), never free text."""


class OmbudsmanReferral(Command):
    """The resident took the final response (or an exclusion, or a refused escalation) to the Ombudsman."""

    ombudsman_ref: str = Field(pattern=OMBUDSMAN_REF_PATTERN)


class OmbudsmanEvidenceRequested(Command):
    due_on: date


class OmbudsmanEvidenceSent(Command):
    pass


class Finding(Payload):
    element: ElementCode
    finding: OmbudsmanFinding


class OmbudsmanOrder(Payload):
    order_id: ItemId
    kind: OrderKind
    due_on: date


class OmbudsmanDetermination(Command):
    findings: tuple[Finding, ...] = Field(min_length=1, max_length=20)
    orders: tuple[OmbudsmanOrder, ...] = Field(default=(), max_length=20)


class OmbudsmanOrderComplied(Command):
    order_id: ItemId
    evidence_ref: RowRef | None = None
    """A read-model row holding the evidence of compliance; its text never enters history."""


class ComplaintHandlingFailureOrder(Command):
    """A Complaint Handling Failure Order the Ombudsman issued against the landlord on this case."""

    reason: ChfoReason
    issued_on: date
