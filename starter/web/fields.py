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

from models.refusal import validation_message

HIDDEN = frozenset({"command_id", "intake_id", "actor", "occurred_at"})
"""Filled in by the app, never typed by staff."""
TEXTAREA_FROM = 300
LONG_TEXT = frozenset({"text", "desired_outcome", "note", "address"})


@dataclass
class FieldSpec:
    name: str
    label: str
    kind: str
    """text, textarea, lines, number, date, checkbox, select."""
    required: bool
    hint: str
    options: tuple[str, ...] = ()
    default: Any = None
    max_length: int | None = None


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
        elif annotation is bool:
            kind = "checkbox"
        elif annotation is int:
            kind = "number"
        elif annotation in (date, datetime):
            kind = "date"
        elif typing.get_origin(annotation) in (list, tuple):
            kind = "lines"
        elif field_name in LONG_TEXT or (max_length or 0) >= TEXTAREA_FROM:
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
            )
        )
    return specs


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


def validation_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in error.errors():
        name = field_name(e["loc"]) if e["loc"] else "form"
        errors.setdefault(name, validation_message(e))
    return errors
