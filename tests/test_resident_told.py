"""Issue 27 item 5: an acknowledgement that is late is told to the resident, in words, by their channel
(real workflow on the time-skipping server, real SMTP server)."""

import pytest
from datetime import timedelta

from tests.test_resident_delivery import EMAIL_RESIDENT, delivered, file, mailbox, mailer  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
async def sim(own_sim):
    """This module's cases stay open after its tests: they run on a test server of their own, so the
    shared one's time skips never wait on their timers (conftest.own_sim)."""
    return own_sim


async def test_a_late_acknowledgement_is_told_to_the_resident(sim, mailer, mailbox):
    reference = await file(sim, EMAIL_RESIDENT)
    await sim.env.sleep(timedelta(days=10))  # past the 5 working days to acknowledge
    mail = (await delivered(mailer, mailbox, 1))[0]
    assert mail["Subject"] == f"Your complaint {reference}: We have not yet confirmed your complaint"
    body = " ".join(mail.get_body(("plain",)).get_content().split())
    assert "We should have written to you by now to confirm your complaint" in body and "0300 111 3000" in body
