"""The quarterly pack for the Member Responsible for Complaints (Code 9.6-9.7) as HTML with charts, as PDF,
and as CSV (every table, one row per cell). The same sections serve the web page (its stylesheet linked,
under the CSP) and the CLI's file and the PDF (the stylesheet embedded, so the file stands alone)."""

from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reports.ombudsman_figures import OmbudsmanFigures
from starter.csv_text import csv_text
from reports.quarterly import QuarterlyFigures
from models.presentation import money
from models.remedies_guidance import remedies_guidance
from reports.reporting import OUTCOMES
from models.taxonomy import area_name, cause_name
from starter.hazard_section import add_hazard_words, hazard_csv_rows

TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"
STYLESHEET = Path(__file__).resolve().parent / "web" / "static" / "report-pack.css"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_env.filters.update(area=area_name, cause=cause_name, money=money, band=lambda b: _band_name(b))
add_hazard_words(_env)


def _band_name(band_id: str) -> str:
    band = remedies_guidance().band(band_id)
    return f"{band.name} ({band.range_words})" if band else "No band recorded"


def _context(
    figures: QuarterlyFigures, title: str, cut: str, as_of: date | None, ombudsman: OmbudsmanFigures | None, hazards: list | None
) -> dict:
    charts = {
        "volumes": [(label, s1) for label, s1, _ in figures.received_by_month],
        "areas": [(area_name(code), count) for code, count, _ in figures.service_areas],
        "causes": [(cause_name(code), count) for code, count in figures.root_causes],
    }
    return dict(
        f=figures,
        title=title,
        cut=cut,
        charts=charts,
        outcomes=OUTCOMES,
        as_of=as_of or figures.quarter.last,
        o=ombudsman,
        hazards=hazards,
    )


def pack_html(
    figures: QuarterlyFigures,
    title: str,
    cut: str = "",
    as_of: date | None = None,
    ombudsman: OmbudsmanFigures | None = None,
    *,
    hazards: list | None = None,
) -> str:
    """The pack as one standalone page (its stylesheet embedded): the CLI's file and the PDF. `ombudsman` gives
    the section on the Ombudsman's findings and orders (Code 9.6-9.7) and `hazards` Awaab's Law compliance
    (starter/hazard_section.py), both left out of a cut pack."""
    return _env.get_template("quarterly.html").render(
        **_context(figures, title, cut, as_of, ombudsman, hazards), inline_css=STYLESHEET.read_text()
    )


def pack_body(
    figures: QuarterlyFigures,
    title: str,
    cut: str = "",
    as_of: date | None = None,
    ombudsman: OmbudsmanFigures | None = None,
    *,
    hazards: list | None = None,
) -> Markup:
    """The pack's sections for the staff web page (which links report-pack.css, under the CSP)."""
    return Markup(_env.get_template("quarterly_body.html").render(**_context(figures, title, cut, as_of, ombudsman, hazards)))


def pack_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


def pack_csv(figures: QuarterlyFigures, ombudsman: OmbudsmanFigures | None = None, *, hazards: list | None = None) -> str:
    """Every table of the pack: `quarter, table, row, column, value`, amounts in pence."""
    rows: list[tuple[str, str, str, object]] = []
    if ombudsman is not None:
        o = ombudsman
        rows += [
            ("ombudsman", "referrals", "count", o.referrals),
            ("ombudsman", "referrals", "late", o.referrals_late),
            ("ombudsman", "determinations", "count", o.determinations),
            ("ombudsman", "non_compliance_with_the_code", "count", len(o.non_compliance)),
            ("ombudsman", "orders", "made", o.orders_made),
            ("ombudsman", "orders", "complied", o.orders_complied),
            ("ombudsman", "orders", "complied_late", o.orders_complied_late),
            ("ombudsman", "orders", "overdue", len(o.orders_overdue)),
        ]
        rows += [("ombudsman_findings", finding, "elements", count) for finding, count in o.findings]
        rows += [("ombudsman_failure_orders", reason, "issued", count) for reason, count in o.failure_orders]
    for label, s1, s2 in figures.received_by_month:
        rows += [("volumes", label, "stage1_received", s1), ("volumes", label, "stage2_requested", s2)]
    rows.append(("escalation", "stage1_received", "escalated", figures.escalation.count))
    rows.append(("escalation", "stage1_received", "total", figures.escalation.total))
    for stage in (1, 2):
        for name, figure in (
            ("acknowledged_in_time", figures.acknowledged[stage]),
            ("responded_in_time", figures.responded[stage]),
        ):
            rows += [
                ("timeliness", f"stage{stage}", f"{name}_count", figure.count),
                ("timeliness", f"stage{stage}", f"{name}_total", figure.total),
            ]
        rows += [("outcomes", f"stage{stage}", outcome, count) for outcome, count in figures.outcomes[stage].items()]
    for code, count, upheld in figures.service_areas:
        rows += [("service_areas", code, "received", count), ("service_areas", code, "upheld_or_partly", upheld)]
    rows += [("root_causes", code, "responses", count) for code, count in figures.root_causes]
    c = figures.compensation
    for name in ("offered", "paid", "overdue"):
        rows += [
            ("compensation", name, "payments", getattr(c, name)),
            ("compensation", name, "pence", getattr(c, f"{name}_pence")),
        ]
    for band, count, pence in c.by_band:
        rows += [("compensation_by_band", band, "offers", count), ("compensation_by_band", band, "pence", pence)]
    rows += [("improvements_by_root_cause", code, "improvements", count) for code, count in figures.improvements_by_cause]
    for number, (reference, text, cause, on) in enumerate(figures.improvements, start=1):
        rows += [
            ("improvements", str(number), "case", reference),
            ("improvements", str(number), "recorded_on", on.isoformat()),
            ("improvements", str(number), "root_cause", cause or ""),
            ("improvements", str(number), "text", text),
        ]
    rows += hazard_csv_rows(hazards or [])
    return csv_text(["quarter", "table", "row", "column", "value"], ((figures.quarter.label, *row) for row in rows))
