"""`eventually`: wait, bounded, for something the system does asynchronously (a projection landing, a
workflow's first task, visibility catching up), instead of an unbounded busy loop or a fixed sleep."""

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(probe: Callable[[], T | Awaitable[T]], what: str, timeout: float = 60.0, every: float = 0.05) -> T:
    """Call `probe` until it returns something truthy, and return that; a probe may also assert, and is
    called again while its assertion fails. After `timeout` seconds fail the test saying `what` never
    happened, with the last answer or the last assertion's message. A fixed budget, never a timed
    assertion: the bound only stops a stuck test, however slow the machine."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            answer = probe()
            if inspect.isawaitable(answer):
                answer = await answer
            last = f"last answer: {answer!r}"
        except AssertionError as failed:
            answer, last = None, f"last assertion: {failed}"
        if answer:
            return answer
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s ({last})")
        await asyncio.sleep(every)


async def case_set_up(handle) -> None:
    """Until a just-started case has recorded its first event (its policy and calendar loaded)."""
    from models.case import CaseView

    async def events() -> tuple:
        return (await handle.query("case", result_type=CaseView)).events

    await eventually(events, f"case {handle.id} recording its first event")
