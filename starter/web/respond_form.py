"""The respond form's rows, read from the posted form: a decision and reasons per point of the definition,
remedies (apology, action with its date, compensation in pounds) and promised actions, a few fixed rows
each, blank rows ignored; and how each row's fields are labelled in errors."""

from decimal import Decimal, InvalidOperation

from starter.web.fields import date_of

MAX_POINTS = 20


def read_decisions(form) -> list[dict]:
    """A response's decision on each point of the definition (Code 6.7, 6.9c): `decisions.N.point` (its number),
    `.upheld` (checkbox) and `.reasons`, in the order the page listed the points."""
    decisions = []
    for number in range(MAX_POINTS):
        point = form.get(f"decisions.{number}.point")
        if not isinstance(point, str):
            break
        reasons = form.get(f"decisions.{number}.reasons")
        decisions.append(
            {
                "point": point,
                "upheld": form.get(f"decisions.{number}.upheld") in ("true", "on"),
                "reasons": reasons.strip() if isinstance(reasons, str) else reasons,
            }
        )
    return decisions


REMEDY_ROWS = ACTION_ROWS = 3
"""Empty rows on the respond form for remedies and promised actions (no JavaScript needed); blank rows are ignored."""
MAX_ROWS = 20
"""Rows a response may carry of each (the form grows by "Add another", one row at a time)."""


def rows_shown(form, group: str) -> int:
    """How many rows of `group` the form shows: the default, or one past the last row posted, plus one
    when "Add another" for this group was pressed, up to MAX_ROWS."""
    posted = [int(key.split(".")[1]) for key in form if key.startswith(f"{group}.") and key.split(".")[1].isdigit()]
    shown = max([REMEDY_ROWS, *(n + 1 for n in posted)])
    return min(MAX_ROWS, shown + (1 if form.get("more") == group else 0))


def _posted(form, name: str):
    """A posted value, stripped if text; an upload is passed on for the model to reject by name."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else value


def _pence(amount):
    """Pounds as staff type them ("150", "£75.50") in pence; anything else is passed on for the model to reject."""
    if not isinstance(amount, str):
        return amount
    pounds = amount.removeprefix("£").replace(",", "")
    if len(pounds) > 12:
        return amount
    try:
        pence = Decimal(pounds) * 100
    except (InvalidOperation, ArithmeticError):  # "1e999999" overflows: not an amount of money
        return amount
    if not pence.is_finite() or pence.adjusted() > 12:
        return amount
    return int(pence) if pence == pence.to_integral_value() else amount


def read_remedies(form) -> tuple[list[dict], list[int]]:
    """The remedies offered (Code 7.1): `remedies.N.kind`, `.description`, `.band` (of the Ombudsman's remedies
    guidance, compensation only), `.amount` (pounds),
    `.compensation_type`, `.due_on` (a date input: by when an action remedy is done, Code 7.3) and
    `.offset_against_arrears` (checkbox, shown where the policy allows it); and the form row of each."""
    remedies, numbers = [], []
    for number in range(MAX_ROWS):
        row = {
            name: _posted(form, f"remedies.{number}.{name}")
            for name in ("kind", "description", "band", "amount", "compensation_type")
        }
        row["due_on"] = date_of(form, f"remedies.{number}.due_on")[0]
        offset = form.get(f"remedies.{number}.offset_against_arrears") in ("true", "on")
        if not any(row.values()) and not offset:
            continue
        amount = row.pop("amount")
        numbers.append(number)
        remedies.append(
            {k: v for k, v in row.items() if v}
            | {"offset_against_arrears": offset}
            | ({"amount_pence": _pence(amount)} if amount else {})
        )
    return remedies, numbers


def read_root_causes(form) -> list[str]:
    """The root causes ticked (`root_causes`, one checkbox per code), in the order of the list."""
    return [value for value in form.getlist("root_causes") if isinstance(value, str)][:20]


def read_promised_actions(form) -> tuple[list[dict], list[int]]:
    """What the landlord promises to do, tracked until done (Code 6.6): `actions.N.description`, `.owner`,
    `.target_on` (a date input); and the form row of each, so a refusal of `actions.1.target_on` lands on its row."""
    actions, numbers = [], []
    for number in range(MAX_ROWS):
        row = {name: _posted(form, f"actions.{number}.{name}") for name in ("description", "owner")}
        row["target_on"] = date_of(form, f"actions.{number}.target_on")[0]
        if any(row.values()):
            numbers.append(number)
            actions.append({k: v for k, v in row.items() if v})
    return actions, numbers


ROW_LABELS = {
    "decisions": ("Point", {"reasons": "reasons for the decision", "point": "number", "upheld": "decision"}),
    "remedies": (
        "Remedy",
        {
            "kind": "kind of remedy",
            "description": "what will be done",
            "band": "band of the Ombudsman's guidance",
            "amount_pence": "amount",
            "compensation_type": "compensation type",
            "due_on": "date it will be done or paid by",
        },
    ),
    "actions": ("Promised action", {"description": "what will be done", "owner": "owner", "target_on": "target date"}),
}


def row_specs(rows: dict[str, list[int]]) -> list:
    """Labels for the respond form's rows, by the payload's field names (`actions.0.target_on`)."""
    from starter.web.fields import FieldSpec

    specs = []
    for group, (noun, parts) in ROW_LABELS.items():
        numbers = rows.get(group) or list(range(MAX_POINTS if group == "decisions" else MAX_ROWS))
        for index, number in enumerate(numbers):
            for part, words in parts.items():
                specs.append(
                    FieldSpec(
                        f"{group}.{index}.{part}",
                        f"{noun} {number + 1}: {words}",
                        "date" if part.endswith("_on") else "text",
                        True,
                        "",
                    )
                )
    return specs


def row_field(field: str | None, rows: dict[str, list[int]]) -> str | None:
    """A refused payload field (`actions.1.target_on`: the second promised action sent) as the form's
    field (the row it was typed in), so the error shows on that row."""
    if not field:
        return field
    parts = field.split(".")
    if len(parts) >= 3 and parts[0] in rows and parts[1].isdigit() and int(parts[1]) < len(rows[parts[0]]):
        return ".".join([parts[0], str(rows[parts[0]][int(parts[1])]), *parts[2:]])
    return field


def outcome_problem(form, outcome) -> dict:
    """The letter's rules on the decisions as a whole (models.letter_requirements: `outcome_mismatch`,
    `remedy_needed`) checked on the form as posted, so they are named with every other problem at once
    instead of in a second round after the fields pass."""
    from models.letter_requirements import outcome_mismatch, remedy_needed
    from models.letters import OUTCOME_WORDS
    from starter.web.fields import Said

    decisions = read_decisions(form)
    problems = {}
    if needed := remedy_needed(
        [n for n, decision in enumerate(decisions, start=1) if decision["upheld"]], read_remedies(form)[0]
    ):
        problems["remedies.0.kind"] = Said(f"Remedy 1: the letter needs {needed} (Code 7.1)")
    if outcome in OUTCOME_WORDS and (mismatch := outcome_mismatch([decision["upheld"] for decision in decisions], outcome)):
        problems["outcome"] = Said(f"Outcome: {mismatch}")
    return problems


def letter_gaps(refusal) -> dict:
    """Each part a refused letter lacks (models.letter_requirements.LetterIncomplete, the refusal's cause) as
    its own line of the error summary, not one long sentence; {} when the refusal is not about the letter."""
    from models.letter_requirements import LetterIncomplete
    from starter.web.fields import Said

    if not isinstance(refusal.__cause__, LetterIncomplete):
        return {}
    return {f"letter.{n}": Said(f"The letter needs {part}") for n, part in enumerate(refusal.__cause__.missing)}
