"""A refused command, as structured data: which field, which rule, and the message for people.

The workflow refuses a command by raising an `ApplicationError` of type `CommandRejected` whose only
detail is a `Refusal`; every caller (web, CLI, simulator) reads it with `refusal_of` and never parses the
message text (DESIGN.md principle 9).
"""

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import ErrorDetails
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

REJECTED = "CommandRejected"
"""The `ApplicationError.type` of every refusal."""


class Refusal(BaseModel):
    """Why a command was refused: the payload field at fault (or the action), the rule, in plain words."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(min_length=1, max_length=64)
    """The payload field at fault (`working_days`, `actor`), or `action` when the lifecycle refuses it."""
    rule: str = Field(min_length=1, max_length=64)
    """A stable name for the rule broken (`lifecycle`, `extension_limit`, `code_6_13_independence`, ...)."""
    message: str = Field(min_length=1)
    """The refusal in people's words, naming the rule's source (e.g. "(Code 6.4)")."""

    def error(self) -> ApplicationError:
        """The error a workflow raises to refuse: non-retryable, the refusal as its one detail."""
        return ApplicationError(self.message, self.model_dump(), type=REJECTED, non_retryable=True)


def refusal_of(error: BaseException) -> Refusal | None:
    """The refusal an Update failed with, or None if it failed for any other reason."""
    cause = error.cause if isinstance(error, WorkflowUpdateFailedError) else error
    if not isinstance(cause, ApplicationError) or cause.type != REJECTED or not cause.details:
        return None
    return Refusal.model_validate(cause.details[0])


def validation_message(error: ErrorDetails) -> str:
    """One pydantic error in people's words: a validator's own message as it raised it (read from the
    error's context, not by trimming pydantic's "Value error, ..." rendering), else pydantic's message."""
    cause = (error.get("ctx") or {}).get("error")
    return str(cause) if isinstance(cause, Exception) else error["msg"]
