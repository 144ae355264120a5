"""Text people type or hand over, checked once for every boundary (issue 29, items 3 and 5).

A NUL byte cannot be stored in PostgreSQL at all; other control characters, a line break in a name or
an address that is not one mailbox break the letters and emails later, where nobody sees the failure;
a bidirectional override (Unicode TR 36, "Trojan Source") makes text read differently from what it is;
a name of zero-width characters only is no name. Each is refused where it is typed, in words naming the
field: the web forms (`starter/web/auth.checked_form`), the pydantic models every form, CLI command and
scenario file goes through (`PlainText`), and the staff accounts (`accounts/users.py`).
"""

import unicodedata
from typing import Any

from pydantic import BaseModel, ValidationInfo, field_validator

MULTI_LINE_FROM = 300
"""A field this long or longer is a box of paragraphs (rendered as a textarea); shorter ones are one line."""
MULTI_LINE_FIELDS = frozenset({"text", "desired_outcome", "note", "address", "points", "reasons", "learning", "evidence"})
"""Fields written in lines whatever their length (an address, a complaint definition's points)."""
BIDI_CONTROLS = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
"""Embeddings, overrides, isolates and marks that reorder how text is shown (Unicode UAX 9)."""


def text_problem(value: str, multi_line: bool = False) -> str | None:
    """Why `value` cannot be accepted as text, in words to follow the field's label; None if it can."""
    for char in value:
        code = ord(char)
        if char in "\r\n":
            if not multi_line:
                return "must be on one line: remove the line break"
        elif char == "\t" and multi_line:
            continue
        elif code < 32 or 127 <= code < 160:
            return f"contains a control character (U+{code:04X}) that cannot be stored: delete it and type the text again"
        elif code in BIDI_CONTROLS:
            return f"contains a character that reverses the direction of text (U+{code:04X}), which can disguise what it says: delete it"
        elif unicodedata.category(char) == "Cs":
            return f"contains a broken character (U+{code:04X}): type the text again"
    if value.strip() and not any(visible(char) for char in value):  # spaces alone are "empty": the form says "Enter ..."
        return "has no visible characters: type it in letters or numbers"
    return None


def visible(char: str) -> bool:
    """A character that shows: not a space, line break or zero-width format character (U+200B, U+FEFF)."""
    return not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn")


def multi_line(field: str, max_length: int | None) -> bool:
    """Whether a field may hold line breaks: the long boxes of paragraphs, never a name or an address line."""
    return field in MULTI_LINE_FIELDS or (max_length or 0) >= MULTI_LINE_FROM


def check_text(value: Any, lines: bool) -> Any:
    """`value` (text, or text inside lists and mappings) unchanged, or ValueError with the problem."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if problem := text_problem(item, lines):
                raise ValueError(problem)
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
    return value


class PlainText(BaseModel):
    """Every text field of a model that reads what people type is checked by `text_problem`; a field
    may hold line breaks when `multi_line` says so."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        longest = next(
            (getattr(m, "max_length", None) for m in (field.metadata if field else []) if getattr(m, "max_length", None)), None
        )
        return check_text(value, multi_line(info.field_name or "", longest))


EMAIL_FORMAT = "must be one email address, like name@example.com"
"""How an address that is not one mailbox is refused (forms say it as "Enter ... in the correct format")."""


def email_problem(address: str) -> str | None:
    """Why `address` is not one mailbox our mail can reach, in words to follow the field's label; None
    if it is. A real parser (email-validator, RFC 5321/5322), not a pattern: several recipients, angle
    brackets, quotes, a display name and accented letters (which the SMTP path cannot send: no SMTPUTF8)
    are refused. Nothing is looked up: whether the mailbox exists is the mail's business."""
    from email_validator import EmailNotValidError, validate_email

    if problem := text_problem(address):
        return problem
    try:
        found = validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
        )
    except EmailNotValidError as err:
        return f"{EMAIL_FORMAT} ({str(err).rstrip('.')})"
    if found.ascii_domain != found.domain:
        return "must be written in plain letters after the @ (our mail cannot send to accented domain names): ask for the address's plain form"
    return None


def email_field(address: str) -> str:
    """A pydantic validator's body for an email field: empty stays empty, anything else must be one mailbox."""
    if address and (problem := email_problem(address)):
        raise ValueError(problem)
    return address


def contact_problem(contact: str) -> str | None:
    """Why a representative's one contact field (an email address, a postal address, a phone number, or
    several of them) cannot be written to: it holds more than one email address, or one that is not a
    single mailbox (the delivery sends to the address it finds there). None if it can."""
    import re

    addresses = [word.strip("()[].") for word in re.split(r"[\s,;]+", contact) if "@" in word]
    if len(addresses) > 1:
        return "holds more than one email address: keep the one to write to"
    if addresses and (problem := email_problem(addresses[0])):
        return f"has an email address that {problem}"
    return None


def contact_field(contact: str) -> str:
    """A pydantic validator's body for a representative's contact field (`contact_problem`)."""
    if problem := contact_problem(contact):
        raise ValueError(problem)
    return contact


def containing(column: Any, typed: str) -> Any:
    """A case-insensitive "contains what was typed" condition: `%` and `_` in `typed` are letters, not
    wildcards (issue 29, item 9: `%%%` listed every resident)."""
    from sqlalchemy import func

    return func.lower(column).contains(typed.lower(), autoescape=True)


COMMAND_ID_PATTERN = r"^(?:[a-z]{1,12}-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"
"""A command id typed or posted (`--command-id`, the web form's hidden field): a UUID, optionally after a
short lower-case prefix (`cli-…`, `take-…`), as the system makes them; never words or a phone number,
since the id is written to the case's history (issue 29, item 10)."""


def command_id_problem(command_id: object) -> str | None:
    """Why `command_id` is not an id the system would make, in words; None if it is."""
    import re

    if not isinstance(command_id, str) or not re.match(COMMAND_ID_PATTERN, command_id):
        return "must be an id made by the system (a UUID such as 3f2b1c9e-…, from `uuidgen`), not words or numbers of your own"
    return None
