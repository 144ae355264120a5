"""How the service layer says no: every way in (CLI, web) catches these and shows the field and the rule.

Nothing is written when one is raised (casework removes any rows it wrote for the command first).
"""

from temporalio.service import RPCError, RPCStatusCode


def temporal_unavailable(error: BaseException) -> bool:
    """Temporal could not be reached (down, or never connected): the command never arrived, so what
    was written for it may be removed (intake) and the person told nothing was saved (the web's 503)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, RPCError) and seen.status == RPCStatusCode.UNAVAILABLE:
            return True
        if isinstance(seen, RuntimeError) and str(seen).startswith("Failed client connect"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class CommandRejected(Exception):
    """An action refused before it changed anything; `field` names what to correct (None: the whole form),
    `rule` the rule broken when the workflow refused (models.refusal.Refusal.rule), for callers that act
    on which rule it was without reading the message."""

    def __init__(self, field: str | None, message: str, rule: str | None = None):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
        self.rule = rule


class UnknownCase(LookupError):
    def __init__(self, reference: str):
        super().__init__(f"no complaint with reference {reference!r}")
        self.reference = reference
