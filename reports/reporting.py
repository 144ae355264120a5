"""Complaint-handling figures as pure functions over per-case facts: TSM CH01/CH02 for the Regulator, the
annual complaints performance and service improvement report (Code 8.1); the self-assessment's rows are
reports/self_assessment.py.

The same functions serve the read model (`reports/report_facts.py` builds `CaseFacts` from SQL) and
simulations (`starter/generate.py` builds them from the simulate JSON), so a landlord trying a policy
change sees exactly the figures it would publish.

Timeliness is judged against the Code's timescales (not the landlord's own), as CH02 asks
(reports/timeliness.py); the per-case facts are reports/report_facts.py.
"""

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date

from reports.compensation import CompensationTotals, compensation_totals
from reports.report_facts import ActionFact, CaseFacts, Extension, Fact, StageRecord
from models.taxonomy import area_name
from reports.timeliness import code_extension_limit, code_timeliness
from workflows.lifecycle import DONE_STATES

OUTCOMES = ("upheld", "partly_upheld", "not_upheld")


class ReportingYear(Fact):
    """A landlord's reporting year, 1 April to 31 March (the TSM year), written `2025-26`."""

    label: str
    first: date
    last: date

    @classmethod
    def parse(cls, text: str) -> "ReportingYear":
        match = re.fullmatch(r"(\d{4})-(\d{2})", text)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError(f"must be a reporting year like 2025-26 (1 April to 31 March), got {text!r}")
        start = int(match[1])
        return cls(label=text, first=date(start, 4, 1), last=date(start + 1, 3, 31))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def months(self) -> list[tuple[int, int]]:
        return [(self.first.year + (m > 12), (m - 1) % 12 + 1) for m in range(4, 16)]


# ---- figures ----------------------------------------------------------------------------------------


class Figure(Fact):
    """A count out of a total, with the cases behind it: `met` are counted, `missed` are the exceptions."""

    met: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.met)

    @property
    def total(self) -> int:
        return len(self.met) + len(self.missed)

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.total, 1) if self.total else None

    def shown(self) -> str:
        return f"{self.count} of {self.total} ({self.percent:.1f}%)" if self.total else "none in the year"

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, bool]]) -> "Figure":
        """The figure of (case reference, met?) pairs."""
        met: list[str] = []
        missed: list[str] = []
        for reference, ok in pairs:
            (met if ok else missed).append(reference)
        return cls(met=tuple(met), missed=tuple(missed))


def received(cases: list[CaseFacts], year: ReportingYear, stage: int) -> list[tuple[CaseFacts, StageRecord]]:
    """Stage `stage` complaints received (stage 2: requested) in the year and not excluded at that stage."""
    found = []
    for case in cases:
        record = case.stage(stage)
        if record is not None and record.received_on in year and not record.excluded:
            found.append((case, record))
    return found


def responded(cases: list[CaseFacts], year: ReportingYear, stage: int) -> list[tuple[CaseFacts, StageRecord]]:
    found = []
    for case in cases:
        record = case.stage(stage)
        if record is not None and record.responded_on in year:
            found.append((case, record))
    return found


def _ended_unanswered(case: CaseFacts, record: StageRecord) -> bool:
    """Withdrawn, excluded or closed without a response at this stage: no deadline left to miss."""
    return record.excluded or case.withdrawn or (record.responded_on is None and case.state in DONE_STATES)


def acknowledged_in_time(cases: list[CaseFacts], year: ReportingYear, stage: int, as_of: date | None = None) -> Figure:
    """Of the stage's complaints received in the year, those acknowledged on time; one acknowledged late, or
    not acknowledged and past due on the report's date (`as_of`, default the year's last day), is missed."""
    judged_on = as_of or year.last
    pairs = []
    for case, record in received(cases, year, stage):
        timely = code_timeliness(case, record, judged_on).acknowledged_in_time
        if timely is not None and not (timely is False and record.acknowledged_on is None and _ended_unanswered(case, record)):
            pairs.append((case.reference, timely))
    return Figure.of(pairs)


def answerable(
    cases: list[CaseFacts], year: ReportingYear, stage: int, as_of: date | None = None
) -> list[tuple[CaseFacts, StageRecord]]:
    """CH02's cases: the stage's responses made in the year (by `as_of`), and the open complaints whose Code
    response date fell in the year and had passed by `as_of` unanswered (missed, not undecided)."""
    judged_on = as_of or year.last
    found = [(c, r) for c, r in responded(cases, year, stage) if r.responded_on is not None and r.responded_on <= judged_on]
    for case in cases:
        record = case.stage(stage)
        if (
            record is None
            or (record.responded_on is not None and record.responded_on <= judged_on)
            or _ended_unanswered(case, record)
        ):
            continue
        due = code_timeliness(case, record, judged_on).respond_due
        if due in year and due < judged_on:
            found.append((case, record))
    return found


def responded_in_time(cases: list[CaseFacts], year: ReportingYear, stage: int, as_of: date | None = None) -> Figure:
    """CH02: of the stage's responses made in the year and those overdue unanswered, those within the Code's timescales."""
    judged_on = as_of or year.last
    return Figure.of(
        (case.reference, bool(code_timeliness(case, record, judged_on).responded_in_time))
        for case, record in answerable(cases, year, stage, judged_on)
    )


def letters_in_time(cases: list[CaseFacts], year: ReportingYear, stage: int, as_of: date | None = None) -> Figure:
    """Of the responses counted in CH02 (made, or overdue), those whose response letter went out within the timescale."""
    judged_on = as_of or year.last
    return Figure.of(
        (case.reference, bool(code_timeliness(case, record, judged_on).letter_in_time))
        for case, record in answerable(cases, year, stage, judged_on)
        if case.letters_recorded
    )


class TsmMeasure(Fact):
    code: str
    description: str
    numerator: int
    denominator: int | None
    value: float | None
    unit: str


def tsm(cases: list[CaseFacts], year: ReportingYear, homes: int | None, as_of: date | None = None) -> list[TsmMeasure]:
    """CH01 (complaints received per 1,000 homes) and CH02 (responded to within the Code's timescales)."""
    rows = []
    for stage, part in ((1, "(1)"), (2, "(2)")):
        count = len(received(cases, year, stage))
        rows.append(
            TsmMeasure(
                code=f"CH01 {part}",
                description=f"Stage {stage} complaints received per 1,000 homes",
                numerator=count,
                denominator=homes,
                value=round(count / homes * 1000, 2) if homes else None,
                unit="per 1,000 homes",
            )
        )
    for stage, part in ((1, "(1)"), (2, "(2)")):
        figure = responded_in_time(cases, year, stage, as_of)
        rows.append(
            TsmMeasure(
                code=f"CH02 {part}",
                description=f"Stage {stage} complaints responded to within the Code's timescales",
                numerator=figure.count,
                denominator=figure.total,
                value=figure.percent,
                unit="%",
            )
        )
    return rows


def escalation(cases: list[CaseFacts], year: ReportingYear) -> Figure:
    """Stage-1 complaints received in the year that went on to stage 2 (at any time since)."""
    return Figure.of((case.reference, case.stage(2) is not None) for case, _ in received(cases, year, 1))


def extended(cases: list[CaseFacts], year: ReportingYear, stage: int) -> list[tuple[CaseFacts, StageRecord]]:
    """The stage's complaints whose extension was agreed in the year."""
    found = []
    for case in cases:
        record = case.stage(stage)
        if record is not None and any(e.on in year for e in record.extensions):
            found.append((case, record))
    return found


def extensions_past_limit(record: StageRecord) -> list[Extension]:
    """The extensions that took the stage's total past the Code's normal limit (10 / 20 working days)."""
    most, total, past = code_extension_limit(record.stage), 0, []
    for extension in sorted(record.extensions, key=lambda e: e.on):
        total += extension.working_days
        if total > most:
            past.append(extension)
    return past


def extended_past_limit(cases: list[CaseFacts], year: ReportingYear, stage: int) -> Figure:
    """Of the stage's complaints extended in the year, those whose extensions went past the Code's normal limit
    (counted separately: the Code allows it with a good reason, some profiles with the resident's agreement)."""
    return Figure.of((case.reference, bool(extensions_past_limit(r))) for case, r in extended(cases, year, stage))


class AnnualFigures(Fact):
    """What the annual complaints performance and service improvement report shows (Code 8.1)."""

    year: ReportingYear
    homes: int | None
    received_by_month: tuple[tuple[str, int, int], ...]
    """(month label, stage-1 received, stage-2 requested)."""
    tsm: tuple[TsmMeasure, ...]
    acknowledged: dict[int, Figure]
    responded: dict[int, Figure]
    letters: dict[int, Figure]
    extended_cases: dict[int, int]
    extended_past_limit: dict[int, Figure]
    """Of the extended complaints, those past the Code's normal limit (`met`); counted separately (Code 6.4 / 6.15)."""
    extension_days: dict[int, int]
    outcomes: dict[int, dict[str, int]]
    categories: tuple[tuple[str, int], ...]
    """(service area's name, stage-1 complaints received), most first."""
    root_causes: tuple[tuple[str, int], ...] = ()
    """(root-cause code, responses in the year that found it), most first (reports/themes.py)."""
    escalation: Figure
    exclusions: tuple[tuple[str, int], ...]
    remedies: int
    compensation_pence: int
    compensation_by_type: tuple[tuple[str, int], ...]
    compensation: CompensationTotals
    """Offered, paid and overdue (reports/compensation.py)."""
    actions_open: tuple[ActionFact, ...]
    """Promised actions due by `as_of` and not completed by then."""
    as_of: date
    actions_overdue: int
    ombudsman_referrals: tuple[str, ...]
    final_responses: int
    learning: tuple[tuple[str, str, date], ...]
    """(case reference, learning point, recorded on)."""


def as_of(cases: list[CaseFacts], year: ReportingYear, today: date | None) -> date:
    """The day a report's "not done by then" and "past its target" are judged on: the year's last day, or
    today while the year is still running. A record whose own clock is ahead of today (a generated or
    simulated year) is judged by its latest event instead."""
    if today is None:
        return year.last
    latest = max((case.last_event_on for case in cases if case.last_event_on is not None), default=today)
    return min(year.last, max(today, latest))


def annual_figures(
    cases: list[CaseFacts], year: ReportingYear, homes: int | None = None, today: date | None = None
) -> AnnualFigures:
    """The annual report's figures; `today` (None: the year is over) limits what can be due yet."""
    judged_on = as_of(cases, year, today)
    from reports.themes import root_causes

    stage1 = received(cases, year, 1)
    remedies, pence, by_type = _remedies(cases, year)
    exclusions = Counter(
        r.excluded_ground or "no ground recorded" for case in cases for r in case.stages if r.excluded and r.received_on in year
    )
    open_actions = _actions_open(cases, judged_on)
    return AnnualFigures(
        year=year,
        homes=homes,
        received_by_month=_received_by_month(cases, year),
        tsm=tuple(tsm(cases, year, homes, judged_on)),
        acknowledged={s: acknowledged_in_time(cases, year, s, judged_on) for s in (1, 2)},
        responded={s: responded_in_time(cases, year, s, judged_on) for s in (1, 2)},
        letters={s: letters_in_time(cases, year, s, judged_on) for s in (1, 2)},
        extended_cases={s: len(extended(cases, year, s)) for s in (1, 2)},
        extended_past_limit={s: extended_past_limit(cases, year, s) for s in (1, 2)},
        extension_days={
            s: sum(e.working_days for _, r in extended(cases, year, s) for e in r.extensions if e.on in year) for s in (1, 2)
        },
        outcomes={stage: _outcomes(cases, year, stage) for stage in (1, 2)},
        categories=tuple(Counter(area_name(case.category) for case, _ in stage1).most_common()),
        root_causes=tuple(root_causes(cases, year)),
        escalation=escalation(cases, year),
        exclusions=tuple(exclusions.most_common()),
        remedies=remedies,
        compensation_pence=pence,
        compensation_by_type=tuple(by_type.most_common()),
        compensation=compensation_totals(cases, year, judged_on),
        actions_open=open_actions,
        actions_overdue=sum(1 for a in open_actions if a.target_on < judged_on),
        as_of=judged_on,
        ombudsman_referrals=tuple(c.reference for c in cases if c.ombudsman_referred_on in year),
        final_responses=len(responded(cases, year, 2)),
        learning=_learning(cases, year),
    )


def _received_by_month(cases: list[CaseFacts], year: ReportingYear) -> tuple[tuple[str, int, int], ...]:
    """(month label, stage-1 received, stage-2 requested) for each month of the year."""
    stage1, stage2 = received(cases, year, 1), received(cases, year, 2)
    months = []
    for y, m in year.months():
        label = date(y, m, 1).strftime("%b %Y")
        months.append(
            (
                label,
                sum(1 for _, r in stage1 if (r.received_on.year, r.received_on.month) == (y, m)),
                sum(1 for _, r in stage2 if (r.received_on.year, r.received_on.month) == (y, m)),
            )
        )
    return tuple(months)


def _outcomes(cases: list[CaseFacts], year: ReportingYear, stage: int) -> dict[str, int]:
    """How the stage's responses in the year came out, every outcome listed (0 where none)."""
    counts = Counter(r.outcome for _, r in responded(cases, year, stage))
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}


def _remedies(cases: list[CaseFacts], year: ReportingYear) -> tuple[int, int, Counter[str]]:
    """Remedies given with the year's responses (either stage): how many, the pence offered, and the pence by
    compensation type."""
    remedies, pence, by_type = 0, 0, Counter[str]()
    for stage in (1, 2):
        for case, _ in responded(cases, year, stage):
            for remedy in case.remedies:
                if remedy.stage == stage:
                    remedies += 1
                    pence += remedy.amount_pence
                    if remedy.amount_pence:
                        by_type[remedy.compensation_type or "unspecified"] += remedy.amount_pence
    return remedies, pence, by_type


def _actions_open(cases: list[CaseFacts], judged_on: date) -> tuple[ActionFact, ...]:
    """Promised actions due by `judged_on` and not completed by then."""
    return tuple(
        a
        for case in cases
        for a in case.actions
        if a.target_on <= judged_on and (a.completed_on is None or a.completed_on > judged_on)
    )


def _learning(cases: list[CaseFacts], year: ReportingYear) -> tuple[tuple[str, str, date], ...]:
    """(case reference, learning point, recorded on) for the year's learning, earliest first."""
    return tuple(
        sorted(
            (
                (case.reference, point.text, point.recorded_on)
                for case in cases
                for point in case.learning
                if point.recorded_on in year
            ),
            key=lambda item: item[2],
        )
    )
