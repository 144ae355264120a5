"""The staff case list: filters, next-deadline order and keyset paging, on SQLite and PostgreSQL.

A fixed set of 160 cases (ties on the same deadline instant, cases with no running deadline, deadlines
either side of the clocks going forward on 29 Mar 2026) is listed through `casework/case_list.py` and
compared with the same selection made in plain Python.
"""

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import Session

from bench.postgres import PostgresUnavailable, private_cluster
from casework.case_list import (
    CaseListFilter,
    dated_query,
    list_cases,
    query_plan,
    read_token,
    stage_counts,
    stage_counts_query,
    token_after,
)
from models.tables import Case, create_schema, make_engine
from models.calendar import end_of_day

STATES_BY_STAGE = {
    0: ["pre_stage"],
    1: ["received", "stage1_acknowledged", "stage1_extended", "stage1_responded", "closed", "withdrawn"],
    2: ["stage2_requested", "stage2_acknowledged", "stage2_responded", "closed", "excluded"],
}
UNDATED = {"stage1_responded", "stage2_responded", "closed", "withdrawn", "excluded"}
HANDLERS = ["amira", "ben", "chloe", None]
LANDLORDS = ["wrekin", "greatwell"]


def sample_cases(n: int = 160) -> list[Case]:
    rng = random.Random(2026)
    cases = []
    for i in range(n):
        stage = rng.choice([0, 1, 1, 1, 2])
        state = rng.choice(STATES_BY_STAGE[stage])
        # Few distinct due dates, so many cases share an instant and the reference breaks the tie.
        due = None if state in UNDATED else date(2026, 3, 20) + timedelta(days=rng.randrange(20))
        cases.append(
            Case(
                reference=f"CMP-2026-{i * 6151 % 10**6:06d}",
                landlord=rng.choice(LANDLORDS),
                policy_id="code-2024",
                policy_version=1,
                region="ENG",
                state=state,
                stage=stage,
                handler=rng.choice(HANDLERS),
                received_at=end_of_day(date(2026, 3, 1)),
                next_deadline=None if due is None else end_of_day(due),
                overdue=due is not None and rng.random() < 0.2,
            )
        )
    return cases


CASES = sample_cases()


def expected(filters: CaseListFilter) -> list[str]:
    def keep(case: Case) -> bool:
        dated = case.next_deadline is not None
        return all(
            [
                filters.stage is None or case.stage == filters.stage,
                filters.state is None or case.state == filters.state,
                filters.handler is None or case.handler == filters.handler,
                filters.landlord is None or case.landlord == filters.landlord,
                filters.overdue is None or case.overdue == filters.overdue,
                filters.due_from is None or (dated and end_of_day(filters.due_from) <= case.next_deadline),
                filters.due_to is None or (dated and case.next_deadline <= end_of_day(filters.due_to)),
            ]
        )

    chosen = [c for c in CASES if keep(c)]
    chosen.sort(key=lambda c: (c.next_deadline is None, c.next_deadline or end_of_day(date(1, 1, 1)), c.reference))
    return [c.reference for c in chosen]


def every_page(session: Session, filters: CaseListFilter, page_size: int) -> list[list[str]]:
    pages, token = [], None
    for _ in range(len(CASES) + 2):
        page = list_cases(session, filters, page_size, token)
        pages.append([row.reference for row in page.rows])
        if page.next_page is None:
            return pages
        token = page.next_page
    raise AssertionError(f"paging never ended: pages {pages[:3]}...")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('caselist') / 'read.db'}")
        yield from _filled(engine)
        return
    try:
        cluster = private_cluster()
        running = cluster.__enter__()
    except PostgresUnavailable as err:
        pytest.skip(f"case list on PostgreSQL: {err}")
    try:
        yield from _filled(make_engine(running.url))
    finally:
        cluster.__exit__(None, None, None)


def _filled(engine):
    create_schema(engine)
    with Session(engine) as session:
        session.add_all(Case.model_validate(c.model_dump()) for c in CASES)
        session.commit()
    yield engine
    engine.dispose()


due_dates = st.none() | st.dates(date(2026, 3, 18), date(2026, 4, 10))
filters_strategy = (
    st.builds(
        dict,
        stage=st.none() | st.integers(0, 2),
        state=st.none() | st.sampled_from(sorted({s for states in STATES_BY_STAGE.values() for s in states})),
        handler=st.none() | st.sampled_from([h for h in HANDLERS if h]),
        landlord=st.none() | st.sampled_from(LANDLORDS),
        overdue=st.none() | st.booleans(),
        due_from=due_dates,
        due_to=due_dates,
    )
    .filter(lambda f: f["due_from"] is None or f["due_to"] is None or f["due_from"] <= f["due_to"])
    .map(lambda f: CaseListFilter(**f))
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=filters_strategy, page_size=st.integers(1, 40))
def test_pages_together_are_exactly_the_filtered_cases_in_deadline_order(engine, filters, page_size):
    with Session(engine) as session:
        pages = every_page(session, filters, page_size)
    assert [ref for page in pages for ref in page] == expected(filters)
    assert all(len(page) == page_size for page in pages[:-1])
    assert len(pages) == 1 or pages[-1], "a next-page token always leads to at least one more case"


def test_unfiltered_list_runs_soonest_deadline_first_then_undated_cases(engine):
    with Session(engine) as session:
        refs = [ref for page in every_page(session, CaseListFilter(), 7) for ref in page]
    by_ref = {c.reference: c for c in CASES}
    dated = [by_ref[r] for r in refs if by_ref[r].next_deadline is not None]
    assert len(refs) == len(CASES) and len(set(refs)) == len(CASES)
    assert refs[: len(dated)] == [c.reference for c in dated], "every dated case comes before every undated one"
    assert [c.next_deadline for c in dated] == sorted(c.next_deadline for c in dated)


def test_due_between_counts_local_dates_across_the_clock_change(engine):
    """Due Tue 31 Mar 2026 (BST) means the deadline instant 23:00 UTC that day: in the 31 Mar list only."""
    due_31_march = [c.reference for c in CASES if c.next_deadline == end_of_day(date(2026, 3, 31))]
    due_1_april = [c.reference for c in CASES if c.next_deadline == end_of_day(date(2026, 4, 1))]
    assert due_31_march and due_1_april
    with Session(engine) as session:
        day = lambda d: [r.reference for r in list_cases(session, CaseListFilter(due_from=d, due_to=d), 200).rows]  # noqa: E731
        assert day(date(2026, 3, 31)) == sorted(due_31_march)
        assert day(date(2026, 4, 1)) == sorted(due_1_april)


def test_a_case_changing_before_the_cursor_neither_repeats_nor_hides_a_later_case(engine):
    with Session(engine) as session:
        first = list_cases(session, CaseListFilter(stage=1), 10)
        undisturbed = list_cases(session, CaseListFilter(stage=1), 10, first.next_page)
        moved = session.get(Case, first.rows[0].reference)
        original_deadline = moved.next_deadline
        session.add(
            Case(
                reference="CMP-2026-999999",
                landlord="wrekin",
                policy_id="code-2024",
                policy_version=1,
                region="ENG",
                state="received",
                stage=1,
                received_at=end_of_day(date(2026, 3, 1)),
                next_deadline=end_of_day(date(2026, 3, 1)),
            )
        )
        moved.next_deadline = end_of_day(date(2026, 3, 2))  # still before the cursor
        session.add(moved)
        session.commit()
        try:
            second = list_cases(session, CaseListFilter(stage=1), 10, first.next_page)
            assert second.rows == undisturbed.rows
        finally:
            session.delete(session.get(Case, "CMP-2026-999999"))
            moved = session.get(Case, first.rows[0].reference)
            moved.next_deadline = original_deadline
            session.add(moved)
            session.commit()


def test_stage_counts_give_each_stages_open_and_overdue_cases_of_the_filter(engine):
    with Session(engine) as session:
        counts = stage_counts(session, CaseListFilter(landlord="wrekin", stage=2))
    wrekin_open = [c for c in CASES if c.landlord == "wrekin" and c.next_deadline is not None]
    assert [(s.stage, s.awaiting_action, s.overdue) for s in counts] == [
        (stage, sum(c.stage == stage for c in wrekin_open), sum(c.stage == stage and c.overdue for c in wrekin_open))
        for stage in sorted({c.stage for c in wrekin_open})
    ]
    assert len(counts) == 3, "the stage filter does not narrow the dashboard"


@pytest.mark.parametrize(
    "filters",
    [
        CaseListFilter(),
        CaseListFilter(stage=1),
        CaseListFilter(state="received"),
        CaseListFilter(handler="ben"),
        CaseListFilter(landlord="wrekin"),
        CaseListFilter(overdue=True),
        CaseListFilter(stage=2, handler="ben"),
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.model_dump(exclude_none=True).items()) or "none",
)
def test_each_filter_is_an_index_seek_with_no_sort_however_deep_the_page(tmp_path, filters):
    """SQLite plans without statistics, so its plan for a deep page holds at any table size."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    create_schema(engine)
    deep = read_token(token_after(end_of_day(date(2027, 1, 1)), "CMP-2026-050000"))
    with Session(engine) as session:
        plan = query_plan(session, dated_query(filters, deep).limit(51))
    engine.dispose()
    assert len(plan) == 1 and plan[0].startswith("SEARCH case USING INDEX ix_case_"), plan
    assert "TEMP B-TREE" not in " ".join(plan)


def test_dashboard_counts_read_only_the_open_work_index(tmp_path):
    """The dashboard's counts per stage come from the partial index of open cases alone (no table rows,
    no sort), so they cost the open caseload, not the years of closed cases beside it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    create_schema(engine)
    with Session(engine) as session:
        plan = query_plan(session, stage_counts_query(CaseListFilter()))
    engine.dispose()
    assert plan == ["SCAN case USING COVERING INDEX ix_case_open_stage_overdue"]


def test_bad_page_token_names_the_field(engine):
    with Session(engine) as session, pytest.raises(ValueError, match="page_token: not a page token issued by the case list"):
        list_cases(session, CaseListFilter(), 10, "bm90LWEtdG9rZW4=")


def test_page_size_outside_its_range_is_refused(engine):
    with Session(engine) as session, pytest.raises(ValueError, match="page_size: must be between 1 and 200"):
        list_cases(session, CaseListFilter(), 0)


def test_filters_are_checked_with_the_field_and_the_rule():
    with pytest.raises(ValidationError, match="(?s)due_to.*must be on or after due_from"):
        CaseListFilter(due_from=date(2026, 4, 2), due_to=date(2026, 4, 1))
    with pytest.raises(ValidationError, match="(?s)state.*must be one of the lifecycle's states"):
        CaseListFilter(state="resolved")
    with pytest.raises(ValidationError, match="(?s)stage.*less than or equal to 2"):
        CaseListFilter(stage=3)
