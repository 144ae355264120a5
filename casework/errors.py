"""How the service layer says no: every way in (CLI, web) catches these and shows the field and the rule.

Nothing is written when one is raised (casework removes any rows it wrote for the command first).
"""


class CommandRejected(Exception):
    """An action refused before it changed anything; `field` names what to correct (None: the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class UnknownCase(LookupError):
    def __init__(self, reference: str):
        super().__init__(f"no complaint with reference {reference!r}")
        self.reference = reference
