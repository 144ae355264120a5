"""Annual report and self-assessment figures from cases whose answers are known by hand (tests/report_cases.py)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from reports.report_facts import CaseFacts, read_facts
from reports.reporting import ReportingYear, annual_figures
from reports.self_assessment import self_assessment
from models.tables import create_schema, make_engine
from starter.annual_report import annual_report_html, annual_report_pdf
from tests.cli_runner import complaints
from tests.report_cases import insert_cases

YEAR = ReportingYear.parse("2025-26")


@pytest.fixture
def read_model(tmp_path):
    url = f"sqlite:///{tmp_path / 'complaints.db'}"
    engine = make_engine(url)
    create_schema(engine)
    insert_cases(engine)
    yield url, read_facts(engine)
    engine.dispose()


def test_annual_figures_by_hand(read_model):
    _, facts = read_model
    f = annual_figures(facts, YEAR, homes=2000)
    months = {label: (s1, s2) for label, s1, s2 in f.received_by_month}
    assert months["May 2025"] == (1, 0) and months["Jun 2025"] == (6, 0) and months["Jul 2025"] == (0, 2)
    assert sum(s1 for s1, _ in months.values()) == 7 and len(months) == 12
    assert f.outcomes[1] == {"upheld": 4, "partly_upheld": 1, "not_upheld": 2}
    assert f.outcomes[2] == {"upheld": 0, "partly_upheld": 1, "not_upheld": 1}
    assert (f.acknowledged[1].count, f.acknowledged[1].total, f.acknowledged[1].missed) == (6, 7, ("CMP-2025-000005",))
    assert (f.extended_cases[1], f.extension_days[1]) == (3, 25)
    assert (f.escalation.count, f.escalation.total, f.escalation.percent) == (2, 7, 28.6)
    assert dict(f.categories) == {
        "Repairs": 3,
        "Anti-social behaviour": 4,
    }  # free text from before the taxonomy, read as its code
    assert dict(f.exclusions) == {"legal_proceedings": 1}
    assert (f.remedies, f.compensation_pence) == (3, 30050)
    assert dict(f.compensation_by_type) == {"time_and_trouble": 25000, "discretionary": 5050}
    # fix-roof was due 1 Sep 2025 and is still open at 31 Mar 2026; the survey was done on 30 Jun 2025
    assert [a.action_id for a in f.actions_open] == ["fix-roof"] and f.actions_overdue == 1
    assert f.final_responses == 2 and f.ombudsman_referrals == ()
    assert f.learning[0][:2] == ("CMP-2025-000001", "Roof repairs need a follow-up visit")


def test_an_action_not_yet_due_at_year_end_is_not_outstanding(read_model):
    _, facts = read_model
    f = annual_figures(facts, ReportingYear.parse("2024-25"))
    assert f.actions_open == () and f.actions_overdue == 0


def test_self_assessment_evidence_by_hand(read_model):
    _, facts = read_model
    rows = {(r.section, r.evidence.split(")")[-1].strip()): r for r in self_assessment(facts, YEAR)}
    by: dict = {}
    for (section, _), r in rows.items():
        by.setdefault(section, r)  # the section's compliance row; a "counted separately" row follows it
    assert (by["6.2"].figure.count, by["6.2"].figure.total, by["6.2"].comply) == (6, 7, "Not always")
    assert by["5.6"].figure.count == 4 and by["5.6"].figure.total == 10  # d1, d2, d3 and the Definition row of case 3
    assert by["6.13"].figure.met == ("CMP-2025-000001",) and by["6.13"].figure.missed == ("CMP-2025-000002",)
    assert by["6.4"].figure.missed == ("CMP-2025-000006",)  # 15 working days, over the Code's 10
    # Re-checked by the rule that let it be issued: case 2's stored letter has no decision on its point, and
    # the other responses have no letter on the record at all.
    assert by["6.9"].figure.met == ("CMP-2025-000001",)
    assert by["6.9"].figure.missed == tuple(f"CMP-2025-00000{n}" for n in (2, 3, 4, 5, 6, 8))
    assert by["5.14"].figure.met == ("CMP-2025-000002",) and by["5.14"].figure.missed == ("CMP-2025-000005",)
    assert by["6.15"].comply == "No cases" and "none in the year" in by["6.15"].evidence
    letters = [r for (section, _), r in rows.items() if section == "6.3" and "letters" in r.evidence]
    assert letters[0].figure.met == ("CMP-2025-000001",)  # case 2's letter went on 20 Jun, after 18 Jun


def test_report_html_has_every_section_and_charts(read_model):
    _, facts = read_model
    html = annual_report_html(annual_figures(facts, YEAR, 2000), self_assessment(facts, YEAR), "Acme Homes")
    for anchor in (
        "tsm",
        "volumes",
        "timeliness",
        "outcomes",
        "categories",
        "remedies",
        "actions",
        "ombudsman",
        "learning",
        "self-assessment",
    ):
        assert f'id="{anchor}"' in html
    assert html.count("<svg") == 4 and "Roof repairs need a follow-up visit" in html and "£300.50" in html
    pdf = annual_report_pdf(html)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_cli_annual_writes_html_and_pdf_and_self_assessment_csv(read_model, tmp_path):
    url, _ = read_model
    done = complaints(
        "report",
        "annual",
        "--year",
        "2025-26",
        "--homes",
        "2000",
        "--database",
        url,
        "--html",
        str(tmp_path / "r.html"),
        "--pdf",
        str(tmp_path / "r.pdf"),
    )
    assert done.exit_code == 0, done.stderr
    assert "3 of 8 (37.5%)" in done.stdout and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "CH02 (1)" in (tmp_path / "r.html").read_text()
    done = complaints("report", "self-assessment", "--year", "2025-26", "--database", url, "--format", "csv")
    rows = {r["code_provision"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    assert rows["6.13"]["cases_not_met"] == "CMP-2025-000002" and rows["6.2"]["percent"] == "85.7"


def _case(reference: str, *events, actions=()) -> CaseFacts:
    from reports.report_facts import facts_from_events

    received = datetime(2026, 6, 1, 9, tzinfo=UTC)
    return facts_from_events(reference=reference, received_at=received, events=list(events), deadlines={}, actions=actions)


def _event(kind: str, day: str, **details) -> dict:
    return {"type": kind, "at": f"{day}T10:00:00+00:00", "stage": 1, **details}


def test_an_action_not_yet_due_today_is_not_past_its_target():
    """Issue 15 item 8: on 1 Dec 2026 an action due 3 Dec 2026 is neither outstanding nor past its target; on
    4 Dec it is both; once the year is over (no `today`) it is judged on 31 Mar 2027."""
    from reports.report_facts import ActionFact

    case = _case(
        "CMP-2026-000001",
        _event("acknowledge", "2026-06-02"),
        actions=(ActionFact(action_id="a1", description="Fix the gutter", target_on=date(2026, 12, 3)),),
    )
    year = ReportingYear.parse("2026-27")
    on_1st = annual_figures([case], year, today=date(2026, 12, 1))
    assert (on_1st.as_of, on_1st.actions_open, on_1st.actions_overdue) == (date(2026, 12, 1), (), 0)
    on_3rd = annual_figures([case], year, today=date(2026, 12, 3))
    assert (len(on_3rd.actions_open), on_3rd.actions_overdue) == (1, 0), "due today: outstanding, not yet past"
    on_4th = annual_figures([case], year, today=date(2026, 12, 4))
    assert (len(on_4th.actions_open), on_4th.actions_overdue) == (1, 1)
    assert annual_figures([case], year).as_of == date(2027, 3, 31)


def test_extensions_past_the_codes_limit_are_counted_separately():
    """Code 6.4: "no more than 10 working days without good reason". A: 5 WD, within. B: 6 + 6 = 12 WD, the
    second with a good reason recorded: past the limit, compliant. C: 12 WD with no good reason: past, not."""
    cases = [
        _case("CMP-2026-00000A", _event("acknowledge", "2026-06-02"), _event("extend", "2026-06-05", working_days=5)),
        _case(
            "CMP-2026-00000B",
            _event("acknowledge", "2026-06-02"),
            _event("extend", "2026-06-05", working_days=6),
            _event("extend", "2026-06-10", working_days=6, good_reason_ref="reason-2"),
        ),
        _case("CMP-2026-00000C", _event("acknowledge", "2026-06-02"), _event("extend", "2026-06-05", working_days=12)),
    ]
    year = ReportingYear.parse("2026-27")
    figures = annual_figures(cases, year)
    assert figures.extended_cases[1] == 3
    assert figures.extended_past_limit[1].met == ("CMP-2026-00000B", "CMP-2026-00000C")
    rows = [r for r in self_assessment(cases, year) if r.section == "6.4"]
    compliance, separately = rows
    assert (compliance.figure.met, compliance.figure.missed) == (("CMP-2026-00000A", "CMP-2026-00000B"), ("CMP-2026-00000C",))
    assert compliance.comply == "Not always"
    assert separately.comply == "Reported"
    assert separately.evidence == "2 of 3 (66.7%) stage 1 extended complaints went past 10 working days"


def test_a_stage2_reviewer_who_acknowledged_or_extended_stage1_is_not_independent():
    """Code 6.13 by the workflow's own rule (`workflows.commands.stage1_decider`): acknowledging or
    extending at stage 1 rules a person out of stage 2, not only handling or answering it."""

    def stage2(reference: str, stage1_step: str, reviewer: str) -> CaseFacts:
        return _case(
            reference,
            _event("assign", "2026-06-01", handler="hana", actor="manager"),
            _event(stage1_step, "2026-06-02", actor="sam", working_days=5),
            _event("respond", "2026-06-10", actor="hana", outcome="not_upheld"),
            {**_event("request_stage2", "2026-06-15"), "stage": 2},
            {**_event("respond", "2026-07-01", actor=reviewer, outcome="upheld"), "stage": 2},
        )

    cases = [stage2("CMP-2026-000001", "acknowledge", "sam"), stage2("CMP-2026-000002", "extend", "sam")]
    cases.append(stage2("CMP-2026-000003", "acknowledge", "rita"))
    figure = {r.section: r for r in self_assessment(cases, ReportingYear.parse("2026-27"))}["6.13"].figure
    assert figure.missed == ("CMP-2026-000001", "CMP-2026-000002") and figure.met == ("CMP-2026-000003",)
