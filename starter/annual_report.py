"""The annual complaints performance and service improvement report (Code 8.1) as HTML with charts, and as
PDF. `annual_report_html` is what the web page shows; `annual_report_pdf` is what the governing body gets.

Charts are matplotlib SVG (Agg backend, no browser, no display) inlined in the HTML, so the HTML file
stands alone and WeasyPrint renders the same page to PDF. matplotlib styles each shape with a `style`
attribute, which the web app's Content-Security-Policy blocks (the charts drew as black boxes), so the
SVG is rewritten with presentation attributes (`fill="#1d70b8"`), which no CSP blocks. The report's
stylesheet is one file, `starter/web/static/report.css`: the web page links it, the stand-alone HTML and
the PDF inline it.
"""

import io
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reports.ombudsman_figures import OmbudsmanFigures
from models.presentation import paragraphs
from models.presentation import money
from reports.reporting import OUTCOMES, AnnualFigures
from reports.self_assessment import EvidenceRow
from models.taxonomy import cause_name
from starter.hazard_section import add_hazard_words

TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"
STYLESHEET = Path(__file__).resolve().parent / "web" / "static" / "report.css"
COLOURS = ("#1d70b8", "#f47738", "#85994b", "#d4351c")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
add_hazard_words(_env)


def _svg(figure, name: str) -> Markup:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return Markup(presentational(text[text.index("<svg") :], name))


def presentational(svg: str, name: str) -> str:
    """The SVG with every `style="a: b; c: d"` attribute written as attributes `a="b" c="d"`, and matplotlib's
    `<style>` element (line joins and caps for every shape) as inherited attributes of the root element.
    Its ids (and the references to them) are prefixed with `name`: four charts share one page.
    The chart is hidden from screen readers: the table beside each one holds the same figures."""

    def attributes(match: re.Match) -> str:
        pairs = (part.split(":", 1) for part in match[1].split(";") if ":" in part)
        return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)

    svg = re.sub(r'<style type="text/css">.*?</style>', "", svg, flags=re.S)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" aria-hidden="true" ', 1)
    svg = re.sub(r'(\bid="|xlink:href="#|url\(#)', lambda m: f"{m[1]}{name}-", svg)
    return re.sub(r'style="([^"]*)"', attributes, svg)


def _figure(width: float = 7.0, height: float = 2.8):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "svg.fonttype": "none", "axes.spines.top": False, "axes.spines.right": False})
    return plt.subplots(figsize=(width, height))


def volumes_chart(figures: AnnualFigures) -> Markup:
    fig, ax = _figure()
    labels = [label.split()[0] for label, _, _ in figures.received_by_month]
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], [s1 for _, s1, _ in figures.received_by_month], 0.4, label="Stage 1 received", color=COLOURS[0])
    ax.bar(
        [x + 0.2 for x in xs], [s2 for _, _, s2 in figures.received_by_month], 0.4, label="Stage 2 requested", color=COLOURS[1]
    )
    ax.set_xticks(list(xs), labels)
    ax.set_ylabel("complaints")
    ax.legend(frameon=False)
    return _svg(fig, "volumes")


def timeliness_chart(figures: AnnualFigures) -> Markup:
    fig, ax = _figure(height=2.4)
    measures = (("Acknowledged", figures.acknowledged), ("Responded", figures.responded), ("Letter sent", figures.letters))
    for offset, stage in ((-0.2, 1), (0.2, 2)):
        values = [m[stage].percent or 0 for _, m in measures]
        bars = ax.bar([x + offset for x in range(3)], values, 0.4, label=f"Stage {stage}", color=COLOURS[stage - 1])
        ax.bar_label(bars, labels=[f"{v:.1f}%" if m[stage].total else "none" for v, (_, m) in zip(values, measures)], fontsize=8)
    ax.set_xticks(range(3), [name for name, _ in measures])
    ax.set_ylim(0, 110)
    ax.set_ylabel("% within the Code's timescale")
    ax.legend(frameon=False, loc="lower right")
    return _svg(fig, "timeliness")


def outcomes_chart(figures: AnnualFigures) -> Markup:
    fig, ax = _figure(height=1.8)
    for row, stage in enumerate((1, 2)):
        left = 0
        for colour, outcome in zip(COLOURS[1:] + COLOURS[:1], OUTCOMES):
            count = figures.outcomes[stage][outcome]
            ax.barh(row, count, left=left, color=colour, label=outcome.replace("_", " ") if row == 0 else None)
            left += count
    ax.set_yticks([0, 1], ["Stage 1", "Stage 2"])
    ax.invert_yaxis()
    ax.set_xlabel("responses")
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.35))
    return _svg(fig, "outcomes")


def categories_chart(figures: AnnualFigures) -> Markup:
    shown = figures.categories[:10]
    fig, ax = _figure(height=0.3 * max(len(shown), 2) + 0.6)
    ax.barh([name for name, _ in shown], [count for _, count in shown], color=COLOURS[0])
    ax.invert_yaxis()
    ax.set_xlabel("stage 1 complaints")
    return _svg(fig, "categories")


def annual_report_body(
    figures: AnnualFigures,
    evidence: list[EvidenceRow],
    title: str,
    ombudsman: OmbudsmanFigures | None = None,
    response=None,
    *,
    hazards: list | None = None,
) -> Markup:
    """The report's content (headings, charts, tables) inside `<div class="report">`, for a page to place;
    `ombudsman` gives Code 8.1 c, e and f, and the governing body's response (models/governance.py) is
    published beside it when one was recorded (Code 8.2); `hazards` gives Awaab's Law compliance
    (starter/hazard_section.py), left out of a cut report."""
    charts = {}
    if any(s1 or s2 for _, s1, s2 in figures.received_by_month):
        charts = {
            "volumes": volumes_chart(figures),
            "timeliness": timeliness_chart(figures),
            "outcomes": outcomes_chart(figures),
            "categories": categories_chart(figures),
        }
    return Markup(
        _env.get_template("annual_body.html").render(
            f=figures,
            evidence=evidence,
            title=title,
            charts=charts,
            outcomes=OUTCOMES,
            o=ombudsman,
            response=response,
            cause_name=cause_name,
            money=money,
            paragraphs=paragraphs,
            hazards=hazards,
        )
    )


def annual_report_html(
    figures: AnnualFigures,
    evidence: list[EvidenceRow],
    title: str,
    ombudsman: OmbudsmanFigures | None = None,
    response=None,
    *,
    hazards: list | None = None,
) -> str:
    """The report as one self-contained HTML page (charts and stylesheet inlined), for a file or the PDF."""
    return _env.get_template("annual.html").render(
        f=figures,
        title=title,
        css=Markup(STYLESHEET.read_text()),
        body=annual_report_body(figures, evidence, title, ombudsman, response, hazards=hazards),
    )


def annual_report_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
