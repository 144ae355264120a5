"""The annual report page: the same figures as `complaints report annual`, in the browser and as PDF."""

from datetime import date

from starter.web.routes.reports import _current_year
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_the_annual_report_page_shows_the_years_figures_and_a_pdf(stack, signed_in):
    await stack.projected(await stack.start_case(handler="hana"))
    manager = await signed_in("mira")
    this_year = _current_year(date.today())
    page = await manager.get("/reports/annual")
    assert page.status_code == 200
    assert f"report {this_year}" in page.text and "<svg" in page.text, "this year's cases are charted"
    earlier = await manager.get("/reports/annual", params={"year": "2019-20"})
    assert "2019-20" in earlier.text and "<svg" not in earlier.text, "a year with no cases has no charts"
    pdf = await manager.get("/reports/annual.pdf", params={"year": this_year})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_a_bad_year_is_refused_naming_the_field(stack, signed_in):
    manager = await signed_in("mira")
    page = await manager.get("/reports/annual", params={"year": "last year"})
    assert page.status_code == 400
    assert "must be a reporting year like 2025-26" in page.text
