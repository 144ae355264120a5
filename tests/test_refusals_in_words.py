"""Input that used to be a 500 or a traceback is a refusal in words (issue 29, item 8): an amount of
money too large for arithmetic on the respond form, and a date past the calendar's years (or a count of
working days spanning centuries) for `complaints calendar add`."""

import html

import pytest

from tests.test_cli_bounds import refused_plainly, run
from tests.test_web_cases import _acknowledged, _command_id, _response
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


@pytest.mark.parametrize("amount", ["1e999999", "-1e999999", "1e99", "NaN", "Infinity"])
async def test_an_amount_beyond_arithmetic_is_refused_on_its_row(stack, signed_in, amount):
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    page = (await hana.get(f"/cases/{reference}")).text
    form = _response(
        _command_id(page, reference, "respond"),
        **{
            "remedies.0.kind": "compensation",
            "remedies.0.amount": amount,
            "remedies.0.band": "some_impact",
            "remedies.0.compensation_type": "distress_and_inconvenience",
            "remedies.0.description": "For the weeks without a kitchen",
        },
    )
    response = await hana.post(f"/cases/{reference}/actions/respond", form)
    assert response.status_code == 400, response.text[:500]
    assert "Remedy 1: amount" in html.unescape(response.text)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["9999-12-31", "5"], "START: must be a date in the years 2000 to 2099"),
        (["2026-01-05", "99999999"], "WORKING_DAYS: must be between -5000 and 5000"),
        (["2026-01-05", "5", "--closure", "0001-01-01"], "--closure: must be a date in the years 2000 to 2099"),
    ],
)
def test_calendar_add_refuses_far_dates_in_one_line(args, says):
    done = run("calendar", "add", *args)
    refused_plainly(done, says)
    assert len(done.stderr.strip().splitlines()) == 1


def test_calendar_add_still_counts():
    done = run("calendar", "add", "2026-01-05", "5")
    assert done.exit_code == 0 and done.stdout.strip() == "2026-01-12"
