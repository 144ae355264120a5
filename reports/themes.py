"""Why complaints happen, in figures: every report cut by service area and by root cause, and the counts
of each (models/taxonomy.py). Pure functions over report facts, like reports/reporting.py."""

from collections import Counter

from reports.report_facts import CaseFacts
from reports.reporting import ReportingYear, received, responded
from models.taxonomy import ROOT_CAUSES, SERVICE_AREAS


class CutError(ValueError):
    """A cut that names no code of the taxonomy; the message names the field and the choices."""


def check_cut(service_area: str | None, root_cause: str | None) -> None:
    if service_area and service_area not in SERVICE_AREAS:
        raise CutError(f"service_area: must be one of {', '.join(SERVICE_AREAS)}, got {service_area[:40]!r}")
    if root_cause and root_cause not in ROOT_CAUSES:
        raise CutError(f"root_cause: must be one of {', '.join(ROOT_CAUSES)}, got {root_cause[:40]!r}")


def cut(cases: list[CaseFacts], service_area: str | None = None, root_cause: str | None = None) -> list[CaseFacts]:
    """The cases about this service area, and with this root cause found at any response; every figure
    of a report on them is then that cut's figure."""
    check_cut(service_area, root_cause)
    return [
        case
        for case in cases
        if (not service_area or case.category == service_area)
        and (not root_cause or any(found.code == root_cause for found in case.root_causes))
    ]


def cut_words(service_area: str | None, root_cause: str | None) -> str:
    """How a cut is named under a report's title ("" for the whole report)."""
    parts = []
    if service_area:
        parts.append(f"service area: {SERVICE_AREAS[service_area]}")
    if root_cause:
        parts.append(f"root cause: {ROOT_CAUSES[root_cause]}")
    return "; ".join(parts)


def service_areas(cases: list[CaseFacts], period: ReportingYear) -> list[tuple[str, int, int]]:
    """(area code, stage-1 complaints received in the period, of them upheld or partly upheld at stage 1
    so far), every area in the taxonomy's order, then `none` for complaints with no area recorded."""
    got = received(cases, period, 1)
    counts = Counter(case.category or "none" for case, _ in got)
    upheld = Counter(case.category or "none" for case, record in got if record.outcome in ("upheld", "partly_upheld"))
    rows = [(code, counts[code], upheld[code]) for code in SERVICE_AREAS]
    return rows + ([("none", counts["none"], upheld["none"])] if counts["none"] else [])


def root_causes(cases: list[CaseFacts], period: ReportingYear) -> list[tuple[str, int]]:
    """(root-cause code, responses made in the period that found it), most often found first; a response
    with none recorded counts under `none`."""
    counts: Counter = Counter()
    for stage in (1, 2):
        for case, record in responded(cases, period, stage):
            found = [c.code for c in case.root_causes if c.stage == stage]
            counts.update(found or ["none"])
    order = list(ROOT_CAUSES) + ["none"]
    return sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
