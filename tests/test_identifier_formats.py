"""Identifiers staff type or post reach the case's history, so each has a strict format (issue 29,
item 10): a command id is a UUID as the system makes it (CLI `--command-id`, the web's hidden field),
an Ombudsman order is its kind and row (`compensation-2`, generated when left out), and the Ombudsman's
reference is the year and a number. A name and a phone number are refused in words, before Temporal."""

import uuid

import pytest

from casework.errors import CommandRejected
from casework.forms import parse_form
from models.input_text import command_id_problem
from tests.test_cli_bounds import read_model, refused_plainly, run  # noqa: F401 (fixture)
from tests.test_web_cases import _acknowledged
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)

PERSONAL = ["Mrs Priya Example 07700 900123", "priya-07700900123", "x" * 10, "R"]


@pytest.mark.parametrize("typed", PERSONAL)
def test_the_command_line_refuses_a_command_id_of_words_or_numbers(read_model, typed):
    refused_plainly(
        run("act", "CMP-2026-000001", "resident_input", "--as", "hana", "note=Called", "--command-id", typed, env=read_model),
        "command_id: must be an id made by the system",
    )


def test_the_ids_the_system_makes_pass():
    for made in (str(uuid.uuid4()), f"cli-{uuid.uuid4().hex}", f"take-{uuid.uuid4()}", uuid.uuid4().hex):
        assert command_id_problem(made) is None, made


@pytest.mark.parametrize(
    ("action", "form", "says"),
    [
        ("ombudsman_order_complied", {"order_id": "JohnSmith07700900123"}, "like compensation-2"),
        (
            "ombudsman_determination",
            {
                "findings": [{"element": "repairs", "finding": "maladministration"}],
                "orders": [{"order_id": "call-mrs-smith", "kind": "apology", "due_on": "2026-06-01"}],
            },
            "like compensation-2",
        ),
        ("ombudsman_referral", {"ombudsman_ref": "SMITH-07700900123"}, "the year and a number, like 202601234"),
        ("ombudsman_referral", {"ombudsman_ref": "07700900123"}, "the year and a number, like 202601234"),
    ],
)
def test_ombudsman_identifiers_have_the_ombudsmans_or_the_systems_form(action, form, says):
    with pytest.raises(CommandRejected) as refused:
        parse_form(action, form)
    assert says in refused.value.message


async def test_the_web_refuses_a_hidden_command_id_changed_by_hand(stack, signed_in):
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    sent = await hana.post(f"/cases/{reference}/actions/resident_input", {"command_id": "Priya 07700 900123", "note": "Called"})
    assert sent.status_code == 400 and "reload the case page" in sent.text
