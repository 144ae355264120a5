"""The exception a command's check raises: the field at fault, the rule, and a message for people."""

from models.refusal import Refusal


class Refused(Exception):
    """A command breaks a rule; nothing about the case changes."""

    def __init__(self, field: str, rule: str, message: str):
        super().__init__(message)
        self.refusal = Refusal(field=field, rule=rule, message=message)
