"""Form fields from pydantic models: the action forms and the intake form render from the models that
validate them, so a field added to a command shows up on the page with its rules."""

import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from annotated_types import MaxLen
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from models.input_text import EMAIL_FORMAT, multi_line
from models.refusal import validation_message

HIDDEN = frozenset({"command_id", "intake_id", "actor", "occurred_at"})
"""Filled in by the app, never typed by staff."""


@dataclass
class FieldSpec:
    name: str
    label: str
    kind: str
    """text, textarea, lines, number, date, checkbox, select, checkboxes (a list of choices; laid out by its page)."""
    required: bool
    hint: str
    options: tuple[str, ...] = ()
    default: Any = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) pairs: a picker of people, landlords or nations by name, not typed codes."""
    printed: bool = False
    """What staff type here is printed in the resident's letter; the form says so."""
    instant: bool = False
    """A date that the model takes as an instant (received_at): noon London, or now if it is today."""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None was allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    return annotation, False


def form_fields(model: type[BaseModel], prefix: str = "", optional: bool = False) -> list[FieldSpec]:
    """One spec per field; a nested model's fields are flattened as `resident.name`. Lists of models
    (a response's per-point decisions, remedies) have no generic form and are left out."""
    specs = []
    for field_name, info in model.model_fields.items():
        if field_name in HIDDEN:
            continue
        name = prefix + field_name
        annotation, may_be_none = _unwrap(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            specs.extend(form_fields(annotation, f"{name}.", optional or may_be_none or not info.is_required()))
            continue
        item = (typing.get_args(annotation) or (None,))[0]
        if typing.get_origin(annotation) in (list, tuple) and isinstance(item, type) and issubclass(item, BaseModel):
            continue
        max_length = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        options: tuple[str, ...] = ()
        if typing.get_origin(annotation) is Literal:
            kind, options = "select", tuple(str(a) for a in typing.get_args(annotation))
        elif typing.get_origin(annotation) in (list, tuple) and typing.get_origin(item) is Literal:
            kind, options = "checkboxes", tuple(str(a) for a in typing.get_args(item))
        elif annotation is bool:
            kind = "checkbox"
        elif annotation is int:
            kind = "number"
        elif annotation in (date, datetime) or getattr(annotation, "__origin__", None) in (date, datetime):
            kind = "date"
        elif typing.get_origin(annotation) in (list, tuple):
            kind = "lines"
        elif multi_line(field_name, max_length):  # the fields that may hold line breaks (models/input_text.py)
            kind = "textarea"
        else:
            kind = "text"
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        specs.append(
            FieldSpec(
                name=name,
                label=(info.title or name.replace(".", " ").replace("_", " ")).capitalize(),
                kind=kind,
                required=info.is_required() and not optional,
                hint=info.description or "",
                options=options,
                default=default,
                max_length=max_length,
                instant=annotation is datetime or getattr(annotation, "__origin__", None) is datetime,
            )
        )
    return specs


def chosen(
    specs: list[FieldSpec],
    choices: dict[str, list[tuple[str, str]]] | None = None,
    labels: dict[str, str] | None = None,
    printed: frozenset[str] = frozenset(),
    hints: dict[str, str] | None = None,
) -> list[FieldSpec]:
    """The specs with pickers where a choice belongs (`choices`: name -> (value, label) pairs), the
    labels people know the fields by, and the fields printed in the resident's letter marked."""
    from dataclasses import replace

    choices, labels, hints = choices or {}, labels or {}, hints or {}
    result = []
    for spec in specs:
        changes: dict[str, Any] = {}
        if spec.name in choices:
            changes.update(kind="select", choices=tuple(choices[spec.name]))
        if spec.name in labels:
            changes["label"] = labels[spec.name]
        if spec.name in hints:
            changes["hint"] = hints[spec.name]
        if spec.name in printed:
            changes["printed"] = True
        result.append(replace(spec, **changes) if changes else spec)
    return result


class Said(str):
    """An error message already in people's words with the field's label in it ("Enter the date the
    complaint was received"): the error summary shows it as it is."""


def date_of(form: FormData, name: str) -> tuple[str | None, str | None]:
    """A GOV.UK date input's value (`name-day`, `name-month`, `name-year`) as ISO text, or a problem.
    A date posted whole as `name` (YYYY-MM-DD, the CLI's and scripts' way) is passed on as it is."""
    whole = form.get(name)
    posted = {part: form.get(f"{name}-{part}") for part in ("day", "month", "year")}
    parts = {k: v.strip() if isinstance(v, str) else "" for k, v in posted.items()}
    if not any(parts.values()):
        return (whole.strip() if isinstance(whole, str) and whole.strip() else None), None
    missing = [part for part in ("day", "month", "year") if not parts[part]]
    if missing:
        return None, f"must include a {' and a '.join(missing)}"
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        return None, "must be a real date, like 27 3 2026"
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat(), None
    except ValueError:
        return None, "must be a real date, like 27 3 2026"


def _instant(day: str) -> str:
    """A received date as the instant the model wants: now if it is today, else noon London that day."""
    from datetime import time, timezone

    from casework.case_list import clock
    from models.calendar import LONDON, local_date

    try:
        on = date.fromisoformat(day)
    except ValueError:
        return day
    now = clock()
    if on == local_date(now):
        return now.isoformat()
    return datetime.combine(on, time(12), LONDON).astimezone(timezone.utc).isoformat()


def read_form(specs: list[FieldSpec], form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """`form_values`, and the problems found before the model sees the values (a date missing its
    month, a date that does not exist), by field name, in people's words with the field's label."""
    problems: dict[str, str] = {}
    dates: dict[str, str | None] = {}
    for spec in specs:
        if spec.kind == "date":
            value, problem = date_of(form, spec.name)
            if problem:
                problems[spec.name] = Said(f"{spec.label} {problem}")
            dates[spec.name] = _instant(value) if value and spec.instant else value
    values = form_values(specs, form)
    for name, value in dates.items():
        outer, _, inner = name.partition(".")
        target = values.setdefault(outer, {}) if inner else values
        key = inner or name
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
        if inner and not values[outer]:
            values.pop(outer)
    return values, problems


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def people_message(error, label: str, kind: str = "text") -> Said:
    """One pydantic error in plain English with the field's label, never pydantic's own words."""
    kind_of, ctx = error["type"], error.get("ctx") or {}
    name = _lower_first(label)
    if kind_of in ("missing", "string_too_short") or (kind_of == "too_short" and kind != "lines"):
        return Said(f"Choose {name}" if kind == "select" else f"Enter {name}")
    if kind_of == "too_short":
        return Said(f"Enter at least one line of {name}")
    if kind_of == "string_too_long":
        return Said(f"{label} must be {ctx.get('max_length')} characters or fewer")
    if kind_of == "too_long":
        return Said(f"{label} can have at most {ctx.get('max_length')} lines")
    if kind_of == "string_pattern_mismatch":
        if "email" in label.lower():
            return Said(f"Enter {name} in the correct format, like name@example.com")
        if "phone" in label.lower():
            return Said(f"Enter {name} using only numbers, spaces, brackets, + and -, like 01632 960 001")
        return Said(f"{label} is not in the right form: use only letters, numbers, - and _")
    if kind_of in ("int_parsing", "int_type", "int_from_float"):
        return Said(f"{label} must be a whole number")
    if kind_of in ("greater_than_equal", "greater_than"):
        return Said(f"{label} must be {ctx.get('ge', ctx.get('gt'))} or more")
    if kind_of in ("less_than_equal", "less_than"):
        return Said(f"{label} must be {ctx.get('le', ctx.get('lt'))} or less")
    if kind_of.startswith("date") or kind_of.startswith("datetime"):
        return Said(f"{label} must be a real date")
    if kind_of in ("literal_error", "enum"):
        return Said(f"Choose {name} from the list")
    if kind_of in ("bool_parsing", "bool_type"):
        return Said(f"{label}: tick the box or leave it empty")
    if (said := validation_message(error)).startswith(EMAIL_FORMAT):
        return Said(f"Enter {name} in the correct format, like name@example.com{said.removeprefix(EMAIL_FORMAT)}")
    return Said(f"{label}: {validation_message(error)}")


def people_errors(error: ValidationError, specs: list[FieldSpec], prefix: str = "") -> dict[str, str]:
    """A form's every validation error at once, by field id, in people's words (`people_message`)."""
    by_name = {spec.name: spec for spec in specs}
    errors: dict[str, str] = {}
    for e in error.errors(include_url=False):
        parts = [str(p) for p in e["loc"]]
        name = ".".join(parts)
        spec = by_name.get(name) or by_name.get(field_name(e["loc"]))
        if spec is None and parts and parts[-1] in {"__root__"}:
            spec = None
        label = spec.label if spec else (name.replace(".", " ").replace("_", " ").capitalize() or "This form")
        key = prefix + (spec.name if spec else (name or "form"))
        errors.setdefault(key, people_message(e, label, spec.kind if spec else "text"))
    return errors


def refusal_error(field: str | None, message: str, specs: list[FieldSpec], prefix: str = "") -> dict[str, str]:
    """A refusal (the service layer's or the workflow's: field and message) on the field it names,
    labelled as the form labels it."""
    name = field or "form"
    spec = next((s for s in specs if s.name == name), None)
    label = spec.label if spec else name.split(".")[-1].replace("_", " ").capitalize()
    text = message[:1].upper() + message[1:] if spec is None and name == "form" else f"{label}: {message}"
    return {prefix + name: Said(text)}


def form_values(specs: list[FieldSpec], form: FormData) -> dict[str, Any]:
    """What was posted for these fields, as the model expects it: unchecked boxes are False, blank
    fields are left out (defaults apply; a required one is reported missing by name), one line per item for lists."""
    values: dict[str, Any] = {}
    for spec in specs:
        if "." in spec.name:
            continue
        raw = form.get(spec.name)
        if raw is not None and not isinstance(raw, str):
            values[spec.name] = raw  # an upload where text was expected: the model rejects it by name
            continue
        if spec.kind == "checkbox":
            values[spec.name] = raw in ("true", "on", "yes", "1")
        elif spec.kind == "lines":
            values[spec.name] = [line.strip() for line in (raw or "").splitlines() if line.strip()]
        elif raw is not None and raw.strip() != "":
            values[spec.name] = raw.strip()
    nested: dict[str, dict[str, Any]] = {}
    for spec in specs:
        if "." in spec.name:
            outer, inner = spec.name.split(".", 1)
            raw = form.get(spec.name)
            if isinstance(raw, str) and raw.strip() and (spec.kind != "checkbox" or raw in ("true", "on")):
                nested.setdefault(outer, {})[inner] = True if spec.kind == "checkbox" else raw.strip()
            elif raw is not None and not isinstance(raw, str):
                nested.setdefault(outer, {})[inner] = raw
    values.update(nested)
    return values


def field_name(location) -> str:
    """A field's name for the error summary: row numbers dropped, two levels at most (`actions.owner`)."""
    return ".".join([str(part) for part in location if not isinstance(part, int) and not str(part).isdigit()][:2])
