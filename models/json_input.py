"""JSON that people type or hand over in files (scenarios, `act` fields), read with bounds.

Python's reader alone turns a binary file, a 5000-digit number or a deeply nested list into a traceback
(issue 18, item 7): here each is one `JsonInputError` saying what is wrong, before any model sees it.
"""

import json
from typing import Any

MAX_BYTES = 5_000_000
"""A scenario list of a few thousand cases fits; anything bigger is not a scenario."""
MAX_DEPTH = 20
"""The deepest a scenario nests is about five levels (a list of scenarios, steps, a step's actions)."""
MAX_DIGITS = 18
"""Every number the service takes (working days, amounts in pence, page sizes) fits in 18 digits."""


class JsonInputError(ValueError):
    """Input that is not JSON the service reads; the message says why, in one line. `beyond_bounds`:
    it is JSON, but too big, too long a number or too deep (not merely words that are not JSON)."""

    def __init__(self, message: str, beyond_bounds: bool = True):
        super().__init__(message)
        self.beyond_bounds = beyond_bounds


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise JsonInputError(f"a number has {len(text.lstrip('-'))} digits; numbers have at most {MAX_DIGITS}")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 40:
        raise JsonInputError(f"a number is {len(text)} characters long; numbers have at most {MAX_DIGITS} digits")
    return float(text)


def _constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not a JSON number", beyond_bounds=False)


def _depth(value: Any) -> int:
    """How deeply `value` nests, without recursion (a list of a million lists is still one pass)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def read_json(data: str | bytes) -> Any:
    """Parse `data` (UTF-8 text or bytes) as JSON, or raise JsonInputError naming the problem."""
    if len(data) > MAX_BYTES:
        raise JsonInputError(f"is {len(data):,} bytes; at most {MAX_BYTES:,} are read")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise JsonInputError(f"not UTF-8 text (a binary file?): byte {err.start} cannot be read") from None
    if "\x00" in data:
        raise JsonInputError("not text: it contains NUL characters (a binary file?)")
    try:
        value = json.loads(data, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise JsonInputError(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}", beyond_bounds=False) from None
    except RecursionError:
        raise JsonInputError(f"nested too deeply: JSON here nests at most {MAX_DEPTH} levels") from None
    if _depth(value) > MAX_DEPTH:
        raise JsonInputError(f"nested too deeply: JSON here nests at most {MAX_DEPTH} levels")
    return value
