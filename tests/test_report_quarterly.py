"""The quarterly pack for the Member Responsible for Complaints (Code 9.6-9.7), every report's cut by
service area and root cause, compensation offered / paid / overdue, and the governing body's response
published beside the annual report (Code 8.2): figures known by hand from tests/report_cases.py plus the
rows added here, read back from the read model, the pack's HTML, CSV and PDF, and the CLI."""

import csv
import io
from datetime import date

import pytest
from sqlmodel import Session

from models.governance import ResponseRootCause
from reports.quarterly import Quarter, quarterly_figures
from models.record import LearningPoint, OutstandingAction, Remedy
from reports.report_facts import read_facts
from reports.reporting import ReportingYear, annual_figures
from models.tables import create_schema, make_engine
from reports.themes import CutError, cut
from starter.quarterly_pack import pack_csv, pack_html, pack_pdf
from tests.cli_runner import complaints
from tests.report_cases import at, insert_cases

Q1 = Quarter.of("2025-26", 1)


def add_themes_and_payments(engine) -> None:
    """Root causes at three stage-1 responses, the learning point's cause, and three payments:
    case 1's £250 (due 2 Jul, paid 30 Jun), case 3's £50.50 (due 20 Jun, never paid), case 4's £100 (due 10 Jul)."""
    with Session(engine) as session:
        for reference, stage, code in (
            ("CMP-2025-000001", 1, "repair_delayed"),
            ("CMP-2025-000001", 1, "not_kept_informed"),
            ("CMP-2025-000003", 1, "repair_delayed"),
            ("CMP-2025-000004", 1, "not_kept_informed"),
            ("CMP-2025-000001", 2, "no_failing_found"),
        ):
            session.add(
                ResponseRootCause(
                    command_id=f"{reference}-{stage}", code=code, reference=reference, stage=stage, recorded_at=at("2025-06-18")
                )
            )
        for remedy_id, band, payment in (("r1", "some_impact", "s1-pay-1"), ("r2", "minimal_impact", "s1-pay-1")):
            remedy = session.get(Remedy, remedy_id)
            remedy.band, remedy.payment_id = band, payment
            session.add(remedy)
        session.add(
            Remedy(
                id="r4",
                reference="CMP-2025-000004",
                stage=1,
                kind="compensation",
                amount_pence=10000,
                band="some_impact",
                payment_id="s1-pay-1",
            )
        )
        for reference, due, paid in (
            ("CMP-2025-000001", date(2025, 7, 2), date(2025, 6, 30)),
            ("CMP-2025-000003", date(2025, 6, 20), None),
            ("CMP-2025-000004", date(2025, 7, 10), None),
        ):
            session.add(
                OutstandingAction(
                    reference=reference,
                    action_id="s1-pay-1",
                    description="Pay the compensation",
                    owner="ann",
                    target_on=due,
                    completed_on=paid,
                )
            )
        point = session.get(LearningPoint, "lp1")
        point.root_cause = "repair_delayed"
        session.add(point)
        session.commit()


@pytest.fixture
def read_model(tmp_path):
    url = f"sqlite:///{tmp_path / 'complaints.db'}"
    engine = make_engine(url)
    create_schema(engine)
    insert_cases(engine)
    add_themes_and_payments(engine)
    yield url, engine, read_facts(engine)
    engine.dispose()


def test_quarter_one_by_hand(read_model):
    _, _, facts = read_model
    f = quarterly_figures(facts, Q1)
    assert (Q1.first, Q1.last) == (date(2025, 4, 1), date(2025, 6, 30))
    assert f.received_by_month == (("Apr 2025", 0, 0), ("May 2025", 1, 0), ("Jun 2025", 6, 0))
    # responses in Q1 at stage 1: cases 1-5 (June) and 8 (10 Apr); in time: 1, 3 and 8 (tests/report_cases.py);
    # and case 7, due 16 Jun and unanswered at the quarter's end: missed, not left out (issue 26)
    assert (f.responded[1].count, f.responded[1].total) == (3, 7) and "CMP-2025-000007" in f.responded[1].missed
    assert (f.acknowledged[1].count, f.acknowledged[1].total, f.acknowledged[1].missed) == (6, 7, ("CMP-2025-000005",))
    assert f.outcomes[1] == {"upheld": 4, "partly_upheld": 1, "not_upheld": 1}
    areas = {code: (count, upheld) for code, count, upheld in f.service_areas}
    # cases 1-3 were filed as "repairs", 4-7 as "anti-social behaviour" (free text before the taxonomy)
    assert areas["repairs"] == (3, 2) and areas["anti_social_behaviour"] == (4, 2) and areas["damp_and_mould"] == (0, 0)
    # six stage-1 responses in Q1: 1 (two causes), 3 and 4 (one each), 2, 5 and 8 with none recorded
    assert f.root_causes == (("none", 3), ("repair_delayed", 2), ("not_kept_informed", 2))
    c = f.compensation
    assert (c.offered, c.offered_pence) == (3, 40050)  # cases 1, 3 and 4: £250 + £50.50 + £100
    assert (c.paid, c.paid_pence) == (1, 25000)  # case 1, paid 30 Jun
    assert (c.overdue, c.overdue_pence) == (1, 5050)  # case 3, due 20 Jun; case 4 is not due until 10 Jul
    assert c.by_band == (("some_impact", 2, 35000), ("minimal_impact", 1, 5050))
    assert f.improvements == (("CMP-2025-000001", "Roof repairs need a follow-up visit", "repair_delayed", date(2025, 6, 18)),)
    assert f.improvements_by_cause == (("repair_delayed", 1),)


def test_the_annual_report_sums_compensation_and_root_causes_too(read_model):
    _, _, facts = read_model
    f = annual_figures(facts, ReportingYear.parse("2025-26"))
    c = f.compensation
    assert (c.offered_pence, c.paid_pence, c.overdue, c.overdue_pence) == (40050, 25000, 2, 15050)  # 3 and 4 unpaid at 31 Mar
    assert dict(f.root_causes)["no_failing_found"] == 1  # case 1's stage-2 response (6 Aug)


def test_every_figure_can_be_cut_by_service_area_and_root_cause(read_model):
    _, _, facts = read_model
    repairs = quarterly_figures(cut(facts, service_area="repairs"), Q1)
    assert sum(s1 for _, s1, _ in repairs.received_by_month) == 3 and repairs.compensation.offered_pence == 30050
    informed = cut(facts, root_cause="not_kept_informed")
    assert [c.reference for c in informed] == ["CMP-2025-000001", "CMP-2025-000004"]
    both = cut(facts, service_area="repairs", root_cause="not_kept_informed")
    assert [c.reference for c in both] == ["CMP-2025-000001"]
    with pytest.raises(CutError, match="service_area: must be one of repairs, damp_and_mould"):
        cut(facts, service_area="plumbing")


def test_the_pack_says_in_html_csv_and_pdf_what_the_figures_say(read_model):
    from pypdf import PdfReader

    _, _, facts = read_model
    f = quarterly_figures(facts, Q1)
    html = pack_html(f, "Acme Homes")
    for anchor in ("volumes", "timeliness", "themes", "root-causes", "compensation", "improvements"):
        assert f'id="{anchor}"' in html
    assert 'id="ombudsman' not in html and "findings" not in html  # that section joins from the Ombudsman stage's figures
    assert html.count("<svg") == 3 and " style=" not in html.split("</style>", 1)[1]  # charts by attributes: allowed by the CSP
    assert "£400.50" in html and "£250" in html and "£50.50" in html and "Work took longer than our own timescale" in html
    rows = {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(io.StringIO(pack_csv(f)))}
    assert rows[("compensation", "offered", "pence")] == "40050" and rows[("compensation", "overdue", "payments")] == "1"
    assert rows[("service_areas", "anti_social_behaviour", "received")] == "4"
    assert rows[("root_causes", "repair_delayed", "responses")] == "2" and rows[("volumes", "Jun 2025", "stage1_received")] == "6"
    assert rows[("improvements", "1", "root_cause")] == "repair_delayed"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pack_pdf(html))).pages)
    assert "£400.50" in text and "2025-26 Q1" in text


def test_cli_writes_the_pack_and_records_the_governing_bodys_response(read_model, tmp_path):
    from accounts.users import create_user

    url, engine, _ = read_model
    done = complaints(
        "report",
        "quarterly",
        "--year",
        "2025-26",
        "--quarter",
        "1",
        "--database",
        url,
        "--service-area",
        "repairs",
        "--csv",
        str(tmp_path / "q.csv"),
        "--html",
        str(tmp_path / "q.html"),
        "--pdf",
        str(tmp_path / "q.pdf"),
    )
    assert done.exit_code == 0, done.stderr
    assert "£300.50 (2)" in done.stdout  # repairs: cases 1 and 3
    assert "service area: Repairs" in (tmp_path / "q.html").read_text() and (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF")
    assert "volumes,Jun 2025,stage1_received,3" in (tmp_path / "q.csv").read_text()
    bad = complaints("report", "annual", "--year", "2025-26", "--database", url, "--root-cause", "bad-luck")
    assert bad.exit_code == 2 and "--root-cause" in bad.stderr and "must be one of repair_not_done" in bad.stderr

    create_user(engine, "mandy", "Mandy Manager", "complaints_manager", "a long enough password")
    create_user(engine, "hana", "Hana Handler", "handler", "a long enough password")
    said = "The Board noted the report.\n\nIt asked for monthly figures on damp and mould."
    refused = complaints("report", "governing-response", "--year", "2025-26", "--database", url, "--as", "hana", "--text", said)
    assert refused.exit_code == 2 and "record governing response" in refused.stderr
    done = complaints("report", "governing-response", "--year", "2025-26", "--database", url, "--as", "mandy", "--text", said)
    assert done.exit_code == 0, done.stderr
    done = complaints("report", "annual", "--year", "2025-26", "--database", url, "--html", str(tmp_path / "a.html"))
    page = (tmp_path / "a.html").read_text()
    assert "The governing body's response (Code 8.2)" in page
    assert "<p>The Board noted the report.</p>" in page and "<p>It asked for monthly figures on damp and mould.</p>" in page
    assert "Recorded by mandy" in page


def test_the_annual_report_and_the_quarterly_pack_agree_on_overdue_compensation():
    """Issue 26: £325 promised for 18 December is not overdue on 4 December in either report."""
    from reports.report_facts import CaseFacts, RemedyFact, StageRecord

    case = CaseFacts(
        reference="CMP-2026-000325",
        received_on=date(2026, 11, 2),
        state="stage1_responded",
        last_event_on=date(2026, 11, 20),
        stages=(
            StageRecord(
                stage=1, received_on=date(2026, 11, 2), acknowledged_on=date(2026, 11, 3), responded_on=date(2026, 11, 16)
            ),
        ),
        remedies=(RemedyFact(stage=1, kind="compensation", amount_pence=32500, due_on=date(2026, 12, 18)),),
    )
    today = date(2026, 12, 4)
    annual = annual_figures([case], ReportingYear.parse("2026-27"), today=today)
    quarterly = quarterly_figures([case], Quarter.parse("2026-27 Q3"), annual.as_of)
    assert annual.as_of == today
    assert annual.compensation.overdue_pence == quarterly.compensation.overdue_pence == 0
    later = annual_figures([case], ReportingYear.parse("2026-27"), today=date(2026, 12, 21))
    assert (
        later.compensation.overdue_pence
        == quarterly_figures([case], Quarter.parse("2026-27 Q3"), later.as_of).compensation.overdue_pence
        == 32500
    )
