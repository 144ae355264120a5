"""The Ombudsman's determination on the case page: a few fixed rows of findings (element and finding) and
of orders (kind and due date), no JavaScript needed, blank rows ignored; and how each row is labelled in errors."""

from starter.web.fields import FieldSpec, Said, date_of

FINDING_ROWS = 4
ORDER_ROWS = 3


def _posted(form, name: str):
    value = form.get(name)
    return value.strip() if isinstance(value, str) else value


def read_determination(form) -> tuple[dict, dict[str, list[int]], dict[str, Said]]:
    """`findings.N.element` / `.finding` and `orders.N.kind` / `.due_on` (a date input) as the form model
    takes them, the form row of each (so a refusal of `orders.1.due_on` lands on its row), and the date
    inputs' own problems by field."""
    findings: list[dict] = []
    orders: list[dict] = []
    finding_rows: list[int] = []
    order_rows: list[int] = []
    problems: dict[str, Said] = {}
    for n in range(FINDING_ROWS):
        row = {part: _posted(form, f"findings.{n}.{part}") for part in ("element", "finding")}
        if any(row.values()):
            finding_rows.append(n)
            findings.append({k: v for k, v in row.items() if v})
    for n in range(ORDER_ROWS):
        due_on, problem = date_of(form, f"orders.{n}.due_on")
        if problem:
            problems[f"orders.{n}.due_on"] = Said(f"Order {n + 1}: the due date {problem}")
        kind = _posted(form, f"orders.{n}.kind")
        if kind or due_on or problem:
            order_rows.append(n)
            orders.append({k: v for k, v in {"kind": kind, "due_on": due_on}.items() if v})
    return {"findings": findings, "orders": orders}, {"findings": finding_rows, "orders": order_rows}, problems


def determination_specs(rows: dict[str, list[int]]) -> list[FieldSpec]:
    """Labels for the rows, by the payload's field names (`orders.0.due_on`), numbered as the form shows them."""
    specs = [FieldSpec("findings", "At least one finding", "text", True, ""), FieldSpec("orders", "Orders", "text", False, "")]
    for group, noun, parts in (
        ("findings", "Finding", {"element": "element", "finding": "finding"}),
        ("orders", "Order", {"kind": "kind of order", "due_on": "due date", "order_id": "order id"}),
    ):
        for index, number in enumerate(rows.get(group) or range(FINDING_ROWS)):
            for part, words in parts.items():
                specs.append(
                    FieldSpec(
                        f"{group}.{index}.{part}",
                        f"{noun} {number + 1}: {words}",
                        "date" if part == "due_on" else "select",
                        True,
                        "",
                    )
                )
    return specs
