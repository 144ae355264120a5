"""The annual report and the quarterly pack (HTML and CSV) give Awaab's Law compliance by step and category,
counted by hand from the hazard rows: met on time, late, overdue (missed, still owed), open and ceased."""

import csv
import io
import re
from datetime import date, datetime, timezone

from sqlmodel import Session

from models.hazard_tables import Hazard, HazardDeadline
from tests.cli_runner import complaints
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)

AWARE = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def _hazards(engine) -> None:
    """Quarter 1 of 2026-27 (April to June), judged on 30 June."""
    with Session(engine) as session:
        for number, category in ((11, "damp_and_mould"), (12, "damp_and_mould"), (13, "fire"), (14, "damp_and_mould")):
            session.add(Hazard(reference=f"HZD-2026-0000{number}", landlord="code-2024", category=category, aware_at=AWARE))
        session.flush()
        session.add_all(
            [
                HazardDeadline(
                    reference="HZD-2026-000011", name="investigate", due=date(2026, 4, 14), met=True, met_on=date(2026, 4, 13)
                ),
                HazardDeadline(
                    reference="HZD-2026-000011", name="summary", due=date(2026, 4, 17), met=False, met_on=date(2026, 4, 20)
                ),
                HazardDeadline(reference="HZD-2026-000011", name="safety_work", due=date(2026, 6, 30)),
                HazardDeadline(reference="HZD-2026-000012", name="investigate", due=date(2026, 5, 1)),
                HazardDeadline(
                    reference="HZD-2026-000013",
                    name="emergency",
                    due=date(2026, 4, 2),
                    ceased="decanted",
                    due_at=datetime(2026, 4, 2, 9, tzinfo=timezone.utc),
                ),
                HazardDeadline(reference="HZD-2026-000014", name="investigate", due=date(2026, 7, 10)),
            ]
        )
        session.commit()


def _section(html: str) -> dict[tuple[str, str], list[str]]:
    """The rendered table's cells (on time, late, overdue, open, ceased, on time %) by (step, category)."""
    table = html.split('id="hazard-compliance"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-clock="([^"]+)" data-category="([^"]+)">(.*?)</tr>', table, re.S)
    return {(clock, category): re.findall(r'<td class="n">([^<]*)</td>', cells) for clock, category, cells in rows}


def test_the_quarterly_pack_html_and_csv_give_each_step_by_category(engine, database_url, tmp_path):
    _hazards(engine)
    html, csv_path = tmp_path / "pack.html", tmp_path / "pack.csv"
    done = complaints(
        "report",
        "quarterly",
        "--year",
        "2026-27",
        "--quarter",
        "1",
        "--database",
        database_url,
        "--html",
        str(html),
        "--csv",
        str(csv_path),
    )
    assert done.exit_code == 0, done.output
    page = html.read_text()
    assert "Awaab's Law: hazard clocks met (SI 2025/1042)" in page
    section = _section(page)
    assert section[("investigate", "damp_and_mould")] == ["1", "0", "1", "0", "0", "50.0"], "met 13 Apr; 1 May missed"
    assert section[("investigate", "all")] == ["1", "0", "1", "0", "0", "50.0"], "10 July is the next quarter's"
    assert section[("summary", "damp_and_mould")] == ["0", "1", "0", "0", "0", "0.0"], "met 20 Apr, due 17 Apr"
    assert section[("safety_work", "all")] == ["0", "0", "0", "1", "0", "-"], "due 30 June: not yet missed on 30 June"
    assert section[("emergency", "fire")] == ["0", "0", "0", "0", "1", "-"], "ceased on a decant"
    assert section[("preventative_start", "all")] == ["0", "0", "0", "0", "0", "-"]
    assert "<td>Investigate (reg 6)</td><td>Damp and mould growth</td>" in page, "steps and categories in words"
    cells = {
        (r["row"], r["column"]): r["value"]
        for r in csv.DictReader(io.StringIO(csv_path.read_text()))
        if r["table"] == "awaabs_law"
    }
    assert cells[("investigate/damp_and_mould", "on_time")] == "1" and cells[("investigate/damp_and_mould", "overdue")] == "1"
    assert cells[("summary/all", "late")] == "1" and cells[("emergency/fire", "ceased")] == "1"
    assert cells[("safety_work/all", "open")] == "1"


def test_the_annual_report_judges_the_same_clocks_on_its_own_date(engine, database_url, tmp_path):
    _hazards(engine)
    html = tmp_path / "annual.html"
    done = complaints("report", "annual", "--year", "2026-27", "--database", database_url, "--html", str(html))
    assert done.exit_code == 0, done.output
    section = _section(html.read_text())
    assert section[("safety_work", "all")][:4] == ["0", "0", "1", "0"], "due 30 June, still owed later in the year: overdue"
    assert section[("investigate", "damp_and_mould")][:3] == ["1", "0", "2"], "1 May and 10 July both missed"
    assert section[("summary", "all")][:2] == ["0", "1"] and section[("emergency", "fire")][4] == "1"


async def test_the_web_pack_and_report_show_the_section_and_a_cut_pack_leaves_it_out(stack, signed_in):
    _hazards(stack.engine)
    manager = await signed_in("mira")
    pack = await manager.get("/reports/quarterly", params={"year": "2026-27", "quarter": "1"})
    assert pack.status_code == 200
    assert _section(pack.text)[("investigate", "damp_and_mould")] == ["1", "0", "1", "0", "0", "50.0"]
    exported = (await manager.get("/reports/quarterly.csv", params={"year": "2026-27", "quarter": "1"})).text
    assert "2026-27 Q1,awaabs_law,emergency/fire,ceased,1" in exported.splitlines()
    annual = await manager.get("/reports/annual", params={"year": "2026-27"})
    assert _section(annual.text)[("summary", "all")][:2] == ["0", "1"]
    cut = await manager.get("/reports/quarterly", params={"year": "2026-27", "quarter": "1", "service_area": "repairs"})
    assert cut.status_code == 200 and 'id="hazard-compliance"' not in cut.text, "the landlord's as a whole, like the Ombudsman's"
