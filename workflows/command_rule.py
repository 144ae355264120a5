"""What a command rule is, and the refusal its checks raise: shared by `workflows/commands.py` (the table of
every command) and the stages' own modules (`workflows/ombudsman.py`), so neither imports the other."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from models.case import PLANNING_HORIZON, Command
from models.commands import COMMANDS
from models.refusal import Refusal
from workflows.case_state import CaseState, Details


class Refused(Exception):
    """A command breaks a rule; nothing about the case changes."""

    def __init__(self, field: str, rule: str, message: str):
        super().__init__(message)
        self.refusal = Refusal(field=field, rule=rule, message=message)


@dataclass(frozen=True)
class CommandRule:
    """One command: the signal names it also arrives as, its own checks and effect; its payload type is the one
    `models.commands.COMMANDS` gives its name (what the web, the CLI and simulations build it from)."""

    name: str
    check: Callable[[CaseState, Any, date], None]
    apply: Callable[[CaseState, Any, date], Details]
    signals: tuple[str, ...] = ()
    reviewing: bool = False
    """A stage-2 decision (Code 6.13): refused to anyone who took part in stage 1."""

    @property
    def payload(self) -> type[Command]:
        return COMMANDS[self.name]

    @property
    def signal_names(self) -> tuple[str, ...]:
        return (self.name, *self.signals)


def within_horizon(field: str, day: date, today: date, *, from_today: bool) -> None:
    """A planned date lies from today (or after it) and no further ahead than the planning horizon."""
    earliest = today if from_today else today + timedelta(days=1)
    latest = today + PLANNING_HORIZON
    if not earliest <= day <= latest:
        first = "today" if from_today else "tomorrow"
        raise Refused(
            field,
            "planning_horizon",
            f"must be a date from {first} ({earliest.isoformat()}) to two years ahead ({latest.isoformat()}), "
            f"not {day.isoformat()}",
        )


def nothing_to_check(case: CaseState, command: Command, today: date) -> None:
    """The lifecycle and the rules every command passes are all this command needs."""
