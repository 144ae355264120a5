"""How the service layer says no: every way in (CLI, web) catches these and shows the field and the rule.

Nothing is written when one is raised (casework removes any rows it wrote for the command first).
"""


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
