"""Every CSV the product writes, written one way (issue 29, item 6): a text cell that a spreadsheet
would run as a formula (OWASP "CSV Injection": starting with = + - @, a tab or a carriage return) is
written with a leading apostrophe, so `=HYPERLINK(...)` typed as a learning point is read as text.
Numbers stay numbers (a negative count is not a formula)."""

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """`value` as written: text starting like a formula gets a leading apostrophe; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """The CSV file's text: the header, then every row with each cell through `cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue()
