"""What ops see of a hazard in the Temporal Web UI: search attributes and current details.

`HazardLevel = "emergency" AND HazardState = "open"` lists every open emergency hazard; `NextDeadline`,
`Overdue` and `Landlord` are the complaints' own keys, so one query can sort both by the nearest clock.
References, levels, categories and dates only: no personal data.
"""

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from models.calendar import end_of_day
from models.hazard import HazardView
from workflows.visibility import LANDLORD, NEXT_DEADLINE, OVERDUE

HAZARD_LEVEL = SearchAttributeKey.for_keyword("HazardLevel")
HAZARD_STATE = SearchAttributeKey.for_keyword("HazardState")
HAZARD_CATEGORY = SearchAttributeKey.for_keyword("HazardCategory")
HAZARD_KEYS = (HAZARD_LEVEL, HAZARD_STATE, HAZARD_CATEGORY)
"""Registered beside the complaints' keys (starter/search_attributes.py)."""


def level_of(view: HazardView) -> str:
    """The level the hazard is handled at: the investigation's finding, else the triage, else `untriaged`."""
    if view.found is not None:
        return {"none": "not_relevant"}.get(view.found, view.found)
    return view.level or "untriaged"


def search_attributes(view: HazardView) -> list[SearchAttributeUpdate]:
    owed = [d for d in view.deadlines if d.met_on is None and d.ceased is None]
    nearest = min((d.due_at or end_of_day(d.due) for d in owed), default=None)
    return [
        HAZARD_LEVEL.value_set(level_of(view)),
        HAZARD_STATE.value_set(view.state),
        HAZARD_CATEGORY.value_set(view.category),
        LANDLORD.value_set(view.landlord),
        NEXT_DEADLINE.value_set(nearest) if nearest else NEXT_DEADLINE.value_unset(),
        OVERDUE.value_set(any(d.met is False and d.met_on is None for d in owed)),
    ]


def current_details(view: HazardView) -> str:
    lines = [
        f"**{view.reference}** · {view.landlord} · {view.category} · {level_of(view)} · {view.state}",
        f"Aware {view.aware_at.isoformat()}" + (f" · linked {', '.join(view.linked_cases)}" if view.linked_cases else ""),
    ]
    for d in view.deadlines:
        status = "ceased: " + d.ceased if d.ceased else {True: "met", False: "MISSED", None: "open"}[d.met]
        lines.append(f"- {d.name} due {(d.due_at.isoformat() if d.due_at else d.due.isoformat())} ({status})")
    return "\n".join(lines)
